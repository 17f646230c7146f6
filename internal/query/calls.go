package query

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// CallsOptions configure Callers and Callees.
type CallsOptions struct {
	Depth int `json:"depth,omitempty"` // levels to follow (default 1)
	Page
}

// CallsResult is the call tree of a symbol, breadth-first up to Depth and
// listed depth-first (each item after its parent), one page at a time.
type CallsResult struct {
	Root      Symbol     `json:"root"`
	Direction string     `json:"direction"` // "callers" or "callees"
	Depth     int        `json:"depth"`
	Total     int        `json:"total"` // items on all pages
	Items     []CallItem `json:"items"`
	// NextCursor fetches the next page; "" on the last one.
	NextCursor string `json:"next_cursor,omitempty"`
	// Truncated is set when the traversal stopped at its node bound.
	Truncated bool `json:"truncated,omitempty"`
	// Dispatch (callers only) lists the interface methods that the
	// methods reached implement: calls made through them may dispatch to
	// those methods, and are listed as callers marked Dynamic, unless an
	// interface method has more call sites than the bound (Followed
	// false: counted only).
	Dispatch []DispatchRef `json:"dispatch,omitempty"`
	// Values (callers only) are the sites where the root function is used
	// as a value (passed as a callback, stored in a field or a map,
	// converted to a handler type): whoever receives it may call it, and
	// those calls are not in the graph.
	Values []EdgeRef `json:"values,omitempty"`
}

// CallItem is one caller or callee. Each symbol appears once, at the
// shortest depth it is reached, under the item it was reached from; an
// unresolved callee (Target set, Symbol nil) appears under each caller.
type CallItem struct {
	Depth  int     `json:"depth"`
	Parent string  `json:"parent"` // id of the item (or root) one level up
	Symbol *Symbol `json:"symbol,omitempty"`
	// Target is the callee as written when it is not resolved.
	Target string `json:"target,omitempty"`
	// Via is the call (the first one, by line, when there are several).
	Via EdgeRef `json:"via"`
	// Sites counts the calls between the parent and this item.
	Sites int `json:"sites"`
	// Dynamic (callers) is set when the call goes through an interface
	// method the parent implements (Through: its qualified name): it may
	// dispatch to the parent or to another implementation.
	Dynamic bool   `json:"dynamic,omitempty"`
	Through string `json:"through,omitempty"`
}

var callKinds = []graph.EdgeKind{graph.EdgeCalls}

// Callers returns the functions that call id, transitively up to
// opts.Depth levels, over resolved calls edges (ambiguous ones included,
// with their lower confidence).
func (e *Engine) Callers(ctx context.Context, id graph.NodeID, opts CallsOptions) (*CallsResult, error) {
	var disp dispatchSet
	res, err := e.calls(ctx, id, opts, "callers", func(_ context.Context, u unit) ([]step, error) {
		var out []step
		err := e.g.InEdges(u.id, callKinds, func(ed graph.Edge) error {
			out = append(out, step{to: unit{kind: unitSymbol, id: ed.Src}, edge: ed})
			return nil
		})
		if err != nil {
			return nil, err
		}
		// Calls through the interface methods it implements (dynamic
		// dispatch): their edges point at the interface method.
		n, err := e.g.Node(u.id)
		if err != nil {
			return out, nil // gone
		}
		calls, ims, refs, err := e.dispatchCalls(&n)
		if err != nil {
			return nil, err
		}
		for i, r := range refs {
			disp.add(ims[i].id, r)
		}
		for _, ed := range calls {
			out = append(out, step{to: unit{kind: unitSymbol, id: ed.Src}, edge: ed})
		}
		return out, nil
	}, func(it *CallItem, via *graph.Edge, parent unit) {
		if parent.kind == unitSymbol && via.Dst != parent.id {
			if name, ok := disp.name(via.Dst); ok {
				it.Dynamic, it.Through = true, name
			}
		}
	})
	if err != nil {
		return nil, err
	}
	res.Dispatch = disp.sorted()
	if res.Values, err = e.valueUses(id); err != nil {
		return nil, err
	}
	return res, nil
}

