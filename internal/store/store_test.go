package store

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

func TestRoundTrip(t *testing.T) {
	s := openTest(t, Options{})
	const path = "src/ünï/mod.py"
	mk := func(qn, name string, kind graph.NodeKind, n graph.Node) graph.Node {
		n.ID = graph.MakeNodeID(path, qn, kind, 0)
		n.Kind, n.Name, n.QualifiedName, n.File = kind, name, qn, path
		return n
	}
	nodes := []graph.Node{
		mk(path, "mod.py", graph.KindFile, graph.Node{Language: "python", StartLine: 1, EndLine: 90, EndByte: 4000}),
		mk("mod.Grüße", "Grüße", graph.KindClass, graph.Node{
			Language: "python", StartLine: 3, EndLine: 40, StartByte: 30, EndByte: 900,
			Signature: "class Grüße(Base):", Doc: "Grüße — «greetings» 🙂", Visibility: graph.VisPublic,
			ContentHash: 0xfeedface, Parent: graph.MakeNodeID(path, path, graph.KindFile, 0),
		}),
		mk("mod.Grüße.hallo", "hallo", graph.KindMethod, graph.Node{
			Language: "python", StartLine: 5, EndLine: 9, StartByte: 60, EndByte: 200,
			Signature: "def hallo(self):", Visibility: graph.VisProtected, ContentHash: 1,
		}),
		mk("mod.empty", "", graph.KindVariable, graph.Node{StartByte: 10}), // empty strings everywhere else
	}
	file, class, method, empty := nodes[0], nodes[1], nodes[2], nodes[3]
	edges := []graph.Edge{
		{Kind: graph.EdgeContains, Src: file.ID, Dst: class.ID, Target: "Grüße", File: path, Line: 3},
		{Kind: graph.EdgeContains, Src: class.ID, Dst: method.ID, Target: "hallo", File: path, Line: 5},
		{Kind: graph.EdgeInherits, Src: class.ID, Target: "Base", File: path, Line: 3},
		{Kind: graph.EdgeCalls, Src: method.ID, Target: "print", File: path, Line: 6},
		{Kind: graph.EdgeCalls, Src: method.ID, Target: "print", File: path, Line: 7},
		{Kind: graph.EdgeCalls, Src: method.ID, Dst: method.ID, Target: "self.hallo", File: path, Line: 8},
		{Kind: graph.EdgeReferences, Src: empty.ID, Target: "", File: "", Line: 0},
	}
	meta := FileMeta{Path: path, Language: "python", Size: 4000, ModTime: 1700000000000000000, Hash: 42,
		ExtractorVersion: 3, ParseErrors: 1, Error: "partial: ünexpected token", IndexedAt: 99,
		NodeCounts: map[string]uint32{"bogus": 7}} // recomputed by ReplaceFile
	replace(t, s, meta, nodes, edges)

	for _, n := range nodes {
		got, err := s.Node(n.ID)
		if err != nil || got != n {
			t.Errorf("Node(%s) = %+v, %v; want %+v", n.ID, got, err, n)
		}
	}
	if _, err := s.Node(12345); !errors.Is(err, ErrNotFound) {
		t.Errorf("Node(missing) err = %v, want ErrNotFound", err)
	}

	queries := []struct {
		name string
		scan func(func(graph.Node) error) error
		want []graph.Node
	}{
		{"by name", func(fn func(graph.Node) error) error { return s.NodesByName("Grüße", fn) }, []graph.Node{class}},
		{"by name is case sensitive", func(fn func(graph.Node) error) error { return s.NodesByName("grüße", fn) }, nil},
		{"by empty name", func(fn func(graph.Node) error) error { return s.NodesByName("", fn) }, []graph.Node{empty}},
		{"fold upper", func(fn func(graph.Node) error) error { return s.NodesByNameFold("GRÜSSE", fn) }, nil},
		{"fold mixed", func(fn func(graph.Node) error) error { return s.NodesByNameFold("gRÜßE", fn) }, []graph.Node{class}},
		{"fold lower name", func(fn func(graph.Node) error) error { return s.NodesByNameFold("HALLO", fn) }, []graph.Node{method}},
		{"by qualified name", func(fn func(graph.Node) error) error { return s.NodesByQualifiedName("mod.Grüße.hallo", fn) }, []graph.Node{method}},
		{"by qualified prefix only", func(fn func(graph.Node) error) error { return s.NodesByQualifiedName("mod.Grüße.hal", fn) }, nil},
		{"in file by start byte", func(fn func(graph.Node) error) error { return s.NodesInFile(path, fn) }, []graph.Node{file, empty, class, method}},
		{"in other file", func(fn func(graph.Node) error) error { return s.NodesInFile("src/ünï/mod", fn) }, nil},
		{"by kind", func(fn func(graph.Node) error) error { return s.NodesByKind(graph.KindMethod, fn) }, []graph.Node{method}},
	}
	for _, q := range queries {
		if got := collect(t, q.scan); !slices.Equal(got, q.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", q.name, got, q.want)
		}
	}

	all := collect(t, s.AllNodes)
	slices.SortFunc(all, func(a, b graph.Node) int { return strings.Compare(a.QualifiedName, b.QualifiedName) })
	wantAll := slices.Clone(nodes)
	slices.SortFunc(wantAll, func(a, b graph.Node) int { return strings.Compare(a.QualifiedName, b.QualifiedName) })
	if !slices.Equal(all, wantAll) {
		t.Errorf("AllNodes:\n got %+v\nwant %+v", all, wantAll)
	}

	gotEdges := collect(t, s.AllEdges)
	sortEdges(gotEdges)
	wantEdges := slices.Clone(edges)
	sortEdges(wantEdges)
	if !slices.Equal(gotEdges, wantEdges) {
		t.Errorf("AllEdges:\n got %+v\nwant %+v", gotEdges, wantEdges)
	}
	calls := collect(t, func(fn func(graph.Edge) error) error {
		return s.AllEdgesOfKinds([]graph.EdgeKind{graph.EdgeCalls}, fn)
	})
	sortEdges(calls)
	wantCalls := slices.DeleteFunc(slices.Clone(wantEdges), func(e graph.Edge) bool { return e.Kind != graph.EdgeCalls })
	if len(wantCalls) == 0 || !slices.Equal(calls, wantCalls) {
		t.Errorf("AllEdgesOfKinds(calls):\n got %+v\nwant %+v", calls, wantCalls)
	}

	m, err := s.FileMeta(path)
	if err != nil {
		t.Fatal(err)
	}
	meta.NodeCounts = map[string]uint32{"file": 1, "class": 1, "method": 1, "variable": 1}
	meta.EdgeCounts = map[string]uint32{"contains": 2, "inherits": 1, "calls": 3, "references": 1}
	if !metaEqual(m, meta) {
		t.Errorf("FileMeta:\n got %+v\nwant %+v", m, meta)
	}
	if _, err := s.FileMeta("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("FileMeta(missing) err = %v, want ErrNotFound", err)
	}
}

