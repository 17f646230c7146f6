package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/service"
)

func newCyclesCmd(e *env) *cobra.Command {
	var (
		o     queryOpts
		tests bool
	)
	cmd := &cobra.Command{
		Use:   "cycles",
		Short: "Find dependency cycles between packages (directories)",
		Long: `Cycles finds the groups of packages (directories) that depend on each other
in a circle, over resolved imports edges and resolved calls between
directories: the strongly connected components with more than one package,
largest first. Each cycle shows one shortest loop through it and the
dependencies between its packages, with an example edge.

Dependencies written in test files (*_test.go, test_*.py, *.test.ts, tests/
...) are left out unless --tests: tests may use what uses their package (Go's
external test packages do) without a cycle in any build.`,
		Example: `  codegraph cycles
  codegraph cycles --tests --limit 5
  codegraph cycles --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := o.connect(ctx, e)
			if err != nil {
				return err
			}
			defer c.Close()
			r, err := opCycles.ask(ctx, c, service.CyclesRequest{CyclesOptions: query.CyclesOptions{Tests: tests, Page: o.page()}})
			if err != nil {
				return queryError(err)
			}
			if o.asJSON {
				return writeJSON(e.stdout, r)
			}
			if r.Total == 0 {
				fmt.Fprintln(e.stdout, "no cycles between packages (over resolved imports and calls)")
				return nil
			}
			fmt.Fprintf(e.stdout, "%s between packages\n", plural(r.Total, "cycle", "cycles"))
			for i, c := range r.Cycles {
				fmt.Fprintf(e.stdout, "\ncycle %d (%d packages): %s\n", i+1, len(c.Packages), strings.Join(c.Loop, " → "))
				if len(c.Packages) > len(c.Loop)-1 {
					fmt.Fprintf(e.stdout, "  packages: %s\n", strings.Join(c.Packages, ", "))
				}
				for _, d := range c.Edges {
					var what []string
					if d.Imports > 0 {
						what = append(what, plural(d.Imports, "import", "imports"))
					}
					if d.Calls > 0 {
						what = append(what, plural(d.Calls, "call", "calls"))
					}
					fmt.Fprintf(e.stdout, "  %s → %s\t%s\te.g. %s:%d %s\n", d.From, d.To, strings.Join(what, ", "), d.Sample.File, d.Sample.Line, d.Sample.Target)
				}
				if c.EdgesTotal > len(c.Edges) {
					fmt.Fprintf(e.stdout, "  … %d more dependencies\n", c.EdgesTotal-len(c.Edges))
				}
			}
			moreHint(e, len(r.Cycles), r.Total, r.NextCursor)
			return nil
		},
	}
	o.register(cmd, 20)
	cmd.Flags().BoolVar(&tests, "tests", false, "count dependencies written in test files too")
	return cmd
}
