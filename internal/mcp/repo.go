package mcp

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/store"
	"github.com/codegraph-dev/codegraph/internal/walk"
)

// Freshness and snapshot timing.
const (
	// fingerprintEvery is how often a tool call looks at the store
	// directory for changes made by a writer (ours or another process's).
	fingerprintEvery = 300 * time.Millisecond
	// reopenEvery is the shortest time between two reopenings while a
	// writer keeps changing the store. It must stay well below the
	// writer's obsolete-file grace (30 s), so that a snapshot never reads
	// a table file deleted under it.
	reopenEvery    = 2 * time.Second
	reopenBuilding = 10 * time.Second
	// recheckEvery is how often tool calls trigger a freshness check of
	// the source tree against the index (a stat-only walk, in the
	// background).
	recheckEvery = 30 * time.Second
	// checkTimeout and checkMaxFiles bound one freshness check.
	checkTimeout  = 20 * time.Second
	checkMaxFiles = 500000
	// lockedRetry is how long to wait before trying again to update an
	// index another process is writing.
	lockedRetry = 2 * time.Second
	// lockedIdleRetries is how many retries may find the index locked by
	// a process that writes nothing before the run gives up.
	lockedIdleRetries = 5
)

// Status is the freshness of a repository's index.
type Status string

// Index statuses, as index_state reports them.
const (
	StatusChecking Status = "checking" // the first freshness check runs
	StatusReady    Status = "ready"
	StatusStale    Status = "stale"    // files changed since; not being updated
	StatusBuilding Status = "building" // an index run (ours or another process's) is writing
	StatusMissing  Status = "missing"  // no index and none being built
	StatusFailed   Status = "failed"   // the last index run failed
)

// State is a repository's index state at one moment.
type State struct {
	Status  Status
	Percent int       // building: how far the run is
	Phase   string    // building: index.Progress.Phase
	Since   time.Time // stale: the oldest change seen
	Changed int       // stale or building: files added, changed or deleted
	Other   string    // building: held by another process ("pid N")
	Err     string    // failed: why; ready: why freshness is unverified
}

// String renders the state as index_state: "ready", "building 42%",
// "stale since 2026-01-02T15:04:05Z (3 files changed)", ...
func (s State) String() string {
	switch s.Status {
	case StatusBuilding:
		if s.Other != "" {
			return "building (by another codegraph process, " + s.Other + ")"
		}
		return fmt.Sprintf("building %d%%", s.Percent)
	case StatusStale:
		if s.Other != "" {
			return fmt.Sprintf("stale since %s (another codegraph process, %s, holds the index and is not updating it)", s.Since.UTC().Format(time.RFC3339), s.Other)
		}
		return fmt.Sprintf("stale since %s (%d files changed; call the index tool to update)", s.Since.UTC().Format(time.RFC3339), s.Changed)
	case StatusMissing:
		return "missing (no index yet; call the index tool)"
	case StatusFailed:
		return "failed (" + s.Err + ")"
	case StatusChecking:
		return "ready (freshness check running)"
	case StatusReady:
		if s.Err != "" {
			return "ready (" + s.Err + ")"
		}
	}
	return string(s.Status)
}

// repo is one repository the server answers about: its read-only
// snapshot, its freshness, and the background index runs that update it.
type repo struct {
	name      string
	root      string // absolute
	db        string
	autoIndex bool
	searchCfg search.Config
	log       *slog.Logger
	bg        *sync.WaitGroup // owned by the Server
	bgCtx     context.Context // cancelled when the Server stops

	// Waiting for a lock held by another process: the pause between
	// attempts and how many attempts may see it write nothing
	// (lockedRetry and lockedIdleRetries; tests shorten them).
	lockedRetry       time.Duration
	lockedIdleRetries int

	mu        sync.Mutex
	snap      *snapshot
	openedAt  time.Time
	fp        uint64
	fpAt      time.Time
	state     State
	checking  bool
	checkedAt time.Time
	run       *indexRun // the current or last run
	indexedAt time.Time // from the store's metadata
}

