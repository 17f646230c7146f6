package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/walk"
)

func newIndexCmd(e *env) *cobra.Command {
	var (
		opts     index.Options
		quiet    bool
		asJSON   bool
		maxSize  string
		cpuProf  string
		memProf  string
		ef       embeddingFlags
		noSem    bool
		noDaemon bool
		since    string
		pf       preciseFlags
	)
	cmd := &cobra.Command{
		Use:   "index [PATH]",
		Short: "Index a repository (incrementally) into PATH/.codegraph/",
		Long: `Index parses every source file under PATH (default: the current directory)
and stores the code graph in PATH/.codegraph/ (or --db DIR).

Re-running it is incremental: only added, changed and deleted files are
processed, so it is cheap to run after every change. .gitignore files (nested
ones too), .git/info/exclude and .codegraphignore are honoured; vendor/,
node_modules/, third_party/ and build output directories are skipped unless
--no-default-ignores; secrets (.env*, private keys, credential files),
binary files and files over --max-file-size are never indexed.`,
		Example: `  codegraph index                       # the current directory
  codegraph index ~/src/myrepo          # stores in ~/src/myrepo/.codegraph/
  codegraph index . --lang go,python    # only these languages
  codegraph index . --exclude 'gen/**' --exclude '*_test.go'
  codegraph index . --json              # machine-readable summary
  codegraph index --since HEAD~3        # only what git says changed
  codegraph index --rebuild             # after an error saying the index is damaged`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Root = "."
			if len(args) == 1 {
				opts.Root = args[0]
			}
			n, err := parseSize(maxSize)
			if err != nil {
				return &exitError{2, fmt.Errorf("--max-file-size: %w", err)}
			}
			opts.MaxFileSize = n
			if err := checkPatterns("include", opts.Include); err != nil {
				return err
			}
			if err := checkPatterns("exclude", opts.Exclude); err != nil {
				return err
			}
			if opts.Search.Embedding, err = ef.config(); err != nil {
				return err
			}
			opts.Search.NoVectors = noSem
			opts.Languages = splitList(opts.Languages)
			if cpuProf != "" {
				stop, err := startCPUProfile(cpuProf)
				if err != nil {
					return err
				}
				defer stop()
			}
			if memProf != "" {
				stop := heapProfileAtPeak(memProf)
				defer func() {
					if err := stop(); err != nil {
						fmt.Fprintln(e.stderr, "codegraph: --memprofile:", err)
					}
				}()
			}
			if !noDaemon && !opts.Rebuild { // a rebuild deletes files under the writer lock: this process takes it
				sum, ok, err := indexViaDaemon(cmd, e, opts.Root, opts.DBDir, opts.Force, quiet || asJSON)
				if ok {
					if err != nil {
						return err
					}
					pf.viaDaemon(e, quiet || asJSON)
					return printIndexSummary(e, sum, quiet, asJSON)
				}
			}
			defer softMemoryLimit(memBudget).Stop() // this process indexes, not a daemon
			var bar *progressBar
			if !quiet && !asJSON && isTerminal(e.stderr) {
				bar = &progressBar{w: e.stderr}
				opts.Progress = bar.update
			}
			var sum *index.Summary
			if since != "" {
				sum, err = indexSince(cmd, opts, since)
			} else {
				sum, err = index.Run(cmd.Context(), opts)
			}
			if bar != nil {
				bar.clear()
			}
			if err != nil {
				if sel := (*index.SelectionDeletesError)(nil); errors.As(err, &sel) {
					return selectionDeletesError(e, sel, asJSON)
				}
				return lockedByWatcher(err, dbDirOf(opts.Root, opts.DBDir))
			}
			if err := printIndexSummary(e, sum, quiet, asJSON); err != nil {
				return err
			}
			return pf.after(cmd.Context(), e, sum.DB, quiet || asJSON)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.DBDir, "db", "", "store directory (default PATH/.codegraph)")
	f.StringSliceVar(&opts.Include, "include", nil, "only index files matching these gitignore-style globs (repeatable)")
	f.StringSliceVar(&opts.Exclude, "exclude", nil, "skip files matching these gitignore-style globs (repeatable)")
	f.StringSliceVar(&opts.Languages, "lang", nil, "only index these languages: go,python,javascript,typescript,rust,java,c,cpp,csharp,ruby,php,vue,svelte and the text formats markdown,yaml,json,toml,shell,sql,dockerfile,make,html,css,xml,ini,text (default: all)")
	f.StringVar(&maxSize, "max-file-size", "1MiB", "skip files larger than this (e.g. 512KiB, 2MiB)")
	f.BoolVar(&opts.NoDefaultIgnores, "no-default-ignores", false, "also index vendor/, node_modules/, third_party/, build outputs")
	f.BoolVar(&opts.NoGitignore, "no-gitignore", false, "do not honour .gitignore files (.codegraphignore still applies)")
	f.BoolVar(&opts.Force, "force", false, "re-parse every file, even unchanged ones")
	f.BoolVar(&opts.Rebuild, "rebuild", false, "delete and rebuild the search indexes, and the store too if it is damaged (checks every block)")
	f.BoolVarP(&opts.ConfirmDeletes, "yes", "y", false, "go ahead when a changed file selection (--include, --exclude, --lang, --max-file-size, ...) would delete more than half of the indexed files")
	f.IntVar(&opts.Workers, "workers", 0, "parse workers (default: number of CPUs)")
	f.DurationVar(&opts.ParseTimeout, "parse-timeout", 10*time.Second, "give up on a single file after this long (its parse and extraction together); the file is reported as timed out")
	f.BoolVar(&opts.NoSearch, "no-search", false, "do not build the search indexes (codegraph search will not work)")
	f.BoolVar(&noSem, "no-semantic", false, "build no embeddings: search without its semantic signal")
	ef.register(cmd)
	f.BoolVar(&noDaemon, "no-daemon", false, "index in this process even when a codegraph daemon runs")
	f.StringVar(&since, "since", "", "update only the files git says changed since this revision (plus untracked and previously dirty files), without hashing the others; keeps the index's file selection")
	f.BoolVarP(&quiet, "quiet", "q", false, "print nothing on success")
	f.BoolVar(&asJSON, "json", false, "print the summary as JSON")
	pf.register(cmd)
	f.StringVar(&cpuProf, "cpuprofile", "", "write a CPU profile to this file (for development)")
	f.MarkHidden("cpuprofile")
	f.StringVar(&memProf, "memprofile", "", "write a heap profile to this file at the live heap's peak (for development)")
	f.MarkHidden("memprofile")
	return cmd
}

