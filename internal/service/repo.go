package service

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/jobs"
	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/store"
	"github.com/codegraph-dev/codegraph/internal/walk"
	"github.com/codegraph-dev/codegraph/internal/watch"
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
	Err     string    // failed: why; ready: why freshness is unverified; stale: why, when no file changed
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
		if s.Err != "" && s.Changed == 0 {
			return "stale (" + s.Err + ")"
		}
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

// Repo is one repository a Service answers about: its read-only snapshot,
// its freshness, and the background index jobs that update it.
type Repo struct {
	svc       *Service
	name      string
	root      string // absolute
	db        string
	autoIndex bool
	searchCfg search.Config
	log       *slog.Logger
	bg        *sync.WaitGroup // owned by the Service
	bgCtx     context.Context // cancelled when the Service stops
	jobs      *jobs.Queue

	// Waiting for a lock held by another process: the pause between
	// attempts and how many attempts may see it write nothing
	// (lockedRetry and lockedIdleRetries; tests shorten them).
	lockedRetry       time.Duration
	lockedIdleRetries int

	// wmu is held by whoever writes the store in this process: index
	// jobs (Lock) and node mutations (TryLock).
	wmu sync.Mutex
	// mmu serializes node mutations (commits) among themselves.
	mmu sync.Mutex

	mu         sync.Mutex
	snap       *Snapshot
	openedAt   time.Time
	fp         uint64
	fpAt       time.Time
	state      State
	checking   bool
	checkedAt  time.Time
	w          *watch.Watcher      // the file watcher, when watched
	wdone      chan struct{}       // closed when the watcher stopped (watch.go)
	werr       error               // why it stopped
	report     func(jobs.Progress) // the running index job's progress, when watched
	job        string              // id of the current or last index job
	preciseJob string              // id of the current or last precise job (precise.go)
	runs       map[string]runResult
	indexedAt  time.Time // from the store's metadata
}

// runResult is what an index job of this repository returned.
type runResult struct {
	sum *index.Summary
	err error
}

// Snapshot is one read-only view of the store and the engines over it,
// closed once it has been replaced and its last user has released it.
//
// Graph reads no source, for traversals (rendering each symbol's snippet
// would read and hash every file a traversal touches: half the time of a
// callers query on the Go standard library). Source reads source, for
// definitions' bodies and the text of references.
type Snapshot struct {
	Store  *store.Store
	Graph  *query.Engine
	Source *query.Engine

	repo     *Repo
	refs     int
	replaced bool
	// own: opened by Open for one process, closed by Close; at: a
	// revision's graph over a store another snapshot owns (At).
	own, at bool

	// The search indexes, opened on the first Searcher call.
	srchOnce sync.Once
	srch     *search.Searcher

	// The store's statistics, computed on the first Stats call.
	statsOnce sync.Once
	stats     store.Stats
	statsErr  error
}

// Stats returns the statistics of the snapshot's store (a scan of every
// file's metadata), computed once per snapshot: metrics scrapes and status
// calls between two updates share it.
func (sn *Snapshot) Stats() (store.Stats, error) {
	sn.statsOnce.Do(func() { sn.stats, sn.statsErr = sn.Store.Stats() })
	return sn.stats, sn.statsErr
}

// Node returns the node id of the snapshot; one that does not exist is a
// CodeNotFound error naming it.
func (sn *Snapshot) Node(id graph.NodeID) (graph.Node, error) {
	n, err := sn.Store.Node(id)
	if errors.Is(err, store.ErrNotFound) {
		return n, &Error{Code: CodeNotFound, Msg: fmt.Sprintf("no node %s", id), Err: ErrNotFound}
	}
	return n, err
}

// Searcher returns the snapshot's searcher over the repository's search
// indexes, opening them on first use.
func (sn *Snapshot) Searcher() *search.Searcher {
	sn.srchOnce.Do(func() { sn.srch = search.Open(sn.Store, sn.Source, sn.repo.db, sn.repo.root, sn.repo.searchCfg) })
	return sn.srch
}

// close releases the snapshot's store and search indexes.
func (sn *Snapshot) close() {
	if sn.srch != nil {
		sn.srch.Close()
	}
	sn.Store.Close()
}

// Acquire returns the current snapshot, reopening it first when the store
// changed (another process or an index job wrote it), and a function that
// releases it. With no readable index yet it returns an error wrapping
// ErrNoIndex.
func (r *Repo) Acquire() (*Snapshot, func(), error) {
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

func (r *Repo) release(s *Snapshot) {
	r.mu.Lock()
	s.refs--
	closeIt := s.refs == 0 && s.replaced
	r.mu.Unlock()
	if closeIt {
		s.close()
	}
}

// reopenLocked opens a new snapshot and retires the old one. r.mu is held.
func (r *Repo) reopenLocked(fp uint64) error {
	st, err := store.Open(r.db, store.Options{ReadOnly: true, Logger: r.log})
	if err != nil {
		r.log.Debug("service: open index", "db", r.db, "err", err)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("%w in %s", ErrNoIndex, r.db)
		}
		return err
	}
	if old := r.snap; old != nil {
		old.replaced = true
		if old.refs == 0 {
			old.close()
		}
	}
	r.snap = &Snapshot{Store: st, Graph: query.New(st, query.Options{Root: r.root, NoSource: true}), Source: query.New(st, query.Options{Root: r.root}), repo: r}
	r.fp, r.openedAt = fp, time.Now()
	if v, err := st.Meta(index.MetaIndexedAt); err == nil {
		if ns, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			r.indexedAt = time.Unix(0, ns)
		}
	}
	return nil
}

