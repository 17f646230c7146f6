package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/codegraph-dev/codegraph/internal/service"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// statusJSON is the status the service composes (service.StatusOf).
type statusJSON = service.IndexStatus

func newStatusCmd(e *env) *cobra.Command {
	var db string
	var asJSON, check, noDaemon bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show what is indexed: files, nodes and edges by language and kind, age, size",
		Example: `  codegraph status
  codegraph status --db ~/src/myrepo/.codegraph --json
  codegraph status --check              # also verify every block of the store`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := connect(ctx, e, db, noDaemon)
			if err != nil {
				return err
			}
			defer c.Close()
			res, err := opStatus.ask(ctx, c, statusRequest{Check: check})
			if errors.Is(err, store.ErrCorrupt) {
				var ce *store.CorruptError
				reason := err.Error()
				if errors.As(err, &ce) {
					reason = ce.Reason()
				}
				return printDamaged(e, c.db, reason, asJSON)
			}
			if err != nil {
				return err
			}
			if res.StoreDamage != "" {
				return printDamaged(e, c.db, res.StoreDamage, asJSON)
			}
			// A damaged search index is reported in full and fails the
			// command, as a damaged store does.
			var result error
			if res.SearchCorrupt {
				result = &exitError{1, errors.New("")}
			}
			if asJSON {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				return errors.Join(enc.Encode(res.withPrecise), result)
			}
			s := &res.statusJSON
			printStatus(e.stdout, s)
			if s.Languages["go"].Files > 0 || res.SCIP != nil {
				fmt.Fprintln(e.stdout)
			}
			if s.Languages["go"].Files > 0 {
				printPreciseStatus(e.stdout, res.Precise)
			}
			if res.SCIP != nil {
				printSCIPStatus(e.stdout, res.SCIP)
			}
			return result
		},
	}
	cmd.Flags().StringVar(&db, "db", "", "store directory (default: .codegraph in this or a parent directory)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	cmd.Flags().BoolVar(&check, "check", false, "also read every block of the store to find damage (reads the whole store)")
	noDaemonFlag(cmd, &noDaemon)
	return cmd
}

// printDamaged reports a damaged store (what is damaged and how) as the
// status, and fails with exit code 1.
func printDamaged(e *env, db string, damage string, asJSON bool) error {
	s := statusJSON{Damaged: damage, DB: db}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(s); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(e.stdout, "Index %s\n", s.DB)
		fmt.Fprintf(e.stdout, "  damaged:  %s\n", s.Damaged)
		fmt.Fprintf(e.stdout, "            %s\n", service.CodeRebuildNeeded.Hint(service.DoorCLI))
	}
	return &exitError{1, errors.New("")}
}

func printStatus(w io.Writer, s *statusJSON) {
	fmt.Fprintf(w, "Index %s\n", s.DB)
	if s.Root != "" {
		fmt.Fprintf(w, "  root:     %s\n", s.Root)
	}
	if s.IndexedAt != nil {
		fmt.Fprintf(w, "  indexed:  %s (%s ago)\n", s.IndexedAt.Local().Format("2006-01-02 15:04:05"), humanAge(time.Duration(s.AgeSeconds*float64(time.Second))))
	} else {
		fmt.Fprintf(w, "  indexed:  never completed (an index run may be in progress or was interrupted)\n")
	}
	if s.Incomplete != "" {
		fmt.Fprintf(w, "  state:    incomplete: %s\n", s.Incomplete)
	}
	if h := s.WatchedBy; h != nil {
		fmt.Fprintf(w, "  watched:  kept up to date by `%s` (pid %d) since %s\n", h.Command, h.PID, h.Since.Local().Format("2006-01-02 15:04:05"))
	}
	if g := s.Git; g != nil {
		at := shortRev(g.IndexedHead)
		if at == "" {
			at = "no commit yet"
		}
		line := fmt.Sprintf("  git:      indexed at %s", at)
		switch {
		case g.CommitsAhead == 0 && g.CommitsBehind == 0 && g.ChangedFiles == 0 && !g.Unknown:
			line += "; up to date with the work tree"
		default:
			if g.CommitsAhead > 0 || g.CommitsBehind > 0 {
				line += fmt.Sprintf("; HEAD %s", shortRev(g.Head))
				if g.Branch != "" {
					line += " (" + g.Branch + ")"
				}
				line += fmt.Sprintf(" is %d commits ahead", g.CommitsAhead)
				if g.CommitsBehind > 0 {
					line += fmt.Sprintf(", %d behind", g.CommitsBehind)
				}
			}
			more := ""
			if g.Unknown {
				more = " at least"
			}
			line += fmt.Sprintf(";%s %d source files changed since", more, g.ChangedFiles)
			if g.ChangedFiles > 0 {
				line += " (`codegraph index` updates them)"
			}
		}
		fmt.Fprintln(w, line)
	} else if s.GitError != "" {
		fmt.Fprintf(w, "  git:      %s\n", s.GitError)
	}
	fmt.Fprintf(w, "  size:     %s on disk\n", humanBytes(s.StoreBytes))
	fmt.Fprintf(w, "  totals:   %d files, %d nodes, %d edges\n", s.Files, s.Nodes, s.Edges)
	if s.Libraries > 0 {
		fmt.Fprintf(w, "  libraries: %d external packages called from the code\n", s.Libraries)
	}
	switch {
	case s.Search != nil && s.Search.Embedder != "":
		fmt.Fprintf(w, "  search:   %d symbols, %d files, %d vectors (%s)\n", s.Search.Symbols, s.Search.Files, s.Search.Vectors, s.Search.Embedder)
	case s.Search != nil:
		fmt.Fprintf(w, "  search:   %d symbols, %d files, no vectors (--no-semantic)\n", s.Search.Symbols, s.Search.Files)
	default:
		fmt.Fprintf(w, "  search:   %s\n", s.SearchError)
	}
	if s.ParseErrors > 0 || s.FailedFiles > 0 {
		fmt.Fprintf(w, "  problems: %d syntax errors recovered, %d files failed\n", s.ParseErrors, s.FailedFiles)
	}
	if len(s.Languages) > 0 {
		fmt.Fprintf(w, "\n  %-12s %8s %10s %10s\n", "language", "files", "nodes", "edges")
		for _, l := range sortedKeys(s.Languages) {
			ls := s.Languages[l]
			fmt.Fprintf(w, "  %-12s %8d %10d %10d\n", l, ls.Files, ls.Nodes, ls.Edges)
		}
	}
	printCounts(w, "node kind", s.NodeKinds)
	printCounts(w, "edge kind", s.EdgeKinds)
}

func printCounts(w io.Writer, title string, m map[string]uint64) {
	if len(m) == 0 {
		return
	}
	keys := sortedKeys(m)
	sort.SliceStable(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] })
	fmt.Fprintf(w, "\n  %-12s %10s\n", title, "count")
	for _, k := range keys {
		fmt.Fprintf(w, "  %-12s %10d\n", k, m[k])
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func shortRev(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func humanAge(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%.1fh", d.Hours())
	}
	return fmt.Sprintf("%.0fd", d.Hours()/24)
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
