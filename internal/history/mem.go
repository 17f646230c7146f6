package history

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// memGraph is a version's graph held in memory: what query.Reader asks of
// a store, answered from the version's facts in the orders the store
// gives. Loading a version of a medium repository this way takes a few
// milliseconds where writing it to a temporary store takes a hundred.
type memGraph struct {
	nodes   map[graph.NodeID]*graph.Node
	byFile  map[string][]graph.NodeID // in order of start byte, then id
	byName  map[string][]graph.NodeID // in id order, as the other indexes
	byLower map[string][]graph.NodeID
	byQName map[string][]graph.NodeID
	out     map[graph.NodeID][]graph.Edge // in key order: kind, resolved first, dst or target, line
	in      map[graph.NodeID][]graph.Edge // resolved only; kind, src, line
	unres   []graph.Edge                  // by kind, target, src, line
	files   []store.FileMeta              // in path order
	metas   map[string]int
}

var _ query.Reader = (*memGraph)(nil)

func newMemGraph(facts []*fileFacts) *memGraph {
	g := &memGraph{nodes: map[graph.NodeID]*graph.Node{}, byFile: map[string][]graph.NodeID{}, byName: map[string][]graph.NodeID{},
		byLower: map[string][]graph.NodeID{}, byQName: map[string][]graph.NodeID{}, out: map[graph.NodeID][]graph.Edge{},
		in: map[graph.NodeID][]graph.Edge{}, metas: map[string]int{}}
	for _, f := range facts {
		m := f.meta
		m.NodeCounts, m.EdgeCounts = map[string]uint32{}, map[string]uint32{}
		for i := range f.nodes {
			n := &f.nodes[i]
			g.nodes[n.ID] = n
			g.byFile[n.File] = append(g.byFile[n.File], n.ID)
			g.byName[n.Name] = append(g.byName[n.Name], n.ID)
			if l := strings.ToLower(n.Name); l != n.Name {
				g.byLower[l] = append(g.byLower[l], n.ID)
			}
			g.byQName[n.QualifiedName] = append(g.byQName[n.QualifiedName], n.ID)
			m.NodeCounts[n.Kind.String()]++
		}
		for _, e := range f.edges {
			g.out[e.Src] = append(g.out[e.Src], e)
			if e.Dst != 0 {
				g.in[e.Dst] = append(g.in[e.Dst], e)
			} else {
				g.unres = append(g.unres, e)
			}
			m.EdgeCounts[e.Kind.String()]++
		}
		g.files = append(g.files, m)
	}
	slices.SortFunc(g.files, func(a, b store.FileMeta) int { return strings.Compare(a.Path, b.Path) })
	for i, m := range g.files {
		g.metas[m.Path] = i
	}
	for _, ids := range g.byFile {
		slices.SortFunc(ids, func(a, b graph.NodeID) int {
			return cmp.Or(cmp.Compare(g.nodes[a].StartByte, g.nodes[b].StartByte), cmp.Compare(a, b))
		})
	}
	for _, idx := range []map[string][]graph.NodeID{g.byName, g.byLower, g.byQName} {
		for _, ids := range idx {
			slices.Sort(ids)
		}
	}
	for _, es := range g.out {
		slices.SortFunc(es, func(a, b graph.Edge) int {
			if c := cmp.Compare(a.Kind, b.Kind); c != 0 {
				return c
			}
			ra, rb := a.Dst == 0, b.Dst == 0
			if ra != rb {
				if ra {
					return 1
				}
				return -1
			}
			return cmp.Or(cmp.Compare(a.Dst, b.Dst), strings.Compare(a.Target, b.Target), cmp.Compare(a.Line, b.Line))
		})
	}
	for _, es := range g.in {
		slices.SortFunc(es, func(a, b graph.Edge) int {
			return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Src, b.Src), cmp.Compare(a.Line, b.Line))
		})
	}
	slices.SortFunc(g.unres, func(a, b graph.Edge) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), strings.Compare(a.Target, b.Target), cmp.Compare(a.Src, b.Src), cmp.Compare(a.Line, b.Line))
	})
	return g
}

func (g *memGraph) Node(id graph.NodeID) (graph.Node, error) {
	if n := g.nodes[id]; n != nil {
		return *n, nil
	}
	return graph.Node{}, fmt.Errorf("node %s: %w", id, store.ErrNotFound)
}

