package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/codegraph-dev/codegraph/internal/history"
	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/service"
	"github.com/codegraph-dev/codegraph/internal/store"
)

func newDiffCmd(e *env) *cobra.Command {
	var (
		db     string
		asJSON bool
		depth  int
		prof   string
	)
	cmd := &cobra.Command{
		Use:   "diff [FROM [TO]]",
		Short: "Show the symbols and calls that changed between two revisions, and what the change affects",
		Long: `Diff compares the code graph of two git revisions (commits, branches, tags, or
the tags of versions), or of a revision and the working tree:

  codegraph diff          HEAD against the working tree (your uncommitted work)
  codegraph diff A        revision A against the working tree
  codegraph diff A B      revision A against revision B

It lists the symbols added, removed and modified (a symbol is modified when
its text changed; one moved to another file is removed there and added
here), grouped by file with their signatures, and marks API changes:
exported symbols removed or whose signature changed. It lists the calls
added and removed (between qualified names), and the symbols impacted: what
transitively calls or refers to a changed symbol, up to --depth levels,
with tests called out. Like impact, the impacted set is complete only as
far as the graph is resolved; otherwise diff says it is a lower bound.

Revisions are read from git's object store, never checked out. Between two
revisions, the graph of each is kept as a version (see codegraph versions) so
the next diff against it is fast. Against the working tree, the revision's
graph is a throwaway copy of the index with only the files that differ
indexed again from the revision. The working tree is read from the index,
which must be up to date (run codegraph index, or keep codegraph watch
running).

--json prints one object: {"from", "to", "symbols": [{"change", "kind",
"name", "qualified_name", "file", "line", "language"}], "calls": {"added":
[{"src", "dst", "file", "line"}], "removed": [...]}, "impacted":
[{"qualified_name", "file", "line", "depth", "via"}], "complete", "tests"}.`,
		Example: `  codegraph diff
  codegraph diff main
  codegraph diff v1.4.0 v1.5.0 --json`,
		Args: cobra.MaximumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkDepth("--depth", depth); err != nil {
				return err
			}
			if prof != "" {
				stop, err := startCPUProfile(prof)
				if err != nil {
					return err
				}
				defer stop()
			}
			var req service.DiffRequest
			if len(args) > 0 {
				req.From = args[0]
			}
			if len(args) > 1 {
				req.To = args[1]
			}
			req.Depth = depth
			dir, err := findDB(db)
			if err != nil {
				return err
			}
			st, err := store.Open(dir, store.Options{ReadOnly: true})
			if err != nil && (req.To == "" || !errors.Is(err, store.ErrNotFound)) {
				return err
			}
			root := ""
			if st != nil {
				defer st.Close()
				if v, err := st.Meta(query.MetaRoot); err == nil {
					root = string(v)
				}
			}
			if root == "" {
				if root, err = os.Getwd(); err != nil {
					return err
				}
			}
			d, err := service.Diff(cmd.Context(), root, dir, st, req)
			if err != nil {
				if errors.Is(err, service.ErrInvalid) {
					return &exitError{2, err}
				}
				return err
			}
			if asJSON {
				return writeJSON(e.stdout, d)
			}
			printDiff(e.stdout, d)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&db, "db", "", "store directory (default: .codegraph in this or a parent directory)")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	f.IntVar(&depth, "depth", query.DefaultImpactDepth, "levels of dependents to follow for the impacted symbols")
	f.StringVar(&prof, "cpuprofile", "", "write a CPU profile to this file (for development)")
	f.MarkHidden("cpuprofile")
	return cmd
}

func printDiff(w io.Writer, d *history.Diff) {
	api := 0
	for _, s := range d.Symbols {
		if s.API {
			api++
		}
	}
	fmt.Fprintf(w, "diff %s → %s: %s changed", shortRev(d.From), shortRev(d.To), plural(len(d.Symbols), "symbol", "symbols"))
	if api > 0 {
		fmt.Fprintf(w, " (%s)", plural(api, "API change", "API changes"))
	}
	fmt.Fprintf(w, ", %s added, %d removed; %s impacted", plural(len(d.Calls.Added), "call", "calls"), len(d.Calls.Removed),
		plural(len(d.Impacted), "symbol", "symbols"))
	if len(d.Tests) > 0 {
		fmt.Fprintf(w, " (%s)", plural(len(d.Tests), "test file", "test files"))
	}
	fmt.Fprintln(w)
	if len(d.Symbols) == 0 {
		return
	}
	file := ""
	for _, s := range d.Symbols {
		if s.File != file {
			file = s.File
			fmt.Fprintf(w, "\n%s\n", file)
		}
		mark := map[string]string{history.Added: "+", history.Removed: "-", history.Modified: "~"}[s.Change]
		sig := s.Signature
		if sig == "" {
			sig = s.QualifiedName
		}
		fmt.Fprintf(w, "  %s %d\t%s\t%s", mark, s.Line, s.Kind, oneLine(sig))
		switch {
		case s.API && s.Change == history.Removed:
			fmt.Fprint(w, "\tAPI: removed")
		case s.API:
			fmt.Fprintf(w, "\tAPI: was %s", oneLine(s.OldSignature))
		}
		fmt.Fprintln(w)
	}
	if len(d.Calls.Added)+len(d.Calls.Removed) > 0 {
		fmt.Fprintln(w, "\ncalls:")
		for _, c := range d.Calls.Added {
			fmt.Fprintf(w, "  + %s → %s\t%s:%d\n", c.Src, c.Dst, c.File, c.Line)
		}
		for _, c := range d.Calls.Removed {
			fmt.Fprintf(w, "  - %s → %s\t%s:%d\n", c.Src, c.Dst, c.File, c.Line)
		}
	}
	fmt.Fprintf(w, "\nimpacted (depth %d): ", d.Depth)
	if d.Complete {
		fmt.Fprintln(w, "complete: no unresolved or ambiguous call could reach the change")
	} else {
		fmt.Fprintf(w, "INCOMPLETE (a lower bound): %s could also reach the change (see codegraph impact on a symbol for where)\n",
			plural(d.Uncertain, "call site", "call sites"))
	}
	for _, i := range d.Impacted {
		test := ""
		if i.Test {
			test = "\ttest"
		}
		fmt.Fprintf(w, "  %d  %s:%d\t%s\tvia %s%s\n", i.Depth, i.File, i.Line, i.QualifiedName, i.Via, test)
	}
	if len(d.Tests) > 0 {
		fmt.Fprintf(w, "tests to run: %s\n", strings.Join(d.Tests, ", "))
	}
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}
