// Package index is the indexing pipeline: walk the tree, read and parse the
// files that changed, and write their facts to the store, concurrently and
// incrementally. It composes walk, parse and store; it knows no front end.
package index

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"golang.org/x/sync/errgroup"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
	"github.com/codegraph-dev/codegraph/internal/parse"
	"github.com/codegraph-dev/codegraph/internal/repofile"
	"github.com/codegraph-dev/codegraph/internal/resolve"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/store"
	"github.com/codegraph-dev/codegraph/internal/walk"
)

// DefaultDirName is the store directory created inside an indexed root.
const DefaultDirName = ".codegraph"

// Index-wide metadata keys written after every run.
const (
	MetaRoot      = "root"
	MetaOptions   = "options"    // the file-selection options of the last run (JSON)
	MetaIndexedAt = "indexed_at" // unix nanoseconds, decimal
	MetaDuration  = "last_duration_ms"
)

// Options configure a run.
type Options struct {
	Root  string // repository root to index
	DBDir string // store directory; default Root/.codegraph

	Include, Exclude []string // gitignore-style globs relative to Root
	Languages        []string // restrict to these languages (empty: all)
	MaxFileSize      int64    // bytes; 0 means 1 MiB
	NoDefaultIgnores bool
	NoGitignore      bool

	Workers      int           // parse workers; 0 means GOMAXPROCS
	Force        bool          // re-parse every file even if unchanged
	Rebuild      bool          // delete the search indexes, and the store if damaged (Store.Check), to rebuild them
	ParseTimeout time.Duration // per file; 0 means 10 s

	// ReuseOptions takes the file-selection options (Include, Exclude,
	// Languages, MaxFileSize, NoDefaultIgnores, NoGitignore) from the
	// previous run of this store instead of from these Options, so that a
	// background update (MCP, watch) indexes what the user chose.
	ReuseOptions bool

	// ConfirmDeletes lets a run whose file selection differs from the
	// stored one delete more than half of the indexed files; without it
	// such a run fails with a *SelectionDeletesError before writing.
	ConfirmDeletes bool

	// NoSearch skips the search indexes (lexical, exact/regex, vectors).
	NoSearch bool
	// Throwaway is for a store deleted once the Updater is closed (a
	// diff's overlay): see store.Options.Throwaway.
	Throwaway bool
	// Search configures the search indexes (embedding provider, ...).
	Search search.Config

	// Extractor, when set, holds the compiled extraction queries to use
	// (the caller closes it after the runs); otherwise an Updater compiles
	// them on first use and keeps them for its life.
	Extractor *parse.Extractor

	// Progress, when set, is called from one goroutine about every 100 ms
	// and once at the end.
	Progress func(Progress)
	Logger   *slog.Logger

	// Changes, when positive, has every run record what it changed in
	// Summary.Changes: the nodes it created, updated and deleted and the
	// files it wrote, up to this many of each (the counts are complete).
	// 0 records nothing (and costs nothing).
	Changes int
	// RecordChanges, when set, is asked at the start of each run whether
	// to record Changes for it: a publisher of change events whose
	// subscribers come and go (the service) records nothing, and keeps no
	// node copies, while no one listens.
	RecordChanges func() bool
}

// Progress is a snapshot of a running index.
type Progress struct {
	Phase     string // "walk", "parse", "finish", "done"
	Total     int    // files to parse this run (known after the walk)
	Done      int    // files parsed so far
	Bytes     int64  // bytes parsed so far
	Unchanged int
	Elapsed   time.Duration
}

// FileError is a per-file problem reported in the summary.
type FileError struct {
	Path  string `json:"path"`
	Error string `json:"error"`
}

// LangStats aggregates per-language work of one run.
type LangStats struct {
	Files int   `json:"files"`
	Bytes int64 `json:"bytes"`
	Lines int64 `json:"lines"`
	Nodes int64 `json:"nodes"`
	Edges int64 `json:"edges"`
	// ParseNanos is CPU-side time spent parsing and extracting (summed
	// over workers).
	ParseNanos int64 `json:"parse_ns"`
}

// Summary reports what a run did.
type Summary struct {
	Root      string               `json:"root"`
	DB        string               `json:"db"`
	Files     int                  `json:"files"` // source files found
	Added     int                  `json:"added"`
	Changed   int                  `json:"changed"`
	Unchanged int                  `json:"unchanged"`
	Deleted   int                  `json:"deleted"`
	Nodes     int64                `json:"nodes_written"`
	Edges     int64                `json:"edges_written"`
	Bytes     int64                `json:"bytes_parsed"`
	Skipped   map[string]int       `json:"skipped,omitempty"`
	Errors    []FileError          `json:"errors,omitempty"` // first 100
	ErrorN    int                  `json:"error_count"`
	SyntaxErr int                  `json:"files_with_syntax_errors"`
	Languages map[string]LangStats `json:"languages,omitempty"`
	Resolve   *resolve.Stats       `json:"resolve,omitempty"`
	Search    *search.UpdateStats  `json:"search,omitempty"`
	Rebuilt   bool                 `json:"rebuilt,omitempty"`  // an index of another format was replaced
	Repaired  string               `json:"repaired,omitempty"` // why Rebuild deleted the store ("" when it did not)
	Duration  time.Duration        `json:"duration_ns"`
	// Changes is what the run changed, with Options.Changes (nil without).
	Changes *Changes `json:"-"`
}

const maxReportedErrors = 100

// removeStore deletes a store directory, but only one that looks like a
// codegraph store (it holds the writer lock file or a Pebble manifest).
func removeStore(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	ours := false
	for _, e := range entries {
		if n := e.Name(); n == "LOCK.codegraph" || strings.HasPrefix(n, "MANIFEST-") {
			ours = true
		}
	}
	if !ours {
		return fmt.Errorf("index: %s does not look like a codegraph index; not deleting it", dir)
	}
	return os.RemoveAll(dir)
}

