package index

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// callEdges returns the calls edges found in file, as target → callee
// qualified name ("" when unresolved).
func callEdges(t *testing.T, root, file string) map[string]string {
	t.Helper()
	st, err := store.Open(DBDirFor(root), store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	out := map[string]string{}
	var srcs []graph.NodeID
	if err := st.NodesInFile(file, func(n graph.Node) error { srcs = append(srcs, n.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	for _, id := range srcs {
		err := st.OutEdges(id, []graph.EdgeKind{graph.EdgeCalls}, func(e graph.Edge) error {
			if e.Dst == 0 {
				out[e.Target] = ""
				return nil
			}
			n, err := st.Node(e.Dst)
			if err != nil {
				t.Errorf("edge %s points at a missing node %s: %v", e.Target, e.Dst, err)
				return nil
			}
			out[e.Target] = n.File + ":" + n.QualifiedName
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// Re-indexing repairs resolution: edges from unchanged files into a
// changed file are unbound when their target disappears, and bound again
// when it reappears, here or in another file.
func TestIncrementalResolution(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "go.mod", "module example.com/m\n\ngo 1.22\n")
	writeFile(t, root, "a.go", "package m\n\nfunc A() { B() }\n")
	writeFile(t, root, "b.go", "package m\n\nfunc B() {}\n")
	runIndex(t, root)
	if got := callEdges(t, root, "a.go")["B"]; got != "b.go:B" {
		t.Fatalf("A calls B: %q", got)
	}

	// B renamed: the edge from the unchanged a.go must not dangle.
	writeFile(t, root, "b.go", "package m\n\nfunc C() {}\n")
	runIndex(t, root)
	if got, ok := callEdges(t, root, "a.go")["B"]; !ok || got != "" {
		t.Fatalf("after rename, A's call to B = %q (present %v), want unresolved", got, ok)
	}

	// B defined again, in a new file: bound again without touching a.go.
	writeFile(t, root, "c.go", "package m\n\nfunc B() {}\n")
	runIndex(t, root)
	if got := callEdges(t, root, "a.go")["B"]; got != "c.go:B" {
		t.Fatalf("after adding c.go, A calls %q, want c.go:B", got)
	}

	// The file holding B deleted: unbound again.
	os.Remove(filepath.Join(root, "c.go"))
	runIndex(t, root)
	if got := callEdges(t, root, "a.go")["B"]; got != "" {
		t.Fatalf("after deleting c.go, A calls %q, want unresolved", got)
	}
}

// Re-indexing a file resolves its unchanged functions' edges as before
// and a changed function's afresh.
func TestReindexedResolutions(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "go.mod", "module example.com/m\n\ngo 1.22\n")
	writeFile(t, root, "t.go", "package m\n\ntype T1 struct{}\n\nfunc (T1) M() {}\n\ntype T2 struct{}\n\nfunc (T2) M() {}\n")
	writeFile(t, root, "a.go", "package m\n\nfunc A() {\n\tx := T1{}\n\tx.M()\n}\n\nfunc Other() {}\n")
	runIndex(t, root)
	if got := callEdges(t, root, "a.go")["x.M"]; got != "t.go:T1.M" {
		t.Fatalf("x.M = %q", got)
	}
	// Another function of the file changes: A's resolution is carried.
	writeFile(t, root, "a.go", "package m\n\nfunc A() {\n\tx := T1{}\n\tx.M()\n}\n\nfunc Other() { A() }\n")
	runIndex(t, root)
	if got := callEdges(t, root, "a.go")["x.M"]; got != "t.go:T1.M" {
		t.Fatalf("after editing Other, x.M = %q", got)
	}
	// A itself changes: its call is resolved again, to the new type.
	writeFile(t, root, "a.go", "package m\n\nfunc A() {\n\tx := T2{}\n\tx.M()\n}\n\nfunc Other() { A() }\n")
	runIndex(t, root)
	if got := callEdges(t, root, "a.go")["x.M"]; got != "t.go:T2.M" {
		t.Fatalf("after editing A, x.M = %q", got)
	}
}

// A settled definition's unresolved call is tried again when the name it
// calls is newly defined, even in the same file.
func TestSettledButNewlyDefined(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "go.mod", "module example.com/m\n\ngo 1.22\n")
	writeFile(t, root, "a.go", "package m\n\nfunc A() { B() }\n")
	runIndex(t, root)
	if got := callEdges(t, root, "a.go")["B"]; got != "" {
		t.Fatalf("B before it exists: %q", got)
	}
	writeFile(t, root, "a.go", "package m\n\nfunc A() { B() }\n\nfunc B() {}\n")
	runIndex(t, root)
	if got := callEdges(t, root, "a.go")["B"]; got != "a.go:B" {
		t.Fatalf("after defining B in the same file, A calls %q", got)
	}
}
