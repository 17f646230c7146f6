// Package watch keeps an index up to date while the source tree changes:
// it watches the tree's directories with fsnotify (inotify on Linux),
// honouring the indexer's ignore rules, debounces bursts of events into
// batches and hands each batch to one index.Updater, the store's only
// writer. When the system's watch limit is reached it falls back to
// periodic full scans. It knows no front end: the CLI, the MCP server and
// the HTTP server embed a Watcher.
package watch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/codegraph-dev/codegraph/internal/gitinfo"
	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/walk"
)

// Defaults of Options.
const (
	DefaultDebounce     = 20 * time.Millisecond
	DefaultMaxDelay     = time.Second
	DefaultPollInterval = 30 * time.Second
	DefaultCompactIdle  = 30 * time.Second
)

// ErrWatchLimit is the cause reported when the tree needs more watches than
// the system allows (fs.inotify.max_user_watches, or Options.MaxWatches).
var ErrWatchLimit = errors.New("watch: file watch limit reached")

// Options configure a Watcher.
type Options struct {
	// Index opens the Updater when Updater is nil: Root, DBDir, the file
	// selection (set ReuseOptions to keep the one stored with the index),
	// search configuration.
	Index index.Options
	// Updater, when set, is the writer to use; the Watcher does not close
	// it. Otherwise New opens one from Index and Close closes it.
	Updater *index.Updater

	// Debounce is the quiet period after the last event before a batch is
	// indexed (0: DefaultDebounce).
	Debounce time.Duration
	// MaxDelay bounds how long a batch waits for quiet after its first
	// event (0: DefaultMaxDelay).
	MaxDelay time.Duration
	// PollInterval is the period of full scans when file watching is not
	// available (0: DefaultPollInterval).
	PollInterval time.Duration
	// CompactIdle is how long the index must be idle, after updates that
	// wrote at least 200 files since the last compaction, before the store
	// is compacted (0: DefaultCompactIdle; negative: never).
	CompactIdle time.Duration
	// MaxWatches limits the number of watched directories (0: only the
	// system's limit). Going over it behaves as reaching the system's.
	MaxWatches int
	// Command names the owning process in the holder file (default
	// "codegraph watch"): `codegraph index` names it when the index is
	// locked.
	Command string

	// OnUpdate, when set, is called after every indexing run, from the
	// Watcher's worker goroutine (so one at a time).
	OnUpdate func(Update)
	// Logger receives warnings (unwatchable directories, fallback to
	// polling) and debug events; nil discards them.
	Logger *slog.Logger

	// addWatch, when set, adds one directory's watch through add (tests
	// inject failures such as permission denied, which root never meets).
	addWatch func(add func(string) error, dir string) error
}

// Update describes one indexing run of a Watcher.
type Update struct {
	// Paths are the repository-relative paths of the batch; nil for a full
	// scan.
	Paths []string
	// Reason is why the run happened: "start" (the first reconciliation),
	// "change" (file events), "branch" (the events of a git checkout or
	// other git operation, as one batch), "rescan" (ignore rules changed,
	// events were lost), "poll" (periodic scan without file watching),
	// "index" (a request through Watcher.Index).
	Reason   string
	Summary  *index.Summary
	Duration time.Duration // from the batch's hand-off to the end of the run
	Err      error
}

// Files returns the number of files the run added, changed or deleted.
func (u *Update) Files() int {
	if u.Summary == nil {
		return 0
	}
	return u.Summary.Added + u.Summary.Changed + u.Summary.Deleted
}

// Watcher keeps one index up to date with its tree.
type Watcher struct {
	opts    Options
	up      *index.Updater
	ownUp   bool
	root    string
	dbDir   string
	walkOpt walk.Options
	log     *slog.Logger

	mu       sync.Mutex
	polling  bool
	running  bool
	fatalErr error // ends Run after the batch that found it (the store gone)

	fsw     *fsnotify.Watcher
	watched map[string]bool // absolute directories being watched

	// The git work tree, when the root is in one: its .git directory is
	// watched (not recursively) for branch switches.
	gitDir  string
	head    string    // HEAD's commit as last seen
	gitBusy time.Time // when git took .git/index.lock (zero: not held)
}

