package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/codegraph-dev/codegraph/internal/precise"
	"github.com/codegraph-dev/codegraph/internal/store"
)

func newImportSCIPCmd(e *env) *cobra.Command {
	var (
		db     string
		asJSON bool
		quiet  bool
	)
	cmd := &cobra.Command{
		Use:   "import-scip FILE.scip...",
		Short: "Import a SCIP index: compiler-grade edges for TypeScript, Python, Java, Rust, C/C++ and more",
		Long: `Import-scip reads an index in the SCIP format (github.com/sourcegraph/scip),
made by a language's own indexer (scip-typescript, scip-python, scip-java,
rust-analyzer scip, scip-clang, scip-go), and rewrites the calls, references,
implements and inherits edges of the files it covers with the indexer's,
marked "precise" (the implementations of a called interface method are
added as "dynamic" candidates). Library symbols map to the index's external
nodes.

A document is skipped, and listed, when its file is not indexed, when the
file on disk differs from the indexed content, or when its content does not
match the SCIP index (its copy of the text, or the names at its
definitions): run ` + "`codegraph index`" + ` and the indexer on the same tree. Give every
index of the repository in one import (one per language): importing again
replaces the previous import. Files re-indexed after an import get
their extracted edges back: import again after indexing to refresh them.
` + "`codegraph status`" + ` shows the last import.`,
		Example: `  npx @sourcegraph/scip-typescript index --output index.scip
  codegraph import-scip index.scip
  codegraph import-scip --json --db /repo/.codegraph ts.scip python.scip`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := findDB(db)
			if err != nil {
				return err
			}
			im, err := runImportSCIP(cmd.Context(), dir, args)
			if err != nil {
				return lockedByWatcher(err, dir)
			}
			if asJSON {
				return writeJSON(e.stdout, im)
			}
			if !quiet {
				printImport(e.stdout, im, 10)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&db, "db", "", "store directory (default: .codegraph in this or a parent directory)")
	f.BoolVar(&asJSON, "json", false, "print what the import did as JSON")
	f.BoolVarP(&quiet, "quiet", "q", false, "print nothing on success")
	return cmd
}

// runImportSCIP opens the store at dir for writing and imports files.
func runImportSCIP(ctx context.Context, dir string, files []string) (*precise.Import, error) {
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		return nil, err
	}
	im, err := precise.ImportSCIP(ctx, st, files, precise.SCIPOptions{Logger: slog.Default()})
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	return im, err
}

// printImport prints what an import did, with up to max skipped documents.
func printImport(w io.Writer, im *precise.Import, max int) {
	tool := im.Tool
	if tool == "" {
		tool = "an unnamed indexer"
	}
	fmt.Fprintf(w, "import-scip: %s (%s): %d of %d documents applied, %d skipped, in %s\n",
		strings.Join(im.Indexes, ", "), tool, im.Applied, im.Documents, len(im.Skipped), im.Duration.Round(time.Millisecond))
	s := im.Stats
	fmt.Fprintf(w, "  edges: %d precise (%d to libraries), %d dynamic candidates; %d groups rebound, %d added, %d heuristic bindings refuted\n",
		s.Precise, s.External, s.Dynamic, s.Rewritten, s.Added, s.Unbound)
	if s.Restored > 0 {
		fmt.Fprintf(w, "  the previous import's %d files got their extracted edges back first\n", s.Restored)
	}
	printSkipped(w, im, max)
}

func printSkipped(w io.Writer, im *precise.Import, max int) {
	for i, d := range im.Skipped {
		if i == max {
			fmt.Fprintf(w, "  ... and %d more skipped (--json lists them all)\n", len(im.Skipped)-max)
			break
		}
		fmt.Fprintf(w, "  skipped %s: %s\n", d.Path, d.Reason)
	}
}

// scipStatus is the last SCIP import's part of `codegraph status`.
type scipStatus struct {
	Indexes  []string             `json:"indexes"`
	Tool     string               `json:"tool,omitempty"`
	Imported time.Time            `json:"imported"`
	Applied  int                  `json:"applied"`
	Skipped  int                  `json:"skipped"`
	Stale    int                  `json:"stale"` // files re-indexed since: extracted edges until the next import
	Stats    precise.ImportStats  `json:"stats"`
	Docs     []precise.SkippedDoc `json:"skipped_documents,omitempty"`
}

// readSCIPStatus reads the last import (nil when there was none).
func readSCIPStatus(st *store.Store) (*scipStatus, error) {
	im, err := precise.LoadImport(st)
	if err != nil || im == nil {
		return nil, err
	}
	stale, err := im.Stale(st)
	if err != nil {
		return nil, err
	}
	return &scipStatus{Indexes: im.Indexes, Tool: im.Tool, Imported: im.Imported, Applied: im.Applied,
		Skipped: len(im.Skipped), Stale: stale, Stats: im.Stats, Docs: im.Skipped}, nil
}

// printSCIPStatus prints the last import's status lines.
func printSCIPStatus(w io.Writer, s *scipStatus) {
	tool := ""
	if s.Tool != "" {
		tool = " (" + s.Tool + ")"
	}
	fmt.Fprintf(w, "  scip:     %s%s imported %s ago: %d documents applied, %d skipped, %d precise edges\n",
		strings.Join(s.Indexes, ", "), tool, humanAge(time.Since(s.Imported)), s.Applied, s.Skipped, s.Stats.Precise)
	if s.Stale > 0 {
		fmt.Fprintf(w, "            %d imported files were re-indexed since and have heuristic edges: import again\n", s.Stale)
	}
	for i, d := range s.Docs {
		if i == 5 {
			fmt.Fprintf(w, "            ... and %d more skipped (--json lists them)\n", len(s.Docs)-5)
			break
		}
		fmt.Fprintf(w, "            skipped %s: %s\n", d.Path, d.Reason)
	}
}
