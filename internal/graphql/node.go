package graphql

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/query"
)

type nodeResolver resolver

// loadNode reads the node id of repo through the response's loader; nil
// when there is no such node.
func loadNode(ctx context.Context, repo string, id graph.NodeID) (*Node, error) {
	if id == 0 {
		return nil, nil
	}
	v, err := viewOf(ctx, &repo)
	if err != nil {
		return nil, err
	}
	n, ok, err := v.load.node(ctx, id)
	if err != nil || !ok {
		return nil, err
	}
	return newNode(repo, n), nil
}

func (r *nodeResolver) Metadata(ctx context.Context, obj *Node) (map[string]any, error) {
	m := map[string]any{
		"startByte":   int(obj.n.StartByte),
		"endByte":     int(obj.n.EndByte),
		"contentHash": graph.NodeID(obj.n.ContentHash).String(),
	}
	if obj.n.Parent != 0 {
		m["parentId"] = obj.n.Parent.String()
	}
	return m, nil
}

func (r *nodeResolver) Parent(ctx context.Context, obj *Node) (*Node, error) {
	return loadNode(ctx, obj.repo, obj.n.Parent)
}

func (r *nodeResolver) Relationships(ctx context.Context, obj *Node, kinds []RelationshipType, direction *Direction, firstArg *int) ([]Relationship, error) {
	limit, err := first(firstArg, defaultFirst, "first")
	if err != nil {
		return nil, err
	}
	var ks []graph.EdgeKind
	for _, t := range kinds {
		k, ok := t.Kind()
		if !ok {
			return nil, badInput("unknown relationship type %q", t)
		}
		ks = append(ks, k)
	}
	dir := DirectionOutgoing
	if direction != nil {
		dir = *direction
	}
	v, err := viewOf(ctx, &obj.repo)
	if err != nil {
		return nil, err
	}
	// Both lists are asked for at once, so that they join the same
	// batches.
	var out, in []graph.Edge
	var outErr, inErr error
	var wg sync.WaitGroup
	if dir == DirectionOutgoing || dir == DirectionBoth {
		wg.Go(func() { out, outErr = v.load.edgesOf(ctx, obj.n.ID, true, ks) })
	}
	if dir == DirectionIncoming || dir == DirectionBoth {
		wg.Go(func() { in, inErr = v.load.edgesOf(ctx, obj.n.ID, false, ks) })
	}
	wg.Wait()
	if err := errors.Join(outErr, inErr); err != nil {
		return nil, err
	}
	// The loader's slices are shared: copy, outgoing first, up to limit.
	n := min(len(out), limit)
	edges := make([]graph.Edge, 0, min(len(out)+len(in), limit))
	edges = append(edges, out[:n]...)
	edges = append(edges, in[:min(len(in), limit-n)]...)
	rels := make([]Relationship, len(edges))
	for i := range edges {
		rels[i] = Relationship{e: edges[i], repo: obj.repo}
	}
	return rels, nil
}

// traversal reads the arguments shared by callers, callees and impact.
func traversal(ctx context.Context, obj *Node, depth, firstArg *int, after *string, defDepth int) (*view, int, query.Page, error) {
	d, err := depthArg(depth, defDepth)
	if err != nil {
		return nil, 0, query.Page{}, err
	}
	limit, err := first(firstArg, defaultFirst, "first")
	if err != nil {
		return nil, 0, query.Page{}, err
	}
	v, err := viewOf(ctx, &obj.repo)
	if err != nil {
		return nil, 0, query.Page{}, err
	}
	return v, d, query.Page{Limit: limit, Cursor: str(after)}, nil
}

func (r *nodeResolver) calls(ctx context.Context, obj *Node, depth, firstArg *int, after *string, callers bool) (*CallTree, error) {
	v, d, page, err := traversal(ctx, obj, depth, firstArg, after, 1)
	if err != nil {
		return nil, err
	}
	opts := query.CallsOptions{Depth: d, Page: page}
	var res *query.CallsResult
	if callers {
		res, err = v.snap.Graph.Callers(ctx, obj.n.ID, opts)
	} else {
		res, err = v.snap.Graph.Callees(ctx, obj.n.ID, opts)
	}
	if err != nil {
		return nil, err
	}
	out := &CallTree{Total: res.Total, Truncated: res.Truncated, NextCursor: optString(res.NextCursor), Items: make([]CallItem, 0, len(res.Items))}
	for _, it := range res.Items {
		ci := CallItem{Depth: it.Depth, Target: optString(it.Target), ParentID: it.Parent, Sites: it.Sites,
			Via: relFromRef(obj.repo, it.Via), repo: obj.repo}
		if it.Symbol != nil {
			ci.id, _ = graph.ParseNodeID(it.Symbol.ID)
		}
		out.Items = append(out.Items, ci)
	}
	return out, nil
}