// New opens (or takes) the Updater and prepares a Watcher; Run starts it.
func New(opts Options) (*Watcher, error) {
	if opts.Debounce <= 0 {
		opts.Debounce = DefaultDebounce
	}
	if opts.MaxDelay <= 0 {
		opts.MaxDelay = DefaultMaxDelay
	}
	if opts.MaxDelay < opts.Debounce {
		opts.MaxDelay = opts.Debounce
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = DefaultPollInterval
	}
	if opts.CompactIdle == 0 {
		opts.CompactIdle = DefaultCompactIdle
	}
	if opts.Command == "" {
		opts.Command = "codegraph watch"
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	w := &Watcher{opts: opts, up: opts.Updater, log: log, watched: map[string]bool{}}
	if w.up == nil {
		if opts.Index.Logger == nil {
			opts.Index.Logger = log
		}
		up, err := index.NewUpdater(opts.Index)
		if err != nil {
			return nil, err
		}
		w.up, w.ownUp = up, true
	}
	w.root = w.up.Root()
	w.dbDir, _ = filepath.Abs(w.up.DBDir())
	w.walkOpt = w.up.WalkOptions()
	return w, nil
}

// Updater returns the writer the Watcher indexes through: other index
// requests of the process go through it too (they are serialised with the
// Watcher's runs).
func (w *Watcher) Updater() *index.Updater { return w.up }

// Root returns the absolute root of the watched tree.
func (w *Watcher) Root() string { return w.root }

// Polling reports whether the Watcher fell back to periodic scans.
func (w *Watcher) Polling() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.polling
}

// Index runs a full reconciliation through the Watcher's writer (every
// file re-parsed when force) and reports it to OnUpdate.
func (w *Watcher) Index(ctx context.Context, force bool) (*index.Summary, error) {
	start := time.Now()
	sum, err := w.up.Full(ctx, force)
	w.report(Update{Reason: "index", Summary: sum, Err: err, Duration: time.Since(start)})
	return sum, err
}

// Close closes the Updater when New opened it. Call it after Run returns.
func (w *Watcher) Close() error {
	if w.ownUp {
		return w.up.Close()
	}
	return nil
}

func (w *Watcher) report(u Update) {
	if w.opts.OnUpdate != nil {
		w.opts.OnUpdate(u)
	}
}

// batch is one unit of work for the worker.
type batch struct {
	paths  []string // repository-relative; nil: a full scan
	reason string
	start  time.Time
}

// Run watches the tree and indexes its changes until ctx is cancelled,
// then returns nil after the batch in progress is committed. It first
// reconciles the index with the tree (a full run, as after a crash). An
// error is returned when the index cannot be updated at all (the first
// run fails) or the tree cannot be read.
func (w *Watcher) Run(ctx context.Context) error {
	w.mu.Lock()
	if w.running {
		w.mu.Unlock()
		return errors.New("watch: Run called twice")
	}
	w.running = true
	w.mu.Unlock()

	release, err := writeHolder(w.dbDir, w.opts.Command)
	if err != nil {
		return err
	}
	defer release()

	if s, err := gitinfo.Read(ctx, w.root); err == nil {
		w.gitDir, w.head = s.GitDir, s.Head
	}
	if err := w.startWatching(ctx); err != nil {
		if !errors.Is(err, ErrWatchLimit) {
			return err
		}
		w.fallBack(err)
	}
	defer w.stopWatching()

	// The first reconciliation runs before the event loop so that its
	// failure (a corrupt store, an unreadable root) ends Run; events that
	// arrive meanwhile queue in the kernel and are handled after it.
	start := time.Now()
	sum, err := w.up.Full(ctx, false)
	w.report(Update{Reason: "start", Summary: sum, Err: err, Duration: time.Since(start)})
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	return w.loop(ctx)
}

