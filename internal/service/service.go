// Package service is the application layer every front end shares (the MCP
// server, the REST and GraphQL APIs, the watcher): the repositories served,
// a read-only snapshot of each index that follows the writers, freshness
// checks, background index jobs on one job queue, node mutations with
// access control, and the events they publish.
package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/jobs"
	"github.com/codegraph-dev/codegraph/internal/precise"
	"github.com/codegraph-dev/codegraph/internal/search"
)

// Errors returned by the service; front ends map them to their own codes.
var (
	// ErrNoIndex: the repository has no readable index yet.
	ErrNoIndex = errors.New("no index")
	// ErrUnknownRepo: no served repository has that name.
	ErrUnknownRepo = errors.New("unknown repository")
	// ErrNotFound: no such node.
	ErrNotFound = errors.New("not found")
	// ErrInvalid: the input is malformed or incomplete.
	ErrInvalid = errors.New("invalid input")
	// ErrDerived: the node was extracted from a source file; only nodes
	// created through the API can be updated or deleted through it.
	ErrDerived = errors.New("node is derived from source")
	// ErrForbidden: the caller's access does not allow the operation.
	ErrForbidden = errors.New("forbidden")
)

// RepoSpec names one repository to serve.
type RepoSpec struct {
	// Name is how requests refer to it; "" means the base name of Root
	// (allowed only when one repository is served).
	Name string
	// Root is the repository root (source paths are relative to it).
	Root string
	// DB is the store directory; "" means Root/.codegraph.
	DB string
}

// Options configure a Service.
type Options struct {
	// Repos are the repositories served (at least one). The first is the
	// default when a request names none.
	Repos []RepoSpec
	// AutoIndex builds a missing index and updates a stale one in the
	// background, while requests are answered from what exists.
	AutoIndex bool
	// Search configures the search indexes (the embedding provider).
	Search search.Config
	// Watch keeps each index up to date with a file watcher (the
	// repository's writer is then held by this process for its life; index
	// jobs and node mutations go through it). A repository whose index is
	// locked by another process is served without one.
	Watch bool
	// WatchCommand names this process in the watcher's holder file, which
	// `codegraph index` quotes when it finds the index locked (default
	// "codegraph watch").
	WatchCommand string
	// Watcher tunes the file watchers (with Watch).
	Watcher WatchOptions
	// TrustStore serves each store as it is, without checking that it was
	// built for its root (verifyOrigin): for the command line's own
	// `codegraph watch`, which, as `codegraph index`, works on the store it
	// is given.
	TrustStore bool
	// Precise runs the precise tier (precise.RunGo) as a background job
	// after each index job and each watched update that changed files.
	Precise bool
	// OnPrecise, when set, is called after each precise job that was not
	// cancelled, with the pass's state or its error.
	OnPrecise func(*Repo, *precise.State, error)
	// Jobs is the queue index jobs run on; nil means a queue of the
	// service's own (one worker, history in the first repository's store
	// directory), closed by Close.
	Jobs *jobs.Queue
	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger
	// TxIdleTimeout is how long an open transaction may go unused before
	// it expires (0: DefaultTxIdleTimeout).
	TxIdleTimeout time.Duration
	// ParseTimeout bounds one Parse call, its parse and extraction
	// together (0: DefaultParseTimeout).
	ParseTimeout time.Duration
}

// Service serves one or more repositories. Its methods are safe for
// concurrent use.
type Service struct {
	opts    Options
	mu      sync.RWMutex // guards repos and byName (AddRepo)
	repos   []*Repo
	byName  map[string]*Repo
	jobs    *jobs.Queue
	ownJobs bool
	bus     bus
	txs     txTable   // tx.go
	obs     observers // observe.go
	parsers parsers   // Parse's pool

	bg     sync.WaitGroup // background checks and index jobs
	bgCtx  context.Context
	cancel context.CancelFunc
	once   sync.Once
}