func sortEdges(es []graph.Edge) {
	slices.SortFunc(es, func(a, b graph.Edge) int {
		return strings.Compare(string(appendOutKey(nil, &a)), string(appendOutKey(nil, &b)))
	})
}

func metaEqual(a, b FileMeta) bool {
	return a.Path == b.Path && a.Language == b.Language && a.Size == b.Size && a.ModTime == b.ModTime &&
		a.Hash == b.Hash && a.ExtractorVersion == b.ExtractorVersion && a.ParseErrors == b.ParseErrors &&
		a.Error == b.Error && a.IndexedAt == b.IndexedAt &&
		maps.Equal(a.NodeCounts, b.NodeCounts) && maps.Equal(a.EdgeCounts, b.EdgeCounts)
}

func TestEdgeQueries(t *testing.T) {
	s := openTest(t, Options{})
	_, a, aEdges := genFile("a.go", 1, 4) // file, fn1, fn2, Fn3
	metaB, b, bEdges := genFile("b.go", 1, 2)
	// b.fn1 calls a.fn2 (resolved across files) and references a.Fn3.
	bEdges = append(bEdges,
		graph.Edge{Kind: graph.EdgeCalls, Src: b[1].ID, Dst: a[2].ID, Target: "a.fn2", File: "b.go", Line: 50},
		graph.Edge{Kind: graph.EdgeReferences, Src: b[1].ID, Dst: a[3].ID, Target: "a.Fn3", File: "b.go", Line: 51},
	)
	metaA, _, _ := genFile("a.go", 1, 4)
	replace(t, s, metaA, a, aEdges)
	replace(t, s, metaB, b, bEdges)

	kinds := func(es []graph.Edge) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.Kind.String()+":"+e.Target)
		}
		slices.Sort(out)
		return out
	}
	cases := []struct {
		name string
		scan func(func(graph.Edge) error) error
		want []string
	}{
		{"out all", func(fn func(graph.Edge) error) error { return s.OutEdges(b[1].ID, nil, fn) },
			[]string{"calls:a.fn2", "calls:ext.v1.call1", "references:a.Fn3"}},
		{"out calls", func(fn func(graph.Edge) error) error {
			return s.OutEdges(b[1].ID, []graph.EdgeKind{graph.EdgeCalls}, fn)
		}, []string{"calls:a.fn2", "calls:ext.v1.call1"}},
		{"out refs+contains dup", func(fn func(graph.Edge) error) error {
			return s.OutEdges(b[1].ID, []graph.EdgeKind{graph.EdgeReferences, graph.EdgeContains, graph.EdgeReferences}, fn)
		}, []string{"references:a.Fn3"}},
		{"out empty kinds", func(fn func(graph.Edge) error) error { return s.OutEdges(b[1].ID, []graph.EdgeKind{}, fn) }, nil},
		{"in all", func(fn func(graph.Edge) error) error { return s.InEdges(a[2].ID, nil, fn) },
			[]string{"calls:a.fn2", "calls:fn2", "contains:fn2"}},
		{"in calls", func(fn func(graph.Edge) error) error {
			return s.InEdges(a[2].ID, []graph.EdgeKind{graph.EdgeCalls}, fn)
		}, []string{"calls:a.fn2", "calls:fn2"}},
		{"in refs", func(fn func(graph.Edge) error) error {
			return s.InEdges(a[3].ID, []graph.EdgeKind{graph.EdgeReferences}, fn)
		}, []string{"references:a.Fn3"}},
		{"in none", func(fn func(graph.Edge) error) error { return s.InEdges(a[0].ID, nil, fn) }, nil},
	}
	for _, c := range cases {
		if got := kinds(collect(t, c.scan)); !slices.Equal(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
	in := collect(t, func(fn func(graph.Edge) error) error { return s.InEdges(a[3].ID, nil, fn) })
	for _, e := range in {
		if e.Dst != a[3].ID {
			t.Errorf("InEdges(%s) yielded %+v", a[3].ID, e)
		}
		if e.Kind == graph.EdgeReferences && (e.Src != b[1].ID || e.File != "b.go" || e.Line != 51) {
			t.Errorf("incoming reference = %+v", e)
		}
	}

	// Early stop: the callback's error comes back, after one call.
	calls := 0
	err := s.InEdges(a[2].ID, nil, func(graph.Edge) error { calls++; return errStop })
	if !errors.Is(err, errStop) || calls != 1 {
		t.Errorf("early stop: err %v after %d calls", err, calls)
	}
	calls = 0
	err = s.NodesByKind(graph.KindFunction, func(graph.Node) error { calls++; return errStop })
	if !errors.Is(err, errStop) || calls != 1 {
		t.Errorf("early stop: err %v after %d calls", err, calls)
	}
}

func TestUnresolvedEdges(t *testing.T) {
	s := openTest(t, Options{})
	meta, nodes, _ := genFile("u.go", 1, 3)
	f1, f2 := nodes[1], nodes[2]
	edges := []graph.Edge{
		{Kind: graph.EdgeCalls, Src: f1.ID, Target: "Println", File: "u.go", Line: 1},
		{Kind: graph.EdgeCalls, Src: f2.ID, Target: "Println", File: "u.go", Line: 2},
		{Kind: graph.EdgeCalls, Src: f2.ID, Target: "Println\x00x", File: "u.go", Line: 3},
		{Kind: graph.EdgeCalls, Src: f2.ID, Target: "Print", File: "u.go", Line: 4},
		{Kind: graph.EdgeCalls, Src: f2.ID, Target: "Println2", File: "u.go", Line: 5},
		{Kind: graph.EdgeImports, Src: nodes[0].ID, Target: "Println", File: "u.go", Line: 6},
	}
	replace(t, s, meta, nodes, edges)
	lines := func(kind graph.EdgeKind, target string) []uint32 {
		var out []uint32
		err := s.UnresolvedEdges(kind, target, func(e graph.Edge) error {
			if e.Dst != 0 || e.File != "u.go" || e.Kind != kind || (target != "" && e.Target != target) {
				t.Errorf("UnresolvedEdges(%s, %q) yielded %+v", kind, target, e)
			}
			out = append(out, e.Line)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(out)
		return out
	}
	for _, c := range []struct {
		kind   graph.EdgeKind
		target string
		want   []uint32
	}{
		{graph.EdgeCalls, "Println", []uint32{1, 2}},
		{graph.EdgeCalls, "Println\x00x", []uint32{3}},
		{graph.EdgeCalls, "Print", []uint32{4}},
		{graph.EdgeCalls, "", []uint32{1, 2, 3, 4, 5}},
		{graph.EdgeImports, "Println", []uint32{6}},
		{graph.EdgeImports, "", []uint32{6}},
		{graph.EdgeInherits, "", nil},
		{graph.EdgeCalls, "Printf", nil},
	} {
		if got := lines(c.kind, c.target); !slices.Equal(got, c.want) {
			t.Errorf("UnresolvedEdges(%s, %q) lines %v, want %v", c.kind, c.target, got, c.want)
		}
	}

	// Resolve the Println calls to f1, then unresolve one again.
	var pending []graph.Edge
	if err := s.UnresolvedEdges(graph.EdgeCalls, "Println", func(e graph.Edge) error { pending = append(pending, e); return nil }); err != nil {
		t.Fatal(err)
	}
	b := s.NewBatch()
	defer b.Close()
	for _, e := range pending {
		if err := b.ResolveEdge(e, []graph.NodeID{f1.ID}, graph.ResExact); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Commit(false); err != nil {
		t.Fatal(err)
	}
	if got := lines(graph.EdgeCalls, "Println"); got != nil {
		t.Errorf("after resolve: unresolved lines %v", got)
	}
	in := collect(t, func(fn func(graph.Edge) error) error { return s.InEdges(f1.ID, []graph.EdgeKind{graph.EdgeCalls}, fn) })
	if len(in) != 2 || in[0].Target != "Println" || in[0].Res != graph.ResExact {
		t.Fatalf("after resolve: in edges %+v", in)
	}
	if err := b.UnresolveEdge(in[0]); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(false); err != nil {
		t.Fatal(err)
	}
	if got := lines(graph.EdgeCalls, "Println"); len(got) != 1 {
		t.Errorf("after unresolve: unresolved lines %v", got)
	}
	out := collect(t, func(fn func(graph.Edge) error) error { return s.OutEdges(in[0].Src, nil, fn) })
	for _, e := range out {
		if e.Line == in[0].Line && e.Dst != 0 {
			t.Errorf("edge still resolved: %+v", e)
		}
	}
	if err := b.ResolveEdge(in[1], []graph.NodeID{5}, graph.ResExact); err == nil {
		t.Error("ResolveEdge of a resolved edge: no error")
	}
	// Edge counts per file do not change with resolution, and nothing leaked.
	if err := verifyStoreGeneric(s); err != nil {
		t.Error(err)
	}
}

// verifyStoreGeneric checks the key spaces against the metas without
// genFile's version conventions.
func verifyStoreGeneric(s *Store) error {
	got, err := keyCounts(s)
	if err != nil {
		return err
	}
	st, err := s.Stats()
	if err != nil {
		return err
	}
	var resolved, unresolved int
	if err := s.AllEdges(func(e graph.Edge) error {
		if e.Resolved() {
			resolved++
		} else {
			unresolved++
		}
		return nil
	}); err != nil {
		return err
	}
	switch {
	case got["nodes"] != int(st.Nodes):
		return errorf("nodes: %d keys, stats %d", got["nodes"], st.Nodes)
	case resolved+unresolved != int(st.Edges):
		return errorf("edges: %d keys, stats %d", resolved+unresolved, st.Edges)
	case got["0x2/i"] != resolved:
		return errorf("incoming: %d keys, %d resolved", got["0x2/i"], resolved)
	case got["0x2/u"] != unresolved:
		return errorf("by target: %d keys, %d unresolved", got["0x2/u"], unresolved)
	}
	return nil
}

func errorf(format string, args ...any) error { return errors.New(sprintf(format, args...)) }

func TestReplaceFileRemovesStale(t *testing.T) {
	s := openTest(t, Options{})
	meta, v1, e1 := genFile("x.go", 1, 12)
	replace(t, s, meta, v1, e1)
	other, o, oe := genFile("y.go", 1, 3)
	// y's fn1 calls x's fn10, which the next version of x drops.
	oe = append(oe, graph.Edge{Kind: graph.EdgeCalls, Src: o[1].ID, Dst: v1[10].ID, Target: "fn10", File: "y.go", Line: 99})
	replace(t, s, other, o, oe)
	if err := verifyStore(s); err != nil {
		t.Fatal(err)
	}

	meta2, v2, e2 := genFile("x.go", 2, 4)
	replace(t, s, meta2, v2, e2)
	// The edge from y into x's vanished fn10 is y's: it stays (dangling).
	if err := verifyStore(s); err != nil {
		t.Fatal(err)
	}
	for _, n := range v1[4:] {
		if _, err := s.Node(n.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("stale node %s: err %v", n.QualifiedName, err)
		}
		if got := collect(t, func(fn func(graph.Node) error) error { return s.NodesByName(n.Name, fn) }); len(got) != 0 {
			t.Errorf("stale name %s still indexed: %v", n.Name, got)
		}
		if got := collect(t, func(fn func(graph.Node) error) error { return s.NodesByNameFold(n.Name, fn) }); len(got) != 0 {
			t.Errorf("stale lower name %s still indexed: %v", n.Name, got)
		}
		if got := collect(t, func(fn func(graph.Edge) error) error { return s.OutEdges(n.ID, nil, fn) }); len(got) != 0 {
			t.Errorf("stale node %s still has out edges %v", n.Name, got)
		}
	}
	if got := collect(t, func(fn func(graph.Node) error) error { return s.NodesInFile("x.go", fn) }); !slices.Equal(got, v2) {
		t.Errorf("NodesInFile after replace:\n got %v\nwant %v", nodeIDs(got), nodeIDs(v2))
	}
	if got := collect(t, func(fn func(graph.Edge) error) error { return s.UnresolvedEdges(graph.EdgeCalls, "ext.v1.call9", fn) }); len(got) != 0 {
		t.Errorf("stale unresolved edge: %v", got)
	}
	// Dropping y's edge into the vanished node (what the indexer would do
	// via InEdges + UnresolveEdge) leaves the store exactly consistent.
	dangling := collect(t, func(fn func(graph.Edge) error) error { return s.InEdges(v1[10].ID, nil, fn) })
	if len(dangling) != 1 || dangling[0].Src != o[1].ID {
		t.Fatalf("InEdges of vanished node = %+v", dangling)
	}
	b := s.NewBatch()
	defer b.Close()
	if err := b.UnresolveEdge(dangling[0]); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(true); err != nil {
		t.Fatal(err)
	}
	if err := verifyStoreGeneric(s); err != nil {
		t.Fatal(err)
	}
}

func TestDeleteFile(t *testing.T) {
	s := openTest(t, Options{})
	for _, p := range []string{"a.go", "b.go", "a.go\x00z"} {
		meta, nodes, edges := genFile(p, 1, 6)
		replace(t, s, meta, nodes, edges)
	}
	b := s.NewBatch()
	defer b.Close()
	if err := b.DeleteFile("a.go"); err != nil {
		t.Fatal(err)
	}
	if err := b.DeleteFile("never-indexed.go"); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FileMeta("a.go"); !errors.Is(err, ErrNotFound) {
		t.Errorf("FileMeta(a.go) after delete: %v", err)
	}
	var paths []string
	if err := s.Files(func(m FileMeta) error { paths = append(paths, m.Path); return nil }); err != nil {
		t.Fatal(err)
	}
	if want := []string{"a.go\x00z", "b.go"}; !slices.Equal(paths, want) {
		t.Errorf("Files = %q, want %q", paths, want)
	}
	if err := verifyStore(s); err != nil {
		t.Fatal(err)
	}
	if got := collect(t, func(fn func(graph.Node) error) error { return s.NodesInFile("a.go", fn) }); len(got) != 0 {
		t.Errorf("nodes left in a.go: %v", nodeIDs(got))
	}
}

func TestBatchRules(t *testing.T) {
	s := openTest(t, Options{})
	meta, nodes, edges := genFile("a.go", 1, 3)
	b := s.NewBatch()
	defer b.Close()

	bad := slices.Clone(nodes)
	bad[1].File = "elsewhere.go"
	if err := b.ReplaceFile(meta, bad, nil); err == nil {
		t.Error("node from another file: no error")
	}
	bad = slices.Clone(nodes)
	bad[2].ID = 0
	if err := b.ReplaceFile(meta, bad, nil); err == nil {
		t.Error("node without id: no error")
	}
	if err := b.ReplaceFile(meta, nodes[:1], edges); err == nil {
		t.Error("edge from a node not in the file: no error")
	}
	if err := b.ReplaceFile(FileMeta{}, nil, nil); err == nil {
		t.Error("empty path: no error")
	}
	if b.Len() > 64 {
		t.Errorf("rejected calls wrote %d bytes", b.Len())
	}

	// Duplicates collapse: the last node with an id and the last edge with
	// a key win.
	dupNodes := append(slices.Clone(nodes), nodes[1])
	dupNodes[len(dupNodes)-1].Signature = "last"
	dupEdges := append(slices.Clone(edges), edges[0], edges[len(edges)-1])
	dupEdges[len(dupEdges)-1].File = "last"
	if err := b.ReplaceFile(meta, dupNodes, dupEdges); err != nil {
		t.Fatal(err)
	}
	if err := b.ReplaceFile(meta, nodes, edges); err == nil {
		t.Error("same path twice in one batch: no error")
	}
	if err := b.SetMeta("k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(true); err != nil {
		t.Fatal(err)
	}
	m, err := s.FileMeta("a.go")
	if err != nil {
		t.Fatal(err)
	}
	if m.Nodes() != uint64(len(nodes)) || m.Edges() != uint64(len(edges)) {
		t.Errorf("counts after duplicates: %d nodes %d edges, want %d %d", m.Nodes(), m.Edges(), len(nodes), len(edges))
	}
	if n, _ := s.Node(nodes[1].ID); n.Signature != "last" {
		t.Errorf("duplicate node: got %q, want the last one", n.Signature)
	}
	// After a commit the batch is reusable and the path may be written again.
	if err := b.ReplaceFile(meta, nodes, edges); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(false); err != nil {
		t.Fatal(err)
	}
	if err := verifyStore(s); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.ReplaceFile(meta, nodes, edges); err == nil {
		t.Error("ReplaceFile on closed batch: no error")
	}
}

func TestMeta(t *testing.T) {
	s := openTest(t, Options{})
	b := s.NewBatch()
	defer b.Close()
	for k, v := range map[string][]byte{"head": []byte("abc123"), "empty": nil, "ключ": {0, 1, 2}} {
		if err := b.SetMeta(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Commit(true); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Meta("head"); err != nil || string(v) != "abc123" {
		t.Errorf("Meta(head) = %q, %v", v, err)
	}
	if v, err := s.Meta("empty"); err != nil || v == nil || len(v) != 0 {
		t.Errorf("Meta(empty) = %#v, %v", v, err)
	}
	if v, err := s.Meta("ключ"); err != nil || string(v) != "\x00\x01\x02" {
		t.Errorf("Meta(ключ) = %q, %v", v, err)
	}
	if _, err := s.Meta("missing"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Meta(missing) err = %v", err)
	}
	if err := b.DeleteMeta("head"); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Meta("head"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Meta(head) after delete err = %v", err)
	}
}

func TestStats(t *testing.T) {
	s := openTest(t, Options{})
	b := s.NewBatch()
	defer b.Close()
	for i, lang := range []string{"go", "go", "python"} {
		meta, nodes, edges := genFile(string(rune('a'+i))+".src", 1, 3+i)
		meta.Language = lang
		meta.ParseErrors = uint32(i)
		if i == 2 {
			meta.Error = "boom"
		}
		if err := b.ReplaceFile(meta, nodes, edges); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Commit(true); err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	// genFile with n nodes: 1 file + n-1 functions; n-1 contains, n-2 calls
	// resolved, n-1 calls unresolved. n = 3, 4, 5.
	want := Stats{
		Files: 3, Nodes: 12, Edges: 5 + 8 + 11, ParseErrors: 3, FailedFiles: 1,
		Languages: map[string]LanguageStats{"go": {Files: 2, Nodes: 7, Edges: 13}, "python": {Files: 1, Nodes: 5, Edges: 11}},
		NodeKinds: map[string]uint64{"file": 3, "function": 9},
		EdgeKinds: map[string]uint64{"contains": 9, "calls": 15},
	}
	if st.Files != want.Files || st.Nodes != want.Nodes || st.Edges != want.Edges || st.ParseErrors != want.ParseErrors ||
		st.FailedFiles != want.FailedFiles || !maps.Equal(st.Languages, want.Languages) ||
		!maps.Equal(st.NodeKinds, want.NodeKinds) || !maps.Equal(st.EdgeKinds, want.EdgeKinds) {
		t.Errorf("Stats:\n got %+v\nwant %+v", st, want)
	}
	if n, err := s.DiskSize(); err != nil || n <= 0 {
		t.Errorf("DiskSize = %d, %v", n, err)
	}
}

func TestOpenReadOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), ".codegraph")
	// No index: ErrNoIndex (an ErrNotFound too), naming the directory and
	// no command (the front doors say how to build one).
	if _, err := Open(dir, Options{ReadOnly: true}); !errors.Is(err, ErrNoIndex) || !errors.Is(err, ErrNotFound) ||
		!strings.Contains(err.Error(), dir) || strings.Contains(err.Error(), "`codegraph") {
		t.Fatalf("read-only open of missing dir: %v", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, Options{ReadOnly: true}); !errors.Is(err, ErrNoIndex) || strings.Contains(err.Error(), "`codegraph") {
		t.Fatalf("read-only open of empty dir: %v", err)
	}

	w := openTestDir(t, dir, Options{})
	meta, nodes, edges := genFile("a.go", 1, 5)
	replace(t, w, meta, nodes, edges)

	// A reader opens while the writer holds the store, in this process.
	r := openTestDir(t, dir, Options{ReadOnly: true})
	if !r.ReadOnly() {
		t.Error("ReadOnly() = false")
	}
	if err := verifyStore(r); err != nil {
		t.Fatal(err)
	}
	got := collect(t, func(fn func(graph.Node) error) error { return r.NodesByName("fn2", fn) })
	if len(got) != 1 || got[0].ID != nodes[2].ID {
		t.Fatalf("reader NodesByName = %v", got)
	}
	b := r.NewBatch()
	defer b.Close()
	if err := b.ReplaceFile(meta, nodes, edges); !errors.Is(err, ErrReadOnly) {
		t.Errorf("ReplaceFile on reader: %v", err)
	}
	if err := b.Commit(true); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Commit on reader: %v", err)
	}

	// The reader sees a snapshot; the writer keeps writing.
	meta2, nodes2, edges2 := genFile("a.go", 2, 3)
	replace(t, w, meta2, nodes2, edges2)
	if m, err := r.FileMeta("a.go"); err != nil || m.ExtractorVersion != 1 {
		t.Errorf("reader after write: %+v %v", m, err)
	}
	r2 := openTestDir(t, dir, Options{ReadOnly: true})
	if m, err := r2.FileMeta("a.go"); err != nil || m.ExtractorVersion != 2 {
		t.Errorf("new reader: %+v %v", m, err)
	}
	if err := verifyStore(r2); err != nil {
		t.Fatal(err)
	}
}

func TestErrLockedInProcess(t *testing.T) {
	dir := t.TempDir()
	openTestDir(t, dir, Options{})
	_, err := Open(dir, Options{})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second writer: %v", err)
	}
	if want := sprintf("index is locked by pid %d", os.Getpid()); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
}

func TestReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	meta, nodes, edges := genFile("a.go", 1, 5)
	replace(t, s, meta, nodes, edges)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	s = openTestDir(t, dir, Options{})
	if s.Dir() != dir {
		t.Errorf("Dir() = %q", s.Dir())
	}
	if err := verifyStore(s); err != nil {
		t.Fatal(err)
	}
}

func TestSchemaMismatch(t *testing.T) {
	for _, tc := range []struct {
		name  string
		value []byte // nil: delete the version key
	}{
		{"newer", appendUvarint(nil, uint64(FormatVersion+1))},
		{"garbage", []byte{0xff}},
		{"missing", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s, err := Open(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			meta, nodes, edges := genFile("a.go", 1, 2)
			replace(t, s, meta, nodes, edges)
			if tc.value == nil {
				err = s.db.Delete(schemaKey, nil)
			} else {
				err = s.db.Set(schemaKey, tc.value, nil)
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			for _, ro := range []bool{false, true} {
				_, err := Open(dir, Options{ReadOnly: ro})
				if !errors.Is(err, ErrSchemaMismatch) || strings.Contains(err.Error(), "`codegraph") {
					t.Errorf("Open(ReadOnly=%v) = %v, want ErrSchemaMismatch", ro, err)
				}
			}
			// The failed writer open released its lock.
			if _, err := Open(dir, Options{}); errors.Is(err, ErrLocked) {
				t.Errorf("lock leaked: %v", err)
			}
		})
	}
}

// writeFlushed writes version v of 20 files (genFile) in one batch and
// flushes it to a table.
func writeFlushed(t *testing.T, s *Store, v int) {
	t.Helper()
	b := s.NewBatch()
	for f := range 20 {
		meta, nodes, edges := genFile(sprintf("f%d.go", f), v, 40)
		if err := b.ReplaceFile(meta, nodes, edges); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Commit(false); err != nil {
		t.Fatal(err)
	}
	b.Close()
	if err := s.db.Flush(); err != nil {
		t.Fatal(err)
	}
}

// TestObsoleteFileGrace checks that a writer keeps the files Pebble no
// longer needs until the grace period ends or the store closes, deletes
// them in place (no archive directory), and deletes at once with a
// negative grace.
func TestObsoleteFileGrace(t *testing.T) {
	for _, grace := range []time.Duration{time.Hour, -1} {
		dir := t.TempDir()
		s, err := Open(dir, Options{ObsoleteFileGrace: grace, MemTableSize: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		for v := 1; v <= 3; v++ {
			writeFlushed(t, s, v)
		}
		if err := s.db.Compact(t.Context(), []byte{0}, []byte{0xff}, false); err != nil {
			t.Fatal(err)
		}
		// Pebble deletes obsolete files from a background job.
		var pending []pendingFile
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			s.deleter.mu.Lock()
			pending = slices.Clone(s.deleter.pending)
			s.deleter.mu.Unlock()
			if len(pending) > 0 || grace < 0 || time.Now().After(deadline) {
				break
			}
		}
		if grace > 0 {
			if len(pending) == 0 {
				t.Fatalf("grace %v: no obsolete files kept after a compaction", grace)
			}
			for _, p := range pending {
				if _, err := os.Stat(p.path); err != nil {
					t.Errorf("grace %v: kept file %s: %v", grace, p.path, err)
				}
			}
		} else if len(pending) != 0 {
			t.Errorf("grace %v: %d files pending", grace, len(pending))
		}
		if err := verifyStore(s); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		for _, p := range pending {
			if _, err := os.Stat(p.path); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("grace %v: %s not deleted at close: %v", grace, p.path, err)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "archive")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("grace %v: archive directory exists: %v", grace, err)
		}
		r := openTestDir(t, dir, Options{ReadOnly: true})
		if err := verifyStore(r); err != nil {
			t.Fatal(err)
		}
	}
}

// An ambiguous reference keeps every candidate, each marked with the count.
func TestResolveAmbiguous(t *testing.T) {
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	caller := graph.Node{ID: 1, Kind: graph.KindFunction, Name: "main", QualifiedName: "main", File: "a.go"}
	c1 := graph.Node{ID: 2, Kind: graph.KindFunction, Name: "run", QualifiedName: "run", File: "a.go"}
	c2 := graph.Node{ID: 3, Kind: graph.KindFunction, Name: "run", QualifiedName: "run", File: "a.go"}
	call := graph.Edge{Kind: graph.EdgeCalls, Src: 1, Target: "run", File: "a.go", Line: 3}
	b := s.NewBatch()
	defer b.Close()
	if err := b.ReplaceFile(FileMeta{Path: "a.go"}, []graph.Node{caller, c1, c2}, []graph.Edge{call}); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(false); err != nil {
		t.Fatal(err)
	}
	if err := b.ResolveEdge(call, []graph.NodeID{2, 3}, graph.ResAmbiguous); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(false); err != nil {
		t.Fatal(err)
	}
	var out []graph.Edge
	if err := s.OutEdges(1, []graph.EdgeKind{graph.EdgeCalls}, func(e graph.Edge) error { out = append(out, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out[0].Res != graph.ResAmbiguous || out[0].Candidates != 2 || out[1].Candidates != 2 {
		t.Fatalf("ambiguous edges = %+v", out)
	}
	for _, id := range []graph.NodeID{2, 3} {
		n := 0
		if err := s.InEdges(id, nil, func(e graph.Edge) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("candidate %d has %d callers", id, n)
		}
	}
}

// TestCloseKeepsFilesForReaders checks that a writer closing while a
// read-only open is registered keeps the obsolete files that reader's
// version may name (listing them for the next writer), that the reader
// then reads every table, and that the next writer deletes them: at its
// Close when no reader is open, or once their grace period has passed
// when one is.
func TestCloseKeepsFilesForReaders(t *testing.T) {
	dir := t.TempDir()
	obsolete := func(s *Store) []pendingFile {
		t.Helper()
		if err := s.db.Compact(t.Context(), []byte{0}, []byte{0xff}, false); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			s.deleter.mu.Lock()
			pending := slices.Clone(s.deleter.pending)
			s.deleter.mu.Unlock()
			if len(pending) > 0 {
				return pending
			}
		}
		t.Fatal("no obsolete files after a compaction")
		return nil
	}
	exist := func(files []pendingFile, want bool) {
		t.Helper()
		for _, p := range files {
			if _, err := os.Stat(p.path); (err == nil) != want {
				t.Errorf("%s: exists %v, want %v (%v)", filepath.Base(p.path), err == nil, want, err)
			}
		}
	}
	listed := func() bool {
		_, err := os.Stat(filepath.Join(dir, pendingList))
		return err == nil
	}

	w, err := Open(dir, Options{ObsoleteFileGrace: time.Hour, MemTableSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	for v := 1; v <= 3; v++ {
		writeFlushed(t, w, v)
	}
	r := openTestDir(t, dir, Options{ReadOnly: true})
	writeFlushed(t, w, 4)
	files := obsolete(w)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	exist(files, true)
	if !listed() {
		t.Errorf("%s missing after a close with a reader open", pendingList)
	}
	if err := verifyStore(r); err != nil {
		t.Fatalf("reader after the writer's close: %v", err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}

	// No reader: the next writer deletes them all at its Close.
	w, err = Open(dir, Options{ObsoleteFileGrace: time.Hour, MemTableSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	exist(files, false)
	if listed() {
		t.Errorf("%s left after a close with no reader", pendingList)
	}

	// A reader open: a writer deletes at Close only the files whose grace
	// period has passed.
	w, err = Open(dir, Options{ObsoleteFileGrace: 50 * time.Millisecond, MemTableSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	r = openTestDir(t, dir, Options{ReadOnly: true})
	writeFlushed(t, w, 5)
	files = obsolete(w)
	time.Sleep(100 * time.Millisecond)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	exist(files, false)
	if listed() {
		t.Errorf("%s left with nothing in grace", pendingList)
	}
}