// loop collects events into batches and feeds them to the worker.
func (w *Watcher) loop(ctx context.Context) error {
	work := make(chan batch)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for b := range work {
			w.runBatch(ctx, b)
			select {
			case done <- struct{}{}:
			case <-ctx.Done():
			}
		}
	}()
	var compactions sync.WaitGroup
	compactCtx, stopCompact := context.WithCancel(ctx)
	defer func() {
		close(work)
		wg.Wait()
		stopCompact()
		compactions.Wait()
	}()

	pending := map[string]bool{}
	full, fullReason, rewatch, branch := false, "", false, false
	var first, last time.Time // the pending batch's first and last events
	busy := false
	var poll <-chan time.Time
	var pollT *time.Ticker
	defer func() {
		if pollT != nil {
			pollT.Stop()
		}
	}()
	idle := time.NewTimer(time.Hour)
	idle.Stop()
	compacting := false
	compactDone := make(chan struct{}, 1)
	note := func() {
		now := time.Now()
		if first.IsZero() {
			first = now
		}
		last = now
	}

	for {
		var events <-chan fsnotify.Event
		var errs <-chan error
		if w.fsw != nil {
			events, errs = w.fsw.Events, w.fsw.Errors
		} else if pollT == nil {
			pollT = time.NewTicker(w.opts.PollInterval)
			poll = pollT.C
		}
		// A batch is handed over when the tree has been quiet for Debounce
		// or the batch is MaxDelay old, and the worker is free.
		var send chan batch
		var next batch
		var wake <-chan time.Time
		if !first.IsZero() {
			now := time.Now()
			wait := min(w.opts.Debounce-now.Sub(last), w.opts.MaxDelay-now.Sub(first))
			if !w.gitBusy.IsZero() {
				// A checkout, merge or rebase is writing the tree: take
				// all of it as one batch (up to gitHold).
				wait = max(wait, min(w.opts.Debounce, gitHold-now.Sub(w.gitBusy)))
			}
			switch {
			case wait > 0:
				wake = time.After(wait)
			case !busy:
				if rewatch {
					// Once per batch: a branch switch may touch many
					// ignore files.
					w.rewatch(ctx)
					rewatch = false
				}
				send = work
				next = batch{reason: "change", start: now}
				if branch {
					next.reason = "branch"
				}
				if full {
					next.reason = fullReason
				} else {
					next.paths = make([]string, 0, len(pending))
					for p := range pending {
						next.paths = append(next.paths, p)
					}
					sort.Strings(next.paths)
				}
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-events:
			if !ok {
				w.fallBack(errors.New("watch: the file watcher stopped"))
				continue
			}
			if abs := filepath.Clean(ev.Name); abs == w.dbDir && (ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename)) {
				// Updates would go on "succeeding" into deleted files.
				return fmt.Errorf("watch: %s: %w", w.dbDir, index.ErrStoreGone)
			}
			if handled, switched := w.gitEvent(ctx, ev, pending); handled {
				if switched {
					branch = true
				}
				if switched || !first.IsZero() {
					note()
				}
				continue
			}
			if rescan := w.handle(ev, pending); rescan != "" && !full {
				full, fullReason, rewatch = true, rescan, true
			}
			note()
		case err, ok := <-errs:
			if !ok {
				w.fallBack(errors.New("watch: the file watcher stopped"))
				continue
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				w.log.Warn("file events were lost (kernel queue overflow); rescanning the tree")
				full, fullReason = true, "rescan"
				note()
			} else {
				w.log.Warn("file watcher error", "err", err)
			}
		case <-wake:
		case <-poll:
			if !busy && first.IsZero() {
				full, fullReason = true, "poll"
				first = time.Now().Add(-w.opts.MaxDelay) // due at once
				last = first
			}
		case send <- next:
			busy = true
			clear(pending)
			full, branch, first, last = false, false, time.Time{}, time.Time{}
			idle.Stop()
		case <-done:
			busy = false
			if err := w.fatal(); err != nil {
				return err
			}
			if w.opts.CompactIdle > 0 {
				idle.Reset(w.opts.CompactIdle)
			}
		case <-idle.C:
			if !compacting && !busy && w.up.Pending() >= compactMin {
				compacting = true
				compactions.Add(1)
				go func() {
					defer compactions.Done()
					if err := w.up.Compact(compactCtx); err != nil && compactCtx.Err() == nil {
						w.log.Warn("compaction failed", "err", err)
					}
					compactDone <- struct{}{}
				}()
			}
		case <-compactDone:
			compacting = false
		}
	}
}

// fatal returns the error that ends Run (nil: none).
func (w *Watcher) fatal() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.fatalErr
}

// runBatch indexes one batch and reports it.
func (w *Watcher) runBatch(ctx context.Context, b batch) {
	var sum *index.Summary
	var err error
	if b.paths == nil {
		sum, err = w.up.Full(ctx, false)
	} else {
		// A targeted update is finished even when Run is stopped: cut
		// short after its files were written, their names would stay
		// unresolved until they change again.
		sum, err = w.up.Update(context.WithoutCancel(ctx), b.paths)
	}
	if ctx.Err() != nil && err != nil {
		return // stopping: the run was cancelled, nothing half-written
	}
	if errors.Is(err, index.ErrStoreGone) {
		w.mu.Lock()
		w.fatalErr = fmt.Errorf("watch: %w", err)
		w.mu.Unlock()
	}
	w.report(Update{Paths: b.paths, Reason: b.reason, Summary: sum, Err: err, Duration: time.Since(b.start)})
}

