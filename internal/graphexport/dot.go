package graphexport

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// dotQuote returns s as a DOT double-quoted string. Inside one, only \"
// is an escape of the grammar; Graphviz reads a backslash as the start of
// a label escape (\n, \l, \N, ...), so a literal one is doubled and line
// breaks become \n. Other characters, unicode included, are written as
// they are (DOT files are UTF-8).
func dotQuote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
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

// WriteDOT writes g as a Graphviz digraph: nodes by their id with the
// qualified name as label and file:line as tooltip, edges labelled by kind
// and styled by resolution (see styleOf); the root, if any, is bold.
func WriteDOT(w io.Writer, g *Graph) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	fmt.Fprintln(bw, "digraph codegraph {")
	fmt.Fprintln(bw, `  rankdir=LR;`)
	fmt.Fprintln(bw, `  node [shape=box, style="rounded", fontname="Helvetica", fontsize=10];`)
	fmt.Fprintln(bw, `  edge [fontname="Helvetica", fontsize=8];`)
	for i := range g.Nodes {
		n := &g.Nodes[i]
		extra := ""
		if n.ID == g.Root {
			extra = `, style="rounded,bold"`
		}
		fmt.Fprintf(bw, "  %s [label=%s, tooltip=%s, kind=%s%s];\n", dotQuote(n.ID.String()), dotQuote(label(n)),
			dotQuote(fmt.Sprintf("%s %s:%d", n.Kind, n.File, n.StartLine)), dotQuote(n.Kind.String()), extra)
	}
	edges := g.drawnEdges()
	for i := range edges {
		e := &edges[i]
		st := styleOf(e.Res)
		fmt.Fprintf(bw, "  %s -> %s [label=%s, resolution=%s, color=%s, style=%s];\n", dotQuote(e.Src.String()),
			dotQuote(e.Dst.String()), dotQuote(e.Kind.String()), dotQuote(e.Res.String()), dotQuote(st.color), st.dash)
	}
	fmt.Fprintln(bw, "}")
	return bw.Flush()
}