// DBDirFor returns the default store directory for a root.
func DBDirFor(root string) string { return filepath.Join(root, DefaultDirName) }

// Run indexes opts.Root into the store at opts.DBDir, re-parsing only files
// whose content changed since the last run and removing files that are gone.
// It is an Updater opened for one Full run, compacting the store after a
// bulk load so that later opens and small updates start from a compact
// store.
func Run(ctx context.Context, opts Options) (*Summary, error) {
	start := time.Now()
	u, err := NewUpdater(opts)
	if err != nil {
		return nil, err
	}
	u.mu.Lock()
	u.oneShot = true
	sum, err := u.runLocked(ctx, nil, start)
	if err == nil {
		sum.Changes.setRevision(u.recordGit(ctx, nil))
	}
	u.mu.Unlock()
	if err != nil {
		return sum, errors.Join(err, u.Close())
	}
	sum.Duration = time.Since(start)
	return sum, u.Close()
}

// walkOptions are the walk of a run: o's file selection under root.
func walkOptions(root string, o *Options) walk.Options {
	langOK := func(string) bool { return true }
	if len(o.Languages) > 0 {
		want := map[string]bool{}
		for _, l := range o.Languages {
			want[l] = true
		}
		langOK = func(l string) bool { return want[l] }
	}
	return walk.Options{
		Root: root, Include: o.Include, Exclude: o.Exclude, MaxFileSize: o.MaxFileSize,
		NoDefaultIgnores: o.NoDefaultIgnores, NoGitignore: o.NoGitignore,
		Detect: func(rel string, head func() []byte) string {
			g := lang.Detect(rel, head)
			if g == "" || !langOK(lang.LanguageOf(g)) {
				return ""
			}
			return g
		},
	}
}

// StoredWalk returns the walk the last index run of st made over root:
// its file selection as stored with the index (the defaults when none
// is), so that a freshness check sees the files an index run would.
func StoredWalk(st *store.Store, root string) (walk.Options, error) {
	var o Options
	if b, err := st.Meta(MetaOptions); err == nil {
		var sel selection
		if err := json.Unmarshal(b, &sel); err != nil {
			return walk.Options{}, fmt.Errorf("index: stored options: %w", err)
		}
		sel.apply(&o)
	} else if !errors.Is(err, store.ErrNotFound) {
		return walk.Options{}, err
	}
	return walkOptions(root, &o), nil
}

// selection is what Options say about which files are indexed, as stored
// with the index (MetaOptions).
type selection struct {
	Include          []string `json:"include,omitempty"`
	Exclude          []string `json:"exclude,omitempty"`
	Languages        []string `json:"languages,omitempty"`
	MaxFileSize      int64    `json:"max_file_size,omitempty"`
	NoDefaultIgnores bool     `json:"no_default_ignores,omitempty"`
	NoGitignore      bool     `json:"no_gitignore,omitempty"`
}

func selectionOf(o *Options) selection {
	return selection{Include: o.Include, Exclude: o.Exclude, Languages: o.Languages, MaxFileSize: o.MaxFileSize,
		NoDefaultIgnores: o.NoDefaultIgnores, NoGitignore: o.NoGitignore}
}

func (s *selection) apply(o *Options) {
	o.Include, o.Exclude, o.Languages, o.MaxFileSize = s.Include, s.Exclude, s.Languages, s.MaxFileSize
	o.NoDefaultIgnores, o.NoGitignore = s.NoDefaultIgnores, s.NoGitignore
}

type run struct {
	opts  Options
	root  string
	st    *store.Store
	start time.Time
	sum   *Summary
	// targets are the repository-relative paths a targeted run looks at
	// (nil: the whole tree); u answers which indexed files lie under them.
	targets []string
	u       *Updater
	// contents, when not nil, are the targets' contents (UpdateContents):
	// the run reads them instead of walking and reading the disk, and a
	// target without content is deleted.
	contents map[string][]byte
	// files reads the repository's files (root-confined, with the walk's
	// size cap; binary content is the run's to judge); nil in an
	// UpdateContents run. execute opens and closes it.
	files *repofile.Reader
	// oneShot runs compact after a bulk load (Run); an Updater's owner
	// compacts when it chooses.
	oneShot bool
	// bulkAt is the number of written files from which resolution runs
	// over the whole store and the search indexes are rebuilt.
	bulkAt int
	// seen are the paths the walk yielded; gone the indexed files deleted
	// by this run (both known after execute).
	seen map[string]bool
	gone []string

	done, unchanged atomic.Int64
	bytes           atomic.Int64
	total           atomic.Int64
	phase           atomic.Value

	mu      sync.Mutex // guards sum fields written by workers
	written []string   // files whose facts were replaced (writer goroutine)
	// removed are nodes that disappeared from changed or deleted files;
	// edges from other files into them must be unbound. added names the
	// definitions new in this run, which unresolved edges may now mean.
	removed []graph.NodeID
	added   map[string]bool
	settled map[graph.NodeID]bool // definitions of changed files whose text did not change
	// touched are the nodes of written files that are new or whose text
	// changed (with removed, what other files' edges may depend on);
	// orphans the destinations of the edges the run deleted (external
	// nodes among them may be left with no edge into them).
	touched []graph.NodeID
	orphans []graph.NodeID
	// state is the run's transaction marker; recovering is set when the
	// previous run did not finish, and reresolve says why every edge is
	// resolved again ("" when an incremental resolution is enough).
	state      RunState
	recovering bool
	reresolve  string
	fresh      bool // the store held no file when the run began
	loaded     bool // the files' facts were written as a bulk load (store.NewLoadBatch)
	// vanished are indexed files that disappeared between the walk and
	// their read: they are deleted like the files the walk did not see.
	vanished []string
	// docs are the searchable nodes of the written files, for the search
	// update (nil: it reads them from the store).
	docs map[string][]graph.Node
	// bulk, on a run that fills a new store with many files, builds the
	// search indexes from the written files as the writer goes (nil
	// otherwise: the search update reads them back).
	bulk *search.Bulk
	// prev holds what a large run read ahead of the changed files' stored
	// facts (nil: diffNodes reads them file by file); ready is closed once
	// it is filled.
	prev  *oldFacts
	ready chan struct{}
	// ch records the node changes (nil: Options.Changes is 0); oldMeta
	// are the stored metas of the files the run looked at (for their
	// edge counts).
	ch      *Changes
	oldMeta map[string]store.FileMeta
}

