package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/service"
)

func newHubsCmd(e *env) *cobra.Command {
	var (
		o        queryOpts
		by       string
		external bool
	)
	cmd := &cobra.Command{
		Use:   "hubs",
		Short: "List the most connected functions: highest fan-in (callers) or fan-out (callees)",
		Long: `Hubs ranks functions and methods by their fan-in (distinct callers) or
fan-out (distinct callees) over resolved calls edges. Ambiguous calls do not
count; they are shown as possible callers. Library symbols are left out
unless --external.

Output: fan-in, fan-out, then file:line, kind, qualified name and signature.`,
		Example: `  codegraph hubs
  codegraph hubs --by out --limit 10
  codegraph hubs --by total --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			order := query.HubOrder(by)
			if order != query.ByFanIn && order != query.ByFanOut && order != query.ByTotal {
				return &exitError{2, fmt.Errorf("--by %q: want in, out or total", by)}
			}
			ctx := cmd.Context()
			c, err := o.connect(ctx, e)
			if err != nil {
				return err
			}
			defer c.Close()
			r, err := opHubs.ask(ctx, c, service.HubsRequest{Snippets: o.asJSON, HubsOptions: query.HubsOptions{By: order, External: external, Page: o.page()}})
			if err != nil {
				return queryError(err)
			}
			if o.asJSON {
				return writeJSON(e.stdout, r)
			}
			if r.Total == 0 {
				fmt.Fprintln(e.stdout, "no resolved calls in the index")
				return nil
			}
			fmt.Fprintf(e.stdout, "fan-in\tfan-out\tsymbol (by %s, %d with calls)\n", map[query.HubOrder]string{
				query.ByFanIn: "fan-in", query.ByFanOut: "fan-out", query.ByTotal: "fan-in + fan-out"}[order], r.Total)
			for i := range r.Items {
				h := &r.Items[i]
				possible := ""
				if h.PossibleIn > 0 {
					possible = fmt.Sprintf("\t[+%d ambiguous]", h.PossibleIn)
				}
				fmt.Fprintf(e.stdout, "%d\t%d\t%s%s\n", h.FanIn, h.FanOut, symbolLine(&h.Symbol), possible)
			}
			moreHint(e, len(r.Items), r.Total, r.NextCursor)
			return nil
		},
	}
	o.register(cmd, 20)
	cmd.Flags().StringVar(&by, "by", "in", "rank by in (fan-in), out (fan-out) or total")
	cmd.Flags().BoolVar(&external, "external", false, "include library symbols (fmt.Errorf, json.dumps)")
	return cmd
}
