package cli

import (
	"bufio"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/codegraph-dev/codegraph/internal/graphexport"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/service"
)

func newExportCmd(e *env) *cobra.Command {
	var db, format, root, direction, kinds, glob, pkg string
	var depth, maxNodes int
	cmd := &cobra.Command{
		Use:   "export [--format ndjson|json|dot|mermaid|graphml|svg] [selection]",
		Short: "Write the graph, or a selected part of it, as NDJSON, JSON, DOT, Mermaid, GraphML or SVG",
		Long: `Export writes the code graph, or the part a selection names, to stdout.

Formats:
  ndjson   first every node
             {"type":"node","id","kind","name","qualified_name","file","line","end_line","language",...}
           then every edge
             {"type":"edge","kind","src","dst","target","file","line","resolution"}
           Without a selection it streams the whole graph in constant memory,
           unresolved edges included ("dst" null); "target" is the name as written.
  json     one document {"root","nodes":[...],"edges":[...]} of the same records
  dot      a Graphviz digraph (dot -Tsvg graph.dot > graph.svg)
  mermaid  a Mermaid flowchart for Markdown
  graphml  GraphML for Gephi or yEd
  svg      a picture laid out by codegraph itself (Graphviz not needed)

Selection (none: the whole graph):
  --root SYMBOL --depth N --direction callers|callees|both
           the neighbourhood of SYMBOL (default depth 2, direction callees,
           edge kinds calls)
  --kind calls,imports,...   edge kinds to keep (contains, defines, imports,
           calls, inherits, implements, references)
  --path GLOB               nodes whose file matches (*, **, ?; a directory
           matches everything under it)
  --package PKG             nodes whose directory is PKG or ends in /PKG
A selection keeps the resolved edges between the nodes it selects. Edges are
styled by resolution: exact solid, syntax grey, inferred dashed blue,
ambiguous dotted orange, external dashed grey. dot, mermaid and svg refuse
more than --max-nodes nodes (default 2000).`,
		Example: `  codegraph export --format ndjson > graph.ndjson
  codegraph export --format ndjson | jq -c 'select(.type=="edge" and .kind=="calls")'
  codegraph export --format mermaid --root Server.ServeHTTP --depth 2
  codegraph export --format svg --root Store.Get --direction callers > callers.svg
  codegraph export --format dot --kind imports --package server | dot -Tpng > server.png
  codegraph export --format graphml --path 'pkg/**' > pkg.graphml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := graphexport.ParseFormat(format)
			if err != nil {
				return &exitError{2, err}
			}
			sel := graphexport.Selection{Root: root, Path: glob, Package: pkg, MaxNodes: maxNodes}
			if sel.Kinds, err = graphexport.ParseKinds(kinds); err != nil {
				return &exitError{2, fmt.Errorf("--kind: %w", err)}
			}
			if sel.Direction, err = graphexport.ParseDirection(direction); err != nil {
				return &exitError{2, fmt.Errorf("--direction: %w", err)}
			}
			if cmd.Flags().Changed("depth") {
				if root == "" {
					return &exitError{2, errors.New("--depth needs --root")}
				}
				if err := checkDepth("--depth", depth); err != nil {
					return err
				}
				sel.Depth = depth
			}
			if cmd.Flags().Changed("direction") && root == "" {
				return &exitError{2, errors.New("--direction needs --root")}
			}
			if maxNodes < 0 {
				return &exitError{2, errors.New("--max-nodes must not be negative")}
			}
			if !cmd.Flags().Changed("max-nodes") && !f.Drawn() {
				sel.MaxNodes = 0
			}
			dir, err := findDB(db)
			if err != nil {
				return err
			}
			sn, err := service.Open(dir, search.Config{})
			if err != nil {
				return err
			}
			defer sn.Close()
			ctx := cmd.Context()
			if f == graphexport.NDJSON && sel.Empty() && sel.MaxNodes == 0 {
				return graphexport.StreamNDJSON(ctx, sn.Store, e.stdout)
			}
			if sel.Root != "" {
				wd, _ := os.Getwd()
				sel.Root = sn.Spec(service.Target{Symbol: sel.Root, WD: wd})
			}
			g, err := graphexport.Select(ctx, sn.Store, sn.Graph, sel)
			if err != nil {
				if errors.Is(err, graphexport.ErrInvalid) || errors.Is(err, graphexport.ErrTooLarge) {
					return &exitError{2, err}
				}
				return err
			}
			w := bufio.NewWriterSize(e.stdout, 1<<16)
			if err := graphexport.Write(w, f, g); err != nil {
				return err
			}
			return w.Flush()
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&db, "db", "", "store directory (default: .codegraph in this or a parent directory)")
	fl.StringVar(&format, "format", "ndjson", "output format: ndjson, json, dot, mermaid, graphml or svg")
	fl.StringVar(&root, "root", "", "export the neighbourhood of this symbol")
	fl.IntVar(&depth, "depth", 2, "with --root: how many edges away to go")
	fl.StringVar(&direction, "direction", "callees", "with --root: callers, callees or both")
	fl.StringVar(&kinds, "kind", "", "edge kinds to keep, comma-separated (default: calls with --root, all without)")
	fl.StringVar(&glob, "path", "", "keep nodes whose file matches this glob")
	fl.StringVar(&pkg, "package", "", "keep nodes whose directory is this package")
	fl.IntVar(&maxNodes, "max-nodes", graphexport.DefaultDrawMax, "refuse a selection of more nodes (0: no limit; default applies to dot, mermaid, svg)")
	return cmd
}
