package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

func historyRepo(t *testing.T) string {
	return testrepo.GitHistory(t, filepath.Join("..", "..", "testdata", "history"))
}

func keysOf(m map[string]any) []string {
	var k []string
	for s := range m {
		k = append(k, s)
	}
	slices.Sort(k)
	return k
}

// checkKeys fails unless obj is a JSON object with exactly the keys want.
func checkKeys(t *testing.T, what string, obj any, want ...string) map[string]any {
	t.Helper()
	m, ok := obj.(map[string]any)
	if !ok {
		t.Fatalf("%s: %T, want an object", what, obj)
	}
	slices.Sort(want)
	if got := keysOf(m); !slices.Equal(got, want) {
		t.Errorf("%s keys %v, want %v", what, got, want)
	}
	return m
}

// The --json object of diff is pinned: its keys, their types, and what
// v1 → v2 of testdata/history changes.
func TestDiffJSONSchema(t *testing.T) {
	repo := historyRepo(t)
	db := filepath.Join(repo, ".codegraph")
	mustRun(t, "index", repo, "-q")
	var top any
	if err := json.Unmarshal([]byte(mustRun(t, "diff", "v1", "v2", "--json", "--db", db)), &top); err != nil {
		t.Fatal(err)
	}
	d := checkKeys(t, "diff", top, "from", "to", "symbols", "calls", "impacted", "complete", "tests")
	if f, _ := d["from"].(string); len(f) != 40 {
		t.Errorf("from %v, want a commit hash", d["from"])
	}
	var got []string
	for _, s := range d["symbols"].([]any) {
		m := checkKeys(t, "symbol", s, "change", "kind", "name", "qualified_name", "file", "line", "language")
		if _, ok := m["line"].(float64); !ok || m["language"] != "go" {
			t.Errorf("symbol %v", m)
		}
		got = append(got, m["change"].(string)+" "+m["qualified_name"].(string)+" "+m["file"].(string))
	}
	want := []string{"modified Helper lib/lib.go", "added New lib/lib.go", "removed Old lib/lib.go", "modified unexported lib/lib.go", "modified main main.go"}
	if !slices.Equal(got, want) {
		t.Errorf("symbols %v, want %v", got, want)
	}
	calls := checkKeys(t, "calls", d["calls"], "added", "removed")
	for _, side := range []string{"added", "removed"} {
		cs := calls[side].([]any)
		if len(cs) != 1 {
			t.Fatalf("calls %s: %v", side, cs)
		}
		c := checkKeys(t, "call", cs[0], "src", "dst", "file", "line")
		if want := map[string]string{"added": "New", "removed": "Old"}[side]; c["src"] != "main" || c["dst"] != want || c["file"] != "main.go" {
			t.Errorf("call %s: %v", side, c)
		}
	}
	var imp []string
	for _, i := range d["impacted"].([]any) {
		m := checkKeys(t, "impacted", i, "qualified_name", "file", "line", "depth", "via")
		imp = append(imp, m["qualified_name"].(string)+" "+m["via"].(string))
	}
	if want := []string{"wrap Helper", "TestWrap wrap"}; !slices.Equal(imp, want) {
		t.Errorf("impacted %v, want %v", imp, want)
	}
	if d["complete"] != true || len(d["tests"].([]any)) != 1 {
		t.Errorf("complete %v tests %v", d["complete"], d["tests"])
	}

	// Human output: grouped by file, API changes marked.
	out := mustRun(t, "diff", "v1", "v2", "--db", db)
	for _, s := range []string{"lib/lib.go\n", "func Helper(x, y int) int\tAPI: was func Helper(x int) int", "func Old()\tAPI: removed", "tests to run: app_test.go"} {
		if !strings.Contains(out, s) {
			t.Errorf("diff output lacks %q:\n%s", s, out)
		}
	}

	// Uncommitted work: HEAD (v2) against the working tree, which the
	// index must hold.
	if err := os.WriteFile(filepath.Join(repo, "app.go"), []byte("package main\n\nimport \"example.com/demo/lib\"\n\nfunc wrap() int {\n\tlib.New()\n\treturn lib.Helper(2, 1)\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := run(t, "diff", "--db", db); code == 0 || !strings.Contains(errs, "app.go") || !strings.Contains(errs, "codegraph index") {
		t.Errorf("diff with a stale index: exit %d, %s", code, errs)
	}
	mustRun(t, "index", repo, "-q")
	if err := json.Unmarshal([]byte(mustRun(t, "diff", "--json", "--db", db)), &top); err != nil {
		t.Fatal(err)
	}
	d = top.(map[string]any)
	if d["to"] != "worktree" || len(d["symbols"].([]any)) != 1 || len(d["calls"].(map[string]any)["added"].([]any)) != 1 {
		t.Errorf("uncommitted diff: %v", d)
	}
	if imp := d["impacted"].([]any); len(imp) != 1 || imp[0].(map[string]any)["qualified_name"] != "TestWrap" {
		t.Errorf("uncommitted impacted: %v", imp)
	}

	// Errors.
	if _, errs, code := run(t, "diff", "nosuchrev", "v2", "--db", db); code != 2 || !strings.Contains(errs, "nosuchrev") {
		t.Errorf("bad revision: exit %d, %s", code, errs)
	}
}

func TestVersionsCommands(t *testing.T) {
	repo := historyRepo(t)
	db := filepath.Join(repo, ".codegraph")
	mustRun(t, "index", repo, "-q")
	if out := mustRun(t, "versions", "list", "--db", db); !strings.Contains(out, "no versions") {
		t.Errorf("empty list: %s", out)
	}
	out := mustRun(t, "versions", "create", "v1", "--tag", "first", "--db", db)
	if !strings.Contains(out, "6 files\tfirst") { // 4 Go files, go.mod, .gitignore
		t.Errorf("create: %s", out)
	}
	if out := mustRun(t, "versions", "create", "first", "--db", db); !strings.HasPrefix(out, "exists: ") {
		t.Errorf("create again: %s", out)
	}
	mustRun(t, "versions", "create", "v2", "--db", db)
	var vs []struct {
		Commit string
		Tags   []string
		Files  int
	}
	if err := json.Unmarshal([]byte(mustRun(t, "versions", "list", "--json", "--db", db)), &vs); err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || !slices.Equal(vs[0].Tags, []string{"first"}) || vs[1].Files != 6 {
		t.Errorf("list: %+v", vs)
	}
	// diff by the version's tag
	if out := mustRun(t, "diff", "first", "v2", "--db", db); !strings.Contains(out, "5 symbols changed") {
		t.Errorf("diff by tag: %s", out)
	}
	mustRun(t, "versions", "delete", "first", "--db", db)
	if _, errs, code := run(t, "versions", "delete", "first", "--db", db); code != 2 {
		t.Errorf("delete twice: exit %d %s", code, errs)
	}
	if _, errs, code := run(t, "versions", "create", "nosuch", "--db", db); code != 2 || !strings.Contains(errs, "nosuch") {
		t.Errorf("create of a bad revision: exit %d %s", code, errs)
	}
}

// --at answers def, callers, callees and impact from a revision's graph.
func TestQueriesAt(t *testing.T) {
	repo := historyRepo(t)
	db := filepath.Join(repo, ".codegraph")
	mustRun(t, "index", repo, "-q")
	if _, _, code := run(t, "def", "Old", "--db", db); code == 0 {
		t.Error("Old found in the index (v2 removed it)")
	}
	if out := mustRun(t, "def", "Old", "--at", "v1", "--db", db); !strings.Contains(out, "func Old()") {
		t.Errorf("def --at v1: %s", out)
	}
	if out := mustRun(t, "callees", "main", "--at", "v1", "--db", db); !strings.Contains(out, "func Old()") || !strings.Contains(out, "func Helper(x int) int") {
		t.Errorf("callees --at v1: %s", out)
	}
	if out := mustRun(t, "callers", "Helper", "--at", "v1", "--db", db); !strings.Contains(out, "depth 1: 2") {
		t.Errorf("callers --at v1: %s", out)
	}
	if out := mustRun(t, "impact", "Helper", "--at", "v2", "--db", db); !strings.Contains(out, "3 symbols") {
		t.Errorf("impact --at v2: %s", out)
	}
	if _, errs, code := run(t, "def", "Old", "--at", "nosuch", "--db", db); code != 2 || !strings.Contains(errs, "nosuch") {
		t.Errorf("--at nosuch: exit %d %s", code, errs)
	}
	// refs, deps and path too: main reaches Old at v1 only.
	if out := mustRun(t, "refs", "Old", "--at", "v1", "--db", db); !strings.Contains(out, "main") {
		t.Errorf("refs --at v1: %s", out)
	}
	if out := mustRun(t, "deps", "main", "--at", "v1", "--db", db); !strings.Contains(out, "Old") {
		t.Errorf("deps --at v1: %s", out)
	}
	if out := mustRun(t, "path", "main", "Old", "--at", "v1", "--db", db); !strings.Contains(out, "Old") {
		t.Errorf("path --at v1: %s", out)
	}
	if _, _, code := run(t, "path", "main", "Old", "--db", db); code == 0 {
		t.Error("path main Old found in the index (v2 removed Old)")
	}
}
