package graphexport

import (
	"bufio"
	"encoding/xml"
	"io"
	"strconv"
)

// The GraphML document (http://graphml.graphdrawing.org/xmlns), with the
// attributes declared as keys: Gephi and yEd read them as columns.
type gmlDoc struct {
	XMLName xml.Name `xml:"graphml"`
	XMLNS   string   `xml:"xmlns,attr"`
	Keys    []gmlKey `xml:"key"`
	Graph   gmlGraph `xml:"graph"`
}

type gmlKey struct {
	ID   string `xml:"id,attr"`
	For  string `xml:"for,attr"`
	Name string `xml:"attr.name,attr"`
	Type string `xml:"attr.type,attr"`
}

type gmlGraph struct {
	ID          string    `xml:"id,attr"`
	EdgeDefault string    `xml:"edgedefault,attr"`
	Nodes       []gmlNode `xml:"node"`
	Edges       []gmlEdge `xml:"edge"`
}

type gmlNode struct {
	ID   string    `xml:"id,attr"`
	Data []gmlData `xml:"data"`
}

type gmlEdge struct {
	ID     string    `xml:"id,attr"`
	Source string    `xml:"source,attr"`
	Target string    `xml:"target,attr"`
	Data   []gmlData `xml:"data"`
}

type gmlData struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

var gmlKeys = []gmlKey{
	{"label", "node", "label", "string"},
	{"kind", "node", "kind", "string"},
	{"name", "node", "name", "string"},
	{"qualified_name", "node", "qualified_name", "string"},
	{"file", "node", "file", "string"},
	{"line", "node", "line", "int"},
	{"language", "node", "language", "string"},
	{"root", "node", "root", "boolean"},
	{"edge_kind", "edge", "kind", "string"},
	{"resolution", "edge", "resolution", "string"},
	{"edge_file", "edge", "file", "string"},
	{"edge_line", "edge", "line", "int"},
}

// WriteGraphML writes g as GraphML: node ids are the graph's node ids,
// edge ids e0, e1, ...; node and edge attributes are <data> elements of
// declared keys. encoding/xml escapes <, >, & and quotes, and replaces
// characters XML cannot carry.
func WriteGraphML(w io.Writer, g *Graph) error {
	doc := gmlDoc{XMLNS: "http://graphml.graphdrawing.org/xmlns", Keys: gmlKeys,
		Graph: gmlGraph{ID: "codegraph", EdgeDefault: "directed",
			Nodes: make([]gmlNode, len(g.Nodes)), Edges: make([]gmlEdge, len(g.Edges))}}
	for i := range g.Nodes {
		n := &g.Nodes[i]
		d := []gmlData{{"label", label(n)}, {"kind", n.Kind.String()}, {"name", n.Name},
			{"qualified_name", n.QualifiedName}, {"file", n.File}, {"line", strconv.Itoa(int(n.StartLine))},
			{"language", n.Language}}
		if n.ID == g.Root {
			d = append(d, gmlData{"root", "true"})
		}
		doc.Graph.Nodes[i] = gmlNode{ID: n.ID.String(), Data: d}
	}
	for i := range g.Edges {
		e := &g.Edges[i]
		doc.Graph.Edges[i] = gmlEdge{ID: "e" + strconv.Itoa(i), Source: e.Src.String(), Target: e.Dst.String(),
			Data: []gmlData{{"edge_kind", e.Kind.String()}, {"resolution", e.Res.String()},
				{"edge_file", e.File}, {"edge_line", strconv.Itoa(int(e.Line))}}}
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString(xml.Header)
	enc := xml.NewEncoder(bw)
	enc.Indent("", " ")
	if err := enc.Encode(&doc); err != nil {
		return err
	}
	bw.WriteByte('\n')
	return bw.Flush()
}
