package graphexport

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// Layout geometry of WriteSVG, in SVG user units.
const (
	svgMargin   = 20
	svgNodeH    = 28
	svgLayerGap = 60
	svgNodeGap  = 16
	svgCharW    = 7
	svgPadX     = 10
	svgMaxLabel = 48 // runes; longer labels are cut with an ellipsis
	svgSweeps   = 8  // barycenter passes (down and up)
)

// layout is a layered drawing: each node's layer and its order in it.
type layout struct {
	layer []int   // node -> layer
	order [][]int // layer -> nodes, left to right
}

// layered lays out n nodes joined by edges (pairs of node indices) the
// Sugiyama way, simply: cycles are broken by reversing the back edges of a
// depth-first search, layers are longest paths from the sources, and the
// order in each layer is improved by barycenter sweeps down and up.
func layered(n int, edges [][2]int) layout {
	// Cycle breaking: iterative DFS, an edge to a node on the stack is a
	// back edge and is reversed.
	succ := make([][]int, n)
	for _, e := range edges {
		if e[0] != e[1] {
			succ[e[0]] = append(succ[e[0]], e[1])
		}
	}
	const white, grey, black = 0, 1, 2
	color := make([]uint8, n)
	dag := make([][]int, n) // successors in the acyclic orientation
	type frame struct{ v, i int }
	for s := 0; s < n; s++ {
		if color[s] != white {
			continue
		}
		stack := []frame{{s, 0}}
		color[s] = grey
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			if f.i == len(succ[f.v]) {
				color[f.v] = black
				stack = stack[:len(stack)-1]
				continue
			}
			u := succ[f.v][f.i]
			f.i++
			switch color[u] {
			case white:
				dag[f.v] = append(dag[f.v], u)
				color[u] = grey
				stack = append(stack, frame{u, 0})
			case grey:
				dag[u] = append(dag[u], f.v) // back edge: reversed
			default:
				dag[f.v] = append(dag[f.v], u)
			}
		}
	}
	// Longest-path layering in topological order (Kahn).
	indeg := make([]int, n)
	for v := range dag {
		for _, u := range dag[v] {
			indeg[u]++
		}
	}
	queue := make([]int, 0, n)
	for v := 0; v < n; v++ {
		if indeg[v] == 0 {
			queue = append(queue, v)
		}
	}
	lay := layout{layer: make([]int, n)}
	for h := 0; h < len(queue); h++ {
		v := queue[h]
		for _, u := range dag[v] {
			lay.layer[u] = max(lay.layer[u], lay.layer[v]+1)
			if indeg[u]--; indeg[u] == 0 {
				queue = append(queue, u)
			}
		}
	}
	depth := 0
	for _, l := range lay.layer {
		depth = max(depth, l+1)
	}
	lay.order = make([][]int, depth)
	for v := 0; v < n; v++ {
		lay.order[lay.layer[v]] = append(lay.order[lay.layer[v]], v)
	}
	// Barycenter ordering: neighbours in the adjacent layer.
	up := make([][]int, n)   // neighbours in lower layer numbers
	down := make([][]int, n) // neighbours in higher layer numbers
	for v := range dag {
		for _, u := range dag[v] {
			down[v] = append(down[v], u)
			up[u] = append(up[u], v)
		}
	}
	pos := make([]float64, n)
	setPos := func() {
		for _, row := range lay.order {
			for i, v := range row {
				pos[v] = float64(i)
			}
		}
	}
	setPos()
	bary := make([]float64, n)
	sweep := func(row []int, nb [][]int) {
		for _, v := range row {
			if len(nb[v]) == 0 {
				bary[v] = pos[v]
				continue
			}
			s := 0.0
			for _, u := range nb[v] {
				s += pos[u]
			}
			bary[v] = s / float64(len(nb[v]))
		}
		slices.SortStableFunc(row, func(a, b int) int {
			switch {
			case bary[a] < bary[b]:
				return -1
			case bary[a] > bary[b]:
				return 1
			}
			return 0
		})
		for i, v := range row {
			pos[v] = float64(i)
		}
	}
	for s := 0; s < svgSweeps; s++ {
		if s%2 == 0 {
			for l := 1; l < depth; l++ {
				sweep(lay.order[l], up)
			}
		} else {
			for l := depth - 2; l >= 0; l-- {
				sweep(lay.order[l], down)
			}
		}
	}
	return lay
}

func svgText(s string) string {
	if utf8.RuneCountInString(s) > svgMaxLabel {
		r := []rune(s)
		s = string(r[:svgMaxLabel-1]) + "…"
	}
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func svgAttr(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s)) // escapes " ' < > & and line breaks
	return b.String()
}