// close closes the snapshot (at shutdown, after every call returned).
func (r *Repo) close() {
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
func (r *Repo) State() State {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.state
}

func (r *Repo) setState(s State) {
	r.mu.Lock()
	r.state = s
	r.mu.Unlock()
}

// MaybeRecheck starts a background freshness check when none ran for
// recheckEvery and no index job is active. Front ends call it on each
// request.
func (r *Repo) MaybeRecheck() {
	r.mu.Lock()
	due := r.w == nil && !r.checking && time.Since(r.checkedAt) >= recheckEvery && !r.indexingLocked()
	if due {
		r.checking = true
	}
	r.mu.Unlock()
	if due {
		r.goBackground(r.check)
	}
}

func (r *Repo) goBackground(fn func(context.Context)) {
	r.bg.Add(1)
	go func() {
		defer r.bg.Done()
		fn(r.bgCtx)
	}()
}

// start is called once when the server starts: it opens the snapshot if
// there is one and checks freshness in the background.
func (r *Repo) start() {
	r.mu.Lock()
	r.state = State{Status: StatusChecking}
	r.checking = true
	r.mu.Unlock()
	r.goBackground(r.check)
}

// Check compares the index with the source tree now (a stat-only walk)
// and, when they differ and auto-indexing is on, starts an index job.
// Requests trigger it in the background through MaybeRecheck.
func (r *Repo) Check(ctx context.Context) {
	r.mu.Lock()
	r.checking = true
	r.mu.Unlock()
	r.check(ctx)
}

// check is Check with r.checking already set.
func (r *Repo) check(ctx context.Context) {
	r.mu.Lock()
	auto := r.autoIndex
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.checking = false
		r.checkedAt = time.Now()
		r.mu.Unlock()
	}()
	snap, release, err := r.Acquire()
	if err != nil {
		if auto {
			r.Index(false)
			return
		}
		if errors.Is(err, ErrNoIndex) {
			r.setState(State{Status: StatusMissing})
		} else {
			r.setState(State{Status: StatusFailed, Err: err.Error()})
		}
		return
	}
	changed, since, err := staleFiles(ctx, r.root, snap.Store)
	incomplete := index.Incomplete(snap.Store)
	release()
	if err != nil {
		r.log.Debug("service: freshness check", "root", r.root, "err", err)
	}
	r.mu.Lock()
	running := r.indexingLocked()
	if !running {
		switch {
		case incomplete != nil:
			// The last run stopped part-way: its resolution or search
			// indexes may be partial, so the index is not ready.
			r.state = State{Status: StatusStale, Since: time.Now(), Err: incomplete.Error()}
			changed = max(changed, 1)
		case changed == 0 && err != nil:
			r.state = State{Status: StatusReady, Err: "not verified against the source: " + err.Error()}
		case changed == 0:
			r.state = State{Status: StatusReady}
		default:
			r.state = State{Status: StatusStale, Since: since, Changed: changed}
		}
	}
	r.mu.Unlock()
	if changed > 0 && auto && !running {
		r.Index(false)
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
		if !graph.Synthetic(m.Path) {
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

// indexingLocked reports whether an index job of this repository is
// queued or running. r.mu is held.
func (r *Repo) indexingLocked() bool {
	if r.job == "" {
		return false
	}
	j, ok := r.jobs.Get(r.job)
	return ok && !j.State.Terminal()
}

// Percent maps an index run's progress to one number: the walk is 0-5%,
// parsing 5-90%, the rest (deletions, resolution, compaction) 90-99%.
func Percent(p index.Progress) int {
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

// Index starts an index job (kind "index") in the background, or returns
// the one already queued or running. force re-parses every file. A job
// that finds the index locked by another process waits and tries again
// (the repository's State says so) until it gets the lock, the holder
// seems idle (then the job fails with an error wrapping store.ErrLocked),
// or the service stops. The job's Result is the *index.Summary.
func (r *Repo) Index(force bool) jobs.Job { return r.startIndex(indexMode{force: force}) }

// RebuildSearch starts an index job that rebuilds the search indexes
// (lexical, trigram, vectors) from the store, or returns the index job
// already queued or running. The search files are deleted by the index
// run under the writer lock (index.Options.Rebuild), never beside a
// running writer; when this process's watcher holds the lock, it re-parses
// every file instead, which rebuilds them too.
func (r *Repo) RebuildSearch() jobs.Job { return r.startIndex(indexMode{rebuildSearch: true}) }

// indexMode is what an index job does beyond an incremental update.
type indexMode struct {
	force         bool // re-parse every file
	rebuildSearch bool // delete and rebuild the search indexes
}

func (r *Repo) startIndex(mode indexMode) jobs.Job {
	r.mu.Lock()
	if r.job != "" {
		if j, ok := r.jobs.Get(r.job); ok && !j.State.Terminal() {
			r.mu.Unlock()
			return j
		}
	}
	var id string
	j := r.jobs.Submit("index", r.name, func(ctx context.Context, report func(jobs.Progress)) (any, error) {
		sum, err := r.runIndex(ctx, mode, report)
		r.mu.Lock()
		if r.runs == nil {
			r.runs = map[string]runResult{}
		}
		for k := range r.runs {
			if len(r.runs) < 8 {
				break
			}
			delete(r.runs, k)
		}
		r.runs[id] = runResult{sum, err}
		r.mu.Unlock()
		if err != nil {
			return nil, err
		}
		r.schedulePrecise()
		return sum, nil
	})
	id = j.ID
	r.job = id
	r.state = State{Status: StatusBuilding, Changed: r.state.Changed}
	r.mu.Unlock()
	return j
}

// IndexResult returns the summary and error of one of the repository's
// recent index jobs (ok is false for an unknown or unfinished one).
func (r *Repo) IndexResult(jobID string) (sum *index.Summary, err error, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	x, ok := r.runs[jobID]
	return x.sum, x.err, ok
}

// runIndex is the work of an index job.
func (r *Repo) runIndex(ctx context.Context, mode indexMode, report func(jobs.Progress)) (*index.Summary, error) {
	r.bg.Add(1)
	defer r.bg.Done()
	if w := r.watcher(); w != nil {
		r.mu.Lock()
		r.report = report
		r.mu.Unlock()
		defer func() {
			r.mu.Lock()
			r.report = nil
			r.mu.Unlock()
		}()
		// The watcher's update callback sets the state and reopens.
		return w.Index(ctx, mode.force || mode.rebuildSearch)
	}
	r.wmu.Lock()
	defer r.wmu.Unlock()
	r.mu.Lock()
	retry, idleRetries := r.lockedRetry, r.lockedIdleRetries
	r.mu.Unlock()
	idle, lastFP := 0, uint64(0)
	for {
		sum, err := index.Run(ctx, index.Options{Root: r.root, DBDir: r.db, Force: mode.force, Rebuild: mode.rebuildSearch, ReuseOptions: true, Logger: r.log, Search: r.searchCfg,
			Changes: MaxEventLimit, RecordChanges: r.svc.bus.listened, Progress: func(p index.Progress) {
				pc := Percent(p)
				report(jobs.Progress{Phase: p.Phase, Done: p.Done, Total: p.Total, Percent: pc})
				r.mu.Lock()
				r.state = State{Status: StatusBuilding, Percent: pc, Phase: p.Phase}
				r.mu.Unlock()
			}})
		if errors.Is(err, store.ErrLocked) && ctx.Err() == nil {
			other := "pid unknown"
			if le := (*store.LockedError)(nil); errors.As(err, &le) && le.PID > 0 {
				other = "pid " + strconv.Itoa(le.PID)
			}
			// A holder that writes nothing for a while (a watcher or
			// server keeping the lock) is not building: stop waiting for
			// it; the next freshness check looks again.
			if fp := dirFingerprint(r.db); fp == lastFP {
				idle++
			} else {
				idle, lastFP = 0, fp
			}
			if idle >= idleRetries {
				r.mu.Lock()
				r.state = State{Status: StatusStale, Since: time.Now(), Other: other}
				r.checkedAt = time.Now()
				r.mu.Unlock()
				return nil, err
			}
			r.setState(State{Status: StatusBuilding, Other: other})
			report(jobs.Progress{Phase: "waiting", Message: "the index is locked by another codegraph process (" + other + ")"})
			select {
			case <-time.After(retry):
				continue
			case <-ctx.Done():
			}
			err = ctx.Err()
		}
		r.reportRun("index", sum, 0, err)
		r.publishRun(SourceIndex, "", sum, 0, err)
		r.mu.Lock()
		switch {
		case err == nil:
			r.state = State{Status: StatusReady}
			r.checkedAt = time.Now()
			// Reopen now: the run is complete and every later read should
			// see it.
			if rerr := r.reopenLocked(dirFingerprint(r.db)); rerr != nil {
				r.log.Debug("service: reopen after index", "err", rerr)
			}
		case ctx.Err() != nil:
			r.state = State{Status: StatusStale, Since: time.Now(), Err: "index run cancelled"}
		default:
			r.state = State{Status: StatusFailed, Err: err.Error()}
		}
		r.mu.Unlock()
		return sum, err
	}
}

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