// prefetchFiles is the number of changed files from which a run reads
// their stored nodes and resolved edges ahead, in one pass in key order,
// instead of file by file on the writer goroutine: per file, each node is
// a seek to a random place of the node table (its id is a hash), which
// costs a block read from disk and decompression once the store is larger
// than the block cache, and a branch switch changes a thousand files.
const prefetchFiles = 64

// prefetchMaxFiles bounds the read-ahead's memory (every node id and hash
// and every resolved edge of the files, held for the run): past it, as in
// a forced re-index of a large repository, files are read one by one.
const prefetchMaxFiles = 20000

// oldFacts are the stored facts of the files a run changes, as read
// before it writes any of them (no other file's write changes them).
type oldFacts struct {
	ids   map[string][]graph.NodeID     // file → its stored node ids
	hash  map[graph.NodeID]uint64       // node → content hash
	name  map[graph.NodeID]string       // node → name
	nodes map[graph.NodeID]graph.Node   // node → itself, when the run records changes
	edges map[graph.NodeID][]graph.Edge // node → all its outgoing edges (for ReplaceFileKnown)
}

// prefetchChunk is the number of node ids read per NodesByID call.
const prefetchChunk = 8192

// readOld reads the stored node ids, content hashes and resolved edges of
// paths, each table in one pass in key order.
func readOld(ctx context.Context, st *store.Store, paths []string, keepNodes bool) (*oldFacts, error) {
	o := &oldFacts{ids: make(map[string][]graph.NodeID, len(paths)), hash: map[graph.NodeID]uint64{}, name: map[graph.NodeID]string{}, edges: map[graph.NodeID][]graph.Edge{}}
	if keepNodes {
		o.nodes = map[graph.NodeID]graph.Node{}
	}
	var all []graph.NodeID
	if err := st.NodeIDsInFiles(paths, func(i int, id graph.NodeID) error {
		o.ids[paths[i]] = append(o.ids[paths[i]], id)
		all = append(all, id)
		return nil
	}); err != nil {
		return nil, err
	}
	slices.Sort(all)
	all = slices.Compact(all)
	nodes := make([]graph.Node, min(len(all), prefetchChunk))
	for start := 0; start < len(all); start += prefetchChunk {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ids := all[start:min(start+prefetchChunk, len(all))]
		out := nodes[:len(ids)]
		clear(out)
		if err := st.NodesByID(ids, out); err != nil {
			return nil, err
		}
		for i, id := range ids {
			if out[i].ID == id {
				o.hash[id] = out[i].ContentHash
				o.name[id] = out[i].Name
				if o.nodes != nil {
					n := out[i]
					n.Locals = ""
					o.nodes[id] = n
				}
			}
		}
	}
	// Every edge, of every kind: replacing the file deletes them all
	// (store.Batch.ReplaceFileKnown), and carrying resolutions needs the
	// resolved ones.
	if err := st.OutEdgesMany(all, nil, func(_ int, e graph.Edge) error {
		o.edges[e.Src] = append(o.edges[e.Src], e)
		return nil
	}); err != nil {
		return nil, err
	}
	return o, nil
}

type job struct {
	file walk.File
	old  *store.FileMeta
}

type result struct {
	meta  store.FileMeta
	nodes []graph.Node
	edges []graph.Edge
	src   []byte // the file's content, for a run's search bulk (nil otherwise)
	touch bool   // content unchanged: only refresh mtime/size in meta
	// changed marks a file that was indexed before: its old nodes are
	// compared with the new ones to repair edges from other files.
	changed bool
}

