package graphexport

import (
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// FuzzEscape writes a two-node graph whose names are arbitrary strings
// and checks every format still parses: DOT reads back the same label,
// GraphML decodes, Mermaid keeps to its grammar, SVG is well-formed.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{`a"b`, `x\y`, "l1\nl2", "<&>", "end", "é函数", "#quot;", "\x00\x7f", "-->|x|"} {
		f.Add(s, "file/"+s)
	}
	f.Fuzz(func(t *testing.T, name, file string) {
		g := &Graph{Nodes: []graph.Node{
			{ID: 1, Kind: graph.KindFunction, Name: name, QualifiedName: name, File: file, StartLine: 1},
			{ID: 2, Kind: graph.KindMethod, Name: file, File: name, StartLine: 2},
		}, Edges: []graph.Edge{{Kind: graph.EdgeCalls, Src: 1, Dst: 2, File: file, Res: graph.ResInferred}}, Root: 1}
		checkDOT(t, render(t, DOT, g), g, false)
		checkMermaid(t, render(t, Mermaid, g), g)
		checkGraphML(t, render(t, GraphML, g), g)
		checkSVG(t, render(t, SVG, g), g)
	})
}
