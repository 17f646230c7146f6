package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/service"
)

func newRefsCmd(e *env) *cobra.Command {
	var (
		o     queryOpts
		kinds string
	)
	cmd := &cobra.Command{
		Use:   "refs SYMBOL",
		Short: "List every reference to a symbol (resolved edges into it), with the line's text",
		Long: `Refs lists the edges into SYMBOL — calls, references, imports, inherits,
implements, and the contains/defines edges of what encloses it — by file and
line, each with the symbol it comes from and the text of that source line.
Only resolved edges are known to point at SYMBOL; --kind restricts the edge
kinds.

Output: file:line, edge kind, the referring symbol, the line's text.

` + symbolHelp,
		Example: `  codegraph refs Store.Get
  codegraph refs Store.Get --kind calls,references
  codegraph refs pkg/store/store.go:24 --json --limit 200`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
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
			r, err := opRefs.ask(ctx, c, service.RefsRequest{Target: o.target(args[0]), RefsOptions: query.RefsOptions{Kinds: ks, Page: o.page()}})
			if err != nil {
				return o.fail(e, err, "refs")
			}
			if o.asJSON {
				return writeJSON(e.stdout, r)
			}
			fmt.Fprintf(e.stdout, "%s to %s\n", plural(r.Total, "reference", "references"), describe(&r.Symbol))
			for i := range r.Items {
				it := &r.Items[i]
				from := it.From
				if it.Source != nil {
					from = it.Source.QualifiedName
				}
				line := fmt.Sprintf("%s:%d\t%s\t%s\t%s", it.File, it.Line, it.Kind, from, it.Text)
				if it.Resolution != "exact" && it.Resolution != "syntax" {
					line += "\t[" + it.Resolution + "]"
				}
				fmt.Fprintln(e.stdout, line)
			}
			moreHint(e, len(r.Items), r.Total, r.NextCursor)
			return nil
		},
	}
	o.register(cmd, 100)
	o.registerAt(cmd)
	cmd.Flags().StringVar(&kinds, "kind", "", "only these edge kinds, comma-separated (calls,references,imports,inherits,implements,contains,defines)")
	return cmd
}