func (r *run) execute(ctx context.Context) error {
	r.phase.Store("walk")
	stopProgress := r.startProgress()
	defer stopProgress()
	if err := r.begin(); err != nil {
		return err
	}
	if r.contents == nil {
		maxSize := walkOptions(r.root, &r.opts).MaxFileSize
		if maxSize <= 0 {
			maxSize = walk.DefaultMaxFileSize
		}
		files, err := repofile.Open(r.root, repofile.Options{MaxSize: maxSize, AllowBinary: true})
		if err != nil {
			return fmt.Errorf("index: %w", err)
		}
		defer files.Close()
		r.files = files
	}

	var (
		old    map[string]store.FileMeta
		jobs   []job
		wstats walk.Stats
		err    error
	)
	r.seen = map[string]bool{}
	visit := func(f walk.File, m store.FileMeta, ok bool) {
		if err := checkPath(f.Path); err != nil {
			// Skipped (and deleted if an older run indexed it): one file
			// must not fail the run or the search build.
			r.mu.Lock()
			r.sum.Skipped["name"]++
			r.mu.Unlock()
			r.addError(f.Path, "skipped: "+err.Error(), false)
			return
		}
		r.seen[f.Path] = true
		if ok && r.contents == nil && !r.opts.Force && m.ExtractorVersion == parse.ExtractorVersion &&
			m.Size == f.Size && m.ModTime == f.ModTime.UnixNano() && (m.Error == "" || m.Error == ErrBinaryFile) &&
			!racy(m) {
			r.unchanged.Add(1)
			return
		}
		j := job{file: f}
		if ok {
			mc := m
			j.old = &mc
		}
		jobs = append(jobs, j)
	}
	if r.targets == nil {
		old = make(map[string]store.FileMeta)
		if err := r.st.Files(func(m store.FileMeta) error { old[m.Path] = m; return nil }); err != nil {
			return fmt.Errorf("index: read file list: %w", err)
		}
		wstats, err = walk.Walk(ctx, walkOptions(r.root, &r.opts), func(f walk.File) error {
			m, ok := old[f.Path]
			visit(f, m, ok)
			return nil
		})
	} else {
		// A targeted run reads the metas of the files it meets and of the
		// indexed files under its targets, nothing else.
		old = make(map[string]store.FileMeta)
		for _, p := range r.u.indexedUnder(r.targets) {
			m, err := r.st.FileMeta(p)
			if err != nil {
				return fmt.Errorf("index: read file list: %w", err)
			}
			old[p] = m
		}
		if r.contents != nil {
			wstats = r.givenFiles(func(f walk.File) {
				m, ok := old[f.Path]
				visit(f, m, ok)
			})
		} else {
			wstats, err = walk.WalkPaths(ctx, walkOptions(r.root, &r.opts), r.targets, func(f walk.File) error {
				m, ok := old[f.Path]
				visit(f, m, ok)
				return nil
			})
		}
	}
	if err != nil {
		return fmt.Errorf("index: walk %s: %w", r.root, err)
	}
	r.oldMeta = old
	if r.targets == nil {
		if err := checkSelectionDeletes(r.st, &r.opts, old, r.seen); err != nil {
			return err
		}
	}
	r.sum.Files = wstats.Files
	for k, v := range wstats.Skipped {
		r.sum.Skipped[k] += v
	}
	for _, s := range wstats.Samples {
		r.addError(s.Path, "skipped: "+s.Reason, false)
	}
	r.total.Store(int64(len(jobs)))
	r.phase.Store("parse")
	if r.fresh && !r.opts.NoSearch && r.u.srch != nil && len(jobs) >= r.bulkAt {
		// Every file is new and the search indexes will be rebuilt: build
		// them from the files as they are written, while the others parse.
		r.bulk = r.u.srch.NewBulk()
	}

	// Largest files first keeps both cores busy to the end.
	sort.SliceStable(jobs, func(i, j int) bool { return jobs[i].file.Size > jobs[j].file.Size })

	g, gctx := errgroup.WithContext(ctx)
	var changedPaths []string
	for _, j := range jobs {
		if j.old != nil {
			changedPaths = append(changedPaths, j.file.Path)
		}
	}
	if len(changedPaths) >= prefetchFiles && len(changedPaths) <= prefetchMaxFiles {
		// Read the changed files' stored facts while the parse workers
		// start; the writer waits for them before its first file.
		r.ready = make(chan struct{})
		g.Go(func() error {
			o, err := readOld(gctx, r.st, changedPaths, r.ch != nil)
			if err != nil {
				return fmt.Errorf("index: read stored facts: %w", err)
			}
			r.prev = o
			close(r.ready)
			return nil
		})
	}
	jobCh := make(chan job, r.opts.Workers*4)
	resCh := make(chan result, r.opts.Workers*4)
	g.Go(func() error {
		defer close(jobCh)
		for _, j := range jobs {
			select {
			case jobCh <- j:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	})
	x := r.u.extractor()
	var wg sync.WaitGroup
	for w := 0; w < r.opts.Workers; w++ {
		wg.Add(1)
		g.Go(func() error {
			defer wg.Done()
			p := x.NewParser(parse.Options{Timeout: r.opts.ParseTimeout})
			defer p.Close()
			for j := range jobCh {
				res, ok := r.process(gctx, p, j)
				if !ok {
					continue
				}
				select {
				case resCh <- res:
				case <-gctx.Done():
					return gctx.Err()
				}
			}
			return nil
		})
	}
	go func() { wg.Wait(); close(resCh) }()
	g.Go(func() error { return r.write(gctx, resCh) })
	if err := g.Wait(); err != nil {
		return err
	}
	// The parsers are closed: what tree-sitter freed stays in glibc's
	// arenas until trimmed (about 140 MiB after the Go standard library).
	trimCHeap()
	if err := ctx.Err(); err != nil {
		return err
	}

	// Files that disappeared (or are now excluded) leave the index.
	r.phase.Store("finish")
	b := r.st.NewBatch()
	defer b.Close()
	var gone []string
	for p := range old {
		if !r.seen[p] && !graph.Synthetic(p) {
			gone = append(gone, p)
		}
	}
	for _, p := range r.vanished {
		if _, ok := old[p]; ok && r.seen[p] {
			gone = append(gone, p)
		}
	}
	sort.Strings(gone)
	r.gone = gone
	for _, p := range gone {
		if _, err := r.diffNodes(p, nil, nil, true); err != nil {
			return err
		}
		if err := b.DeleteFile(p); err != nil {
			return err
		}
	}
	r.sum.Deleted = len(gone)
	now := time.Now()
	sel, err := json.Marshal(selectionOf(&r.opts))
	if err != nil {
		return err
	}
	if err := b.SetMeta(MetaOptions, sel); err != nil {
		return err
	}
	if err := b.SetMeta(MetaRoot, []byte(r.root)); err != nil {
		return err
	}
	if err := b.SetMeta(MetaIndexedAt, []byte(fmt.Sprint(now.UnixNano()))); err != nil {
		return err
	}
	if err := b.SetMeta(MetaDuration, []byte(fmt.Sprint(now.Sub(r.start).Milliseconds()))); err != nil {
		return err
	}
	if err := b.Commit(true); err != nil {
		return fmt.Errorf("index: commit: %w", err)
	}
	if err := r.recordFiles(); err != nil {
		return err
	}
	r.hook("written")
	if r.loaded {
		// The facts were a bulk load, and so is resolution's rewrite of
		// them: the memtables' share of the block cache would only fill
		// with blocks read by resolution and the search build (C memory
		// beside their peak).
		release := r.st.ReserveMemTables()
		defer release()
	}
	if r.bulk != nil {
		// The lexical and trigram indexes now, before resolution: held
		// beside it, they made the run's peak memory.
		if err := r.u.srch.SaveBulk(ctx, r.bulk); err != nil {
			return fmt.Errorf("index: search: %w", err)
		}
	}
	// Bind the names written in changed files to their definitions and,
	// at the same time (they read different things), bring the search
	// indexes up to date.
	changed := r.sum.Added+r.sum.Changed > 0 || len(r.removed) > 0
	var inputs string // the resolution inputs' fingerprint, when computed
	if r.targets == nil || slices.ContainsFunc(r.targets, r.isInput) {
		// A resolution input (go.mod, tsconfig.json, ...) may have
		// changed, with or without any source.
		if inputs, err = r.resolveInputs(); err != nil {
			return err
		}
		if v, err := r.st.Meta(MetaResolveInputs); err == nil && string(v) != inputs && r.reresolve == "" {
			r.reresolve = "a module or config file changed"
		}
		if r.targets != nil {
			r.u.cat = nil
		}
	}
	if r.reresolve != "" {
		r.opts.Logger.Info("index: resolving every edge again", "reason", r.reresolve)
	}
	resolveAll := r.fresh || r.reresolve != "" || len(r.written) >= r.bulkAt
	lg, lctx := errgroup.WithContext(ctx)
	if changed || r.reresolve != "" {
		r.phase.Store("resolve")
		ro := resolve.Options{Root: r.root, Changed: append(slices.Clone(r.removed), r.touched...), Orphans: r.orphans, Deleted: gone, Load: r.loaded}
		if r.targets != nil {
			cat, err := r.u.catalog(r.written, gone)
			if err != nil {
				return err
			}
			ro.Catalog = cat
		}
		for name := range r.added {
			ro.NewNames = append(ro.NewNames, name)
		}
		sort.Strings(ro.NewNames)
		if !resolveAll {
			ro.Files = r.written
			if ro.Files == nil {
				ro.Files = []string{}
			}
		}
		lg.Go(func() error {
			rs, err := resolve.Run(lctx, r.st, ro)
			if err != nil {
				return fmt.Errorf("index: resolve: %w", err)
			}
			r.sum.Resolve = &rs
			r.phase.CompareAndSwap("resolve", "search")
			return nil
		})
	}
	searchStale := r.recovering
	if !r.opts.NoSearch && !changed && !searchStale {
		reason, err := r.u.srch.RebuildReason()
		if err != nil {
			return fmt.Errorf("index: search: %w", err)
		}
		searchStale = reason != ""
	}
	if !r.opts.NoSearch && (changed || searchStale) {
		if !changed {
			r.phase.Store("search")
		}
		ch := search.Changes{Files: r.written, Deleted: gone, Removed: r.removed, Unchanged: r.settled, Nodes: r.docs,
			Rebuild: r.recovering || len(r.written)+len(gone) >= r.bulkAt || r.bulk != nil, Bulk: r.bulk}
		r.bulk = nil // the update owns it
		lg.Go(func() error {
			ss, err := r.u.srch.Update(lctx, ch)
			if err != nil {
				return fmt.Errorf("index: search: %w", err)
			}
			r.sum.Search = &ss
			return nil
		})
	}
	if err := lg.Wait(); err != nil {
		return err
	}
	r.hook("resolved")
	if err := r.commitDone(inputs, !r.opts.NoSearch); err != nil {
		return err
	}
	if r.oneShot {
		switch n := r.sum.Added + r.sum.Changed + r.sum.Deleted; {
		case n >= bulkFiles:
			// After a bulk load, compact now: otherwise the compaction
			// debt is paid by later opens and small updates (seconds each).
			r.phase.Store("compact")
			if err := r.st.Compact(ctx); err != nil {
				return fmt.Errorf("index: compact: %w", err)
			}
		case n > 0:
			// Without this, every later open replays up to a memtable's
			// worth of write-ahead log (about a second after a large
			// update).
			if err := r.st.Flush(); err != nil {
				return fmt.Errorf("index: flush: %w", err)
			}
		}
	}
	r.sum.Unchanged = int(r.unchanged.Load())
	r.sum.Bytes = r.bytes.Load()
	r.phase.Store("done")
	return nil
}

// process reads and parses one file. ok is false when the file was skipped.
func (r *run) process(ctx context.Context, p *parse.Parser, j job) (res result, ok bool) {
	f := j.file
	defer func() {
		if v := recover(); v != nil {
			msg := fmt.Sprintf("extractor crashed: %v", v)
			r.addError(f.Path, msg, true)
			res, ok = r.keepOld(j, msg)
		}
	}()
	src, err := r.read(f)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			// Deleted since the walk: deleted from the index at the end
			// of the run.
			r.mu.Lock()
			r.vanished = append(r.vanished, f.Path)
			r.mu.Unlock()
			return result{}, false
		}
		r.addError(f.Path, err.Error(), true)
		return result{}, false
	}
	if walk.IsBinary(src) && isTextFormat(f.Language) {
		// A file no code language claims, and not text: not indexed (and
		// deleted when an earlier version was text).
		r.mu.Lock()
		r.sum.Skipped["binary"]++
		if j.old != nil {
			r.vanished = append(r.vanished, f.Path)
		}
		r.mu.Unlock()
		return result{}, false
	}
	if walk.IsBinary(src) {
		// Recorded without facts, so that the file is known to be
		// skipped (and is not "changed" again at every run).
		meta := store.FileMeta{Path: f.Path, Language: f.Language, Size: int64(len(src)), ModTime: f.ModTime.UnixNano(),
			Hash: graph.HashBytes(src), ExtractorVersion: parse.ExtractorVersion, Error: ErrBinaryFile}
		if j.old != nil && j.old.Error == ErrBinaryFile && j.old.Hash == meta.Hash {
			r.unchanged.Add(1)
			return result{meta: meta, touch: true}, true
		}
		r.mu.Lock()
		r.sum.Skipped["binary"]++
		r.mu.Unlock()
		return result{meta: meta, changed: j.old != nil, src: r.bulkSrc(src)}, true
	}
	grammar := lang.Refine(f.Language, src)
	language := lang.LanguageOf(grammar)
	meta := store.FileMeta{
		Path: f.Path, Language: language, Size: int64(len(src)), ModTime: f.ModTime.UnixNano(),
		Hash: graph.HashBytes(src), ExtractorVersion: parse.ExtractorVersion, IndexedAt: time.Now().UnixNano(),
	}
	if j.old != nil && j.old.Hash == meta.Hash && j.old.ExtractorVersion == parse.ExtractorVersion && j.old.Error == "" && !r.opts.Force {
		// Touched but not changed: keep the facts, refresh the stat data
		// (and the time of indexing, so that the file is no longer racy).
		m := *j.old
		m.Size, m.ModTime, m.IndexedAt = meta.Size, meta.ModTime, meta.IndexedAt
		r.unchanged.Add(1)
		r.done.Add(1)
		return result{meta: m, touch: true}, true
	}
	if !utf8.Valid(src) {
		r.addError(f.Path, "invalid UTF-8 (parsed anyway)", false)
	}
	t0 := time.Now()
	pr, err := p.Parse(ctx, f.Path, grammar, src)
	el := time.Since(t0)
	if err != nil {
		if ctx.Err() != nil {
			return result{}, false
		}
		r.addError(f.Path, err.Error(), true)
		if j.old != nil {
			// Keep what the file said before: losing its symbols for a
			// timeout is worse than keeping them a little out of date.
			res, ok := r.keepOld(j, err.Error())
			res.meta.Size, res.meta.ModTime = meta.Size, meta.ModTime
			return res, ok
		}
		meta.Error = err.Error()
		// Keep a file node so the file is known; the next run retries it.
		return result{meta: meta, nodes: []graph.Node{parse.FileNode(f.Path, language, src)}, src: r.bulkSrc(src)}, true
	}
	if pr.SyntaxErrors > 0 {
		meta.ParseErrors = uint32(pr.SyntaxErrors)
		r.mu.Lock()
		r.sum.SyntaxErr++
		r.mu.Unlock()
	}
	r.done.Add(1)
	r.bytes.Add(int64(len(src)))
	r.mu.Lock()
	ls := r.sum.Languages[language]
	ls.Files++
	ls.Bytes += int64(len(src))
	ls.Lines += int64(pr.Nodes[0].EndLine)
	ls.Nodes += int64(len(pr.Nodes))
	ls.Edges += int64(len(pr.Edges))
	ls.ParseNanos += el.Nanoseconds()
	r.sum.Languages[language] = ls
	if j.old == nil {
		r.sum.Added++
	} else {
		r.sum.Changed++
	}
	r.mu.Unlock()
	return result{meta: meta, nodes: pr.Nodes, edges: pr.Edges, changed: j.old != nil, src: r.bulkSrc(src)}, true
}

