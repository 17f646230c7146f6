package query

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// Definition bounds.
const (
	defCodeLines  = 60
	defMaxMembers = 200
)

// Definition is a symbol with its documentation, source and surroundings.
type Definition struct {
	Symbol
	Doc string `json:"doc,omitempty"`
	// Code is the definition's source, at most defCodeLines lines
	// (CodeTruncated says when it was cut); empty when the file cannot be
	// read or changed since it was indexed.
	Code          string `json:"code,omitempty"`
	CodeTruncated bool   `json:"code_truncated,omitempty"`
	// Parent is the lexically enclosing symbol (none for top-level ones).
	Parent *Symbol `json:"parent,omitempty"`
	// Members are the symbols it contains or defines (fields, methods),
	// by line, at most defMaxMembers of MembersTotal.
	Members      []Symbol `json:"members,omitempty"`
	MembersTotal int      `json:"members_total,omitempty"`
}

// Def returns the definition of node id.
func (e *Engine) Def(ctx context.Context, id graph.NodeID) (*Definition, error) {
	n, err := e.g.Node(id)
	if err != nil {
		return nil, fmt.Errorf("def: %w", err)
	}
	d := &Definition{Symbol: e.symbol(&n), Doc: n.Doc}
	if n.StartLine > 0 && n.Kind != graph.KindFile {
		last := n.EndLine
		if last >= n.StartLine+defCodeLines {
			last = n.StartLine + defCodeLines - 1
			d.CodeTruncated = true
		}
		if lines := e.Source(n.File, n.StartLine, last); lines != nil {
			d.Code = strings.Join(lines, "\n")
		} else {
			d.CodeTruncated = false
		}
	}
	if n.Parent != 0 {
		if p, err := e.g.Node(n.Parent); err == nil && p.Kind != graph.KindFile {
			ps := e.symbol(&p)
			d.Parent = &ps
		}
	}
	seen := map[graph.NodeID]bool{}
	var members []graph.NodeID
	err = e.g.OutEdges(id, []graph.EdgeKind{graph.EdgeContains, graph.EdgeDefines}, func(ed graph.Edge) error {
		if ed.Dst != 0 && !seen[ed.Dst] {
			seen[ed.Dst] = true
			members = append(members, ed.Dst)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	d.MembersTotal = len(members)
	nodes, err := e.nodes(ctx, members)
	if err != nil {
		return nil, err
	}
	sort.Slice(nodes, func(i, j int) bool {
		if nodes[i].File != nodes[j].File {
			return nodes[i].File < nodes[j].File
		}
		return nodes[i].StartByte < nodes[j].StartByte
	})
	for i := range nodes[:min(len(nodes), defMaxMembers)] {
		if nodes[i].ID != 0 {
			d.Members = append(d.Members, e.symbol(&nodes[i]))
		}
	}
	return d, nil
}

// RefsOptions configure Refs.
type RefsOptions struct {
	// Kinds restricts the edge kinds (nil: every kind, contains and
	// defines included).
	Kinds []graph.EdgeKind `json:"kinds,omitempty"`
	Page
}

// RefsResult lists the edges into a symbol.
type RefsResult struct {
	Symbol     Symbol         `json:"symbol"`
	Total      int            `json:"total"`
	ByKind     map[string]int `json:"by_kind"`
	Items      []Ref          `json:"items"`
	NextCursor string         `json:"next_cursor,omitempty"`
}

// Ref is one edge into a symbol: where it was written, the text of that
// line, and the symbol it comes from.
type Ref struct {
	EdgeRef
	Source *Symbol `json:"source,omitempty"`
	// Text is the source line of the reference, trimmed; empty when the
	// file cannot be read or changed since it was indexed.
	Text string `json:"text,omitempty"`
}

// Refs returns every resolved edge into id (of opts.Kinds), by file and
// line.
func (e *Engine) Refs(ctx context.Context, id graph.NodeID, opts RefsOptions) (*RefsResult, error) {
	n, err := e.g.Node(id)
	if err != nil {
		return nil, fmt.Errorf("refs: %w", err)
	}
	var edges []graph.Edge
	err = e.g.InEdges(id, opts.Kinds, func(ed graph.Edge) error {
		if len(edges)%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		edges = append(edges, ed)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(edges, func(i, j int) bool {
		a, b := &edges[i], &edges[j]
		if a.File != b.File || a.Line != b.Line {
			return lessSite(a, b)
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Src < b.Src
	})
	var kindKey []string
	for _, k := range opts.Kinds {
		kindKey = append(kindKey, k.String())
	}
	start, end, next, err := opts.Page.slice(fmt.Sprintf("refs|%s|%s", id, strings.Join(kindKey, ",")), len(edges))
	if err != nil {
		return nil, err
	}
	res := &RefsResult{Symbol: e.symbol(&n), Total: len(edges), ByKind: map[string]int{}, NextCursor: next}
	for i := range edges {
		res.ByKind[edges[i].Kind.String()]++
	}
	page := edges[start:end]
	ids := make([]graph.NodeID, len(page))
	for i := range page {
		ids[i] = page[i].Src
	}
	srcs, err := e.symbols(ctx, ids)
	if err != nil {
		return nil, err
	}
	res.Items = make([]Ref, len(page))
	for i := range page {
		res.Items[i] = Ref{EdgeRef: edgeRef(&page[i]), Source: srcs[i], Text: e.LineText(page[i].File, page[i].Line)}
	}
	return res, nil
}
