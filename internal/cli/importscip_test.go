package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

// TestImportSCIPCommand imports testdata/precise/scipts/index.scip (made
// by scip-typescript 0.4.0 from that tree) and reads the edges back
// through callers and status; then a shifted file is skipped and listed.
func TestImportSCIPCommand(t *testing.T) {
	repo := testrepo.Copy(t, filepath.Join("..", "..", "testdata", "precise", "scipts"))
	db := filepath.Join(repo, ".codegraph")
	scip := filepath.Join(repo, "index.scip")
	mustRun(t, "index", repo, "--no-search", "--no-daemon", "--quiet")

	out := mustRun(t, "import-scip", "--db", db, scip)
	if !strings.Contains(out, "(scip-typescript 0.4.0): 2 of 2 documents applied, 0 skipped") {
		t.Errorf("import-scip:\n%s", out)
	}
	// new Local() of a local class: its constructor, from the index.
	if out := mustRun(t, "callers", "--db", db, "outer.Local.constructor"); !strings.Contains(out, "[call at src/a.ts:14, precise]") {
		t.Errorf("callers:\n%s", out)
	}
	// pick(1) in main: the implementation (line 3), not a signature.
	if out := mustRun(t, "callees", "--db", db, "main"); !strings.Contains(out, "src/a.ts:3") || strings.Contains(out, "src/a.ts:1\t") || strings.Contains(out, "src/a.ts:2\t") {
		t.Errorf("callees of main:\n%s", out)
	}
	if out := mustRun(t, "status", "--db", db); !strings.Contains(out, "(scip-typescript 0.4.0) imported") || !strings.Contains(out, "2 documents applied, 0 skipped") {
		t.Errorf("status:\n%s", out)
	}

	// a.ts gains a line: the index's definitions no longer line up.
	a := filepath.Join(repo, "src", "a.ts")
	src, err := os.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(a, append([]byte("// this line moves every definition of a.ts down by one\n"), src...), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "index", repo, "--no-search", "--no-daemon", "--quiet")
	out = mustRun(t, "import-scip", "--db", db, "--json", scip)
	var im struct {
		Applied int `json:"applied"`
		Skipped []struct {
			Path   string `json:"path"`
			Reason string `json:"reason"`
		} `json:"skipped"`
	}
	if err := json.Unmarshal([]byte(out), &im); err != nil {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	if im.Applied != 1 || len(im.Skipped) != 1 || im.Skipped[0].Path != "src/a.ts" || !strings.Contains(im.Skipped[0].Reason, "definition of pick at 1:17 reads") {
		t.Errorf("after moving a.ts's lines: %s", out)
	}
	if out := mustRun(t, "callers", "--db", db, "outer.Local.constructor"); strings.Contains(out, "precise") {
		t.Errorf("a skipped document kept its imported edges:\n%s", out)
	}

	if _, _, code := run(t, "import-scip", "--db", db, filepath.Join(repo, "missing.scip")); code == 0 {
		t.Error("a missing index imported")
	}
}
