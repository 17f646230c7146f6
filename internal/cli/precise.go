package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/codegraph-dev/codegraph/internal/precise"
	"github.com/codegraph-dev/codegraph/internal/service"
	"github.com/codegraph-dev/codegraph/internal/store"
)

func newPreciseCmd(e *env) *cobra.Command {
	var (
		db     string
		full   bool
		asJSON bool
		quiet  bool
	)
	cmd := &cobra.Command{
		Use:   "precise",
		Short: "Run the precise tier: type-check the index's Go packages and replace their heuristic edges",
		Long: `Precise type-checks the Go packages of an index with the Go toolchain
(go/packages, go/types) and rewrites their calls, references, implements and
imports edges with the compiler's, marked "precise" (calls through an
interface also get the repository's implementations, marked "dynamic").
Only packages whose files changed since the last precise pass, and the
packages importing them, are checked again (all of them with --full).
Packages that do not load or type-check keep their heuristic edges;
` + "`codegraph status`" + ` lists them with the reason.

` + "`codegraph index --precise`" + ` runs it after indexing; a watcher, serve or the
daemon run it in the background after each update.`,
		Example: `  codegraph precise                 # the index in this directory or a parent
  codegraph precise --full --json   # check every package again`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := findDB(db)
			if err != nil {
				return err
			}
			state, err := runPrecise(cmd.Context(), dir, full)
			if err != nil {
				return lockedByWatcher(err, dir)
			}
			if asJSON {
				return writeJSON(e.stdout, state)
			}
			if !quiet {
				printPrecise(e.stdout, state)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&db, "db", "", "store directory (default: .codegraph in this or a parent directory)")
	f.BoolVar(&full, "full", false, "check every package, not only the changed ones and their importers")
	f.BoolVar(&asJSON, "json", false, "print the pass's state as JSON")
	f.BoolVarP(&quiet, "quiet", "q", false, "print nothing on success")
	return cmd
}

// runPrecise opens the store at dir for writing and runs the Go pass.
func runPrecise(ctx context.Context, dir string, full bool) (*precise.State, error) {
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		return nil, err
	}
	state, err := precise.RunGo(ctx, st, precise.Options{Full: full, Logger: slog.Default()})
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	return state, err
}

// printPrecise prints what a precise pass did.
func printPrecise(w io.Writer, s *precise.State) {
	l := s.Last
	fmt.Fprintf(w, "precise: %d of %d Go packages checked in %s: %d precise, %d with heuristic edges\n",
		l.Checked, l.Packages, l.Duration.Round(1e6), l.Precise, l.Failed)
	fmt.Fprintf(w, "  edges: %d groups rewritten, %d added, %d heuristic bindings refuted, %d dynamic candidates\n",
		l.Rewritten, l.Added, l.Unbound, l.Dynamic)
	printPreciseFailures(w, s, 10)
}

// printPreciseFailures lists up to max packages left with heuristic edges.
func printPreciseFailures(w io.Writer, s *precise.State, max int) {
	fs := s.Failures()
	for i, f := range fs {
		if i == max {
			fmt.Fprintf(w, "  ... and %d more (codegraph status --json lists them all)\n", len(fs)-max)
			break
		}
		fmt.Fprintf(w, "  heuristic: %s: %s\n", f.Dir, f.Reason)
	}
}

// noPreciseFlag registers --no-precise on a long-running command (watch,
// serve, daemon, mcp), whose precise pass runs after each update.
func noPreciseFlag(cmd *cobra.Command, off *bool) {
	cmd.Flags().BoolVar(off, "no-precise", false, "do not run the precise tier (Go type-checking) in the background after index updates")
}

// printPreciseRuns reports the background precise passes of `codegraph
// watch` (service.Options.OnPrecise): a line per pass that re-checked
// packages unless quiet, a warning per failure.
func printPreciseRuns(log *slog.Logger, w io.Writer, quiet bool) func(*service.Repo, *precise.State, error) {
	return func(_ *service.Repo, state *precise.State, err error) {
		switch {
		case err != nil:
			log.Warn("precise pass failed; the heuristic edges stay", "err", err)
		case !quiet && state.Last.Checked > 0:
			fmt.Fprintf(w, "precise: %d Go packages re-checked in %s (%d precise, %d heuristic)\n",
				state.Last.Checked, state.Last.Duration.Round(time.Millisecond), state.Last.Precise, state.Last.Failed)
		}
	}
}

// preciseStatus is the precise tier's part of `codegraph status`.
type preciseStatus struct {
	Packages int               `json:"packages"` // Go packages the last pass knew
	Precise  int               `json:"precise"`
	Failed   int               `json:"heuristic"`
	Checked  time.Time         `json:"checked"`
	Last     precise.Stats     `json:"last"`
	Failures []precise.Failure `json:"failures,omitempty"` // packages left with heuristic edges, and why
}

// readPreciseStatus reads the precise tier's state (nil when it never ran).
func readPreciseStatus(st *store.Store) (*preciseStatus, error) {
	s, err := precise.LoadState(st)
	if err != nil || s == nil {
		return nil, err
	}
	p, f := s.Counts()
	return &preciseStatus{Packages: len(s.Packages), Precise: p, Failed: f, Checked: s.Finished, Last: s.Last, Failures: s.Failures()}, nil
}

// printPreciseStatus prints the precise tier's status lines.
func printPreciseStatus(w io.Writer, s *preciseStatus) {
	if s == nil {
		fmt.Fprintf(w, "  precise:  never run (`codegraph precise` or `codegraph index --precise`: compiler-grade Go edges)\n")
		return
	}
	fmt.Fprintf(w, "  precise:  %d of %d Go packages have compiler-checked edges (last pass %s, %s ago)\n",
		s.Precise, s.Packages, s.Last.Duration.Round(time.Millisecond), humanAge(time.Since(s.Checked)))
	for i, f := range s.Failures {
		if i == 5 {
			fmt.Fprintf(w, "            ... and %d more heuristic packages (--json lists them)\n", len(s.Failures)-5)
			break
		}
		fmt.Fprintf(w, "            heuristic %s: %s\n", f.Dir, f.Reason)
	}
}

// withPrecise is the status JSON with the precise tier's part.
type withPrecise struct {
	statusJSON
	Precise *preciseStatus `json:"precise,omitempty"`
	SCIP    *scipStatus    `json:"scip,omitempty"` // the last SCIP import
}