// exitSelectionDeletes is the exit code of an index run stopped because
// its changed file selection would delete most of the index.
const exitSelectionDeletes = 3

// selectionDeletesError reports a run stopped by the mass-deletion guard:
// to stderr for people, and with --json also as a structured error on
// stdout.
func selectionDeletesError(e *env, sel *index.SelectionDeletesError, asJSON bool) error {
	msg := fmt.Sprintf("%s.\nIf that is what you want, run it again with --yes; otherwise check the flags (the index keeps its previous selection).", sel.Error())
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		type detail struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			*index.SelectionDeletesError
		}
		if err := enc.Encode(map[string]detail{"error": {Code: "selection_would_delete", Message: sel.Error(), SelectionDeletesError: sel}}); err != nil {
			return err
		}
	}
	return &exitError{exitSelectionDeletes, errors.New(msg)}
}

func printIndexSummary(e *env, sum *index.Summary, quiet, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(sum)
	}
	if !quiet {
		printSummary(e.stdout, sum)
	}
	return nil
}

func splitList(in []string) []string {
	var out []string
	for _, s := range in {
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, strings.ToLower(p))
			}
		}
	}
	return out
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progressBar draws one self-overwriting status line on a terminal.
type progressBar struct {
	w    io.Writer
	last int
}

func (b *progressBar) update(p index.Progress) {
	var line string
	switch p.Phase {
	case "walk":
		line = "scanning files…"
	case "parse", "finish", "resolve", "compact", "done":
		secs := p.Elapsed.Seconds()
		rate := 0.0
		if secs > 0 {
			rate = float64(p.Done) / secs
		}
		pct := 100.0
		if p.Total > 0 {
			pct = 100 * float64(p.Done+0) / float64(p.Total)
		}
		const width = 24
		filled := int(pct / 100 * width)
		if filled > width {
			filled = width
		}
		line = fmt.Sprintf("[%s%s] %5.1f%%  %d/%d files  %.0f files/s  %.1f MB/s",
			strings.Repeat("█", filled), strings.Repeat("░", width-filled), pct, p.Done, p.Total, rate,
			float64(p.Bytes)/1e6/max(secs, 1e-9))
		switch p.Phase {
		case "finish":
			line += "  finishing…"
		case "resolve":
			line += "  resolving names…"
		case "compact":
			line += "  compacting…"
		}
	}
	pad := ""
	if n := b.last - len(line); n > 0 {
		pad = strings.Repeat(" ", n)
	}
	fmt.Fprintf(b.w, "\r%s%s", line, pad)
	b.last = len(line)
}