// New returns a service over opts.Repos and starts their first freshness
// checks in the background (with AutoIndex, index jobs too). It opens no
// index yet, so it returns at once whatever the repositories' size.
func New(opts Options) (*Service, error) {
	if len(opts.Repos) == 0 {
		return nil, errors.New("no repository to serve")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.ParseTimeout <= 0 {
		opts.ParseTimeout = DefaultParseTimeout
	}
	s := &Service{opts: opts, byName: map[string]*Repo{}}
	s.parsers.timeout = opts.ParseTimeout
	for _, spec := range opts.Repos {
		if _, err := s.newRepo(spec, len(opts.Repos) > 1); err != nil {
			return nil, err
		}
	}
	s.jobs = opts.Jobs
	if s.jobs == nil {
		s.jobs = jobs.New(jobs.Options{Workers: 1, Logger: opts.Logger, History: newRepoHistory(s)})
		s.ownJobs = true
	}
	s.bgCtx, s.cancel = context.WithCancel(context.Background())
	for _, r := range s.repos {
		r.jobs, r.bgCtx = s.jobs, s.bgCtx
		if err := s.startRepo(r); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// startRepo starts a repository's watcher, or its first freshness check.
// It fails only when the watcher is required (WatchOptions.Required) and
// cannot start.
func (s *Service) startRepo(r *Repo) error {
	if !s.opts.TrustStore {
		r.verifyOrigin()
	}
	if s.opts.Watch {
		err := r.startWatch()
		if err == nil {
			return nil
		}
		if s.opts.Watcher.Required {
			return err
		}
		r.log.Warn("service: not watching; the index is updated by index jobs instead", "repo", r.name, "err", err)
	}
	r.start()
	return nil
}

// newRepo validates spec and adds a repository (not started). s.mu is
// held or s is not shared yet.
func (s *Service) newRepo(spec RepoSpec, needName bool) (*Repo, error) {
	root, err := resolveRoot(spec.Root)
	if err != nil {
		return nil, fmt.Errorf("repository %q: %w", spec.Root, err)
	}
	name := spec.Name
	if name == "" {
		if needName {
			return nil, fmt.Errorf("repository %s needs a name when several are served", spec.Root)
		}
		name = filepath.Base(root)
	}
	if strings.ContainsAny(name, "/ \t") {
		return nil, fmt.Errorf("repository name %q must not contain '/' or spaces", name)
	}
	if _, dup := s.byName[name]; dup {
		return nil, fmt.Errorf("repository name %q given twice", name)
	}
	db := spec.DB
	if db == "" {
		db = index.DBDirFor(root)
	}
	if db, err = filepath.Abs(db); err != nil {
		return nil, err
	}
	r := &Repo{svc: s, name: name, root: root, db: db, autoIndex: s.opts.AutoIndex, log: s.opts.Logger, searchCfg: s.opts.Search, bg: &s.bg,
		lockedRetry: lockedRetry, lockedIdleRetries: lockedIdleRetries}
	// Each snapshot opens its own Searcher; the decoded embedding model
	// outlives them until the index is rebuilt.
	r.searchCfg.Models = &search.Models{}
	s.repos = append(s.repos, r)
	s.byName[name] = r
	return r, nil
}

// AddRepo starts serving another repository (a daemon registering one on
// request). A repository already served with the same root and store is
// returned as it is; a name taken by another one is an error. An empty
// name means the root's base name.
func (s *Service) AddRepo(spec RepoSpec) (*Repo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bgCtx.Err() != nil {
		return nil, errors.New("service closed")
	}
	if root, err := resolveRoot(spec.Root); err == nil {
		db := spec.DB
		if db == "" {
			db = index.DBDirFor(root)
		}
		if db, err := filepath.Abs(db); err == nil {
			for _, r := range s.repos {
				if r.root == root && r.db == db {
					return r, nil
				}
			}
		}
	}
	r, err := s.newRepo(spec, false)
	if err != nil {
		return nil, err
	}
	r.jobs, r.bgCtx = s.jobs, s.bgCtx
	if err := s.startRepo(r); err != nil {
		s.repos = s.repos[:len(s.repos)-1]
		delete(s.byName, r.name)
		return nil, err
	}
	return r, nil
}

// Repo returns the repository with the given name; "" means the default
// (the first one given).
func (s *Service) Repo(name string) (*Repo, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if name == "" {
		return s.repos[0], nil
	}
	if r, ok := s.byName[name]; ok {
		return r, nil
	}
	names := make([]string, 0, len(s.repos))
	for _, r := range s.repos {
		names = append(names, r.name)
	}
	sort.Strings(names)
	return nil, fmt.Errorf("%w %q (served: %s)", ErrUnknownRepo, name, strings.Join(names, ", "))
}

// Repos returns the served repositories, the default first.
func (s *Service) Repos() []*Repo {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.repos)
}

// RepoNames lists the served repositories' names, sorted.
func (s *Service) RepoNames() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, 0, len(s.repos))
	for _, r := range s.repos {
		out = append(out, r.name)
	}
	sort.Strings(out)
	return out
}

// Jobs returns the queue index jobs run on.
func (s *Service) Jobs() *jobs.Queue { return s.jobs }

// Close stops the background checks and index jobs, waits for them, and
// closes the snapshots. Call it after the requests ended.
func (s *Service) Close() error {
	s.once.Do(func() {
		s.mu.Lock()
		s.cancel()
		repos := s.repos
		s.mu.Unlock()
		if s.ownJobs {
			s.jobs.Close()
		} else {
			for _, r := range repos {
				r.mu.Lock()
				id := r.job
				r.mu.Unlock()
				if id != "" {
					s.jobs.Cancel(id)
				}
			}
		}
		s.bg.Wait()
		for _, r := range repos {
			r.close()
		}
		s.bus.close()
		s.parsers.close()
	})
	return nil
}

// WaitIdle waits until no freshness check or index job of any repository
// is active (tests and benchmarks use it to start from a settled state).
func (s *Service) WaitIdle(ctx context.Context) error {
	for _, r := range s.Repos() {
		for {
			r.mu.Lock()
			busy := r.checking || r.indexingLocked()
			id := r.job
			r.mu.Unlock()
			if !busy {
				break
			}
			if j, ok := s.jobs.Get(id); ok && !j.State.Terminal() {
				if _, err := s.jobs.Wait(ctx, id); err != nil {
					return err
				}
				continue
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	return nil
}

// Name is the repository's name.
func (r *Repo) Name() string { return r.name }

// Root is the repository's absolute root directory.
func (r *Repo) Root() string { return r.root }

// DB is the repository's store directory.
func (r *Repo) DB() string { return r.db }

// IndexedAt is when the index of the current snapshot was written (zero
// when unknown).
func (r *Repo) IndexedAt() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.indexedAt
}

// SetLockedRetry changes how long an index job waits for another process's
// lock between attempts and how many idle attempts it makes (tests shorten
// them).
func (r *Repo) SetLockedRetry(pause time.Duration, idleRetries int) {
	r.mu.Lock()
	r.lockedRetry, r.lockedIdleRetries = pause, idleRetries
	r.mu.Unlock()
}

// SetAutoIndex turns background index jobs for stale or missing indexes on
// or off.
func (r *Repo) SetAutoIndex(on bool) {
	r.mu.Lock()
	r.autoIndex = on
	r.mu.Unlock()
}
