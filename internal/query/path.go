package query

import (
	"context"
	"fmt"
	"slices"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// PathKinds are the edge kinds Path follows by default.
var PathKinds = []graph.EdgeKind{graph.EdgeCalls, graph.EdgeImports, graph.EdgeReferences}

// DefaultPathDepth is the longest path Path looks for by default.
const DefaultPathDepth = 12

// PathOptions configure Path.
type PathOptions struct {
	MaxDepth int              `json:"max_depth,omitempty"` // longest path looked for (default DefaultPathDepth)
	Kinds    []graph.EdgeKind `json:"kinds,omitempty"`     // nil: PathKinds
}

// PathResult is a shortest path between two symbols, following edges in
// their direction (from depends on to).
type PathResult struct {
	From   Symbol     `json:"from"`
	To     Symbol     `json:"to"`
	Found  bool       `json:"found"`
	Length int        `json:"length"` // edges on the path
	Steps  []PathStep `json:"steps,omitempty"`
	// Explored counts the nodes visited; Truncated is set when the search
	// stopped at its node bound before finding a path or ruling one out
	// within MaxDepth.
	Explored  int  `json:"explored"`
	Truncated bool `json:"truncated,omitempty"`
	MaxDepth  int  `json:"max_depth"`
}

// PathStep is one node of a path and the edge that leads to it from the
// previous step (nil for the first).
type PathStep struct {
	Symbol Symbol   `json:"symbol"`
	Via    *EdgeRef `json:"via,omitempty"`
}

type pathLink struct {
	other graph.NodeID // the previous node (forward) or next node (backward)
	edge  graph.Edge
	dist  int
}

// Path finds a shortest path from a to b over resolved edges of
// opts.Kinds, searching from both ends at once (forward over outgoing
// edges from a, backward over incoming edges into b, always growing the
// smaller frontier), bounded by opts.MaxDepth and the engine's node bound.
func (e *Engine) Path(ctx context.Context, a, b graph.NodeID, opts PathOptions) (*PathResult, error) {
	kinds := opts.Kinds
	if kinds == nil {
		kinds = PathKinds
	}
	maxDepth := opts.MaxDepth
	if maxDepth <= 0 {
		maxDepth = DefaultPathDepth
	}
	maxDepth = min(maxDepth, MaxDepth)
	na, err := e.g.Node(a)
	if err != nil {
		return nil, fmt.Errorf("path: %w", err)
	}
	nb, err := e.g.Node(b)
	if err != nil {
		return nil, fmt.Errorf("path: %w", err)
	}
	res := &PathResult{From: e.symbol(&na), To: e.symbol(&nb), MaxDepth: maxDepth}
	fwd := map[graph.NodeID]pathLink{a: {}}
	bwd := map[graph.NodeID]pathLink{b: {}}
	ffront, bfront := []graph.NodeID{a}, []graph.NodeID{b}
	fdist, bdist := 0, 0
	meet := graph.NodeID(0)
	if a == b {
		meet = a
	}
	for meet == 0 && len(ffront) > 0 && len(bfront) > 0 && fdist+bdist < maxDepth {
		if len(fwd)+len(bwd) >= e.maxNodes {
			res.Truncated = true
			break
		}
		forward := len(ffront) <= len(bfront)
		front, seen, other := ffront, fwd, bwd
		if !forward {
			front, seen, other = bfront, bwd, fwd
		}
		results := make([][]graph.Edge, len(front))
		err := e.parallel(ctx, len(front), func(i int) error {
			collect := func(ed graph.Edge) error {
				if ed.Dst != 0 {
					results[i] = append(results[i], ed)
				}
				return nil
			}
			if forward {
				return e.g.OutEdges(front[i], kinds, collect)
			}
			return e.g.InEdges(front[i], kinds, collect)
		})
		if err != nil {
			return nil, err
		}
		var next []graph.NodeID
		dist := fdist + 1
		if !forward {
			dist = bdist + 1
		}
	level:
		for i, id := range front {
			for _, ed := range results[i] {
				to := ed.Dst
				if !forward {
					to = ed.Src
				}
				if _, ok := seen[to]; ok {
					continue
				}
				seen[to] = pathLink{other: id, edge: ed, dist: dist}
				if _, ok := other[to]; ok {
					meet = to
					break level
				}
				next = append(next, to)
			}
		}
		if forward {
			ffront, fdist = next, dist
		} else {
			bfront, bdist = next, dist
		}
	}
	res.Explored = len(fwd) + len(bwd)
	if meet == 0 {
		return res, ctx.Err()
	}
	// a … meet through fwd, then meet … b through bwd.
	ids := []graph.NodeID{meet}
	var edges []*graph.Edge // edges[i] leads into ids[i+1]
	for id := meet; id != a; {
		l := fwd[id]
		ids = append(ids, l.other)
		ed := l.edge
		edges = append(edges, &ed)
		id = l.other
	}
	slices.Reverse(ids)
	slices.Reverse(edges)
	for id := meet; id != b; {
		l := bwd[id]
		ids = append(ids, l.other)
		ed := l.edge
		edges = append(edges, &ed)
		id = l.other
	}
	syms, err := e.symbols(ctx, ids)
	if err != nil {
		return nil, err
	}
	res.Found, res.Length = true, len(edges)
	for i, id := range ids {
		st := PathStep{}
		if syms[i] != nil {
			st.Symbol = *syms[i]
		} else {
			st.Symbol = Symbol{ID: id.String()}
		}
		if i > 0 {
			r := edgeRef(edges[i-1])
			st.Via = &r
		}
		res.Steps = append(res.Steps, st)
	}
	return res, nil
}
