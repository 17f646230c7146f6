package graphexport

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// NodeRecord and EdgeRecord are the NDJSON (and JSON) export contract:
// keep the field names stable (other tools, such as the call-graph scorer,
// read them).
type NodeRecord struct {
	Type          string `json:"type"`
	ID            string `json:"id"`
	Kind          string `json:"kind"`
	Name          string `json:"name"`
	QualifiedName string `json:"qualified_name"`
	File          string `json:"file"`
	Line          uint32 `json:"line"`
	EndLine       uint32 `json:"end_line"`
	Language      string `json:"language"`
	Signature     string `json:"signature,omitempty"`
	Visibility    string `json:"visibility,omitempty"`
	Parent        string `json:"parent,omitempty"`
}

// EdgeRecord is one edge of the export contract (see NodeRecord).
type EdgeRecord struct {
	Type   string  `json:"type"`
	Kind   string  `json:"kind"`
	Src    string  `json:"src"`
	Dst    *string `json:"dst"`              // null while the target is unresolved
	Target string  `json:"target,omitempty"` // the name as written
	File   string  `json:"file"`
	Line   uint32  `json:"line"`
	// Resolution says how dst was found: syntax, exact, inferred,
	// ambiguous (one of candidates), external, or unresolved.
	Resolution string `json:"resolution"`
	Candidates uint16 `json:"candidates,omitempty"`
}

// NewNodeRecord converts a node to its export record.
func NewNodeRecord(nd *graph.Node) NodeRecord {
	r := NodeRecord{Type: "node", ID: nd.ID.String(), Kind: nd.Kind.String(), Name: nd.Name,
		QualifiedName: nd.QualifiedName, File: nd.File, Line: nd.StartLine, EndLine: nd.EndLine,
		Language: nd.Language, Signature: nd.Signature, Visibility: nd.Visibility.String()}
	if nd.Parent != 0 {
		r.Parent = nd.Parent.String()
	}
	return r
}

// NewEdgeRecord converts an edge to its export record.
func NewEdgeRecord(ed *graph.Edge) EdgeRecord {
	r := EdgeRecord{Type: "edge", Kind: ed.Kind.String(), Src: ed.Src.String(), Target: ed.Target, File: ed.File,
		Line: ed.Line, Resolution: ed.Res.String(), Candidates: ed.Candidates}
	if ed.Dst != 0 {
		d := ed.Dst.String()
		r.Dst = &d
	}
	return r
}

// StreamNDJSON writes the whole graph as NDJSON in constant memory: every
// node, then every edge (unresolved ones included, with a null dst).
func StreamNDJSON(ctx context.Context, r Reader, w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	n := 0
	err := r.AllNodes(func(nd graph.Node) error {
		if n++; n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		rec := NewNodeRecord(&nd)
		return enc.Encode(&rec)
	})
	if err != nil {
		return fmt.Errorf("export: nodes: %w", err)
	}
	err = r.AllEdges(func(ed graph.Edge) error {
		if n++; n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		rec := NewEdgeRecord(&ed)
		return enc.Encode(&rec)
	})
	if err != nil {
		return fmt.Errorf("export: edges: %w", err)
	}
	return bw.Flush()
}

// WriteNDJSON writes a selected graph as NDJSON: its nodes, then its edges,
// in the records StreamNDJSON writes.
func WriteNDJSON(w io.Writer, g *Graph) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	for i := range g.Nodes {
		rec := NewNodeRecord(&g.Nodes[i])
		if err := enc.Encode(&rec); err != nil {
			return err
		}
	}
	for i := range g.Edges {
		rec := NewEdgeRecord(&g.Edges[i])
		if err := enc.Encode(&rec); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// jsonDoc is the --format json document.
type jsonDoc struct {
	Root  string       `json:"root,omitempty"`
	Nodes []NodeRecord `json:"nodes"`
	Edges []EdgeRecord `json:"edges"`
}

// WriteJSON writes a selected graph as one JSON document
// {"root":..., "nodes":[...], "edges":[...]} of the NDJSON records.
func WriteJSON(w io.Writer, g *Graph) error {
	doc := jsonDoc{Nodes: make([]NodeRecord, len(g.Nodes)), Edges: make([]EdgeRecord, len(g.Edges))}
	if g.Root != 0 {
		doc.Root = g.Root.String()
	}
	for i := range g.Nodes {
		doc.Nodes[i] = NewNodeRecord(&g.Nodes[i])
	}
	for i := range g.Edges {
		doc.Edges[i] = NewEdgeRecord(&g.Edges[i])
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetIndent("", "  ")
	if err := enc.Encode(&doc); err != nil {
		return err
	}
	return bw.Flush()
}
