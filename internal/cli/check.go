package cli

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/codegraph-dev/codegraph/internal/check"
)

func newCheckCmd(e *env) *cobra.Command {
	var db string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Verify an index: checksums of every file, graph consistency, search indexes, last run",
		Long: `check reads the whole index and verifies it: the checksum of every block of
every store table and search index file, that edges connect stored nodes and
outgoing and incoming adjacency agree, that the name/kind/file indexes list
exactly the stored nodes, that the search indexes agree with the store, and
that the last index run finished. It never repairs.

Exit status: 0 when the index is sound, 1 when something is wrong (each
problem is printed with how to recover), 2 when no check could be made.`,
		Example: `  codegraph check
  codegraph check --db ~/src/myrepo/.codegraph --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := findDB(db)
			if err != nil {
				return &exitError{2, err}
			}
			rep, err := check.Run(cmd.Context(), dir)
			if err != nil {
				return &exitError{2, err}
			}
			if asJSON {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				if err := enc.Encode(checkJSON(rep)); err != nil {
					return err
				}
			} else {
				printCheck(e, rep)
			}
			if !rep.OK() {
				return &exitError{1, errors.New("")}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&db, "db", "", "store directory (default: .codegraph in this or a parent directory)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}

func printCheck(e *env, rep *check.Report) {
	w := e.stdout
	fmt.Fprintf(w, "Index %s\n", rep.DB)
	if rep.Nodes > 0 || rep.Edges > 0 {
		fmt.Fprintf(w, "  store:    %d nodes, %d edges: every block's checksum verified\n", rep.Nodes, rep.Edges)
	}
	if s := rep.Search; s != nil {
		fmt.Fprintf(w, "  search:   %d symbols, %d files, %d vectors\n", s.Symbols, s.Files, s.Vectors)
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "  note:     %s\n", n)
	}
	if rep.OK() {
		fmt.Fprintln(w, "  ok:       no problems found")
		return
	}
	fmt.Fprintf(w, "  problems: %d\n", len(rep.Problems))
	for _, p := range rep.Problems {
		fmt.Fprintf(w, "  - %s; %s\n", p.Finding(), checkFix(p.Fix))
	}
}

// checkFix words a check remedy for the command line: the commands to run
// (the check package names none).
func checkFix(r check.Remedy) string {
	switch r {
	case check.RemedyRebuild:
		return "run `codegraph index --rebuild`"
	case check.RemedyComplete:
		return "run `codegraph index` to complete it"
	case check.RemedyRecreate:
		return "delete the index directory and run `codegraph index` (or `codegraph backup restore` a backup)"
	}
	return r.String()
}

// checkJSON is the report as --json prints it: each problem's "fix" is
// the command line's wording (checkFix) and "remedy" its name (rebuild,
// complete, recreate).
func checkJSON(rep *check.Report) any {
	type problem struct {
		check.Problem
		Fix    string       `json:"fix"`
		Remedy check.Remedy `json:"remedy"`
	}
	ps := make([]problem, 0, len(rep.Problems))
	for _, p := range rep.Problems {
		ps = append(ps, problem{Problem: p, Fix: checkFix(p.Fix), Remedy: p.Fix})
	}
	return struct {
		*check.Report
		Problems []problem `json:"problems"`
	}{rep, ps}
}
