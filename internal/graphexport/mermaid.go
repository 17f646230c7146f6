package graphexport

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// mermaidLabel returns s as the text of a quoted Mermaid label. Mermaid
// has no backslash escapes: a character that would end the label or be
// read as markup ("  # < > & ` and line breaks) is written as an entity
// code "#NN;", which Mermaid turns back into the character.
func mermaidLabel(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '#', '<', '>', '&', '`', '|', '[', ']', '{', '}', '(', ')', ';':
			b.WriteString("#" + strconv.Itoa(int(r)) + ";")
		case '\n', '\r', '\t':
			b.WriteByte(' ')
		default:
			if r < 0x20 || r == 0x7f {
				b.WriteByte(' ')
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// WriteMermaid writes g as a Mermaid flowchart. Node ids are n0, n1, ...
// (never one of Mermaid's reserved words such as end, graph or style);
// every label is quoted. Edges are labelled by kind, drawn solid (-->)
// when certain and dotted (-.->) when inferred, ambiguous or external, and
// coloured by resolution with linkStyle; the root, if any, has the class
// root.
func WriteMermaid(w io.Writer, g *Graph) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	fmt.Fprintln(bw, "flowchart LR")
	idx := g.index()
	for i := range g.Nodes {
		fmt.Fprintf(bw, "  n%d[%s]\n", i, mermaidLabel(label(&g.Nodes[i])))
	}
	byColor := map[string][]string{}
	var colors []string
	edges := g.drawnEdges()
	for i := range edges {
		e := &edges[i]
		arrow := "-->"
		st := styleOf(e.Res)
		if st.dash != "solid" {
			arrow = "-.->"
		}
		fmt.Fprintf(bw, "  n%d %s|%s| n%d\n", idx[e.Src], arrow, e.Kind, idx[e.Dst])
		if _, ok := byColor[st.color]; !ok {
			colors = append(colors, st.color)
		}
		byColor[st.color] = append(byColor[st.color], strconv.Itoa(i))
	}
	for _, c := range colors {
		fmt.Fprintf(bw, "  linkStyle %s stroke:%s\n", strings.Join(byColor[c], ","), c)
	}
	if i, ok := idx[g.Root]; ok && g.Root != 0 {
		fmt.Fprintln(bw, "  classDef root stroke-width:3px")
		fmt.Fprintf(bw, "  class n%d root\n", i)
	}
	return bw.Flush()
}