func (g *memGraph) each(ids []graph.NodeID, fn func(graph.Node) error) error {
	for _, id := range ids {
		if err := fn(*g.nodes[id]); err != nil {
			return err
		}
	}
	return nil
}

func (g *memGraph) NodesByName(name string, fn func(graph.Node) error) error {
	return g.each(g.byName[name], fn)
}

func (g *memGraph) NodesByNameFold(name string, fn func(graph.Node) error) error {
	l := strings.ToLower(name)
	ids := append(slices.Clone(g.byName[l]), g.byLower[l]...)
	slices.Sort(ids)
	return g.each(slices.Compact(ids), fn)
}

func (g *memGraph) NodesByQualifiedName(qn string, fn func(graph.Node) error) error {
	return g.each(g.byQName[qn], fn)
}

func (g *memGraph) NodesInFile(path string, fn func(graph.Node) error) error {
	return g.each(g.byFile[path], fn)
}

func (g *memGraph) AllNodes(fn func(graph.Node) error) error {
	ids := make([]graph.NodeID, 0, len(g.nodes))
	for id := range g.nodes {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return g.each(ids, fn)
}

func (g *memGraph) AllEdges(fn func(graph.Edge) error) error {
	srcs := make([]graph.NodeID, 0, len(g.out))
	for id := range g.out {
		srcs = append(srcs, id)
	}
	slices.Sort(srcs)
	for _, id := range srcs {
		for _, e := range g.out[id] {
			if err := fn(e); err != nil {
				return err
			}
		}
	}
	return nil
}

func edgesOf(es []graph.Edge, kinds []graph.EdgeKind, fn func(graph.Edge) error) error {
	for _, e := range es {
		if kinds != nil && !slices.Contains(kinds, e.Kind) {
			continue
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

func (g *memGraph) OutEdges(id graph.NodeID, kinds []graph.EdgeKind, fn func(graph.Edge) error) error {
	return edgesOf(g.out[id], kinds, fn)
}

func (g *memGraph) InEdges(id graph.NodeID, kinds []graph.EdgeKind, fn func(graph.Edge) error) error {
	return edgesOf(g.in[id], kinds, fn)
}

func (g *memGraph) NodesByID(ids []graph.NodeID, out []graph.Node) error {
	if len(out) != len(ids) {
		return fmt.Errorf("NodesByID: %d ids, %d slots", len(ids), len(out))
	}
	for i, id := range ids {
		if n := g.nodes[id]; n != nil {
			out[i] = *n
		}
	}
	return nil
}

func (g *memGraph) InEdgesMany(ids []graph.NodeID, kinds []graph.EdgeKind, fn func(i int, e graph.Edge) error) error {
	order := make([]int, 0, len(ids))
	for i, id := range ids {
		if id != 0 {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(ids[a], ids[b]) })
	for _, i := range order {
		if err := edgesOf(g.in[ids[i]], kinds, func(e graph.Edge) error { return fn(i, e) }); err != nil {
			return err
		}
	}
	return nil
}

func (g *memGraph) UnresolvedEdges(kind graph.EdgeKind, target string, fn func(graph.Edge) error) error {
	for _, e := range g.unres {
		if e.Kind != kind || (target != "" && e.Target != target) {
			continue
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

func (g *memGraph) UnresolvedEdgesNamed(kind graph.EdgeKind, name string, fn func(graph.Edge) error) error {
	for _, e := range g.unres {
		if e.Kind != kind || graph.TargetName(e.Target) != name {
			continue
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

func (g *memGraph) Files(fn func(store.FileMeta) error) error {
	for _, m := range g.files {
		if err := fn(m); err != nil {
			return err
		}
	}
	return nil
}

func (g *memGraph) FileMeta(path string) (store.FileMeta, error) {
	if i, ok := g.metas[path]; ok {
		return g.files[i], nil
	}
	return store.FileMeta{}, fmt.Errorf("file %s: %w", path, store.ErrNotFound)
}

func (g *memGraph) Meta(key string) ([]byte, error) {
	return nil, fmt.Errorf("meta %s: %w", key, store.ErrNotFound)
}
