package graphexport

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// Format is an output format.
type Format string

// Formats.
const (
	NDJSON  Format = "ndjson"
	JSON    Format = "json"
	DOT     Format = "dot"
	Mermaid Format = "mermaid"
	GraphML Format = "graphml"
	SVG     Format = "svg"
)

// Formats lists every format, in the order help texts show them.
var Formats = []Format{NDJSON, JSON, DOT, Mermaid, GraphML, SVG}

// ParseFormat validates a format name.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return "", fmt.Errorf("%w: format %q (supported: %s)", ErrInvalid, s, strings.Join(names, ", "))
}

// Drawn reports whether the format is a picture (or a picture's source),
// which the front doors cap at DefaultDrawMax nodes.
func (f Format) Drawn() bool { return f == DOT || f == Mermaid || f == SVG }

// ContentType is the media type of the format.
func (f Format) ContentType() string {
	switch f {
	case NDJSON:
		return "application/x-ndjson"
	case JSON:
		return "application/json"
	case DOT:
		return "text/vnd.graphviz; charset=utf-8"
	case Mermaid:
		return "text/plain; charset=utf-8"
	case GraphML:
		return "application/xml"
	case SVG:
		return "image/svg+xml"
	}
	return "application/octet-stream"
}

// Write writes g in format f.
func Write(w io.Writer, f Format, g *Graph) error {
	switch f {
	case NDJSON:
		return WriteNDJSON(w, g)
	case JSON:
		return WriteJSON(w, g)
	case DOT:
		return WriteDOT(w, g)
	case Mermaid:
		return WriteMermaid(w, g)
	case GraphML:
		return WriteGraphML(w, g)
	case SVG:
		return WriteSVG(w, g)
	}
	_, err := ParseFormat(string(f))
	return err
}

// label is the text a drawn node shows: its qualified name, else its
// name, else its file.
func label(n *graph.Node) string {
	switch {
	case n.QualifiedName != "":
		return n.QualifiedName
	case n.Name != "":
		return n.Name
	}
	return n.File
}

// edgeStyle is how an edge of a resolution is drawn in every format.
type edgeStyle struct {
	color string
	dash  string // "solid", "dashed" or "dotted"
}

// styleOf gives each resolution its look: certain edges solid and dark,
// guesses dashed or dotted and coloured, so a picture shows what to trust.
func styleOf(r graph.Resolution) edgeStyle {
	switch r {
	case graph.ResExact:
		return edgeStyle{"#1f2937", "solid"}
	case graph.ResPrecise:
		return edgeStyle{"#047857", "solid"}
	case graph.ResDynamic:
		return edgeStyle{"#047857", "dotted"}
	case graph.ResSyntax:
		return edgeStyle{"#9ca3af", "solid"}
	case graph.ResInferred:
		return edgeStyle{"#2563eb", "dashed"}
	case graph.ResAmbiguous:
		return edgeStyle{"#d97706", "dotted"}
	case graph.ResExternal:
		return edgeStyle{"#6b7280", "dashed"}
	}
	return edgeStyle{"#dc2626", "dotted"}
}

// index maps node ids to their position in g.Nodes.
func (g *Graph) index() map[graph.NodeID]int {
	m := make(map[graph.NodeID]int, len(g.Nodes))
	for i := range g.Nodes {
		m[g.Nodes[i].ID] = i
	}
	return m
}

// drawnEdges returns the edges the drawn formats show: one per source,
// destination and kind (several call sites of one function are one
// arrow), the most certain resolution winning.
func (g *Graph) drawnEdges() []graph.Edge {
	sorted := slices.Clone(g.Edges)
	slices.SortStableFunc(sorted, func(a, b graph.Edge) int {
		return cmp.Or(cmp.Compare(a.Src, b.Src), cmp.Compare(a.Dst, b.Dst), cmp.Compare(a.Kind, b.Kind))
	})
	out := make([]graph.Edge, 0, len(sorted))
	for _, e := range sorted {
		if k := len(out) - 1; k >= 0 && out[k].Src == e.Src && out[k].Dst == e.Dst && out[k].Kind == e.Kind {
			if certainty(e.Res) > certainty(out[k].Res) {
				out[k] = e
			}
			continue
		}
		out = append(out, e)
	}
	return out
}

// certainty ranks resolutions from guess to fact.
func certainty(r graph.Resolution) int {
	switch r {
	case graph.ResPrecise:
		return 5
	case graph.ResExact, graph.ResSyntax:
		return 4
	case graph.ResExternal:
		return 3
	case graph.ResInferred:
		return 2
	case graph.ResAmbiguous, graph.ResDynamic:
		return 1
	}
	return 0
}