// snapshot is one read-only view of the store and the engines over it,
// closed once it has been replaced and its last user has released it.
//
// Answers cite signatures, not snippets, so traversals use eng, which
// reads no source (rendering each symbol's snippet would read and hash
// every file a traversal touches: half the time of get_callers on the Go
// standard library). src reads source, for definitions' bodies and the
// text of references.
type snapshot struct {
	st       *store.Store
	eng      *query.Engine
	src      *query.Engine
	refs     int
	replaced bool

	// The search indexes, opened on the first search_code call.
	srchOnce sync.Once
	srch     *search.Searcher
}

// searcher returns the snapshot's searcher over r's search indexes.
func (sn *snapshot) searcher(r *repo) *search.Searcher {
	sn.srchOnce.Do(func() { sn.srch = search.Open(sn.st, sn.src, r.db, r.root, r.searchCfg) })
	return sn.srch
}

// close releases the snapshot's store and search indexes.
func (sn *snapshot) close() {
	if sn.srch != nil {
		sn.srch.Close()
	}
	sn.st.Close()
}

// errNoIndex is returned (wrapped) when a repository has no readable index
// yet.
var errNoIndex = errors.New("no index")

// acquire returns the current snapshot, reopening it first when the store
// changed, and a function that releases it.
func (r *repo) acquire() (*snapshot, func(), error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	if r.snap == nil || now.Sub(r.fpAt) >= fingerprintEvery {
		fp := dirFingerprint(r.db)
		r.fpAt = now
		every := reopenEvery
		if r.state.Status == StatusBuilding {
			// A writer is busy: each open replays its write-ahead log.
			every = reopenBuilding
		}
		if r.snap == nil || (fp != r.fp && now.Sub(r.openedAt) >= every) {
			if err := r.reopenLocked(fp); err != nil && r.snap == nil {
				return nil, nil, err
			}
		}
	}
	s := r.snap
	s.refs++
	return s, func() { r.release(s) }, nil
}

func (r *repo) release(s *snapshot) {
	r.mu.Lock()
	s.refs--
	closeIt := s.refs == 0 && s.replaced
	r.mu.Unlock()
	if closeIt {
		s.close()
	}
}

// reopenLocked opens a new snapshot and retires the old one. r.mu is held.
func (r *repo) reopenLocked(fp uint64) error {
	st, err := store.Open(r.db, store.Options{ReadOnly: true, Logger: r.log})
	if err != nil {
		r.log.Debug("mcp: open index", "db", r.db, "err", err)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("%w in %s", errNoIndex, r.db)
		}
		return err
	}
	if old := r.snap; old != nil {
		old.replaced = true
		if old.refs == 0 {
			old.close()
		}
	}
	r.snap = &snapshot{st: st, eng: query.New(st, query.Options{Root: r.root, NoSource: true}), src: query.New(st, query.Options{Root: r.root})}
	r.fp, r.openedAt = fp, time.Now()
	if v, err := st.Meta(index.MetaIndexedAt); err == nil {
		if ns, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			r.indexedAt = time.Unix(0, ns)
		}
	}
	return nil
}

// close closes the snapshot (at shutdown, after every call returned).
func (r *repo) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.snap != nil {
		r.snap.replaced = true
		if r.snap.refs == 0 {
			r.snap.close()
		}
		r.snap = nil
	}
}

