package history

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// A version's in-memory graph answers every query.Reader method as a
// store holding the same facts does, in the same order: the query engine
// cannot tell them apart.
func TestMemGraphMatchesStore(t *testing.T) {
	repo := fixtureRepo(t)
	h := openHistory(t, repo)
	ctx := context.Background()
	if _, _, err := h.Create(ctx, "v2", ""); err != nil {
		t.Fatal(err)
	}
	c, _, _ := h.Has(ctx, "v2")
	m, err := h.d.manifest(c)
	if err != nil {
		t.Fatal(err)
	}
	var facts []*fileFacts
	dir := filepath.Join(t.TempDir(), "st")
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close(); os.RemoveAll(dir) })
	b := st.NewBatch()
	for _, f := range m.files {
		ff, err := h.d.facts(f.hash)
		if err != nil {
			t.Fatal(err)
		}
		facts = append(facts, ff)
		if err := b.ReplaceFile(ff.meta, ff.nodes, ff.edges); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Commit(true); err != nil {
		t.Fatal(err)
	}
	b.Close()
	mem := newMemGraph(facts)

	type rec struct {
		nodes []graph.Node
		edges []graph.Edge
		files []string
	}
	collect := func(r query.Reader, call func(r query.Reader, x *rec) error) rec {
		var x rec
		if err := call(r, &x); err != nil {
			t.Fatal(err)
		}
		return x
	}
	nf := func(x *rec) func(graph.Node) error {
		return func(n graph.Node) error { x.nodes = append(x.nodes, n); return nil }
	}
	ef := func(x *rec) func(graph.Edge) error {
		return func(e graph.Edge) error { x.edges = append(x.edges, e); return nil }
	}
	var all []graph.Node
	st.AllNodes(func(n graph.Node) error { all = append(all, n); return nil })
	if len(all) < 10 {
		t.Fatalf("%d nodes", len(all))
	}
	calls := map[string]func(r query.Reader, x *rec) error{
		"AllNodes": func(r query.Reader, x *rec) error { return r.AllNodes(nf(x)) },
		"AllEdges": func(r query.Reader, x *rec) error { return r.AllEdges(ef(x)) },
		"Files": func(r query.Reader, x *rec) error {
			return r.Files(func(m store.FileMeta) error { x.files = append(x.files, m.Path+" "+m.Language); return nil })
		},
		"UnresolvedEdges": func(r query.Reader, x *rec) error {
			return r.UnresolvedEdges(graph.EdgeCalls, "", ef(x))
		},
		"InEdgesMany": func(r query.Reader, x *rec) error {
			ids := make([]graph.NodeID, len(all))
			for i, n := range all {
				ids[len(ids)-1-i] = n.ID
			}
			return r.InEdgesMany(ids, nil, func(i int, e graph.Edge) error { x.edges = append(x.edges, e); return nil })
		},
	}
	for _, n := range all {
		calls["node "+n.QualifiedName+n.ID.String()] = func(r query.Reader, x *rec) error {
			got, err := r.Node(n.ID)
			x.nodes = append(x.nodes, got)
			if err := r.NodesByName(n.Name, nf(x)); err != nil {
				return err
			}
			if err := r.NodesByNameFold(n.Name, nf(x)); err != nil {
				return err
			}
			if err := r.NodesByQualifiedName(n.QualifiedName, nf(x)); err != nil {
				return err
			}
			if err := r.NodesInFile(n.File, nf(x)); err != nil {
				return err
			}
			if err := r.OutEdges(n.ID, nil, ef(x)); err != nil {
				return err
			}
			if err := r.OutEdges(n.ID, []graph.EdgeKind{graph.EdgeCalls}, ef(x)); err != nil {
				return err
			}
			if err := r.InEdges(n.ID, nil, ef(x)); err != nil {
				return err
			}
			out := make([]graph.Node, 2)
			if err := r.NodesByID([]graph.NodeID{n.ID, 0}, out); err != nil {
				return err
			}
			x.nodes = append(x.nodes, out...)
			fm, err := r.FileMeta(n.File)
			x.files = append(x.files, fm.Path, fm.Language)
			return err
		}
	}
	for name, call := range calls {
		want, got := collect(st, call), collect(mem, call)
		if !reflect.DeepEqual(want, got) {
			t.Errorf("%s: store and memory differ:\nstore  %+v\nmemory %+v", name, want, got)
		}
	}
	if _, err := mem.Node(12345); err == nil {
		t.Error("missing node found")
	}
	if _, err := mem.FileMeta("nosuch.go"); err == nil {
		t.Error("missing file found")
	}
}
