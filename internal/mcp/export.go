package mcp

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/codegraph-dev/codegraph/internal/graph"

	"github.com/codegraph-dev/codegraph/internal/graphexport"
	"github.com/codegraph-dev/codegraph/internal/service"
)

// exportMaxNodes bounds the diagram export_graph draws: a Mermaid chart
// of more nodes is neither readable nor within an answer's token budget.
const exportMaxNodes = 150

// exportGraphTool is the export_graph tool: a selection of the graph as a
// Mermaid flowchart an agent can show the user (service.Repo.Export, the
// selection of `codegraph export` and GET /export).
func exportGraphTool() *toolDef {
	return &toolDef{name: "export_graph", readOnly: true, access: service.ReadOnly,
		desc:    "Mermaid call graph around a symbol or in a path_glob.",
		params:  []string{"symbol", "direction", "depth", "path_glob"},
		out:     []string{"mermaid:string"},
		handler: (*call).exportGraph}
}

type exportOut struct {
	answer
	Mermaid string `json:"mermaid"`
	nodes   int
	edges   int
}

func (o *exportOut) base() *answer { return &o.answer }
func (o *exportOut) items() int    { return 0 }
func (o *exportOut) keep(int)      {}
func (o *exportOut) text() string {
	return fmt.Sprintf("```mermaid\n%s```\n%d nodes, %d edges [index: %s]\n", o.Mermaid, o.nodes, o.edges, o.IndexState)
}

func (c *call) exportGraph(ctx context.Context) (output, func(int) string, error) {
	sel := graphexport.Selection{Root: c.a.Symbol, Depth: c.a.Depth, Path: c.a.PathGlob, MaxNodes: exportMaxNodes}
	if sel.Root == "" && sel.Depth != 0 {
		return nil, nil, errors.New("depth needs a symbol")
	}
	var err error
	if c.a.Direction != "" {
		if sel.Direction, err = graphexport.ParseDirection(c.a.Direction); err != nil {
			return nil, nil, err
		}
	}
	// Calls only: the picture agents are asked for (a smaller tool schema
	// than a kinds argument; other kinds are a GET /export away).
	sel.Kinds = []graph.EdgeKind{graph.EdgeCalls}
	g, err := c.repo.Export(ctx, graphexport.Mermaid, sel)
	if err != nil {
		if errors.Is(err, graphexport.ErrTooLarge) {
			return nil, nil, fmt.Errorf("the selection has more than %d nodes: pass a symbol with a smaller depth, or a path_glob", exportMaxNodes)
		}
		return nil, nil, err
	}
	var b bytes.Buffer
	if err := graphexport.WriteMermaid(&b, g); err != nil {
		return nil, nil, err
	}
	o := &exportOut{Mermaid: b.String(), nodes: len(g.Nodes), edges: len(g.Edges)}
	if n, err := cost(o); err == nil && n > c.budget {
		return nil, nil, fmt.Errorf("the diagram (%d nodes, about %d tokens) is over the %d-token budget: narrow the selection (a smaller depth or a path_glob)", len(g.Nodes), n, c.budget)
	}
	return o, nil, nil
}