func (b *progressBar) clear() {
	fmt.Fprintf(b.w, "\r%s\r", strings.Repeat(" ", b.last))
}

func printSummary(w io.Writer, s *index.Summary) {
	if s.Rebuilt {
		fmt.Fprintf(w, "The index was written by another version of codegraph; rebuilt it.\n")
	}
	if s.Repaired != "" {
		fmt.Fprintf(w, "The store was damaged (%s); deleted and rebuilt it.\n", s.Repaired)
	}
	fmt.Fprintf(w, "Indexed %s in %s\n", s.Root, s.Duration.Round(time.Millisecond))
	fmt.Fprintf(w, "  files: %d found, %d added, %d changed, %d unchanged, %d deleted\n", s.Files, s.Added, s.Changed, s.Unchanged, s.Deleted)
	if s.Added+s.Changed > 0 {
		fmt.Fprintf(w, "  parsed %.1f MB: %d nodes, %d edges written\n", float64(s.Bytes)/1e6, s.Nodes, s.Edges)
	}
	if len(s.Languages) > 0 {
		langs := make([]string, 0, len(s.Languages))
		for l := range s.Languages {
			langs = append(langs, l)
		}
		sort.Strings(langs)
		for _, l := range langs {
			ls := s.Languages[l]
			fmt.Fprintf(w, "  %-11s %6d files %9d lines %8d nodes %9d edges\n", l, ls.Files, ls.Lines, ls.Nodes, ls.Edges)
		}
	}
	if len(s.Skipped) > 0 {
		keys := make([]string, 0, len(s.Skipped))
		for k := range s.Skipped {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%d %s", s.Skipped[k], k))
		}
		fmt.Fprintf(w, "  skipped: %s\n", strings.Join(parts, ", "))
	}
	if rs := s.Resolve; rs != nil && rs.Considered > 0 {
		fmt.Fprintf(w, "  resolved %d of %d references (%d exact, %d to libraries, %d ambiguous) in %s\n",
			rs.Exact+rs.Inferred+rs.Ambiguous+rs.External, rs.Considered, rs.Exact, rs.External, rs.Ambiguous, rs.Duration.Round(time.Millisecond))
	}
	if ss := s.Search; ss != nil {
		what := "updated"
		if ss.Rebuilt {
			what = "built (" + ss.Reason + ")"
		}
		fmt.Fprintf(w, "  search indexes %s: %d symbols, %d embedded, %d files in %s\n",
			what, ss.Symbols, ss.Embedded, ss.Files, ss.Duration.Round(time.Millisecond))
	}
	if s.SyntaxErr > 0 {
		fmt.Fprintf(w, "  %d files have syntax errors (indexed what could be recovered)\n", s.SyntaxErr)
	}
	if s.ErrorN > 0 {
		fmt.Fprintf(w, "  %d files could not be indexed:\n", s.ErrorN)
	}
	shown := 0
	for _, fe := range s.Errors {
		if strings.HasPrefix(fe.Error, "skipped: ") {
			continue
		}
		if shown == 10 {
			fmt.Fprintf(w, "    … (use --json for the full list)\n")
			break
		}
		fmt.Fprintf(w, "    %s: %s\n", displayPath(fe.Path), fe.Error)
		shown++
	}
	if n := s.Skipped[walk.ReasonBadName]; n > 0 {
		fmt.Fprintf(w, "  %d paths skipped for names unsafe to index (control characters, backslashes, invalid UTF-8); rename them to index them:\n", n)
		shown := 0
		for _, fe := range s.Errors {
			if fe.Error != "skipped: "+walk.ReasonBadName {
				continue
			}
			if shown == 10 {
				fmt.Fprintf(w, "    …\n")
				break
			}
			fmt.Fprintf(w, "    %s\n", displayPath(fe.Path))
			shown++
		}
	}
	fmt.Fprintf(w, "  store: %s\n", s.DB)
}

// indexSince updates the index from `git diff REV` instead of a walk; the
// file selection stored with the index is kept.
func indexSince(cmd *cobra.Command, opts index.Options, rev string) (*index.Summary, error) {
	if opts.Force {
		return nil, &exitError{2, fmt.Errorf("--since and --force do not go together")}
	}
	opts.ReuseOptions = true
	u, err := index.NewUpdater(opts)
	if err != nil {
		return nil, err
	}
	sum, err := u.UpdateSince(cmd.Context(), rev)
	if cerr := u.Close(); err == nil {
		err = cerr
	}
	return sum, err
}