// handle records one event in pending and keeps the watches in step with
// the tree. It returns a reason for a full rescan ("" for none).
func (w *Watcher) handle(ev fsnotify.Event, pending map[string]bool) string {
	abs := filepath.Clean(ev.Name)
	if w.inDB(abs) {
		return ""
	}
	rel, err := filepath.Rel(w.root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return ""
	}
	rel = filepath.ToSlash(rel)
	w.log.Debug("event", "op", ev.Op.String(), "path", rel)
	base := path.Base(rel)
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		w.unwatchUnder(abs)
	}
	if ev.Has(fsnotify.Create) {
		if fi, err := os.Lstat(abs); err == nil && fi.IsDir() {
			w.watchNew(rel)
		}
	}
	if base == ".gitignore" || base == ".codegraphignore" {
		return "rescan"
	}
	if rel != "." {
		pending[rel] = true
	}
	return ""
}

// compactMin is the number of files written since the last compaction
// from which an idle Watcher compacts the store: a compaction rewrites
// most of it (seconds to minutes on a busy machine) and slows updates
// that come meanwhile, so a few edits are not worth one.
const compactMin = 200

// gitHold bounds how long a batch waits for git to release its index lock.
const gitHold = 30 * time.Second

// gitEvent handles an event in the .git directory: git holding its index
// lock (a checkout in progress: the batch waits for its end) and HEAD
// changing (a branch switch: the files that differ between the two commits
// join the batch, in case some of their events were lost). handled is
// false for events elsewhere.
func (w *Watcher) gitEvent(ctx context.Context, ev fsnotify.Event, pending map[string]bool) (handled, switched bool) {
	if w.gitDir == "" || filepath.Dir(filepath.Clean(ev.Name)) != w.gitDir {
		return false, false
	}
	switch filepath.Base(ev.Name) {
	case "index.lock":
		if ev.Has(fsnotify.Create) {
			w.gitBusy = time.Now()
		} else if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
			w.gitBusy = time.Time{}
		}
	case "HEAD":
		s, err := gitinfo.Read(ctx, w.root)
		if err != nil || s.Head == w.head {
			return true, false
		}
		old := w.head
		w.head = s.Head
		if old != "" && s.Head != "" {
			paths, err := gitinfo.DiffCommits(ctx, w.root, old, s.Head)
			if err != nil {
				w.log.Warn("branch switch: git diff", "err", err)
			}
			for _, p := range paths {
				pending[p] = true
			}
		}
		w.log.Debug("branch switch", "from", old, "to", s.Head, "branch", s.Branch)
		return true, true
	}
	return true, false
}

// inDB reports whether abs is the store directory or inside it.
func (w *Watcher) inDB(abs string) bool {
	return abs == w.dbDir || strings.HasPrefix(abs, w.dbDir+string(filepath.Separator))
}

// startWatching creates the fsnotify watcher and watches every directory
// the ignore rules keep.
func (w *Watcher) startWatching(ctx context.Context) error {
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		if errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENOSPC) {
			return fmt.Errorf("%w: %v (fs.inotify.max_user_instances)", ErrWatchLimit, err)
		}
		return fmt.Errorf("watch: %w", err)
	}
	w.fsw = fsw
	if w.gitDir != "" {
		if err := fsw.Add(w.gitDir); err != nil {
			w.log.Warn("cannot watch the git directory; branch switches are seen as file changes only", "dir", w.gitDir, "err", err)
			w.gitDir = ""
		}
	}
	return w.watchTree(ctx, nil)
}

// watchTree adds watches for the directories under the repository-relative
// paths (nil: the whole tree) that the ignore rules keep.
func (w *Watcher) watchTree(ctx context.Context, paths []string) error {
	var dirs []string
	opts := w.walkOpt
	opts.Detect = func(string, func() []byte) string { return "" } // directories only
	opts.OnDir = func(rel string) { dirs = append(dirs, rel) }
	var err error
	if paths == nil {
		_, err = walk.Walk(ctx, opts, func(walk.File) error { return nil })
	} else {
		_, err = walk.WalkPaths(ctx, opts, paths, func(walk.File) error { return nil })
	}
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	for _, rel := range dirs {
		if err := w.add(filepath.Join(w.root, filepath.FromSlash(rel))); err != nil {
			return err
		}
	}
	return nil
}

