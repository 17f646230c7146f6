package cli

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/query"
)

func TestOverview(t *testing.T) {
	repo := sharedRepo(t)
	db := filepath.Join(repo, ".codegraph")
	r := decode[query.OverviewResult](t, mustRun(t, "overview", "--db", db, "--json"))
	var pkgs []string
	for _, p := range r.Packages {
		pkgs = append(pkgs, p.Package)
		if p.Files == 0 || p.Nodes == 0 || len(p.Languages) != 1 {
			t.Errorf("package %+v", p)
		}
	}
	if !reflect.DeepEqual(pkgs, []string{"pkg/server", "pkg/store", "tools", "web"}) || r.Files != 5 || r.Root != repo {
		t.Errorf("overview: packages %v, files %d, root %q", pkgs, r.Files, r.Root)
	}
	if r.Languages["go"] != 2 || r.Languages["python"] != 1 || r.Languages["typescript"] != 2 || r.Languages["external"] != 0 {
		t.Errorf("languages = %v", r.Languages)
	}
	if r.EntryPoints == nil || r.Dependencies == nil || r.Hubs == nil {
		t.Errorf("nil lists: %+v", r)
	}
	out := mustRun(t, "overview", "--db", db)
	for _, want := range []string{repo + ": 5 files", "packages (4):", "  pkg/store\t1 file", "entry points:"} {
		if !strings.Contains(out, want) {
			t.Errorf("human overview lacks %q:\n%s", want, out)
		}
	}
	r = decode[query.OverviewResult](t, mustRun(t, "overview", "--db", db, "--limit", "3", "--hubs", "0", "--json"))
	if len(r.Packages) != 3 || r.NextCursor == "" || len(r.Hubs) != 0 {
		t.Errorf("paged: %+v", r)
	}
	r = decode[query.OverviewResult](t, mustRun(t, "overview", "--db", db, "--limit", "3", "--cursor", r.NextCursor, "--json"))
	if len(r.Packages) != 1 || r.Packages[0].Package != "web" {
		t.Errorf("page 2: %+v", r.Packages)
	}
}
