package index

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/store"
)

func writeFile(t *testing.T, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func runIndex(t *testing.T, root string) *Summary {
	t.Helper()
	sum, err := Run(context.Background(), Options{Root: root})
	if err != nil {
		t.Fatalf("index: %v", err)
	}
	return sum
}

func qualifiedNames(t *testing.T, root, file string) []string {
	t.Helper()
	st, err := store.Open(DBDirFor(root), store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var out []string
	if err := st.NodesInFile(file, func(n graph.Node) error {
		if n.Kind != graph.KindFile && n.Kind != graph.KindImport && n.Kind != graph.KindPackage {
			out = append(out, n.QualifiedName)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func TestIncremental(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "a.go", "package p\n\nfunc A() { B() }\n")
	writeFile(t, root, "b.go", "package p\n\nfunc B() {}\n\nfunc C() {}\n")
	writeFile(t, root, "lib/util.py", "def helper():\n    return 1\n")
	writeFile(t, root, "README.md", "# not code\n") // a text file: a file node and its section

	s := runIndex(t, root)
	if s.Files != 4 || s.Added != 4 || s.Changed != 0 || s.Deleted != 0 {
		t.Fatalf("first run: %+v", s)
	}
	if got := qualifiedNames(t, root, "b.go"); len(got) != 2 || got[0] != "B" || got[1] != "C" {
		t.Fatalf("b.go symbols = %v", got)
	}

	if got := qualifiedNames(t, root, "README.md"); len(got) != 1 || got[0] != "not code" {
		t.Fatalf("README.md sections = %v", got)
	}

	s = runIndex(t, root)
	if s.Unchanged != 4 || s.Added+s.Changed+s.Deleted != 0 {
		t.Fatalf("no-change run: %+v", s)
	}

	// Change one file (drop C), delete another, add a third.
	writeFile(t, root, "b.go", "package p\n\nfunc B() {}\n")
	os.Remove(filepath.Join(root, "lib/util.py"))
	writeFile(t, root, "c.go", "package p\n\nfunc D() {}\n")
	s = runIndex(t, root)
	if s.Changed != 1 || s.Deleted != 1 || s.Added != 1 || s.Unchanged != 2 {
		t.Fatalf("incremental run: %+v", s)
	}
	if got := qualifiedNames(t, root, "b.go"); len(got) != 1 || got[0] != "B" {
		t.Fatalf("b.go after change = %v", got)
	}
	if got := qualifiedNames(t, root, "lib/util.py"); len(got) != 0 {
		t.Fatalf("deleted file still has nodes: %v", got)
	}
	st, err := store.Open(DBDirFor(root), store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stats, err := st.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if stats.Files != 4 {
		t.Fatalf("stats files = %d, want 4", stats.Files)
	}
	// No node of a deleted or replaced definition survives anywhere.
	if err := st.AllNodes(func(n graph.Node) error {
		if n.QualifiedName == "C" || n.File == "lib/util.py" {
			t.Errorf("stale node %s in %s", n.QualifiedName, n.File)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// A touched file whose content is unchanged is not re-parsed.
func TestTouchUnchanged(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "a.go", "package p\n\nfunc A() {}\n")
	runIndex(t, root)
	writeFile(t, root, "a.go", "package p\n\nfunc A() {}\n") // same bytes, new mtime
	s := runIndex(t, root)
	if s.Changed != 0 || s.Unchanged != 1 {
		t.Fatalf("touched file: %+v", s)
	}
	if got := qualifiedNames(t, root, "a.go"); len(got) != 1 {
		t.Fatalf("a.go symbols after touch = %v", got)
	}
	s = runIndex(t, root)
	if s.Unchanged != 1 || s.Changed != 0 {
		t.Fatalf("after touch, stat data refreshed: %+v", s)
	}
}

// Bad files are reported and do not stop the run.
func TestBadFilesDoNotStopTheRun(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "ok.go", "package p\n\nfunc OK() {}\n")
	writeFile(t, root, "broken.go", "package p\n\nfunc Broken( {\n\nfunc After() {}\n")
	writeFile(t, root, "latin1.py", "def f():\n    return '\xe9'\n")
	writeFile(t, root, "bin.js", "var a = 1;\x00\x00\x00binary")
	writeFile(t, root, ".env", "SECRET=1\n")
	writeFile(t, root, "big.go", "package p\n\nvar Big = `"+string(make([]byte, 2<<20))+"`\n")
	s := runIndex(t, root)
	if s.SyntaxErr < 1 {
		t.Errorf("want broken.go counted with syntax errors: %+v", s)
	}
	if s.Skipped["binary"] != 1 || s.Skipped["secret"] != 1 || s.Skipped["too-large"] != 1 {
		t.Errorf("skips = %v", s.Skipped)
	}
	if got := qualifiedNames(t, root, "ok.go"); len(got) != 1 {
		t.Errorf("ok.go = %v", got)
	}
	if got := qualifiedNames(t, root, "broken.go"); len(got) == 0 {
		t.Errorf("broken.go: error recovery kept nothing")
	}
}

func TestLanguageFilterAndCancel(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "a.go", "package p\n")
	writeFile(t, root, "b.py", "x = 1\n")
	s, err := Run(context.Background(), Options{Root: root, Languages: []string{"python"}})
	if err != nil {
		t.Fatal(err)
	}
	if s.Files != 1 {
		t.Fatalf("python only: %+v", s)
	}
	if _, err := Run(context.Background(), Options{Root: root, Languages: []string{"cobol"}}); err == nil {
		t.Fatal("unknown language accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, Options{Root: root, Force: true}); err == nil {
		t.Fatal("cancelled run succeeded")
	}
}
