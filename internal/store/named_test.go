package store

import (
	"slices"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// The qualified-name index is keyed by directory too: a lookup in one
// directory sees only its nodes, a lookup without one sees them all, and
// a qualified name with a NUL in it shows up under neither its prefix nor
// another directory; replacing and deleting files keeps it current.
func TestNodesByQualifiedNameIn(t *testing.T) {
	s := openTest(t, Options{})
	for _, p := range []string{"a/x.go", "a/y.go", "b/x.go", "root.go"} {
		meta, nodes, edges := genFile(p, 1, 4)
		replace(t, s, meta, nodes, edges)
	}
	// a qualified name "pkg.fn1\x00b" in a/, which must not be taken for
	// pkg.fn1 in a directory named with a NUL ("\x00b/a" is not a path)
	meta, nodes, edges := genFile("a/z.go", 1, 2)
	nodes[1].QualifiedName = "pkg.fn1\x00b"
	nodes[1].ID = graph.MakeNodeID("a/z.go", nodes[1].QualifiedName, graph.KindFunction, 0)
	edges = nil
	replace(t, s, meta, nodes, edges)

	files := func(scan func(func(graph.Node) error) error) []string {
		t.Helper()
		var out []string
		for _, n := range collect(t, scan) {
			out = append(out, n.File)
		}
		slices.Sort(out)
		return out
	}
	in := func(qn, dir string) []string {
		return files(func(fn func(graph.Node) error) error { return s.NodesByQualifiedNameIn(qn, dir, fn) })
	}
	all := func(qn string) []string {
		return files(func(fn func(graph.Node) error) error { return s.NodesByQualifiedName(qn, fn) })
	}
	for _, c := range []struct {
		qn, dir string
		want    []string
	}{
		{"pkg.fn1", "a", []string{"a/x.go", "a/y.go"}},
		{"pkg.fn1", "b", []string{"b/x.go"}},
		{"pkg.fn1", ".", []string{"root.go"}},
		{"pkg.fn1", "c", nil},
		{"pkg.Fn3", "a", []string{"a/x.go", "a/y.go"}},
		{"pkg.fn3", "a", nil},
		{"pkg.fn1\x00b", "a", []string{"a/z.go"}},
		{"pkg.fn1", "\x00b/a", nil},
	} {
		if got := in(c.qn, c.dir); !slices.Equal(got, c.want) {
			t.Errorf("NodesByQualifiedNameIn(%q, %q) = %v, want %v", c.qn, c.dir, got, c.want)
		}
		// the ids from the keys alone are those of the nodes read
		var want, ids []graph.NodeID
		for _, n := range collect(t, func(fn func(graph.Node) error) error { return s.NodesByQualifiedNameIn(c.qn, c.dir, fn) }) {
			want = append(want, n.ID)
		}
		if err := s.NodeIDsByQualifiedNameIn(c.qn, c.dir, func(id graph.NodeID) error { ids = append(ids, id); return nil }); err != nil {
			t.Fatal(err)
		}
		slices.Sort(want)
		slices.Sort(ids)
		if !slices.Equal(ids, want) {
			t.Errorf("NodeIDsByQualifiedNameIn(%q, %q) = %v, want %v", c.qn, c.dir, ids, want)
		}
	}
	if got, want := all("pkg.fn1"), []string{"a/x.go", "a/y.go", "b/x.go", "root.go"}; !slices.Equal(got, want) {
		t.Errorf("NodesByQualifiedName(pkg.fn1) = %v, want %v", got, want)
	}
	if got, want := all("pkg.fn1\x00b"), []string{"a/z.go"}; !slices.Equal(got, want) {
		t.Errorf("NodesByQualifiedName(pkg.fn1 NUL b) = %v, want %v", got, want)
	}

	b := s.NewBatch()
	if err := b.DeleteFile("a/x.go"); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(false); err != nil {
		t.Fatal(err)
	}
	b.Close()
	if got, want := in("pkg.fn1", "a"), []string{"a/y.go"}; !slices.Equal(got, want) {
		t.Errorf("after delete: %v, want %v", got, want)
	}
	meta, nodes, edges = genFile("b/x.go", 2, 2) // fn2 gone
	replace(t, s, meta, nodes, edges)
	if got := in("pkg.fn2", "b"); len(got) != 0 {
		t.Errorf("after replace: pkg.fn2 in b: %v", got)
	}
	if got, want := in("pkg.fn1", "b"), []string{"b/x.go"}; !slices.Equal(got, want) {
		t.Errorf("after replace: %v, want %v", got, want)
	}
	if _, err := s.CheckGraph(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// Unresolved edges are found by the last identifier of their target,
// however qualified, and only while they are unresolved.
func TestUnresolvedEdgesNamed(t *testing.T) {
	s := openTest(t, Options{})
	meta, nodes, _ := genFile("u.go", 1, 3)
	f1, f2 := nodes[1], nodes[2]
	edges := []graph.Edge{
		{Kind: graph.EdgeCalls, Src: f1.ID, Target: "Get", File: "u.go", Line: 1},
		{Kind: graph.EdgeCalls, Src: f1.ID, Target: "s.st.Get", File: "u.go", Line: 2},
		{Kind: graph.EdgeCalls, Src: f2.ID, Target: "r.URL.Query().Get", File: "u.go", Line: 3},
		{Kind: graph.EdgeCalls, Src: f2.ID, Target: "Get\x00x", File: "u.go", Line: 4},
		{Kind: graph.EdgeCalls, Src: f2.ID, Target: "GetAll", File: "u.go", Line: 5},
		{Kind: graph.EdgeReferences, Src: f2.ID, Target: "a.Get", File: "u.go", Line: 6},
		{Kind: graph.EdgeCalls, Src: f2.ID, Target: "()", File: "u.go", Line: 7},
	}
	replace(t, s, meta, nodes, edges)
	lines := func(kind graph.EdgeKind, name string) []uint32 {
		t.Helper()
		var out []uint32
		for _, e := range collect(t, func(fn func(graph.Edge) error) error { return s.UnresolvedEdgesNamed(kind, name, fn) }) {
			if graph.TargetName(e.Target) != name || e.Kind != kind || e.Dst != 0 || e.File != "u.go" {
				t.Errorf("UnresolvedEdgesNamed(%s, %q) yielded %+v", kind, name, e)
			}
			out = append(out, e.Line)
		}
		slices.Sort(out)
		return out
	}
	for _, c := range []struct {
		kind graph.EdgeKind
		name string
		want []uint32
	}{
		{graph.EdgeCalls, "Get", []uint32{1, 2, 3}},
		{graph.EdgeCalls, "x", []uint32{4}},
		{graph.EdgeCalls, "GetAll", []uint32{5}},
		{graph.EdgeCalls, "Ge", nil},
		{graph.EdgeReferences, "Get", []uint32{6}},
		{graph.EdgeCalls, "", []uint32{7}},
	} {
		if got := lines(c.kind, c.name); !slices.Equal(got, c.want) {
			t.Errorf("UnresolvedEdgesNamed(%s, %q) = %v, want %v", c.kind, c.name, got, c.want)
		}
	}
	// Exact targets still find only themselves.
	got := collect(t, func(fn func(graph.Edge) error) error { return s.UnresolvedEdges(graph.EdgeCalls, "s.st.Get", fn) })
	if len(got) != 1 || got[0].Line != 2 {
		t.Errorf("UnresolvedEdges(s.st.Get) = %+v", got)
	}
	// Resolved, an edge leaves the index.
	b := s.NewBatch()
	if err := b.ResolveEdge(edges[1], []graph.NodeID{f2.ID}, graph.ResExact); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(false); err != nil {
		t.Fatal(err)
	}
	b.Close()
	if got, want := lines(graph.EdgeCalls, "Get"), []uint32{1, 3}; !slices.Equal(got, want) {
		t.Errorf("after resolving: %v, want %v", got, want)
	}
}
