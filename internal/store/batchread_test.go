package store

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// TestBatchedReads checks NodesByID, InEdgesMany and OutEdgesMany against the point
// reads they stand for, with ids out of order, repeated, zero and missing.
func TestBatchedReads(t *testing.T) {
	s := openTest(t, Options{})
	var all []graph.Node
	for f := range 3 {
		meta, nodes, edges := genFile(fmt.Sprintf("f%d.go", f), 1, 20)
		replace(t, s, meta, nodes, edges)
		all = append(all, nodes...)
	}
	ids := []graph.NodeID{all[30].ID, 0, all[2].ID, graph.NodeID(12345), all[30].ID, all[0].ID, all[45].ID}
	got := make([]graph.Node, len(ids))
	if err := s.NodesByID(ids, got); err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		want, err := s.Node(id)
		if err != nil {
			want = graph.Node{}
		}
		if !reflect.DeepEqual(got[i], want) {
			t.Errorf("NodesByID[%d] = %+v, want %+v", i, got[i], want)
		}
	}
	if err := s.NodesByID(ids, got[:2]); err == nil {
		t.Error("NodesByID with a short output slice did not fail")
	}
	for _, kinds := range [][]graph.EdgeKind{nil, {graph.EdgeCalls}, {graph.EdgeContains, graph.EdgeReferences}} {
		many := make([][]graph.Edge, len(ids))
		if err := s.InEdgesMany(ids, kinds, func(i int, e graph.Edge) error {
			many[i] = append(many[i], e)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		for i, id := range ids {
			var want []graph.Edge
			if id != 0 {
				want = collect(t, func(fn func(graph.Edge) error) error { return s.InEdges(id, kinds, fn) })
			}
			if len(want) == 0 {
				want = nil
			}
			if !reflect.DeepEqual(many[i], want) {
				t.Errorf("kinds %v: InEdgesMany[%d] = %v, want %v", kinds, i, many[i], want)
			}
		}
	}
	for _, kinds := range [][]graph.EdgeKind{nil, {graph.EdgeCalls}, {graph.EdgeContains, graph.EdgeReferences}} {
		many := make([][]graph.Edge, len(ids))
		if err := s.OutEdgesMany(ids, kinds, func(i int, e graph.Edge) error {
			many[i] = append(many[i], e)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		for i, id := range ids {
			var want []graph.Edge
			if id != 0 {
				want = collect(t, func(fn func(graph.Edge) error) error { return s.OutEdges(id, kinds, fn) })
			}
			if len(want) == 0 {
				want = nil
			}
			if !reflect.DeepEqual(many[i], want) {
				t.Errorf("kinds %v: OutEdgesMany[%d] = %v, want %v", kinds, i, many[i], want)
			}
		}
	}
	stop := fmt.Errorf("stop")
	if err := s.InEdgesMany(ids, nil, func(int, graph.Edge) error { return stop }); err != stop {
		t.Errorf("callback error: got %v", err)
	}
	if err := s.OutEdgesMany(ids, nil, func(int, graph.Edge) error { return stop }); err != stop {
		t.Errorf("OutEdgesMany callback error: got %v", err)
	}
}

// TestNodeIDsInFiles checks NodeIDsInFiles and FileEntries against NodesInFile, with paths
// out of order, repeated, missing, and a path that is a prefix of another.
func TestNodeIDsInFiles(t *testing.T) {
	s := openTest(t, Options{})
	for _, p := range []string{"f0.go", "f1.go", "f1.go.bak", "f2.go"} {
		meta, nodes, edges := genFile(p, 1, 7)
		replace(t, s, meta, nodes, edges)
	}
	paths := []string{"f2.go", "missing.go", "f1.go", "f0.go", "f2.go", "f1"}
	got := make([][]graph.NodeID, len(paths))
	if err := s.NodeIDsInFiles(paths, func(i int, id graph.NodeID) error {
		got[i] = append(got[i], id)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for i, p := range paths {
		var want []graph.NodeID
		if err := s.NodesInFile(p, func(n graph.Node) error { want = append(want, n.ID); return nil }); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got[i], want) {
			t.Errorf("NodeIDsInFiles[%d] (%s) = %v, want %v", i, p, got[i], want)
		}
	}
	if len(got[0]) == 0 {
		t.Fatal("no nodes read")
	}
	// FileEntries: the same nodes, with their kind and names.
	entries := make([][]FileEntry, len(paths))
	if err := s.FileEntries(paths, func(i int, e FileEntry) error {
		entries[i] = append(entries[i], e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for i, p := range paths {
		var want []FileEntry
		if err := s.NodesInFile(p, func(n graph.Node) error {
			want = append(want, FileEntry{ID: n.ID, Kind: n.Kind, Name: n.Name, QualifiedName: n.QualifiedName})
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(entries[i], want) {
			t.Errorf("FileEntries[%d] (%s) = %v, want %v", i, p, entries[i], want)
		}
	}
	stop := fmt.Errorf("stop")
	if err := s.FileEntries(paths, func(int, FileEntry) error { return stop }); err != stop {
		t.Errorf("FileEntries callback error: got %v", err)
	}
	if err := s.NodeIDsInFiles(paths, func(int, graph.NodeID) error { return stop }); err != stop {
		t.Errorf("callback error: got %v", err)
	}
	if err := s.NodeIDsInFiles(nil, func(int, graph.NodeID) error { return stop }); err != nil {
		t.Errorf("no paths: got %v", err)
	}
}

// dumpKV returns every key and value of s but the file metas (they hold
// the time of writing), in key order.
func dumpKV(t *testing.T, s *Store) []string {
	t.Helper()
	it, err := s.db.NewIter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	var out []string
	for ok := it.First(); ok; ok = it.Next() {
		if k := it.Key(); len(k) > 1 && k[0] == famMeta && k[1] == spaceFileMeta {
			continue
		}
		out = append(out, fmt.Sprintf("%x=%x", it.Key(), it.Value()))
	}
	if err := it.Error(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReplaceFileKnown: replacing files with their outgoing edges read
// ahead (OutEdgesMany) leaves exactly the store ReplaceFile leaves.
func TestReplaceFileKnown(t *testing.T) {
	stores := []*Store{openTest(t, Options{}), openTest(t, Options{})}
	for _, s := range stores {
		for _, p := range []string{"a.go", "b.go", "c.go"} {
			meta, nodes, edges := genFile(p, 1, 12)
			replace(t, s, meta, nodes, edges)
		}
		// Edges across files: a resolved one into a.go, an unresolved
		// one from a.go.
		a, b := collect(t, func(fn func(graph.Node) error) error { return s.NodesInFile("a.go", fn) }),
			collect(t, func(fn func(graph.Node) error) error { return s.NodesInFile("b.go", fn) })
		e := graph.Edge{Kind: graph.EdgeCalls, Src: a[3].ID, Target: "b.Fn3", File: "a.go", Line: 77}
		meta, nodes, edges := genFile("a.go", 1, 12)
		edges = append(edges, e)
		replace(t, s, meta, nodes, edges)
		batch := s.NewBatch()
		if err := batch.ResolveEdge(e, []graph.NodeID{b[3].ID}, graph.ResExact); err != nil {
			t.Fatal(err)
		}
		if err := batch.Commit(false); err != nil {
			t.Fatal(err)
		}
		batch.Close()
	}
	// Replace a.go and b.go with new versions; delete nothing else.
	paths := []string{"a.go", "b.go"}
	var ids []graph.NodeID
	if err := stores[1].NodeIDsInFiles(paths, func(_ int, id graph.NodeID) error { ids = append(ids, id); return nil }); err != nil {
		t.Fatal(err)
	}
	out := map[graph.NodeID][]graph.Edge{}
	if err := stores[1].OutEdgesMany(ids, nil, func(_ int, e graph.Edge) error { out[e.Src] = append(out[e.Src], e); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatal("no edges read")
	}
	for i, s := range stores {
		batch := s.NewBatch()
		for _, p := range paths {
			meta, nodes, edges := genFile(p, 2, 9)
			var err error
			if i == 0 {
				err = batch.ReplaceFile(meta, nodes, edges)
			} else {
				err = batch.ReplaceFileKnown(meta, nodes, edges, out)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := batch.Commit(false); err != nil {
			t.Fatal(err)
		}
		batch.Close()
	}
	want, got := dumpKV(t, stores[0]), dumpKV(t, stores[1])
	if !slices.Equal(got, want) {
		t.Errorf("ReplaceFileKnown left %d keys, ReplaceFile %d", len(got), len(want))
		for _, k := range got {
			if !slices.Contains(want, k) {
				t.Errorf("only after ReplaceFileKnown: %s", k)
			}
		}
		for _, k := range want {
			if !slices.Contains(got, k) {
				t.Errorf("only after ReplaceFile: %s", k)
			}
		}
	}
}

// TestUnresolvedEdgesWhere checks UnresolvedEdgesWhere against
// UnresolvedEdges filtered by the same predicate, with targets shared by
// several files (consecutive keys of one target are matched once).
func TestUnresolvedEdgesWhere(t *testing.T) {
	s := openTest(t, Options{})
	for _, p := range []string{"f0.go", "f1.go", "f2.go"} {
		meta, nodes, edges := genFile(p, 1, 9)
		replace(t, s, meta, nodes, edges)
	}
	want := func(target string) bool {
		return strings.HasSuffix(target, "call3") || strings.HasSuffix(target, "call7")
	}
	var exp, got []graph.Edge
	if err := s.UnresolvedEdges(graph.EdgeCalls, "", func(e graph.Edge) error {
		if want(e.Target) {
			exp = append(exp, e)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	asked := map[string]int{}
	if err := s.UnresolvedEdgesWhere(graph.EdgeCalls, func(target []byte) bool {
		asked[string(target)]++
		return want(string(target))
	}, func(e graph.Edge) error {
		got = append(got, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(exp) != 6 || !reflect.DeepEqual(got, exp) {
		t.Errorf("UnresolvedEdgesWhere = %v, want %v (6 edges)", got, exp)
	}
	for target, n := range asked {
		if n != 1 {
			t.Errorf("target %q asked %d times", target, n)
		}
	}
	stop := fmt.Errorf("stop")
	if err := s.UnresolvedEdgesWhere(graph.EdgeCalls, func([]byte) bool { return true }, func(graph.Edge) error { return stop }); err != stop {
		t.Errorf("callback error: got %v", err)
	}
}
