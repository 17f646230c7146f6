package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/service"
)

func newCallersCmd(e *env) *cobra.Command {
	return newCallsCmd(e, "callers", `Callers lists the functions that call SYMBOL, and with --depth N their
callers in turn, as a tree: each caller once, at the shortest depth, under
the function it calls, with the line of the call and how sure its resolution
is. Only resolved calls are followed (ambiguous ones are, marked with their
candidate count).

Output: file:line, kind, qualified name and signature of each caller,
indented by depth, then [call at FILE:LINE]; then the sites where SYMBOL is
used as a value (a callback, a handler, a method value stored in a field or
a map), "passed as a value at FILE:LINE": what receives it may call it
through calls the graph does not see.`, `  codegraph callers Store.Get
  codegraph callers Store.Get --depth 3
  codegraph callers pkg/store/store.go:24 --json --limit 500`)
}

// newCallsCmd builds callers and callees, which differ only in direction.
func newCallsCmd(e *env, dir, long, example string) *cobra.Command {
	var (
		o     queryOpts
		depth int
	)
	cmd := &cobra.Command{
		Use:     dir + " SYMBOL",
		Short:   map[string]string{"callers": "List what calls a symbol, transitively with --depth", "callees": "List what a symbol calls, transitively with --depth"}[dir],
		Long:    long + "\n\n" + symbolHelp,
		Example: example,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkDepth("--depth", depth); err != nil {
				return err
			}
			ctx := cmd.Context()
			c, err := o.connect(ctx, e)
			if err != nil {
				return err
			}
			defer c.Close()
			r, err := opCalls.ask(ctx, c, service.CallsRequest{Target: o.target(args[0]), Callees: dir == "callees",
				CallsOptions: query.CallsOptions{Depth: depth, Page: o.page()}})
			if err != nil {
				return o.fail(e, err, dir)
			}
			if o.asJSON {
				return writeJSON(e.stdout, r)
			}
			printCalls(e.stdout, r)
			moreHint(e, len(r.Items), r.Total, r.NextCursor)
			return nil
		},
	}
	o.register(cmd, 100)
	o.registerAt(cmd)
	cmd.Flags().IntVar(&depth, "depth", 1, "levels of "+dir+" to follow")
	return cmd
}

func printCalls(w io.Writer, r *query.CallsResult) {
	fmt.Fprintf(w, "%s of %s, depth %d: %d\n", r.Direction, describe(&r.Root), r.Depth, r.Total)
	if r.Total == 0 && r.Direction == "callers" {
		fmt.Fprintln(w, "(no resolved calls into it; `codegraph impact` also counts unresolved calls that could reach it)")
	}
	for i := range r.Items {
		it := &r.Items[i]
		indent := strings.Repeat("  ", it.Depth-1)
		note := edgeNote("call", &it.Via)
		if it.Sites > 1 {
			note = strings.TrimSuffix(note, "]") + fmt.Sprintf(", %d calls]", it.Sites)
		}
		if it.Dynamic {
			note = strings.TrimSuffix(note, "]") + ", dynamic dispatch through " + it.Through + "]"
		}
		if it.Symbol == nil {
			fmt.Fprintf(w, "%s%s:%d\tunresolved\t%s\t\t%s\n", indent, it.Via.File, it.Via.Line, it.Target, note)
			continue
		}
		fmt.Fprintf(w, "%s%s\t%s\n", indent, symbolLine(it.Symbol), note)
	}
	if r.Truncated {
		fmt.Fprintln(w, "(traversal stopped at its node bound)")
	}
	for _, d := range r.Dispatch {
		if !d.Followed {
			fmt.Fprintf(w, "dynamic dispatch: %s through %s, not listed (more than %d)\n", plural(d.Calls, "call", "calls"), d.Name, query.MaxDispatchCalls)
		}
	}
	for _, v := range r.Values {
		fmt.Fprintf(w, "passed as a value at %s:%d\t%s\n", v.File, v.Line, v.Target)
	}
}