func (r *nodeResolver) Callers(ctx context.Context, obj *Node, depth, first *int, after *string) (*CallTree, error) {
	return r.calls(ctx, obj, depth, first, after, true)
}

func (r *nodeResolver) Callees(ctx context.Context, obj *Node, depth, first *int, after *string) (*CallTree, error) {
	return r.calls(ctx, obj, depth, first, after, false)
}

func (r *nodeResolver) Impact(ctx context.Context, obj *Node, depth, firstArg *int, after *string) (*Impact, error) {
	v, d, page, err := traversal(ctx, obj, depth, firstArg, after, query.DefaultImpactDepth)
	if err != nil {
		return nil, err
	}
	scope, err := v.snap.Graph.ResolveScope(ctx, obj.n.ID.String())
	if err != nil {
		return nil, err
	}
	res, err := v.snap.Graph.Impact(ctx, scope, query.ImpactOptions{Depth: d, Page: page})
	if err != nil {
		return nil, err
	}
	out := &Impact{Complete: res.Complete, Truncated: res.Truncated, Total: res.Total, NextCursor: optString(res.NextCursor),
		Items: make([]ImpactItem, 0, len(res.Items)), Files: make([]FileImpact, 0, len(res.Files)),
		FilesTotal: res.FilesTotal, Tests: res.Tests, TestsTotal: res.TestsTotal}
	if out.Tests == nil {
		out.Tests = []string{}
	}
	for _, it := range res.Items {
		ii := ImpactItem{Depth: it.Depth, Via: relFromRef(obj.repo, it.Via), Confidence: it.Confidence, Test: it.Test, repo: obj.repo}
		ii.id, _ = graph.ParseNodeID(it.Symbol.ID)
		out.Items = append(out.Items, ii)
	}
	for _, f := range res.Files {
		out.Files = append(out.Files, FileImpact{FilePath: f.File, Package: f.Package, Symbols: f.Symbols, Test: f.Test})
	}
	return out, nil
}

type relationshipResolver resolver

func (r *relationshipResolver) Source(ctx context.Context, obj *Relationship) (*Node, error) {
	n, err := loadNode(ctx, obj.repo, obj.e.Src)
	if err == nil && n == nil {
		// The source was deleted since the edge was read: show what is known.
		n = newNode(obj.repo, graph.Node{ID: obj.e.Src, File: obj.e.File})
	}
	return n, err
}

func (r *relationshipResolver) Target(ctx context.Context, obj *Relationship) (*Node, error) {
	return loadNode(ctx, obj.repo, obj.e.Dst)
}

// The item resolvers read the nodes of result items through the loader.
type (
	callItemResolver   resolver
	depItemResolver    resolver
	depResultResolver  resolver
	impactItemResolver resolver
	searchHitResolver  resolver
	similarityResolver resolver
)

func (r *callItemResolver) Node(ctx context.Context, obj *CallItem) (*Node, error) {
	return loadNode(ctx, obj.repo, obj.id)
}

func (r *depItemResolver) Node(ctx context.Context, obj *DependencyItem) (*Node, error) {
	return loadNode(ctx, obj.repo, obj.id)
}

func (r *impactItemResolver) Node(ctx context.Context, obj *ImpactItem) (*Node, error) {
	n, err := loadNode(ctx, obj.repo, obj.id)
	if err == nil && n == nil {
		return nil, fmt.Errorf("node %s: %w", obj.id, query.ErrNotFound)
	}
	return n, err
}

func (r *searchHitResolver) Node(ctx context.Context, obj *SearchHit) (*Node, error) {
	n, err := loadNode(ctx, obj.repo, obj.id)
	if err == nil && n == nil {
		return nil, fmt.Errorf("node %s: %w", obj.id, query.ErrNotFound)
	}
	return n, err
}

func (r *similarityResolver) Node(ctx context.Context, obj *SimilarityMatch) (*Node, error) {
	n, err := loadNode(ctx, obj.repo, obj.id)
	if err == nil && n == nil {
		return nil, fmt.Errorf("node %s: %w", obj.id, query.ErrNotFound)
	}
	return n, err
}

// Nodes returns the nodes of the result's symbol items, in order (a node
// deleted since the traversal is left out).
func (r *depResultResolver) Nodes(ctx context.Context, obj *DependencyResult) ([]Node, error) {
	v, err := viewOf(ctx, &obj.repo)
	if err != nil {
		return nil, err
	}
	ns, err := v.load.nodesOf(ctx, obj.ids)
	if err != nil {
		return nil, err
	}
	out := make([]Node, len(ns))
	for i, n := range ns {
		out[i] = Node{n: n, repo: obj.repo}
	}
	return out, nil
}
