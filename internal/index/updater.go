package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
	"github.com/codegraph-dev/codegraph/internal/parse"
	"github.com/codegraph-dev/codegraph/internal/resolve"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/store"
	"github.com/codegraph-dev/codegraph/internal/walk"
)

// defaultFlushAt is the write-ahead log size from which an Updater flushes
// after a run: a read-only open replays the log, at roughly 100 MB/s.
const defaultFlushAt = 4 << 20

// ErrClosed is returned by the methods of an Updater that was closed.
var ErrClosed = errors.New("index: updater is closed")

// ErrStoreGone is returned by the runs of an Updater whose store
// directory was deleted or replaced since it was opened: its writes would
// go to files no one else can open. The owner should stop (or reopen,
// which builds a new index).
var ErrStoreGone = errors.New("the index directory was deleted or replaced while in use")

// Updater is a long-lived writer of one index: it holds the store open
// and writable (and so its writer lock) across runs, so that a watcher or
// a server brings the index up to date after each change without paying
// for opening the store, walking the whole tree and compacting each time.
// Every run commits and flushes before it returns, so a read-only Open in
// another process sees its result. Its methods are safe for concurrent
// use; runs are serialised.
type Updater struct {
	opts    Options // normalised, with the stored file selection applied when ReuseOptions
	root    string
	st      *store.Store
	dirInfo os.FileInfo // the store directory when opened (see checkStore)
	rebuilt bool
	// repaired says why opts.Rebuild deleted a damaged store (for the
	// first run's summary).
	repaired string
	// srch keeps the search indexes open across runs (nil with NoSearch).
	srch *search.Updater

	mu      sync.Mutex // serialises runs; guards the fields below
	indexed []string   // sorted paths of the indexed files, externals excluded (nil: not loaded)
	closed  bool
	pending int    // files written since the last compaction
	flushAt uint64 // write-ahead log size from which a run flushes
	oneShot bool   // a Run: runs compact after a bulk load and flush themselves

	// cat is resolution's file list, kept current by targeted runs (nil:
	// load it at the next one).
	cat *resolve.Catalog
	// noGit is set once the root is known not to be in a git work tree
	// (targeted runs then do not ask again).
	noGit bool
	// lastTouched are the files the last targeted run wrote or deleted.
	lastTouched []string
	// contents are the files of the running UpdateContents (nil
	// otherwise).
	contents map[string][]byte

	// x holds the compiled extraction queries across runs (compiling a
	// grammar's query costs tens of milliseconds, more than a one-file
	// update); ownX says the Updater closes it.
	x    *parse.Extractor
	ownX bool

	// release returns the memory runs freed to the operating system once
	// the Updater has been idle for releaseAfter (see scheduleRelease).
	release      *time.Timer
	releaseAfter time.Duration
	// dropCache empties the store's block cache once the Updater has been
	// idle for dropCacheAfter (see scheduleRelease).
	dropCache      *time.Timer
	dropCacheAfter time.Duration

	compactMu sync.Mutex // one compaction at a time
	stop      context.Context
	cancel    context.CancelFunc
}