// read returns a file's content: the given one in an UpdateContents run,
// else the disk's, read inside the root (a file swapped for a link out of
// the repository, or to a secret, after the walk saw it is refused).
func (r *run) read(f walk.File) ([]byte, error) {
	if r.contents != nil {
		if src := r.contents[f.Path]; src != nil {
			return src, nil
		}
		return nil, fmt.Errorf("%s: %w", f.Path, os.ErrNotExist)
	}
	return r.files.ReadFile(f.Path)
}

// givenFiles yields the targets of an UpdateContents run that have
// content and that the file selection's language and size limits admit,
// as a walk would yield them.
func (r *run) givenFiles(fn func(walk.File)) walk.Stats {
	wo := walkOptions(r.root, &r.opts)
	maxSize := wo.MaxFileSize
	if maxSize <= 0 {
		maxSize = walk.DefaultMaxFileSize
	}
	st := walk.Stats{Skipped: map[string]int{}}
	for _, p := range r.targets {
		src := r.contents[p]
		if src == nil {
			continue
		}
		g := wo.Detect(p, func() []byte { return src[:min(len(src), 256)] })
		switch {
		case g == "":
			continue
		case int64(len(src)) > maxSize:
			st.Skipped[walk.ReasonTooLarge]++
			continue
		}
		st.Files++
		fn(walk.File{Path: p, AbsPath: filepath.Join(r.root, filepath.FromSlash(p)), Size: int64(len(src)), Language: g})
	}
	return st
}

