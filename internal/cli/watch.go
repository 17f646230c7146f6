package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/service"
	"github.com/codegraph-dev/codegraph/internal/store"
	"github.com/codegraph-dev/codegraph/internal/watch"
)

// watchLine is one --json line of `codegraph watch`.
type watchLine struct {
	Time       time.Time `json:"time"`
	Reason     string    `json:"reason"`
	Paths      []string  `json:"paths,omitempty"`
	Added      int       `json:"added"`
	Changed    int       `json:"changed"`
	Deleted    int       `json:"deleted"`
	Files      int       `json:"files"` // source files the run looked at
	DurationMS float64   `json:"duration_ms"`
	// ResolveMS and SearchMS are the parts of DurationMS spent resolving
	// cross-file references and updating the search indexes (they run
	// concurrently), when the update did them.
	ResolveMS float64 `json:"resolve_ms,omitempty"`
	SearchMS  float64 `json:"search_ms,omitempty"`
	Error     string  `json:"error,omitempty"`
}

func newWatchCmd(e *env) *cobra.Command {
	var (
		db        string
		quiet     bool
		asJSON    bool
		verbose   bool
		noSearch  bool
		debounce  time.Duration
		maxDelay  time.Duration
		poll      time.Duration
		ef        embeddingFlags
		noPrecise bool
		memProf   string
	)
	cmd := &cobra.Command{
		Use:   "watch [PATH]",
		Short: "Keep the index of PATH up to date as files change",
		Long: `Watch indexes PATH (default: the current directory) once, then watches it and
re-indexes the files that change, a few milliseconds after each save:
re-parsed, names re-resolved across files, search indexes updated. Bursts of
changes (a branch switch, a formatter) are batched. It prints one line per
update and stops on Ctrl-C (SIGINT) or SIGTERM, after the update in
progress is committed.

The file selection the index was built with (--lang, --exclude, ...) is
kept; ignore files are honoured as by index, and a change to a .gitignore
or .codegraphignore rescans the tree. While watch runs, every query
command works on the index and sees each update as soon as it is printed
(it asks this process, over a private socket in the daemon's directory).
When the system's limit of watched directories is reached
(fs.inotify.max_user_watches) it says so and scans the tree periodically
instead.`,
		Example: `  codegraph watch                    # the current repository
  codegraph watch ~/src/myrepo --json
  codegraph watch . --debounce 200ms`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// Its first run may index the whole tree, as index does, within
			// index's budget; then the watcher keeps to its own.
			lim := softMemoryLimit(memBudget)
			defer lim.Stop()
			root := "."
			if len(args) == 1 {
				root = args[0]
			}
			emb, err := ef.config()
			if err != nil {
				return err
			}
			level := slog.LevelWarn
			if verbose {
				level = slog.LevelDebug
			}
			log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
			p := &watchPrinter{w: e.stdout, json: asJSON, quiet: quiet}
			// The watcher runs in a service, as the daemon's and serve's
			// do: each update is taken in (the snapshot queries read is
			// reopened, events are published) before it is printed, and
			// the precise tier runs as the service's background job.
			dbDir := dbDirOf(root, db)
			svc, err := service.New(service.Options{
				Repos:        []service.RepoSpec{{Root: root, DB: dbDir}},
				Search:       search.Config{Embedding: emb},
				Logger:       log,
				TrustStore:   true,
				Watch:        true,
				WatchCommand: "codegraph watch",
				Watcher: service.WatchOptions{Debounce: debounce, MaxDelay: maxDelay, PollInterval: poll, NoSearch: noSearch, Required: true,
					OnUpdate: func(_ *service.Repo, u watch.Update) {
						if u.Reason == "start" {
							lim.SetBudget(watchBudget)
						}
						p.print(u)
						if memProf != "" {
							// What the watcher keeps between updates.
							if err := writeHeapProfile(memProf); err != nil {
								fmt.Fprintln(e.stderr, "codegraph: --memprofile:", err)
							}
						}
					}},
				Precise:   !noPrecise,
				OnPrecise: printPreciseRuns(log, e.stderr, quiet || asJSON),
			})
			if err != nil {
				return lockedByWatcher(err, dbDir)
			}
			repo, err := svc.Repo("")
			if err != nil {
				svc.Close()
				return err
			}
			if !quiet && !asJSON {
				fmt.Fprintf(e.stderr, "watching %s (index %s); Ctrl-C to stop\n", repo.Root(), repo.DB())
			}
			// Query commands ask this process while it runs (client.go).
			stopServing := serveQueries(cmd.Context(), svc, repo.DB(), log)
			select {
			case <-cmd.Context().Done():
			case <-repo.WatchDone():
			}
			stopServing()
			svc.Close() // stops the watcher after the update in progress is committed
			runErr := repo.WatchErr()
			if runErr == nil && !quiet && !asJSON {
				fmt.Fprintln(e.stderr, "stopped; the index is up to date as of the last update")
			}
			return runErr
		},
	}
	f := cmd.Flags()
	f.StringVar(&db, "db", "", "store directory (default PATH/.codegraph)")
	f.BoolVarP(&quiet, "quiet", "q", false, "print only errors")
	f.BoolVar(&asJSON, "json", false, "print one JSON object per update")
	f.BoolVarP(&verbose, "verbose", "v", false, "log file events and diagnostics to stderr")
	f.BoolVar(&noSearch, "no-search", false, "do not update the search indexes")
	f.DurationVar(&debounce, "debounce", watch.DefaultDebounce, "quiet period after a change before indexing")
	f.DurationVar(&maxDelay, "max-delay", watch.DefaultMaxDelay, "longest wait for quiet during a stream of changes")
	f.DurationVar(&poll, "poll-interval", watch.DefaultPollInterval, "full scan period when files cannot be watched")
	ef.register(cmd)
	noPreciseFlag(cmd, &noPrecise)
	f.StringVar(&memProf, "memprofile", "", "write a heap profile to this file after each update (for development)")
	f.MarkHidden("memprofile")
	return cmd
}

