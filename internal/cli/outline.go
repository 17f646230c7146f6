package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/service"
)

func newOutlineCmd(e *env) *cobra.Command {
	var (
		o       queryOpts
		imports bool
	)
	cmd := &cobra.Command{
		Use:   "outline FILE",
		Short: "Show the symbols of a file, nested (methods under their types), with signatures",
		Long: `Outline lists the symbols of an indexed FILE in source order, nested as they
are in the source (fields and methods under their class or type, Go methods
under their receiver type), with their signatures. FILE is
repository-relative or relative to the current directory. --limit pages
over top-level symbols.`,
		Example: `  codegraph outline pkg/server/server.go
  codegraph outline server.go --imports        # from inside pkg/server
  codegraph outline web/cart.ts --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := o.connect(ctx, e)
			if err != nil {
				return err
			}
			defer c.Close()
			wd, _ := os.Getwd()
			r, err := opOutline.ask(ctx, c, service.OutlineRequest{Target: service.Target{Symbol: args[0], WD: wd, Snippets: o.asJSON},
				OutlineOptions: query.OutlineOptions{Imports: imports, Page: o.page()}})
			if err != nil {
				return queryError(err)
			}
			if o.asJSON {
				return writeJSON(e.stdout, r)
			}
			fmt.Fprintf(e.stdout, "%s (%s): %s\n", r.File, r.Language, plural(r.Symbols, "symbol", "symbols"))
			printOutline(e.stdout, r.Items, 0)
			moreHint(e, len(r.Items), r.Total, r.NextCursor)
			return nil
		},
	}
	o.register(cmd, 500)
	cmd.Flags().BoolVar(&imports, "imports", false, "include imports")
	return cmd
}

func printOutline(w io.Writer, items []*query.OutlineItem, depth int) {
	for _, it := range items {
		fmt.Fprintf(w, "%s%s\n", strings.Repeat("  ", depth), symbolLine(&it.Symbol))
		printOutline(w, it.Children, depth+1)
	}
}