// bulkSrc is src when the run's search bulk needs it, nil otherwise.
func (r *run) bulkSrc(src []byte) []byte {
	if r.bulk == nil {
		return nil
	}
	return src
}

// isTextFormat reports whether grammar is a text format's (Markdown, YAML,
// plain text, ...), not code's.
func isTextFormat(grammar string) bool {
	g, ok := lang.GrammarByName(grammar)
	return ok && g.IsText()
}

// racyWindow is how close to its indexing a file's modification time must
// be for its size and modification time not to prove it unchanged: a
// write within the file system's timestamp granularity after the file was
// read leaves both as they were (git's "racy" files). Such a file is read
// and hashed again; a touch then records a later time of indexing.
const racyWindow = 2 * time.Second

// racy reports whether m's stat data cannot tell a later write apart.
func racy(m store.FileMeta) bool {
	return m.IndexedAt != 0 && m.ModTime+racyWindow.Nanoseconds() >= m.IndexedAt
}

// checkPath rejects the repository paths the indexes cannot hold: not
// valid UTF-8, with a NUL, a backslash or another control character, or
// not clean and relative (the search indexes refuse them, and a path
// printed or passed to a shell must mean one file).
func checkPath(p string) error {
	switch {
	case p == "" || !utf8.ValidString(p):
		return errors.New("file name is not valid UTF-8")
	case strings.ContainsFunc(p, func(c rune) bool { return c < 0x20 || c == 0x7f || c == '\\' }):
		return errors.New("file name has a control character or a backslash")
	case strings.HasPrefix(p, "/") || path.Clean(p) != p || p == ".." || strings.HasPrefix(p, "../"):
		return errors.New("file name is not a clean relative path")
	}
	return nil
}