// NewUpdater validates opts, opens (creating if needed) the store at
// opts.DBDir for writing and returns an Updater over it. An index written
// by another version of codegraph is deleted, to be rebuilt by the first
// run. The caller must Close it.
func NewUpdater(opts Options) (*Updater, error) {
	if opts.Root == "" {
		opts.Root = "."
	}
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("index: %s is not a directory", root)
	}
	for _, l := range opts.Languages {
		if !lang.IsLanguage(l) {
			return nil, fmt.Errorf("index: unknown language %q (supported: %v)", l, lang.Languages())
		}
	}
	if opts.DBDir == "" {
		opts.DBDir = DBDirFor(root)
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	_, statErr := os.Stat(opts.DBDir)
	st, repaired, err := openStore(opts)
	rebuilt := false
	if errors.Is(err, store.ErrSchemaMismatch) {
		// The index is a cache of the source: an index written by another
		// version of codegraph is rebuilt, not migrated.
		if err = removeStore(opts.DBDir); err == nil {
			rebuilt = true
			st, err = store.Open(opts.DBDir, store.Options{Logger: opts.Logger})
		}
	}
	if err != nil {
		return nil, err
	}
	if err := ignoreStore(opts.DBDir, errors.Is(statErr, os.ErrNotExist)); err != nil {
		opts.Logger.Warn("index: could not write .gitignore in the store", "dir", opts.DBDir, "err", err)
	}
	if opts.ReuseOptions {
		if b, err := st.Meta(MetaOptions); err == nil {
			var sel selection
			if err := json.Unmarshal(b, &sel); err != nil {
				return nil, errors.Join(fmt.Errorf("index: stored options: %w", err), st.Close())
			}
			sel.apply(&opts)
		}
	}
	if opts.Rebuild && !opts.NoSearch {
		if err := search.Remove(opts.DBDir); err != nil {
			return nil, errors.Join(fmt.Errorf("index: %w", err), st.Close())
		}
	}
	dirInfo, err := os.Stat(opts.DBDir)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("index: %w", err), st.Close())
	}
	u := &Updater{opts: opts, root: root, st: st, dirInfo: dirInfo, rebuilt: rebuilt, repaired: repaired, flushAt: defaultFlushAt}
	// Made here, stopped, so that its callback sees the fields set.
	u.releaseAfter = releaseIdle
	u.release = time.AfterFunc(time.Hour, u.releaseMemory)
	u.release.Stop()
	u.dropCacheAfter = cacheIdle
	u.dropCache = time.AfterFunc(time.Hour, u.dropIdleCache)
	u.dropCache.Stop()
	if !opts.NoSearch {
		cfg := opts.Search
		if cfg.Logger == nil {
			cfg.Logger = opts.Logger
		}
		u.srch = search.NewUpdater(st, opts.DBDir, root, cfg)
	}
	u.stop, u.cancel = context.WithCancel(context.Background())
	return u, nil
}

// openStore opens the store of opts for writing. With opts.Rebuild, a
// store that cannot be opened because it is damaged, or whose blocks fail
// their checksums, is deleted and created anew; repaired then says why.
func openStore(opts Options) (st *store.Store, repaired string, err error) {
	so := store.Options{Logger: opts.Logger, Throwaway: opts.Throwaway}
	st, err = store.Open(opts.DBDir, so)
	if !opts.Rebuild {
		return st, "", err
	}
	if err == nil {
		if err = st.Check(context.Background()); err == nil {
			return st, "", nil
		}
		if cerr := st.Close(); cerr != nil && !errors.Is(cerr, store.ErrCorrupt) {
			return nil, "", errors.Join(err, cerr)
		}
	}
	if !errors.Is(err, store.ErrCorrupt) {
		return nil, "", err
	}
	repaired = err.Error()
	var ce *store.CorruptError
	if errors.As(err, &ce) {
		repaired = ce.Reason()
	}
	opts.Logger.Warn("deleting the damaged store to rebuild it", "dir", opts.DBDir, "err", err)
	so.Recreate = true
	st, err = store.Open(opts.DBDir, so)
	return st, repaired, err
}

// Store returns the open store, for reads in the same process (they see
// every committed run). It must not be closed by the caller.
func (u *Updater) Store() *store.Store { return u.st }

// Root returns the absolute repository root.
func (u *Updater) Root() string { return u.root }

// DBDir returns the store directory.
func (u *Updater) DBDir() string { return u.opts.DBDir }

// WalkOptions returns the walk the Updater's runs make: the root and the
// file selection in force (with ReuseOptions, the stored one).
func (u *Updater) WalkOptions() walk.Options { return walkOptions(u.root, &u.opts) }

// Full brings the whole index up to date, as an index run does: it walks
// the tree, re-parses the files whose size, modification time or content
// hash changed (every file when force) and deletes the files that are
// gone. It is what a start after a crash or a lost event needs.
func (u *Updater) Full(ctx context.Context, force bool) (*Summary, error) {
	start := time.Now()
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.closed {
		return nil, ErrClosed
	}
	saved := u.opts.Force
	u.opts.Force = force
	defer func() { u.opts.Force = saved }()
	u.cat = nil // a full run may change anything
	sum, err := u.runLocked(ctx, nil, start)
	if err == nil {
		err = u.loadIndexed(nil)
	}
	if err != nil {
		return sum, err
	}
	if err := u.afterRun(sum); err != nil {
		return sum, err
	}
	sum.Changes.setRevision(u.recordGit(ctx, nil))
	if u.srch != nil {
		// Open the search indexes now: the first update after a start
		// then costs no more than the next ones.
		if err := u.srch.Warm(ctx); err != nil {
			u.opts.Logger.Warn("opening the search indexes", "err", err)
		}
	}
	sum.Duration = time.Since(start)
	return sum, nil
}

