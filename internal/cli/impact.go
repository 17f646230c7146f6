package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/service"
)

func newImpactCmd(e *env) *cobra.Command {
	var (
		o     queryOpts
		depth int
	)
	cmd := &cobra.Command{
		Use:   "impact SYMBOL|FILE|PACKAGE",
		Short: "Show everything that transitively depends on a symbol, file or package, grouped by file and package",
		Long: `Impact lists what a change to SYMBOL, FILE or PACKAGE could affect: every
symbol that depends on it through resolved calls, references, inherits,
implements and imports edges, transitively up to --depth levels, grouped by
package (directory) and file, with test files called out.

The answer is complete only as far as the graph is resolved. When calls
that could reach the affected set were not followed — unresolved calls
whose callee's name (the last identifier, as in s.st.Get) is the name of
an affected function, method or type, ambiguous calls, and places where an
affected function escapes as a value (passed as a callback or handler,
stored in a field or a map: its receiver may call it) — impact says
INCOMPLETE, counts them and lists where they are: the set is then a lower
bound.

The argument is an indexed file, a directory holding indexed files (a
package), or a SYMBOL.

` + symbolHelp,
		Example: `  codegraph impact Store.Get
  codegraph impact pkg/store/store.go --depth 3
  codegraph impact pkg/store --json --limit 1000`,
		Args: cobra.ExactArgs(1),
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
			r, err := opImpact.ask(ctx, c, service.ImpactRequest{Target: o.target(args[0]),
				ImpactOptions: query.ImpactOptions{Depth: depth, Page: o.page()}})
			if err != nil {
				return o.fail(e, err, "impact")
			}
			if o.asJSON {
				return writeJSON(e.stdout, r)
			}
			printImpact(e.stdout, r)
			moreHint(e, len(r.Items), r.Total, r.NextCursor)
			return nil
		},
	}
	o.register(cmd, 100)
	o.registerAt(cmd)
	cmd.Flags().IntVar(&depth, "depth", query.DefaultImpactDepth, "levels of dependents to follow")
	return cmd
}

func printImpact(w io.Writer, r *query.ImpactResult) {
	fmt.Fprintf(w, "impact of %s, depth %d: %s in %s, %s, %s\n", scopeName(&r.Scope), r.Depth,
		plural(r.Total, "symbol", "symbols"), plural(r.FilesTotal, "file", "files"),
		plural(r.PackagesTotal, "package", "packages"), plural(r.TestsTotal, "test file", "test files"))
	if r.Complete {
		fmt.Fprintln(w, "complete: no unresolved or ambiguous call could reach it")
		if r.Precise {
			fmt.Fprintln(w, "precise: every path is compiler-checked (the precise tier)")
		}
	} else {
		fmt.Fprint(w, "INCOMPLETE (a lower bound):")
		if r.Truncated {
			fmt.Fprint(w, " the traversal stopped at its node bound;")
		}
		fmt.Fprintf(w, " %s and %s could also reach it", plural(r.Unresolved.Count, "unresolved call", "unresolved calls"),
			plural(r.Ambiguous.Count, "ambiguous call", "ambiguous calls"))
		if r.Escapes.Count > 0 {
			fmt.Fprintf(w, "; it escapes as a value at %s", plural(r.Escapes.Count, "site", "sites"))
		}
		if len(r.DispatchWide) > 0 {
			fmt.Fprint(w, "; calls through widely used interface methods were counted, not followed")
		}
		fmt.Fprintln(w)
		for _, s := range r.Unresolved.Sites {
			fmt.Fprintf(w, "  %s:%d\t%s\tunresolved, could be %s\n", s.File, s.Line, s.Target, s.Name)
		}
		if n := r.Unresolved.Count - len(r.Unresolved.Sites); n > 0 {
			fmt.Fprintf(w, "  … %d more unresolved\n", n)
		}
		for _, s := range r.Ambiguous.Sites {
			fmt.Fprintf(w, "  %s:%d\t%s\tambiguous\n", s.File, s.Line, s.Target)
		}
		if n := r.Ambiguous.Count - len(r.Ambiguous.Sites); n > 0 {
			fmt.Fprintf(w, "  … %d more ambiguous\n", n)
		}
		for _, s := range r.Escapes.Sites {
			fmt.Fprintf(w, "  %s:%d\t%s\tpassed as a value (%s may be called from where it is passed)\n", s.File, s.Line, s.Target, s.Name)
		}
		if n := r.Escapes.Count - len(r.Escapes.Sites); n > 0 {
			fmt.Fprintf(w, "  … %d more escapes\n", n)
		}
	}
	if r.Dispatch.Count > 0 {
		fmt.Fprintf(w, "dynamic dispatch: it implements %s; calls through them are counted (marked dynamic)\n", plural(r.Dispatch.Count, "interface method", "interface methods"))
		for _, s := range r.Dispatch.Sites {
			fmt.Fprintf(w, "  %s:%d\t%s\n", s.File, s.Line, s.Target)
		}
	}
	for _, d := range r.DispatchWide {
		fmt.Fprintf(w, "  %s through %s: counted, not followed (more than %d; the set is a lower bound)\n", plural(d.Calls, "call", "calls"), d.Name, query.MaxDispatchCalls)
	}
	if r.Total == 0 {
		return
	}
	fmt.Fprintln(w, "\npackages:")
	for _, p := range r.Packages {
		tests := ""
		if p.TestFiles > 0 {
			tests = fmt.Sprintf(" (%d test)", p.TestFiles)
		}
		fmt.Fprintf(w, "  %s\t%s\t%s%s\n", p.Package, plural(p.Symbols, "symbol", "symbols"), plural(p.Files, "file", "files"), tests)
	}
	fmt.Fprintln(w, "\nfiles:")
	for _, f := range r.Files {
		test := ""
		if f.Test {
			test = "\ttest"
		}
		fmt.Fprintf(w, "  %s\t%s%s\n", f.File, plural(f.Symbols, "symbol", "symbols"), test)
	}
	if len(r.Tests) > 0 {
		fmt.Fprintln(w, "\ntests:")
		for _, t := range r.Tests {
			fmt.Fprintf(w, "  %s\n", t)
		}
	}
	fmt.Fprintln(w, "\nsymbols (depth, then where they depend on the level below):")
	for i := range r.Items {
		it := &r.Items[i]
		note := edgeNote(it.Via.Kind, &it.Via)
		if it.Dynamic {
			note = strings.TrimSuffix(note, "]") + ", dynamic dispatch]"
		}
		fmt.Fprintf(w, "%d  %s\t%s\n", it.Depth, symbolLine(&it.Symbol), note)
	}
}