// ErrBinaryFile is the error recorded in the meta of a file that has a
// source file's name but binary content: it is not parsed, and not read
// again until its size or modification time changes.
const ErrBinaryFile = "binary content: not indexed"

// keepOld keeps the stored facts of a file whose new content could not be
// extracted, recording msg as its error so that the next run tries again.
// A file that was not indexed before is skipped.
func (r *run) keepOld(j job, msg string) (result, bool) {
	if j.old == nil {
		return result{}, false
	}
	m := *j.old
	m.Size, m.ModTime = j.file.Size, j.file.ModTime.UnixNano()
	m.Error = msg
	return result{meta: m, touch: true}, true
}

// bulkFiles is the number of written files from which a run compacts the
// store before closing it.
const bulkFiles = 1000

// loadFiles is the number of files from which the first index of a
// repository writes as a bulk load (store.NewLoadBatch): below it, the
// load's tables (cut at its key ranges) would be many and small. A
// variable for the tests.
var loadFiles = bulkFiles

// batchBytes is the size at which the writer commits a batch.
const batchBytes = 16 << 20

// diffNodes records, before a file's facts are replaced (nodes) or deleted
// (nil), which of its stored nodes disappear and which definitions are new.
func (r *run) diffNodes(path string, nodes []graph.Node, edges []graph.Edge, wasIndexed bool) ([]graph.Edge, error) {
	if r.added == nil {
		r.added = map[string]bool{}
	}
	type stored struct {
		hash uint64
		name string
		node *graph.Node // with r.ch
	}
	old := map[graph.NodeID]stored{}
	prev := r.readAhead(path, wasIndexed)
	switch {
	case !wasIndexed:
	case prev != nil:
		for _, id := range prev.ids[path] {
			if h, ok := prev.hash[id]; ok {
				s := stored{hash: h, name: prev.name[id]}
				if n, ok := prev.nodes[id]; ok {
					s.node = &n
				}
				old[id] = s
			}
		}
	default:
		if err := r.st.NodesInFile(path, func(n graph.Node) error {
			s := stored{hash: n.ContentHash, name: n.Name}
			if r.ch != nil {
				s.node = &n
			}
			old[n.ID] = s
			return nil
		}); err != nil {
			return edges, fmt.Errorf("index: read %s: %w", path, err)
		}
	}
	if !wasIndexed && len(nodes) > 0 {
		// A new file: edges elsewhere may name it (imports, includes).
		for _, name := range resolve.NamesOfFile(path) {
			r.added[name] = true
		}
	}
	for i := range nodes {
		n := &nodes[i]
		if o, ok := old[n.ID]; ok {
			delete(old, n.ID)
			if r.ch != nil && o.hash != n.ContentHash {
				r.ch.node(NodeUpdated, n)
			}
			if o.hash == n.ContentHash && n.Kind != graph.KindFile {
				if r.settled == nil {
					r.settled = map[graph.NodeID]bool{}
				}
				r.settled[n.ID] = true
				continue
			}
		} else {
			if r.ch != nil {
				r.ch.node(NodeCreated, n)
			}
			if n.Kind != graph.KindFile {
				r.added[n.Name] = true
			}
		}
		r.touched = append(r.touched, n.ID)
	}
	oldIDs := make([]graph.NodeID, 0, len(old))
	if r.ch != nil && len(old) > 0 {
		gone := make([]graph.Node, 0, len(old))
		for id, o := range old {
			if o.node != nil {
				gone = append(gone, *o.node)
			} else {
				gone = append(gone, graph.Node{ID: id, Name: o.name, File: path})
			}
		}
		slices.SortFunc(gone, func(a, b graph.Node) int {
			return cmp.Or(cmp.Compare(a.StartLine, b.StartLine), cmp.Compare(a.ID, b.ID))
		})
		for i := range gone {
			r.ch.node(NodeDeleted, &gone[i])
		}
	}
	for id, o := range old {
		r.removed = append(r.removed, id)
		// Edges that named it may now mean something else (a library
		// symbol, another definition).
		r.added[o.name] = true
	}
	if wasIndexed && nodes == nil {
		// A deleted file: imports of it may now name a library.
		for _, name := range resolve.NamesOfFile(path) {
			r.added[name] = true
		}
	}
	if !wasIndexed || r.wholeStore() {
		return edges, nil
	}
	// The destinations of the edges replaced or deleted: external nodes
	// among them may now have no edge into them. (Their resolutions are
	// not carried to the new edges: resolution looks at every edge of the
	// file again anyway, and carrying one edge per candidate of an
	// ambiguous edge would change the file's edge counts from what a
	// clean index records.)
	var resolved []graph.Edge
	if prev != nil {
		for _, id := range prev.ids[path] {
			for _, e := range prev.edges[id] {
				if e.Dst != 0 && resolvedKind[e.Kind] {
					resolved = append(resolved, e)
				}
			}
		}
	} else {
		for _, n := range nodes {
			oldIDs = append(oldIDs, n.ID)
		}
		oldIDs = append(oldIDs, r.removed[len(r.removed)-len(old):]...)
		if err := r.st.OutEdgesMany(oldIDs, resolve.Kinds, func(_ int, e graph.Edge) error {
			if e.Dst != 0 {
				resolved = append(resolved, e)
			}
			return nil
		}); err != nil {
			return edges, fmt.Errorf("index: read %s: %w", path, err)
		}
	}
	for _, e := range resolved {
		r.orphans = append(r.orphans, e.Dst)
	}
	return edges, nil
}