// dirFingerprint hashes the names, sizes and modification times of the
// Pebble files that change when a writer commits, flushes or compacts (the
// manifest, the write-ahead log, the markers), so that a reader can tell
// cheaply whether its snapshot is out of date.
func dirFingerprint(dir string) uint64 {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	h := fnv.New64a()
	for _, e := range ents {
		n := e.Name()
		if !strings.HasPrefix(n, "MANIFEST-") && !strings.HasSuffix(n, ".log") && !strings.HasPrefix(n, "marker.") && n != "CURRENT" {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		fmt.Fprintf(h, "%s|%d|%d\n", n, fi.Size(), fi.ModTime().UnixNano())
	}
	return h.Sum64()
}

// State returns the repository's index state.
func (r *repo) State() State {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.state
}

func (r *repo) setState(s State) {
	r.mu.Lock()
	r.state = s
	r.mu.Unlock()
}

// maybeRecheck starts a background freshness check when none ran for
// recheckEvery and no index run is active.
func (r *repo) maybeRecheck() {
	r.mu.Lock()
	due := !r.checking && time.Since(r.checkedAt) >= recheckEvery && (r.run == nil || r.run.finished())
	if due {
		r.checking = true
	}
	r.mu.Unlock()
	if due {
		r.goBackground(r.check)
	}
}

func (r *repo) goBackground(fn func(context.Context)) {
	r.bg.Add(1)
	go func() {
		defer r.bg.Done()
		fn(r.bgCtx)
	}()
}

// start is called once when the server starts: it opens the snapshot if
// there is one and checks freshness in the background.
func (r *repo) start() {
	r.mu.Lock()
	r.state = State{Status: StatusChecking}
	r.checking = true
	r.mu.Unlock()
	r.goBackground(r.check)
}

// check compares the index with the source tree and, when they differ and
// auto-indexing is on, starts an index run.
func (r *repo) check(ctx context.Context) {
	defer func() {
		r.mu.Lock()
		r.checking = false
		r.checkedAt = time.Now()
		r.mu.Unlock()
	}()
	snap, release, err := r.acquire()
	if err != nil {
		if r.autoIndex {
			r.startIndex(false)
			return
		}
		if errors.Is(err, errNoIndex) {
			r.setState(State{Status: StatusMissing})
		} else {
			r.setState(State{Status: StatusFailed, Err: err.Error()})
		}
		return
	}
	changed, since, err := staleFiles(ctx, r.root, snap.st)
	release()
	if err != nil {
		r.log.Debug("mcp: freshness check", "root", r.root, "err", err)
	}
	r.mu.Lock()
	running := r.run != nil && !r.run.finished()
	if !running {
		switch {
		case changed == 0 && err != nil:
			r.state = State{Status: StatusReady, Err: "not verified against the source: " + err.Error()}
		case changed == 0:
			r.state = State{Status: StatusReady}
		default:
			r.state = State{Status: StatusStale, Since: since, Changed: changed}
		}
	}
	r.mu.Unlock()
	if changed > 0 && r.autoIndex && !running {
		r.startIndex(false)
	}
}

// staleFiles walks root without reading files (sizes and modification
// times only, as the indexer decides what changed) and counts the files
// added, changed or deleted since st was indexed, with the oldest
// modification time among them (or now, for deletions only). It gives up
// after checkTimeout or checkMaxFiles files.
func staleFiles(ctx context.Context, root string, st *store.Store) (int, time.Time, error) {
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	type sm struct{ size, mtime int64 }
	old := map[string]sm{}
	if err := st.Files(func(m store.FileMeta) error {
		if !strings.HasPrefix(m.Path, graph.ExternalPrefix) {
			old[m.Path] = sm{m.Size, m.ModTime}
		}
		return nil
	}); err != nil {
		return 0, time.Time{}, err
	}
	changed, seen := 0, 0
	var since time.Time
	errEnough := errors.New("enough")
	wo, err := index.StoredWalk(st, root)
	if err != nil {
		return 0, time.Time{}, err
	}
	_, err = walk.Walk(ctx, wo, func(f walk.File) error {
		seen++
		m, ok := old[f.Path]
		delete(old, f.Path)
		if !ok || m.size != f.Size || m.mtime != f.ModTime.UnixNano() {
			changed++
			if since.IsZero() || f.ModTime.Before(since) {
				since = f.ModTime
			}
		}
		if seen >= checkMaxFiles {
			return errEnough
		}
		return nil
	})
	if errors.Is(err, errEnough) {
		return changed, since, nil
	}
	if err != nil {
		return changed, since, err
	}
	if len(old) > 0 {
		changed += len(old)
		if since.IsZero() {
			since = time.Now()
		}
	}
	return changed, since, nil
}

// indexRun is one background index run that several callers may follow.
type indexRun struct {
	done chan struct{}

	mu    sync.Mutex
	prog  index.Progress
	subs  map[int]func(index.Progress)
	next  int
	sum   *index.Summary
	err   error
	force bool
}

func (x *indexRun) finished() bool {
	select {
	case <-x.done:
		return true
	default:
		return false
	}
}

// subscribe calls fn with every progress snapshot until the returned
// function is called.
func (x *indexRun) subscribe(fn func(index.Progress)) func() {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.subs == nil {
		x.subs = map[int]func(index.Progress){}
	}
	id := x.next
	x.next++
	x.subs[id] = fn
	return func() {
		x.mu.Lock()
		delete(x.subs, id)
		x.mu.Unlock()
	}
}

func (x *indexRun) progress(p index.Progress) {
	x.mu.Lock()
	x.prog = p
	subs := make([]func(index.Progress), 0, len(x.subs))
	for _, fn := range x.subs {
		subs = append(subs, fn)
	}
	x.mu.Unlock()
	for _, fn := range subs {
		fn(p)
	}
}

// result returns the summary and error of a finished run.
func (x *indexRun) result() (*index.Summary, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.sum, x.err
}

// percent maps a run's progress to one number: the walk is 0-5%, parsing
// 5-90%, the rest (deletions, resolution, compaction) 90-99%.
func percent(p index.Progress) int {
	switch p.Phase {
	case "", "walk":
		return 0
	case "parse":
		if p.Total == 0 {
			return 5
		}
		return 5 + 85*p.Done/p.Total
	case "finish":
		return 90
	case "resolve":
		return 93
	case "compact":
		return 97
	case "done":
		return 100
	}
	return 0
}

// startIndex starts an index run in the background, or returns the one
// already running. A run that finds the index locked by another process
// waits and tries again (its state says so), until it gets the lock or the
// server stops.
func (r *repo) startIndex(force bool) *indexRun {
	r.mu.Lock()
	if r.run != nil && !r.run.finished() {
		x := r.run
		r.mu.Unlock()
		return x
	}
	x := &indexRun{done: make(chan struct{}), force: force}
	r.run = x
	r.state = State{Status: StatusBuilding, Changed: r.state.Changed}
	r.mu.Unlock()
	r.goBackground(func(ctx context.Context) {
		defer close(x.done)
		idle, lastFP := 0, uint64(0)
		for {
			sum, err := index.Run(ctx, index.Options{Root: r.root, DBDir: r.db, Force: force, ReuseOptions: true, Logger: r.log, Search: r.searchCfg,
				Progress: func(p index.Progress) {
					x.progress(p)
					r.mu.Lock()
					if r.run == x {
						r.state = State{Status: StatusBuilding, Percent: percent(p), Phase: p.Phase}
					}
					r.mu.Unlock()
				}})
			if errors.Is(err, store.ErrLocked) && ctx.Err() == nil {
				other := "pid unknown"
				if m := pidRE.FindString(err.Error()); m != "" {
					other = m
				}
				// A holder that writes nothing for a while (a watcher or
				// server keeping the lock) is not building: stop waiting
				// for it; the next freshness check looks again.
				if fp := dirFingerprint(r.db); fp == lastFP {
					idle++
				} else {
					idle, lastFP = 0, fp
				}
				if idle >= r.lockedIdleRetries {
					r.mu.Lock()
					r.state = State{Status: StatusStale, Since: time.Now(), Other: other}
					r.checkedAt = time.Now()
					r.mu.Unlock()
					x.mu.Lock()
					x.err = err
					x.mu.Unlock()
					return
				}
				r.setState(State{Status: StatusBuilding, Other: other})
				select {
				case <-time.After(r.lockedRetry):
					continue
				case <-ctx.Done():
				}
				err = ctx.Err()
			}
			x.mu.Lock()
			x.sum, x.err = sum, err
			x.mu.Unlock()
			r.mu.Lock()
			switch {
			case err == nil:
				r.state = State{Status: StatusReady}
				r.checkedAt = time.Now()
				// Reopen now: the run is complete and every later call
				// should see it.
				if rerr := r.reopenLocked(dirFingerprint(r.db)); rerr != nil {
					r.log.Debug("mcp: reopen after index", "err", rerr)
				}
			case ctx.Err() != nil:
			default:
				r.state = State{Status: StatusFailed, Err: err.Error()}
			}
			r.mu.Unlock()
			return
		}
	})
	return x
}

// pidRE finds the writer's pid in a store.ErrLocked message.
var pidRE = regexp.MustCompile(`pid [0-9]+`)

// resolveRoot works out the root and store directory of a repository
// given as a path (a repository root) or as a store directory.
func resolveRoot(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return "", err
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("%s is not a directory", path)
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		abs = r
	}
	return abs, nil
}