// valueUses returns the sites where a function or method is used as a
// value: references edges into a callable, by file and line.
func (e *Engine) valueUses(id graph.NodeID) ([]EdgeRef, error) {
	n, err := e.g.Node(id)
	if err != nil || !n.Kind.IsCallable() {
		return nil, err
	}
	var out []EdgeRef
	err = e.g.InEdges(id, []graph.EdgeKind{graph.EdgeReferences}, func(ed graph.Edge) error {
		out = append(out, edgeRef(&ed))
		return nil
	})
	slices.SortFunc(out, func(a, b EdgeRef) int {
		if c := cmp.Compare(a.File, b.File); c != 0 {
			return c
		}
		return cmp.Compare(a.Line, b.Line)
	})
	return out, err
}

// Callees returns what id calls, transitively up to opts.Depth levels.
// Unresolved calls are listed as items with a Target and no Symbol, and
// are not followed.
func (e *Engine) Callees(ctx context.Context, id graph.NodeID, opts CallsOptions) (*CallsResult, error) {
	return e.calls(ctx, id, opts, "callees", func(_ context.Context, u unit) ([]step, error) {
		var out []step
		err := e.g.OutEdges(u.id, callKinds, func(ed graph.Edge) error {
			to := unit{kind: unitSymbol, id: ed.Dst}
			if ed.Dst == 0 {
				to = unit{kind: unitUnresolved, s: ed.Target}
			}
			out = append(out, step{to: to, edge: ed})
			return nil
		})
		return out, err
	}, nil)
}

func (e *Engine) calls(ctx context.Context, id graph.NodeID, opts CallsOptions, dir string,
	expand func(context.Context, unit) ([]step, error), label func(*CallItem, *graph.Edge, unit)) (*CallsResult, error) {
	root, err := e.g.Node(id)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	depth := clampDepth(opts.Depth)
	t, err := e.bfs(ctx, []unit{{kind: unitSymbol, id: id}}, depth, expand)
	if err != nil {
		return nil, err
	}
	start, end, next, err := opts.Page.slice(fmt.Sprintf("%s|%s|%d", dir, id, depth), len(t.order))
	if err != nil {
		return nil, err
	}
	res := &CallsResult{Root: e.symbol(&root), Direction: dir, Depth: depth, Total: len(t.order),
		Items: make([]CallItem, 0, end-start), NextCursor: next, Truncated: t.truncated}
	page := t.order[start:end]
	syms, err := e.hydrate(ctx, t, page)
	if err != nil {
		return nil, err
	}
	for i, idx := range page {
		n := &t.nodes[idx]
		it := CallItem{Depth: n.depth, Parent: t.nodes[n.parent].u.key(), Symbol: syms[i], Via: edgeRef(&n.via), Sites: n.count}
		if n.u.kind == unitUnresolved {
			it.Target = n.u.s
		}
		if label != nil {
			label(&it, &n.via, t.nodes[n.parent].u)
		}
		res.Items = append(res.Items, it)
	}
	return res, nil
}

// hydrate reads and renders the symbols of the symbol units among page
// (nil for the others, and for nodes that no longer exist).
func (e *Engine) hydrate(ctx context.Context, t *tree, page []int32) ([]*Symbol, error) {
	ids := make([]graph.NodeID, len(page))
	for i, idx := range page {
		if u := t.nodes[idx].u; u.kind == unitSymbol {
			ids[i] = u.id
		}
	}
	return e.symbols(ctx, ids)
}

// symbols reads and renders nodes concurrently; zero ids and missing nodes
// give nil.
func (e *Engine) symbols(ctx context.Context, ids []graph.NodeID) ([]*Symbol, error) {
	nodes, err := e.nodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*Symbol, len(ids))
	err = e.parallel(ctx, len(ids), func(i int) error {
		if nodes[i].ID != 0 {
			s := e.symbol(&nodes[i])
			out[i] = &s
		}
		return nil
	})
	return out, err
}