// recordFiles records the files the run wrote and deleted, with their
// edge counts before and after, when the run records changes.
func (r *run) recordFiles() error {
	if r.ch == nil {
		return nil
	}
	for _, p := range r.written {
		m, err := r.st.FileMeta(p)
		if err != nil {
			return fmt.Errorf("index: read %s: %w", p, err)
		}
		was := r.oldMeta[p]
		r.ch.file(p, was.Edges(), m.Edges())
	}
	for _, p := range r.gone {
		was := r.oldMeta[p]
		r.ch.file(p, was.Edges(), 0)
	}
	return nil
}

// wholeStore reports whether the run's resolution looks at every edge of
// the store (then nothing needs to be tracked for an incremental one).
func (r *run) wholeStore() bool {
	return r.fresh || r.reresolve != "" || int(r.total.Load()) >= r.bulkAt
}

// readAhead returns the facts read ahead when they cover path (nil: read
// them from the store).
func (r *run) readAhead(path string, wasIndexed bool) *oldFacts {
	if !wasIndexed || r.ready == nil {
		return nil
	}
	// The writer waited for ready before a changed file; deleted files
	// come after the parse, so after it too.
	if _, ok := r.prev.ids[path]; !ok {
		return nil // not read ahead (a file deleted by the run, a file that had no nodes)
	}
	return r.prev
}

// resolvedKind marks the edge kinds resolution binds (resolve.Kinds).
var resolvedKind = func() (m [256]bool) {
	for _, k := range resolve.Kinds {
		m[k] = true
	}
	return m
}()

func (r *run) write(ctx context.Context, in <-chan result) error {
	// The first index of a repository writes its facts as a bulk load
	// (sorted tables ingested at the end of the phase) instead of through
	// the memtables, flushes and compactions that updates take.
	load := r.fresh && r.targets == nil && int(r.total.Load()) >= loadFiles && r.st.Bare()
	var b *store.Batch
	if load {
		var err error
		if b, err = r.st.NewLoadBatch(); err != nil {
			return fmt.Errorf("index: %w", err)
		}
	} else {
		b = r.st.NewBatch()
	}
	defer func() { b.Close() }()
	pending := 0
	for res := range in {
		var err error
		if res.changed && r.ready != nil {
			select {
			case <-r.ready:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if res.touch {
			err = b.UpdateFileMeta(res.meta)
		} else {
			if res.edges, err = r.diffNodes(res.meta.Path, res.nodes, res.edges, res.changed); err != nil {
				return err
			}
			if of := r.readAhead(res.meta.Path, res.changed); of != nil {
				err = b.ReplaceFileKnown(res.meta, res.nodes, res.edges, of.edges)
			} else {
				err = b.ReplaceFile(res.meta, res.nodes, res.edges)
			}
		}
		if err != nil {
			return fmt.Errorf("index: write %s: %w", res.meta.Path, err)
		}
		if !res.touch {
			r.written = append(r.written, res.meta.Path)
			if r.bulk != nil {
				if err := r.bulk.Add(res.meta.Path, res.src, res.nodes); err != nil {
					return fmt.Errorf("index: search: %w", err)
				}
			}
			if !r.opts.NoSearch && r.total.Load() < int64(r.bulkAt) {
				// The search update reads them from here rather than
				// from the store (a bulk run rebuilds the search indexes
				// from a scan instead).
				r.keepDocs(res.meta.Path, res.nodes)
			}
			r.mu.Lock()
			r.sum.Nodes += int64(len(res.nodes))
			r.sum.Edges += int64(len(res.edges))
			r.mu.Unlock()
		}
		pending++
		if b.Len() >= batchBytes {
			if err := b.Commit(false); err != nil {
				return fmt.Errorf("index: commit: %w", err)
			}
			// The batch is reused: its buffers, grown to a commit's
			// size, would otherwise grow again (copying) for each commit.
			pending = 0
			if !r.oneShot && !load {
				if err := r.u.bound(); err != nil {
					return err
				}
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	if load {
		if err := b.Ingest(ctx); err != nil {
			return fmt.Errorf("index: %w", err)
		}
		r.loaded = true
		r.hook("loaded")
		return nil
	}
	if pending > 0 {
		if err := b.Commit(false); err != nil {
			return fmt.Errorf("index: commit: %w", err)
		}
	}
	return nil
}

// keepDocs records the searchable nodes of a written file for the search
// update.
func (r *run) keepDocs(path string, nodes []graph.Node) {
	if r.docs == nil {
		r.docs = map[string][]graph.Node{}
	}
	r.docs[path] = search.DocNodes(nodes)
}

func (r *run) addError(path, msg string, count bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if count {
		r.sum.ErrorN++
	}
	if len(r.sum.Errors) < maxReportedErrors {
		r.sum.Errors = append(r.sum.Errors, FileError{Path: path, Error: msg})
	}
}

func (r *run) snapshot() Progress {
	ph, _ := r.phase.Load().(string)
	return Progress{Phase: ph, Total: int(r.total.Load()), Done: int(r.done.Load()),
		Bytes: r.bytes.Load(), Unchanged: int(r.unchanged.Load()), Elapsed: time.Since(r.start)}
}

func (r *run) startProgress() func() {
	if r.opts.Progress == nil {
		return func() {}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				r.opts.Progress(r.snapshot())
			case <-stop:
				r.opts.Progress(r.snapshot())
				return
			}
		}
	}()
	return func() { close(stop); wg.Wait() }
}