// WriteSVG draws g as an SVG picture with a layered layout computed here
// (no Graphviz needed): layers top to bottom, one <g class="node"
// data-node-id="..."> per node with a <title> tooltip, one <g
// class="edge"> per edge styled by resolution.
func WriteSVG(w io.Writer, g *Graph) error {
	idx := g.index()
	edges := g.drawnEdges()
	pairs := make([][2]int, 0, len(edges))
	for i := range edges {
		pairs = append(pairs, [2]int{idx[edges[i].Src], idx[edges[i].Dst]})
	}
	lay := layered(len(g.Nodes), pairs)
	// Geometry: widths from the labels, each layer centred on the widest.
	width := make([]int, len(g.Nodes))
	for i := range g.Nodes {
		width[i] = min(utf8.RuneCountInString(label(&g.Nodes[i])), svgMaxLabel)*svgCharW + 2*svgPadX
	}
	rowW := make([]int, len(lay.order))
	maxW := 0
	for l, row := range lay.order {
		for i, v := range row {
			if i > 0 {
				rowW[l] += svgNodeGap
			}
			rowW[l] += width[v]
		}
		maxW = max(maxW, rowW[l])
	}
	x := make([]int, len(g.Nodes))
	y := make([]int, len(g.Nodes))
	for l, row := range lay.order {
		cx := svgMargin + (maxW-rowW[l])/2
		for _, v := range row {
			x[v], y[v] = cx, svgMargin+l*(svgNodeH+svgLayerGap)
			cx += width[v] + svgNodeGap
		}
	}
	totalW := maxW + 2*svgMargin
	totalH := 2*svgMargin + max(len(lay.order), 1)*(svgNodeH+svgLayerGap) - svgLayerGap

	bw := bufio.NewWriterSize(w, 1<<16)
	fmt.Fprintf(bw, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif" font-size="12">`+"\n",
		totalW, totalH, totalW, totalH)
	bw.WriteString("<defs>\n")
	colors := map[string]bool{}
	for i := range edges {
		c := styleOf(edges[i].Res).color
		if !colors[c] {
			colors[c] = true
			fmt.Fprintf(bw, `<marker id="arrow-%s" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="%s"/></marker>`+"\n",
				c[1:], c)
		}
	}
	bw.WriteString("</defs>\n")
	for i := range edges {
		e := &edges[i]
		s, d := idx[e.Src], idx[e.Dst]
		st := styleOf(e.Res)
		dash := ""
		switch st.dash {
		case "dashed":
			dash = ` stroke-dasharray="6,4"`
		case "dotted":
			dash = ` stroke-dasharray="2,3"`
		}
		x1, y1 := x[s]+width[s]/2, y[s]+svgNodeH
		x2, y2 := x[d]+width[d]/2, y[d]
		if y[d] < y[s] { // drawn upwards: leave from the top, enter at the bottom
			y1, y2 = y[s], y[d]+svgNodeH
		} else if y[d] == y[s] { // same layer (a self loop or a reversed edge's twin)
			y1, y2 = y[s]+svgNodeH, y[d]+svgNodeH
		}
		my := (y1 + y2) / 2
		if y1 == y2 {
			my = y1 + svgLayerGap/2
		}
		fmt.Fprintf(bw, `<g class="edge" data-src="%s" data-dst="%s" data-kind="%s" data-resolution="%s"><title>%s</title><path d="M%d,%d C%d,%d %d,%d %d,%d" fill="none" stroke="%s"%s marker-end="url(#arrow-%s)"/></g>`+"\n",
			e.Src, e.Dst, e.Kind, e.Res, svgAttr(fmt.Sprintf("%s (%s) %s:%d", e.Kind, e.Res, e.File, e.Line)),
			x1, y1, x1, my, x2, my, x2, y2, st.color, dash, st.color[1:])
	}
	for i := range g.Nodes {
		n := &g.Nodes[i]
		stroke := "1"
		if n.ID == g.Root {
			stroke = "3"
		}
		fmt.Fprintf(bw, `<g class="node" data-node-id="%s" data-kind="%s"><title>%s</title><rect x="%d" y="%d" width="%d" height="%d" rx="6" fill="#f9fafb" stroke="#374151" stroke-width="%s"/><text x="%d" y="%d" text-anchor="middle" dominant-baseline="central">%s</text></g>`+"\n",
			n.ID, svgAttr(n.Kind.String()), svgAttr(fmt.Sprintf("%s %s\n%s:%d", n.Kind, label(n), n.File, n.StartLine)),
			x[i], y[i], width[i], svgNodeH, stroke, x[i]+width[i]/2, y[i]+svgNodeH/2, svgText(label(n)))
	}
	bw.WriteString("</svg>\n")
	return bw.Flush()
}
