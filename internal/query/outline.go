package query

import (
	"context"
	"fmt"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// OutlineOptions configure Outline.
type OutlineOptions struct {
	// Imports includes import nodes (left out by default).
	Imports bool `json:"imports,omitempty"`
	// Page pages over the top-level symbols (each with all it nests).
	Page
}

// OutlineResult is the nested symbols of one file.
type OutlineResult struct {
	File     string `json:"file"`
	Language string `json:"language"`
	// Total counts the top-level items on all pages; Symbols every symbol.
	Total      int            `json:"total"`
	Symbols    int            `json:"symbols"`
	Items      []*OutlineItem `json:"items"`
	NextCursor string         `json:"next_cursor,omitempty"`
}

// OutlineItem is one symbol of an outline with the symbols nested in it,
// in source order.
type OutlineItem struct {
	Symbol
	Children []*OutlineItem `json:"children,omitempty"`
}

// Outline returns the symbols of an indexed file, nested by their Parent
// links (a Go method under its receiver type, a method under its class),
// in source order. The file node itself is the implicit root.
func (e *Engine) Outline(ctx context.Context, file string, opts OutlineOptions) (*OutlineResult, error) {
	meta, err := e.g.FileMeta(file)
	if err != nil {
		return nil, &NotFoundError{Spec: file, Reason: "file is not indexed"}
	}
	var nodes []graph.Node
	err = e.g.NodesInFile(file, func(n graph.Node) error {
		if len(nodes)%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if n.Kind == graph.KindFile || (n.Kind == graph.KindImport && !opts.Imports) {
			return nil
		}
		nodes = append(nodes, n)
		return nil
	})
	if err != nil {
		return nil, err
	}
	items := make(map[graph.NodeID]*OutlineItem, len(nodes))
	parent := make(map[graph.NodeID]graph.NodeID, len(nodes))
	for i := range nodes {
		items[nodes[i].ID] = &OutlineItem{}
		parent[nodes[i].ID] = nodes[i].Parent
	}
	var top []*OutlineItem
	for i := range nodes {
		n := &nodes[i]
		it := items[n.ID]
		if p := items[n.Parent]; p != nil && !isAncestor(parent, n.ID, n.Parent) {
			p.Children = append(p.Children, it)
		} else {
			top = append(top, it)
		}
	}
	start, end, next, err := opts.Page.slice(fmt.Sprintf("outline|%s|%v", file, opts.Imports), len(top))
	if err != nil {
		return nil, err
	}
	// Render only the symbols on the page (snippets read the source).
	byItem := make(map[*OutlineItem]*graph.Node, len(nodes))
	for i := range nodes {
		byItem[items[nodes[i].ID]] = &nodes[i]
	}
	var fill func(it *OutlineItem)
	fill = func(it *OutlineItem) {
		it.Symbol = e.symbol(byItem[it])
		for _, c := range it.Children {
			fill(c)
		}
	}
	for _, it := range top[start:end] {
		fill(it)
	}
	return &OutlineResult{File: file, Language: meta.Language, Total: len(top), Symbols: len(nodes),
		Items: top[start:end], NextCursor: next}, nil
}

// isAncestor reports whether a is p or one of p's ancestors in parent
// (so that making p the parent of a would close a loop).
func isAncestor(parent map[graph.NodeID]graph.NodeID, a, p graph.NodeID) bool {
	for i := 0; p != 0 && i <= len(parent); i++ {
		if p == a {
			return true
		}
		next, ok := parent[p]
		if !ok {
			return false
		}
		p = next
	}
	return false
}
