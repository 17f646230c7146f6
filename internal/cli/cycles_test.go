package cli

import (
	"path/filepath"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/query"
)

func TestCycles(t *testing.T) {
	repo := sharedRepo(t)
	db := filepath.Join(repo, ".codegraph")
	// The fixture's packages do not depend on each other in a circle.
	r := decode[query.CyclesResult](t, mustRun(t, "cycles", "--db", db, "--json"))
	if r.Total != 0 || len(r.Cycles) != 0 {
		t.Errorf("cycles = %+v", r)
	}
	if out := mustRun(t, "cycles", "--db", db); out != "no cycles between packages (over resolved imports and calls)\n" {
		t.Errorf("human cycles: %q", out)
	}
	if _, _, code := run(t, "cycles", "--db", db, "extra"); code == 0 {
		t.Error("cycles took an argument")
	}
}