// dbDirOf is the store directory an index of root uses.
func dbDirOf(root, db string) string {
	if db != "" {
		return db
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		abs = root
	}
	return index.DBDirFor(abs)
}

// lockedByWatcher explains a lock error when a watcher holds the index.
func lockedByWatcher(err error, dbDir string) error {
	if !errors.Is(err, store.ErrLocked) {
		return err
	}
	if h, ok := watch.ReadHolder(dbDir); ok {
		return fmt.Errorf("`%s` (pid %d) keeps the index %s up to date: no need to index it, and queries work while it runs (stop it to re-index with other options): %w",
			h.Command, h.PID, dbDir, store.ErrLocked)
	}
	return err
}

// millis is d in milliseconds, to the microsecond.
func millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// watchPrinter prints a Watcher's updates.
type watchPrinter struct {
	mu    sync.Mutex
	w     io.Writer
	json  bool
	quiet bool
}

func (p *watchPrinter) print(u watch.Update) {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := u.Files()
	// An event that changed nothing (an editor's backup file, a touch)
	// prints nothing.
	if u.Err == nil && n == 0 && u.Reason != "start" && u.Reason != "index" {
		return
	}
	if p.json {
		l := watchLine{Time: time.Now().UTC(), Reason: u.Reason, Paths: u.Paths, DurationMS: millis(u.Duration)}
		if s := u.Summary; s != nil {
			l.Added, l.Changed, l.Deleted, l.Files = s.Added, s.Changed, s.Deleted, s.Files
			if s.Resolve != nil {
				l.ResolveMS = millis(s.Resolve.Duration)
			}
			if s.Search != nil {
				l.SearchMS = millis(s.Search.Duration)
			}
		}
		if u.Err != nil {
			l.Error = u.Err.Error()
		}
		b, _ := json.Marshal(l)
		fmt.Fprintf(p.w, "%s\n", b)
		return
	}
	if u.Err != nil {
		fmt.Fprintf(p.w, "%s update failed: %v\n", time.Now().Format("15:04:05"), u.Err)
		return
	}
	if p.quiet {
		return
	}
	ms := u.Duration.Milliseconds()
	what := fmt.Sprintf("%d files updated", n)
	if n == 1 {
		what = "1 file updated"
	}
	switch u.Reason {
	case "start", "index":
		what = fmt.Sprintf("index up to date: %d files, %d updated", u.Summary.Files, n)
	case "rescan":
		what += " (ignore rules changed: rescanned)"
	case "poll":
		what += " (periodic scan)"
	}
	var names string
	if u.Reason == "change" && len(u.Paths) > 0 && len(u.Paths) <= 3 {
		names = ": " + strings.Join(u.Paths, ", ")
	}
	fmt.Fprintf(p.w, "%s %s in %d ms%s\n", time.Now().Format("15:04:05"), what, ms, names)
}