// add watches one directory. Permission problems and vanished directories
// are logged and skipped; the watch limit is returned as ErrWatchLimit.
func (w *Watcher) add(abs string) error {
	if w.fsw == nil || w.watched[abs] || w.inDB(abs) {
		return nil
	}
	if w.opts.MaxWatches > 0 && len(w.watched) >= w.opts.MaxWatches {
		return fmt.Errorf("%w (Options.MaxWatches = %d)", ErrWatchLimit, w.opts.MaxWatches)
	}
	var err error
	if w.opts.addWatch != nil {
		err = w.opts.addWatch(w.fsw.Add, abs)
	} else {
		err = w.fsw.Add(abs)
	}
	switch {
	case err == nil:
		w.watched[abs] = true
	case errors.Is(err, syscall.ENOSPC):
		return fmt.Errorf("%w (fs.inotify.max_user_watches = %s): %v", ErrWatchLimit, sysctl("fs/inotify/max_user_watches"), err)
	case errors.Is(err, fs.ErrPermission):
		w.log.Warn("cannot watch directory (permission denied); its changes are not seen", "dir", abs)
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		// gone already: its removal event follows
	default:
		w.log.Warn("cannot watch directory", "dir", abs, "err", err)
	}
	return nil
}

// watchNew watches a directory created at rel and those under it.
func (w *Watcher) watchNew(rel string) {
	if w.fsw == nil {
		return
	}
	if err := w.watchTree(context.Background(), []string{rel}); err != nil {
		w.fallBack(err)
	}
}

// unwatchUnder forgets the watches of abs and the directories under it
// (the kernel drops them when the directories go).
func (w *Watcher) unwatchUnder(abs string) {
	for d := range w.watched {
		if d == abs || strings.HasPrefix(d, abs+string(filepath.Separator)) {
			delete(w.watched, d)
			if w.fsw != nil {
				w.fsw.Remove(d) // an error only says the kernel dropped it first
			}
		}
	}
}

// rewatch brings the watches in line with the tree after the ignore rules
// changed: directories now kept are watched, those now ignored are not.
func (w *Watcher) rewatch(ctx context.Context) {
	if w.fsw == nil {
		return
	}
	var dirs []string
	opts := w.walkOpt
	opts.Detect = func(string, func() []byte) string { return "" }
	opts.OnDir = func(rel string) { dirs = append(dirs, filepath.Join(w.root, filepath.FromSlash(rel))) }
	if _, err := walk.Walk(ctx, opts, func(walk.File) error { return nil }); err != nil {
		w.log.Warn("rescan", "err", err)
		return
	}
	keep := map[string]bool{}
	for _, d := range dirs {
		keep[d] = true
	}
	for d := range w.watched {
		if !keep[d] {
			delete(w.watched, d)
			w.fsw.Remove(d)
		}
	}
	for _, d := range dirs {
		if err := w.add(d); err != nil {
			w.fallBack(err)
			return
		}
	}
}

// fallBack stops file watching after err (the watch limit) and switches to
// periodic full scans.
func (w *Watcher) fallBack(err error) {
	w.log.Warn(fmt.Sprintf("%v: falling back to a full scan every %s; raise the limit (e.g. sudo sysctl fs.inotify.max_user_watches=524288) or exclude directories (.codegraphignore) to watch changes instead",
		err, w.opts.PollInterval))
	w.stopWatching()
	w.mu.Lock()
	w.polling = true
	w.mu.Unlock()
}

func (w *Watcher) stopWatching() {
	if w.fsw != nil {
		w.fsw.Close()
		w.fsw = nil
	}
	clear(w.watched)
}

// sysctl reads a /proc/sys value, or "?".
func sysctl(name string) string {
	b, err := os.ReadFile("/proc/sys/" + name)
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(b))
}

// HolderFile is the file in the store directory naming the process whose
// Watcher keeps the index up to date.
const HolderFile = "WATCH.codegraph"

// Holder is the process that keeps an index up to date.
type Holder struct {
	PID     int       `json:"pid"`
	Command string    `json:"command"`
	Since   time.Time `json:"since"`
}

// ReadHolder returns the process watching the store in dbDir, if one runs.
func ReadHolder(dbDir string) (Holder, bool) {
	var h Holder
	b, err := os.ReadFile(filepath.Join(dbDir, HolderFile))
	if err != nil || json.Unmarshal(b, &h) != nil || h.PID <= 0 {
		return Holder{}, false
	}
	if err := syscall.Kill(h.PID, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return Holder{}, false // a stale file of a process that died
	}
	return h, true
}

// writeHolder records this process as the store's watcher (written to a
// temporary file and renamed) and returns the function that removes it.
func writeHolder(dbDir, command string) (func(), error) {
	b, _ := json.Marshal(Holder{PID: os.Getpid(), Command: command, Since: time.Now().UTC()})
	p := filepath.Join(dbDir, HolderFile)
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	if err := os.Rename(tmp, p); err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	return func() { os.Remove(p) }, nil
}
