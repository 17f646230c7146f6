package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/service"
)

func newOverviewCmd(e *env) *cobra.Command {
	var (
		o    queryOpts
		hubs int
	)
	cmd := &cobra.Command{
		Use:   "overview",
		Short: "Summarise the repository: packages, their dependencies, entry points and hubs",
		Long: `Overview describes the indexed repository: its packages (directories) with
their file and symbol counts, languages and the packages they depend on; the
strongest dependencies between packages (resolved imports and calls); the
entry points (main functions and packages, Python __main__ guards, files
named main.*, index.*, app.*, __main__.py); and the functions with the most
callers. --limit pages over the packages.`,
		Example: `  codegraph overview
  codegraph overview --limit 500 --hubs 20
  codegraph overview --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if hubs <= 0 {
				hubs = -1 // none
			}
			ctx := cmd.Context()
			c, err := o.connect(ctx, e)
			if err != nil {
				return err
			}
			defer c.Close()
			r, err := opOverview.ask(ctx, c, service.OverviewRequest{Snippets: o.asJSON, OverviewOptions: query.OverviewOptions{Hubs: hubs, Page: o.page()}})
			if err != nil {
				return queryError(err)
			}
			if o.asJSON {
				return writeJSON(e.stdout, r)
			}
			printOverview(e.stdout, r)
			moreHint(e, len(r.Packages), r.PackagesTotal, r.NextCursor)
			return nil
		},
	}
	o.register(cmd, 100)
	cmd.Flags().IntVar(&hubs, "hubs", 10, "list this many hubs (0: none)")
	return cmd
}

func printOverview(w io.Writer, r *query.OverviewResult) {
	root := r.Root
	if root == "" {
		root = "(root unknown)"
	}
	fmt.Fprintf(w, "%s: %s, %d nodes, %d edges\n", root, plural(r.Files, "file", "files"), r.Nodes, r.Edges)
	var langs []string
	for l, n := range r.Languages {
		langs = append(langs, fmt.Sprintf("%s %d", l, n))
	}
	sort.Strings(langs)
	fmt.Fprintf(w, "languages: %s\n", strings.Join(langs, ", "))
	if r.Libraries > 0 {
		fmt.Fprintf(w, "libraries called: %d\n", r.Libraries)
	}

	fmt.Fprintf(w, "\npackages (%d):\n", r.PackagesTotal)
	for _, p := range r.Packages {
		deps := ""
		if len(p.DependsOn) > 0 {
			deps = "\t→ " + strings.Join(p.DependsOn, ", ")
		}
		fmt.Fprintf(w, "  %s\t%s\t%d nodes\t%s\t%d dependents%s\n", p.Package, plural(p.Files, "file", "files"), p.Nodes,
			strings.Join(p.Languages, ","), p.Dependents, deps)
	}
	if len(r.Dependencies) > 0 {
		fmt.Fprintf(w, "\ndependencies (%d, strongest first):\n", r.DependenciesTotal)
		for _, d := range r.Dependencies {
			fmt.Fprintf(w, "  %s → %s\t%d imports, %d calls\n", d.From, d.To, d.Imports, d.Calls)
		}
	} else {
		fmt.Fprintln(w, "\ndependencies: none resolved yet")
	}
	fmt.Fprintln(w, "\nentry points:")
	if len(r.EntryPoints) == 0 {
		fmt.Fprintln(w, "  none found")
	}
	for _, ep := range r.EntryPoints {
		if ep.Symbol != nil {
			fmt.Fprintf(w, "  %s:%d\t%s\t%s\n", ep.File, ep.Line, ep.Kind, ep.Symbol.QualifiedName)
		} else {
			fmt.Fprintf(w, "  %s\t%s\n", ep.File, ep.Kind)
		}
	}
	if len(r.Hubs) > 0 {
		fmt.Fprintln(w, "\nhubs (most callers):")
		for i := range r.Hubs {
			h := &r.Hubs[i]
			fmt.Fprintf(w, "  %d\t%s\n", h.FanIn, symbolLine(&h.Symbol))
		}
	}
}