// Update re-indexes only the given paths: files and directories, relative
// to the root (forward or OS slashes) or absolute inside it. Files that
// exist are indexed when they changed (decided by size, modification time
// and content hash, as a full run decides); directories are walked with
// the same ignore rules; indexed files that no longer exist under a path,
// or that the ignore rules now exclude, are deleted. An empty paths does
// nothing.
func (u *Updater) Update(ctx context.Context, paths []string) (*Summary, error) {
	start := time.Now()
	targets, err := u.targets(paths)
	if err != nil {
		return nil, err
	}
	if slices.Contains(targets, ".") {
		return u.Full(ctx, false)
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if sum, err := u.beginLocked(targets); sum != nil || err != nil {
		return sum, err
	}
	for _, t := range targets {
		// A go.mod, or a new directory that may hold one, changes the
		// modules resolution knows.
		if path.Base(t) == "go.mod" {
			u.cat = nil
		} else if fi, err := os.Stat(filepath.Join(u.root, filepath.FromSlash(t))); err == nil && fi.IsDir() {
			u.cat = nil
		}
	}
	sum, err := u.runLocked(ctx, targets, start)
	if err != nil {
		return sum, err
	}
	if err := u.afterRun(sum); err != nil {
		return sum, err
	}
	if sum.Added+sum.Changed+sum.Deleted > 0 {
		// After the run is visible: readers need not wait for git.
		sum.Changes.setRevision(u.recordGit(ctx, u.lastTouched))
	}
	sum.Duration = time.Since(start)
	return sum, nil
}

// UpdateContents brings the index's facts of the given files to the given
// contents, as Update would if the files on disk held them, reading
// nothing of them from the disk: a path with content (non-nil; an empty
// file is an empty, non-nil slice) is indexed, one with nil content is
// deleted from the index. The stored file selection's language and size
// limits apply; its ignore rules do not (the caller chose the files).
// Paths are repository-relative with forward slashes. It records no git
// state: it is meant for a copy of an index (store.Snapshot) made to hold
// another revision's content of a few files, which the incremental run
// binds as an index of that revision would be bound.
func (u *Updater) UpdateContents(ctx context.Context, files map[string][]byte) (*Summary, error) {
	start := time.Now()
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	targets, err := u.targets(paths)
	if err != nil {
		return nil, err
	}
	contents := make(map[string][]byte, len(files))
	for p, src := range files {
		contents[path.Clean(filepath.ToSlash(p))] = src
	}
	if slices.Contains(targets, ".") {
		return nil, errors.New("index: UpdateContents takes files, not the root")
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if sum, err := u.beginLocked(targets); sum != nil || err != nil {
		return sum, err
	}
	if slices.ContainsFunc(targets, func(t string) bool { return path.Base(t) == "go.mod" }) {
		u.cat = nil
	}
	u.contents = contents
	defer func() { u.contents = nil }()
	sum, err := u.runLocked(ctx, targets, start)
	if err != nil {
		return sum, err
	}
	if err := u.afterRun(sum); err != nil {
		return sum, err
	}
	sum.Duration = time.Since(start)
	return sum, nil
}

// beginLocked starts an update of targets with u.mu held: ErrClosed after
// Close, an empty summary (nothing to do) for no targets, otherwise nil
// and the indexed files' table loaded.
func (u *Updater) beginLocked(targets []string) (*Summary, error) {
	if u.closed {
		return nil, ErrClosed
	}
	if len(targets) == 0 {
		return u.newSummary(), nil
	}
	if u.indexed == nil {
		// The catalog resolution needs is made from the same read of the
		// file metas (a targeted run brings it up to date with what it
		// writes, as it does a kept one).
		var cat *resolve.Catalog
		if u.cat == nil {
			cat = resolve.NewCatalog(u.root)
		}
		if err := u.loadIndexed(cat); err != nil {
			return nil, err
		}
		if cat != nil {
			u.cat = cat
		}
	}
	return nil, nil
}

// newSummary is the summary of a run of u that has done nothing yet.
func (u *Updater) newSummary() *Summary {
	return &Summary{Root: u.root, DB: u.opts.DBDir, Skipped: map[string]int{}, Languages: map[string]LangStats{}}
}

// targets cleans paths into sorted, distinct repository-relative paths
// with forward slashes ("." for the root).
func (u *Updater) targets(paths []string) ([]string, error) {
	out := make([]string, 0, len(paths))
	for _, p := range paths {
		if filepath.IsAbs(p) {
			rel, err := filepath.Rel(u.root, p)
			if err != nil {
				return nil, fmt.Errorf("index: %s: %w", p, err)
			}
			p = rel
		}
		c := path.Clean(filepath.ToSlash(p))
		if c == ".." || strings.HasPrefix(c, "../") || path.IsAbs(c) {
			return nil, fmt.Errorf("index: %s is not inside %s", p, u.root)
		}
		out = append(out, c)
	}
	sort.Strings(out)
	return slices.Compact(out), nil
}

// checkStore returns ErrStoreGone when the store directory is no longer
// the one the Updater opened.
func (u *Updater) checkStore() error {
	fi, err := os.Stat(u.opts.DBDir)
	if err != nil || !os.SameFile(fi, u.dirInfo) {
		return fmt.Errorf("index: %s: %w", u.opts.DBDir, ErrStoreGone)
	}
	return nil
}

// runLocked runs the pipeline over targets (nil: the whole tree) with u.mu
// held.
func (u *Updater) runLocked(ctx context.Context, targets []string, start time.Time) (*Summary, error) {
	if err := u.checkStore(); err != nil {
		return nil, err
	}
	r := &run{opts: u.opts, root: u.root, st: u.st, start: start, targets: targets, u: u, bulkAt: bulkFiles, oneShot: u.oneShot, contents: u.contents,
		sum: u.newSummary()}
	r.sum.Rebuilt, r.sum.Repaired = u.rebuilt, u.repaired
	u.rebuilt, u.repaired = false, ""
	if u.opts.Changes > 0 && (u.opts.RecordChanges == nil || u.opts.RecordChanges()) {
		r.ch = &Changes{limit: u.opts.Changes}
		r.sum.Changes = r.ch
	}
	if targets != nil {
		// A large targeted update (a branch switch) stays incremental
		// unless it touches a good part of the repository.
		r.bulkAt = max(bulkFiles, len(u.indexed)/4)
	}
	if err := r.execute(ctx); err != nil {
		u.cat, u.indexed = nil, nil // reload both: the run stopped part-way
		return r.sum, err
	}
	if targets != nil {
		// Bring the list of indexed files up to date from the store.
		touched := make([]string, 0, len(r.seen)+len(r.gone))
		for p := range r.seen {
			touched = append(touched, p)
		}
		touched = append(touched, r.gone...)
		u.lastTouched = append(slices.Clone(r.written), r.gone...)
		for _, p := range touched {
			_, err := u.st.FileMeta(p)
			switch {
			case err == nil:
				u.setIndexed(p, true)
			case errors.Is(err, store.ErrNotFound):
				u.setIndexed(p, false)
			default:
				return r.sum, err
			}
		}
	}
	return r.sum, nil
}

// afterRun makes a run that changed something visible to read-only opens
// in other processes: it syncs the write-ahead log (a commit that is not
// synced may still sit in Pebble's log buffer) and, once the log holds
// more than flushAt bytes, flushes the memtable so that opens do not
// replay much of it. Flushing after every update would instead leave one
// small table per update across the whole key space, which every read
// then probes until the next compaction.
func (u *Updater) afterRun(sum *Summary) error {
	u.scheduleRelease()
	n := sum.Added + sum.Changed + sum.Deleted
	if n == 0 && sum.Search == nil && sum.Resolve == nil {
		return nil
	}
	u.pending += n
	return u.bound()
}

// releaseIdle is how long a long-lived Updater waits after its last run
// before it returns the memory its runs freed to the operating system (a
// variable for tests).
var releaseIdle = 5 * time.Second

// scheduleRelease arranges for the heap a run freed (parse results,
// resolution's tables, the search update's documents) to go back to the
// operating system once the Updater has been idle for releaseIdle. The Go
// runtime would otherwise keep it resident until a forced collection
// minutes later (a watcher of the Go standard library held 326 MiB for
// two minutes after one edit, 248 MiB after). A one-shot Run exits
// instead. Called with u.mu held.
func (u *Updater) scheduleRelease() {
	if !u.oneShot {
		u.release.Reset(u.releaseAfter)
		u.dropCache.Reset(u.dropCacheAfter)
	}
}

// cacheIdle is how long a long-lived Updater waits after its last run
// before it empties the store's block cache (a variable for tests): an
// edit soon after the last finds the blocks it reads cached, and a
// watcher left alone does not hold them (C memory, up to 128 MiB: most of
// what an idle watcher of the Go standard library held, BENCHMARKS.md).
var cacheIdle = time.Minute

// dropIdleCache empties the store's block cache and returns the C
// allocator's free pages to the operating system, unless the Updater was
// closed; while a run holds u.mu it tries again later.
func (u *Updater) dropIdleCache() {
	if !u.mu.TryLock() {
		u.dropCache.Reset(u.dropCacheAfter)
		return
	}
	defer u.mu.Unlock()
	if u.closed {
		return
	}
	u.st.DropCache()
	trimCHeap()
}

// releaseMemory collects garbage and returns free memory, the Go heap's
// and the C allocator's, to the operating system, unless the Updater was
// closed; while a run (or the tail of the last one) holds u.mu it tries
// again later.
func (u *Updater) releaseMemory() {
	if !u.mu.TryLock() {
		u.release.Reset(u.releaseAfter)
		return
	}
	closed := u.closed
	u.mu.Unlock()
	if !closed {
		debug.FreeOSMemory() // a collection: not under u.mu, which a run would wait for
		trimCHeap()
	}
}

// bound syncs what was committed so far and flushes the memtable once the
// write-ahead log holds more than flushAt bytes, so that read-only opens
// replay little of it. afterRun calls it after each run, and a large run
// (a branch switch) between its commits: otherwise every open in another
// process while the run goes on (a query, a poll) replays up to a
// memtable's worth of log, which costs seconds of CPU each and slows the
// run it shares the machine with. Called with u.mu held.
func (u *Updater) bound() error {
	wal, err := u.st.Sync()
	if err != nil {
		return fmt.Errorf("index: %w", err)
	}
	if wal > u.flushAt {
		if err := u.st.Flush(); err != nil {
			return fmt.Errorf("index: flush: %w", err)
		}
	}
	return nil
}

// catalog returns resolution's file list with the files a run wrote and
// deleted applied, loading it first if needed. Called with u.mu held.
func (u *Updater) catalog(written, gone []string) (*resolve.Catalog, error) {
	if u.cat == nil {
		c, err := resolve.LoadCatalog(u.st, u.root)
		if err != nil {
			return nil, err
		}
		u.cat = c
		return c, nil // loaded after the run's writes
	}
	for _, p := range written {
		m, err := u.st.FileMeta(p)
		if err != nil {
			u.cat = nil
			return nil, err
		}
		u.cat.Set(p, m.Language)
	}
	for _, p := range gone {
		u.cat.Remove(p)
	}
	return u.cat, nil
}

// Pending returns the number of files written since the last compaction:
// a long-lived owner compacts (Compact) when it is large and the index is
// idle, since each update leaves a small table across the whole key space
// that reads must probe until then.
func (u *Updater) Pending() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.pending
}

// Compact compacts the store. Runs may go on meanwhile (they wait for
// nothing); Close cancels it. It is meant for idle moments of a
// long-lived owner, after many updates.
func (u *Updater) Compact(ctx context.Context) error {
	u.compactMu.Lock()
	defer u.compactMu.Unlock()
	u.mu.Lock()
	if u.closed {
		u.mu.Unlock()
		return ErrClosed
	}
	n := u.pending
	u.mu.Unlock()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(u.stop, cancel)
	defer stop()
	if err := u.st.Compact(ctx); err != nil {
		return fmt.Errorf("index: compact: %w", err)
	}
	u.mu.Lock()
	u.pending = max(0, u.pending-n)
	u.mu.Unlock()
	return nil
}

// Close waits for a running update, stops a compaction and closes the
// store (releasing the writer lock). Committed runs are never lost.
func (u *Updater) Close() error {
	u.cancel()
	u.compactMu.Lock()
	defer u.compactMu.Unlock()
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.closed {
		return nil
	}
	u.closed = true
	u.release.Stop()
	u.dropCache.Stop()
	var serr error
	if u.srch != nil {
		serr = u.srch.Close()
	}
	if u.ownX && u.x != nil {
		u.x.Close()
		u.x = nil
	}
	return errors.Join(serr, u.st.Close())
}

// extractor returns the extractor runs use. Called with u.mu held.
func (u *Updater) extractor() *parse.Extractor {
	if u.x == nil {
		if u.x = u.opts.Extractor; u.x == nil {
			u.x, u.ownX = parse.NewExtractor(), true
		}
	}
	return u.x
}

// loadIndexed reads the sorted list of indexed files from the store, and
// adds every file to cat when it is not nil.
func (u *Updater) loadIndexed(cat *resolve.Catalog) error {
	paths := []string{}
	err := u.st.Files(func(m store.FileMeta) error {
		if cat != nil {
			cat.Add(m)
		}
		if !strings.HasPrefix(m.Path, graph.ExternalPrefix) {
			paths = append(paths, m.Path)
		}
		return nil
	})
	if cat != nil {
		cat.Close()
	}
	if err != nil {
		return fmt.Errorf("index: read file list: %w", err)
	}
	u.indexed = paths
	return nil
}

// setIndexed records whether p is indexed.
func (u *Updater) setIndexed(p string, on bool) {
	i, found := slices.BinarySearch(u.indexed, p)
	switch {
	case on && !found:
		u.indexed = slices.Insert(u.indexed, i, p)
	case !on && found:
		u.indexed = slices.Delete(u.indexed, i, i+1)
	}
}

// indexedUnder returns the indexed files that are one of targets (sorted,
// repository-relative) or lie under one of them.
func (u *Updater) indexedUnder(targets []string) []string {
	var out []string
	for _, t := range targets {
		i, _ := slices.BinarySearch(u.indexed, t)
		for ; i < len(u.indexed); i++ {
			p := u.indexed[i]
			if p == t {
				out = append(out, p)
				continue
			}
			// Paths under t/ sort after t and before t + "0" ('/'+1), but
			// siblings such as t + ".go" or t + "-x" sort in between.
			if !strings.HasPrefix(p, t) {
				break
			}
			if p[len(t)] == '/' {
				out = append(out, p)
			} else if p[len(t)] > '/' {
				break
			}
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// Write runs fn with the open store, serialised with the Updater's runs,
// then syncs the write-ahead log so that a read-only Open elsewhere sees
// what fn committed. It is how other writers of the same process (node
// mutations through the API) share the writer the Updater holds.
func (u *Updater) Write(fn func(*store.Store) error) error {
	return u.WriteSearch(context.Background(), func(st *store.Store) (search.Changes, error) {
		return search.Changes{}, fn(st)
	})
}

// WriteSearch is Write for writes that change searchable nodes (nodes
// created through the API): fn returns what it changed, and the search
// indexes follow when they are usable as they are (an index run rebuilds
// them otherwise).
func (u *Updater) WriteSearch(ctx context.Context, fn func(*store.Store) (search.Changes, error)) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.closed {
		return ErrClosed
	}
	// A writer's work (the precise pass's type checks) leaves garbage as
	// a run does.
	u.scheduleRelease()
	if err := u.checkStore(); err != nil {
		return err
	}
	ch, err := fn(u.st)
	if err != nil {
		return err
	}
	if _, err := u.st.Sync(); err != nil {
		return err
	}
	if u.srch == nil || (len(ch.Files) == 0 && len(ch.Deleted) == 0 && len(ch.Removed) == 0) {
		return nil
	}
	if _, err := u.srch.UpdateReady(ctx, ch); err != nil {
		return fmt.Errorf("%w: %w", ErrSearchUpdate, err)
	}
	return nil
}

// ErrSearchUpdate wraps a WriteSearch error that came after fn's write was
// committed: the graph holds the change, the search indexes do not.
var ErrSearchUpdate = errors.New("search indexes not updated")
