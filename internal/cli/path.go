package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/service"
)

func newPathCmd(e *env) *cobra.Command {
	var (
		o        queryOpts
		maxDepth int
		kinds    string
	)
	cmd := &cobra.Command{
		Use:   "path A B",
		Short: "Show a shortest chain of calls, imports and references from A to B",
		Long: `Path finds a shortest path from symbol A to symbol B over resolved calls,
imports and references edges, in their direction (A calls or uses something
that … uses B), searching from both ends at once, up to --max-depth edges.

Output: each symbol of the path (file:line, kind, qualified name, signature)
and between them the edge that leads on, with the line it is written at.

` + symbolHelp,
		Example: `  codegraph path main Store.Get
  codegraph path cmd/app/main.go pkg/store/store.go     # files: over imports
  codegraph path Handler.ServeHTTP sql.DB.Query --kind calls --max-depth 20`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkDepth("--max-depth", maxDepth); err != nil {
				return err
			}
			ks, err := parseEdgeKinds("--kind", kinds)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			c, err := o.connect(ctx, e)
			if err != nil {
				return err
			}
			defer c.Close()
			r, err := opPath.ask(ctx, c, service.PathRequest{From: o.target(args[0]), To: o.target(args[1]),
				PathOptions: query.PathOptions{MaxDepth: maxDepth, Kinds: ks}})
			if err != nil {
				return symbolError(e, err, o.asJSON, "path")
			}
			if o.asJSON {
				return writeJSON(e.stdout, r)
			}
			if !r.Found {
				why := fmt.Sprintf("within %d edges", r.MaxDepth)
				if r.Truncated {
					why = "before the search reached its node bound"
				}
				fmt.Fprintf(e.stdout, "no path from %s to %s %s (%d nodes explored; only resolved edges are followed)\n",
					describe(&r.From), describe(&r.To), why, r.Explored)
				return nil
			}
			fmt.Fprintf(e.stdout, "path from %s to %s: %s\n", r.From.QualifiedName, r.To.QualifiedName, plural(r.Length, "edge", "edges"))
			for i := range r.Steps {
				s := &r.Steps[i]
				if s.Via != nil {
					fmt.Fprintf(e.stdout, "  %s\n", edgeNote(s.Via.Kind, s.Via))
				}
				fmt.Fprintln(e.stdout, symbolLine(&s.Symbol))
			}
			return nil
		},
	}
	o.register(cmd, 0)
	o.registerAt(cmd)
	f := cmd.Flags()
	f.IntVar(&maxDepth, "max-depth", query.DefaultPathDepth, "longest path to look for, in edges")
	f.StringVar(&kinds, "kind", "", "only these edge kinds, comma-separated (default: calls,imports,references)")
	return cmd
}
