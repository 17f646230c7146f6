package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/service"
)

func newDepsCmd(e *env) *cobra.Command {
	var (
		o       queryOpts
		depth   int
		reverse bool
		kinds   string
	)
	cmd := &cobra.Command{
		Use:   "deps SYMBOL|FILE|PACKAGE",
		Short: "List what a symbol, file or package depends on (or, with --reverse, what depends on it)",
		Long: `Deps lists the dependencies of a symbol, a file or a package (a directory)
over resolved imports, calls, references, inherits and implements edges, at
the granularity of what you ask about: a symbol's dependencies are symbols
(a class stands for its methods and fields), a file's are files, a
package's are packages. With --depth N it follows them N levels, as a tree;
with --reverse it lists what depends on the argument instead. Edges that
resolve to nothing in the repository are listed as "unresolved" (with the
name as written, such as an import path) or "external".

The argument is an indexed file, a directory holding indexed files (a
package), or a SYMBOL.

` + symbolHelp,
		Example: `  codegraph deps pkg/server                  # packages pkg/server depends on
  codegraph deps pkg/server --reverse --depth 2
  codegraph deps pkg/server/server.go
  codegraph deps Server.ServeHTTP --kind calls
  codegraph deps web/cart.ts --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkDepth("--depth", depth); err != nil {
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
			r, err := opDeps.ask(ctx, c, service.DepsRequest{Target: o.target(args[0]),
				DepsOptions: query.DepsOptions{Depth: depth, Reverse: reverse, Kinds: ks, Page: o.page()}})
			if err != nil {
				return o.fail(e, err, "deps")
			}
			if o.asJSON {
				return writeJSON(e.stdout, r)
			}
			printDeps(e.stdout, r)
			moreHint(e, len(r.Items), r.Total, r.NextCursor)
			return nil
		},
	}
	o.register(cmd, 100)
	o.registerAt(cmd)
	f := cmd.Flags()
	f.IntVar(&depth, "depth", 1, "levels to follow")
	f.BoolVar(&reverse, "reverse", false, "list what depends on the argument instead")
	f.StringVar(&kinds, "kind", "", "only these edge kinds, comma-separated (default: imports,calls,references,inherits,implements)")
	return cmd
}

func scopeName(s *query.Scope) string {
	if s.Symbol != nil {
		return describe(s.Symbol)
	}
	return fmt.Sprintf("%s %s", s.Kind, s.Name)
}

func printDeps(w io.Writer, r *query.DepsResult) {
	what := "dependencies of"
	if r.Reverse {
		what = "dependents of"
	}
	fmt.Fprintf(w, "%s %s, depth %d: %d\n", what, scopeName(&r.Scope), r.Depth, r.Total)
	for i := range r.Items {
		it := &r.Items[i]
		indent := strings.Repeat("  ", it.Depth-1)
		edges := fmt.Sprintf("%s (%s)", plural(it.Edges, "edge", "edges"), strings.Join(it.EdgeKinds, ", "))
		site := fmt.Sprintf("%s:%d", it.Via.File, it.Via.Line)
		if it.Symbol != nil {
			fmt.Fprintf(w, "%s%s\t[%s at %s]\n", indent, symbolLine(it.Symbol), strings.Join(it.EdgeKinds, ","), site)
			continue
		}
		fmt.Fprintf(w, "%s%s\t%s\t%s\tat %s\n", indent, it.Name, it.Kind, edges, site)
	}
	if r.Unresolved > 0 {
		fmt.Fprintf(w, "(%s not shown: calls and references the index could not bind)\n", plural(r.Unresolved, "unresolved edge", "unresolved edges"))
	}
	if r.Truncated {
		fmt.Fprintln(w, "(traversal stopped at its node bound)")
	}
}
