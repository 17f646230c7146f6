package query

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// unitKind is what a traversal unit stands for.
type unitKind uint8

const (
	unitSymbol     unitKind = iota // a node
	unitFile                       // an indexed file
	unitPackage                    // a directory
	unitUnresolved                 // an edge target nothing is bound to
	unitExternal                   // a library symbol or module
)

func (k unitKind) String() string {
	return [...]string{"symbol", "file", "package", "unresolved", "external"}[k]
}

// unit is one vertex of a traversal: a node, a file, a directory, or a
// leaf naming what an edge points at outside the graph.
type unit struct {
	kind unitKind
	id   graph.NodeID // unitSymbol
	s    string       // path, directory, or target
}

// step is one edge out of a unit, as an expand function reports it.
type step struct {
	to   unit
	edge graph.Edge
}

// leaf reports whether a unit is never expanded: it stands for something
// the graph has no edges for.
func (u unit) leaf() bool { return u.kind == unitUnresolved || u.kind == unitExternal }

// tnode is one vertex of a traversal tree.
type tnode struct {
	u      unit
	parent int32 // index of the parent; -1 for roots
	depth  int
	via    graph.Edge // the first edge from the parent (by file, line)
	count  int        // edges between the parent and this unit
	kinds  uint32     // bit set of the edge kinds among them
}

// tree is the breadth-first tree of a traversal: every unit reached, under
// the unit it was first reached from, at its shortest depth.
type tree struct {
	nodes     []tnode
	roots     int // nodes[:roots] are the roots
	truncated bool
	order     []int32 // pre-order of the tree, roots excluded
}

// bfs walks from roots up to depth levels, expanding each level's units
// concurrently (results merged in order, so the tree is deterministic).
// Leaves are kept once per parent; other units once overall. It stops at
// e.maxNodes units, marking the tree truncated.
func (e *Engine) bfs(ctx context.Context, roots []unit, depth int, expand func(context.Context, unit) ([]step, error)) (*tree, error) {
	t := &tree{roots: len(roots)}
	visited := make(map[unit]int32, 64)
	var frontier []int32
	for _, r := range roots {
		if _, ok := visited[r]; ok {
			continue
		}
		visited[r] = int32(len(t.nodes))
		frontier = append(frontier, int32(len(t.nodes)))
		t.nodes = append(t.nodes, tnode{u: r, parent: -1})
	}
	t.roots = len(t.nodes)
	for d := 1; d <= depth && len(frontier) > 0 && !t.truncated; d++ {
		results := make([][]step, len(frontier))
		err := e.parallel(ctx, len(frontier), func(i int) error {
			var err error
			results[i], err = expand(ctx, t.nodes[frontier[i]].u)
			return err
		})
		if err != nil {
			return nil, err
		}
		var next []int32
		total := 0
		for _, r := range results {
			total += len(r)
		}
		t.nodes = slices.Grow(t.nodes, min(total, e.maxNodes-len(t.nodes)))
	merge:
		for i, fi := range frontier {
			// Group each unit's steps by destination: the first by site
			// is the via edge, the others count.
			steps := results[i]
			slices.SortFunc(steps, func(a, b step) int {
				if c := compareUnits(a.to, b.to); c != 0 {
					return c
				}
				return compareSites(&a.edge, &b.edge)
			})
			for j := 0; j < len(steps); {
				st := &steps[j]
				k := j + 1
				var kinds uint32 = 1 << st.edge.Kind
				for ; k < len(steps) && steps[k].to == st.to; k++ {
					kinds |= 1 << steps[k].edge.Kind
				}
				count := k - j
				j = k
				if !st.to.leaf() {
					if _, ok := visited[st.to]; ok {
						continue
					}
				}
				if len(t.nodes) >= e.maxNodes {
					t.truncated = true
					break merge
				}
				idx := int32(len(t.nodes))
				t.nodes = append(t.nodes, tnode{u: st.to, parent: fi, depth: d, via: st.edge, count: count, kinds: kinds})
				if !st.to.leaf() {
					visited[st.to] = idx
					next = append(next, idx)
				}
			}
		}
		frontier = next
	}
	t.preorder()
	return t, ctx.Err()
}

// lessSite orders edges by where they were written.
func lessSite(a, b *graph.Edge) bool { return compareSites(a, b) < 0 }

func compareSites(a, b *graph.Edge) int {
	if c := strings.Compare(a.File, b.File); c != 0 {
		return c
	}
	return cmp.Compare(a.Line, b.Line)
}

func compareUnits(a, b unit) int {
	if a.kind != b.kind {
		return cmp.Compare(a.kind, b.kind)
	}
	if a.id != b.id {
		return cmp.Compare(a.id, b.id)
	}
	return strings.Compare(a.s, b.s)
}

// preorder lists the non-root nodes depth-first, children ordered by the
// site of their edge, so that a page of the list reads as a tree.
func (t *tree) preorder() {
	children := make([][]int32, len(t.nodes))
	for i := t.roots; i < len(t.nodes); i++ {
		p := t.nodes[i].parent
		children[p] = append(children[p], int32(i))
	}
	for _, cs := range children {
		if len(cs) < 2 {
			continue
		}
		slices.SortFunc(cs, func(i, j int32) int {
			a, b := &t.nodes[i], &t.nodes[j]
			if c := compareSites(&a.via, &b.via); c != 0 {
				return c
			}
			return compareUnits(a.u, b.u)
		})
	}
	t.order = make([]int32, 0, len(t.nodes)-t.roots)
	stack := make([]int32, 0, 64)
	for r := t.roots - 1; r >= 0; r-- {
		stack = append(stack, int32(r))
	}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if int(i) >= t.roots {
			t.order = append(t.order, i)
		}
		cs := children[i]
		for j := len(cs) - 1; j >= 0; j-- {
			stack = append(stack, cs[j])
		}
	}
}

// key renders a unit as results name it: a node id, a path, a directory
// or a target.
func (u unit) key() string {
	if u.kind == unitSymbol {
		return u.id.String()
	}
	return u.s
}

// edgeKindNames lists the kinds in a bit set.
func edgeKindNames(set uint32) []string {
	var out []string
	for _, k := range graph.EdgeKinds() {
		if set&(1<<k) != 0 {
			out = append(out, k.String())
		}
	}
	return out
}
