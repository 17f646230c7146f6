// Package history keeps versions of a repository's code graph: the graph
// of a git revision, read from the repository's object store (the work
// tree is neither read nor changed), and the differences between two
// graphs (diff.go).
//
// A version stores each file's facts (its nodes and outgoing edges, as the
// version's resolution bound them) content-addressed in a Pebble database
// of its own (<store dir>/versions), so that versions sharing most files
// cost little more than one; extraction is reused per (path, blob,
// parse.ExtractorVersion). To query a version, its facts are written to a
// temporary store (Graph), which the query package reads like an index.
//
// A diff against the working tree needs no version of the revision: its
// graph is an overlay (overlay.go), a throwaway copy of the index in which
// the files that differ are indexed again from the revision's blobs.
//
// It sits beside index: it uses parse and resolve as the indexer does (and
// the indexer itself on an overlay), and never writes to the repository's
// index.
package history

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"golang.org/x/sync/errgroup"

	"github.com/codegraph-dev/codegraph/internal/gitinfo"
	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
	"github.com/codegraph-dev/codegraph/internal/parse"
	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/resolve"
	"github.com/codegraph-dev/codegraph/internal/store"
	"github.com/codegraph-dev/codegraph/internal/walk"
)

// Dir is the versions directory inside a store directory.
const Dir = "versions"

// Options configure Open.
type Options struct {
	// Root is the indexed directory (a git work tree or a directory in
	// one); revisions are read from its repository, and only the files
	// under it are part of a version.
	Root string
	// DB is the index's store directory; versions live in DB/versions.
	DB string
	// Extractor, when set, holds the compiled extraction queries (else
	// History compiles its own).
	Extractor *parse.Extractor
	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger
}

// History is the versions of one repository. Its methods are safe for
// concurrent use; one process at a time may have it open.
type History struct {
	opts Options
	d    *db
	x    *parse.Extractor
	ownX bool
	mu   sync.Mutex // serialises Create
	// forceVersions has diffs against the working tree read the
	// revision's version, never an overlay (for tests).
	forceVersions bool
}

// Open opens (creating) the versions of the repository at opts.Root.
func Open(opts Options) (*History, error) {
	if opts.Root == "" || opts.DB == "" {
		return nil, errors.New("history: Root and DB are required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	// One process (one History) at a time has the database open: wait a
	// little for another one to finish.
	var d *db
	var err error
	for wait := 10 * time.Millisecond; ; wait *= 2 {
		d, err = openDB(filepath.Join(opts.DB, Dir, "db"), opts.Logger)
		if err == nil {
			break
		}
		if !errors.Is(err, ErrBusy) || wait > 2*time.Second {
			return nil, err
		}
		time.Sleep(wait)
	}
	h := &History{opts: opts, d: d, x: opts.Extractor}
	if h.x == nil {
		h.x, h.ownX = parse.NewExtractor(), true
	}
	return h, nil
}

// Close closes the versions database.
func (h *History) Close() error {
	if h.ownX {
		h.x.Close()
	}
	return h.d.close()
}

// Version describes one version.
type Version struct {
	Commit  string    `json:"commit"`
	Tags    []string  `json:"tags"`
	Created time.Time `json:"created"`
	Files   int       `json:"files"`
}

// List returns the versions, oldest first.
func (h *History) List(ctx context.Context) ([]Version, error) {
	tags, err := h.d.tags()
	if err != nil {
		return nil, err
	}
	var out []Version
	err = h.d.scan([]byte{kVersion}, func(k, v []byte) error {
		m, err := decodeManifest(v)
		if err != nil {
			return err
		}
		out = append(out, versionOf(m, tags[m.commit]))
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b Version) int { return a.Created.Compare(b.Created) })
	return out, nil
}

func versionOf(m *manifest, tags []string) Version {
	n := 0
	for _, f := range m.files {
		if f.blob != "" {
			n++
		}
	}
	if tags == nil {
		tags = []string{}
	}
	return Version{Commit: m.commit, Tags: tags, Created: m.created, Files: n}
}

// lookup finds the version named by a tag of this database or by a git
// revision (a hash, a git tag or branch).
func (h *History) lookup(ctx context.Context, name string) (string, error) {
	c, _, err := h.lookupFrom(ctx, name)
	return c, err
}

// lookupFrom is lookup, also saying whether the commit is git's answer
// (and so exists in the repository) rather than a tag of this database.
func (h *History) lookupFrom(ctx context.Context, name string) (commit string, fromGit bool, err error) {
	if v, err := h.d.get(append([]byte{kTag}, name...)); err == nil {
		return string(v), false, nil
	}
	c, err := gitinfo.Commit(ctx, h.opts.Root, name)
	return c, err == nil, err
}

// Has reports whether a version of the revision (or tag) name exists, and
// its commit.
func (h *History) Has(ctx context.Context, name string) (commit string, ok bool, err error) {
	c, err := h.lookup(ctx, name)
	if err != nil {
		return "", false, err
	}
	if _, err := h.d.manifest(c); err != nil {
		if errors.Is(err, ErrNotFound) {
			return c, false, nil
		}
		return "", false, err
	}
	return c, true, nil
}

// Create makes the version of git revision rev (if it does not exist) and
// tags it with tag (if not ""). created says whether it was new.
func (h *History) Create(ctx context.Context, rev, tag string) (v Version, created bool, err error) {
	if strings.ContainsAny(tag, "\x00\n") {
		return Version{}, false, fmt.Errorf("history: bad tag name %q", tag)
	}
	g, created, err := h.graph(ctx, rev, tag, false)
	if err != nil {
		return Version{}, false, err
	}
	tags, err := h.d.tags()
	if err != nil {
		return Version{}, false, err
	}
	m, err := h.d.manifest(g.Commit)
	if err != nil {
		return Version{}, false, err
	}
	return versionOf(m, tags[g.Commit]), created, nil
}

// Delete removes the version named by a tag of this database or a git
// revision, with its tags, and the facts no other version shares.
func (h *History) Delete(ctx context.Context, name string) (Version, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c, err := h.lookup(ctx, name)
	if err != nil {
		if errors.Is(err, gitinfo.ErrUnknownRevision) {
			return Version{}, fmt.Errorf("history: %q: %w", name, ErrNotFound)
		}
		return Version{}, err
	}
	m, err := h.d.manifest(c)
	if err != nil {
		return Version{}, err
	}
	tags, err := h.d.tags()
	if err != nil {
		return Version{}, err
	}
	v := versionOf(m, tags[c])
	b := h.d.pdb.NewBatch()
	defer b.Close()
	b.Delete(append([]byte{kVersion}, c...), nil)
	for _, t := range tags[c] {
		b.Delete(append([]byte{kTag}, t...), nil)
	}
	// Mark and sweep: the objects the other versions hold stay.
	live := map[uint64]bool{}
	err = h.d.scan([]byte{kVersion}, func(k, val []byte) error {
		if string(k[1:]) == c {
			return nil
		}
		om, err := decodeManifest(val)
		if err != nil {
			return err
		}
		for _, f := range om.files {
			live[f.hash] = true
		}
		return nil
	})
	if err != nil {
		return Version{}, err
	}
	for _, f := range m.files {
		if !live[f.hash] {
			b.Delete(objectKey(f.hash), nil)
		}
	}
	err = h.d.scan([]byte{kBlob}, func(k, val []byte) error {
		if len(val) == 8 && !live[uint64FromLE(val)] {
			b.Delete(k, nil)
		}
		return nil
	})
	if err != nil {
		return Version{}, err
	}
	if err := b.Commit(pebble.NoSync); err != nil {
		return Version{}, fmt.Errorf("history: delete %s: %w", c, err)
	}
	if err := h.d.pdb.Flush(); err != nil {
		return Version{}, fmt.Errorf("history: delete %s: %w", c, err)
	}
	// Give the space back: rewrite the tables without the deleted keys.
	if err := h.d.pdb.Compact(ctx, []byte{0}, []byte{0xff}, false); err != nil {
		return Version{}, fmt.Errorf("history: delete %s: compact: %w", c, err)
	}
	return v, nil
}

// SizeOnDisk is the versions database's size in bytes.
func (h *History) SizeOnDisk() int64 { return h.d.size() }

// Graph is the graph of one version, in memory, for queries.
type Graph struct {
	Commit string
	// Reader answers queries about the version as a store would.
	Reader query.Reader
}

// Close releases the graph.
func (g *Graph) Close() error { return nil }

// Graph returns the graph of revision (or tag) rev, creating its version
// first when there is none.
func (h *History) Graph(ctx context.Context, rev string) (*Graph, error) {
	g, _, err := h.graph(ctx, rev, "", true)
	return g, err
}

func (h *History) graph(ctx context.Context, rev, tag string, keep bool) (*Graph, bool, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c, err := h.lookup(ctx, rev)
	if err != nil {
		return nil, false, err
	}
	m, err := h.d.manifest(c)
	if err == nil {
		if tag != "" {
			if err := h.d.set(append([]byte{kTag}, tag...), []byte(c)); err != nil {
				return nil, false, err
			}
		}
		if !keep {
			return &Graph{Commit: c}, false, nil
		}
		g, err := h.materialize(ctx, m)
		return g, false, err
	}
	if !errors.Is(err, ErrNotFound) {
		return nil, false, err
	}
	g, err := h.build(ctx, c, tag)
	if err != nil {
		return nil, false, err
	}
	if !keep {
		return &Graph{Commit: c}, true, g.Close()
	}
	return g, true, nil
}

func (h *History) tempStore() (string, *store.Store, error) {
	base := filepath.Join(h.opts.DB, Dir, "tmp")
	if err := os.MkdirAll(base, 0o755); err != nil {
		return "", nil, fmt.Errorf("history: %w", err)
	}
	dir, err := os.MkdirTemp(base, "graph-")
	if err != nil {
		return "", nil, fmt.Errorf("history: %w", err)
	}
	st, err := store.Open(dir, store.Options{Logger: h.opts.Logger, ObsoleteFileGrace: -1, MemTableSize: 32 << 20, CacheSize: 16 << 20})
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, fmt.Errorf("history: %w", err)
	}
	return dir, st, nil
}

// materialize loads a version's facts into memory.
func (h *History) materialize(ctx context.Context, m *manifest) (*Graph, error) {
	facts := make([]*fileFacts, 0, len(m.files))
	for _, f := range m.files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ff, err := h.d.facts(f.hash)
		if err != nil {
			return nil, err
		}
		facts = append(facts, ff)
	}
	return &Graph{Commit: m.commit, Reader: newMemGraph(facts)}, nil
}

// source is one file of a revision to extract.
type source struct {
	e       gitinfo.TreeEntry
	grammar string
	facts   *fileFacts // reused extraction, or the new one
}

// build extracts and resolves the files of commit c (in a temporary
// store, as the indexer would), stores the version and returns its graph.
func (h *History) build(ctx context.Context, c, tag string) (_ *Graph, err error) {
	start := time.Now()
	entries, err := gitinfo.Tree(ctx, h.opts.Root, c)
	if err != nil {
		return nil, err
	}
	blobs, err := gitinfo.OpenBlobs(ctx, h.opts.Root)
	if err != nil {
		return nil, err
	}
	defer blobs.Close()

	var srcs []*source
	for _, e := range entries {
		if !indexable(e) {
			continue
		}
		s := &source{e: e}
		if hash, ok := h.d.blobFacts(parse.ExtractorVersion, e.Blob, e.Path); ok {
			if ff, err := h.d.facts(hash); err == nil {
				s.facts = ff.unresolved()
				srcs = append(srcs, s)
				continue
			}
		}
		s.grammar = lang.Detect(e.Path, nil)
		if s.grammar == "" && path.Ext(e.Path) == "" {
			s.grammar = "?" // may have a shebang: decided on its content
		}
		if s.grammar == "" {
			continue
		}
		srcs = append(srcs, s)
	}

	// Extract the new blobs, GOMAXPROCS parsers at a time.
	eg, ectx := errgroup.WithContext(ctx)
	work := make(chan *source)
	for range runtime.GOMAXPROCS(0) {
		eg.Go(func() error {
			p := h.x.NewParser(parse.Options{})
			defer p.Close()
			for s := range work {
				if err := h.extract(ectx, p, blobs, s); err != nil {
					return err
				}
			}
			return nil
		})
	}
	eg.Go(func() error {
		defer close(work)
		for _, s := range srcs {
			if s.facts != nil {
				continue
			}
			select {
			case work <- s:
			case <-ectx.Done():
				return ectx.Err()
			}
		}
		return nil
	})
	if err := eg.Wait(); err != nil {
		return nil, err
	}
	parsed := time.Since(start)

	dir, st, err := h.tempStore()
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, st.Close(), os.RemoveAll(dir)) }()
	b := st.NewBatch()
	defer func() { b.Close() }()
	for _, s := range srcs {
		if s.facts == nil {
			continue // not source after all
		}
		if err := b.ReplaceFile(s.facts.meta, s.facts.nodes, s.facts.edges); err != nil {
			return nil, fmt.Errorf("history: %w", err)
		}
		if b.Len() > 8<<20 {
			if err := b.Commit(false); err != nil {
				return nil, fmt.Errorf("history: %w", err)
			}
			b.Close()
			b = st.NewBatch()
		}
	}
	if err := b.Commit(false); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	if _, err := resolve.Run(ctx, st, resolve.Options{Root: h.opts.Root}); err != nil {
		return nil, fmt.Errorf("history: resolve %s: %w", c, err)
	}

	// Read back each file's resolved facts and store them by content.
	byFile := map[string]*fileFacts{}
	fileOf := map[graph.NodeID]string{}
	err = st.Files(func(m store.FileMeta) error {
		m.Size, m.ModTime, m.IndexedAt, m.NodeCounts, m.EdgeCounts = 0, 0, 0, nil, nil
		byFile[m.Path] = &fileFacts{meta: m}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = st.AllNodes(func(n graph.Node) error {
		f := byFile[n.File]
		if f == nil {
			return fmt.Errorf("history: node %s of unknown file %q", n.QualifiedName, n.File)
		}
		f.nodes = append(f.nodes, n)
		fileOf[n.ID] = n.File
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = st.AllEdges(func(e graph.Edge) error {
		if f := byFile[fileOf[e.Src]]; f != nil {
			f.edges = append(f.edges, e)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	blobOf := map[string]string{}
	for _, s := range srcs {
		blobOf[s.e.Path] = s.e.Blob
	}
	m := &manifest{commit: c, created: time.Now()}
	objects := map[uint64][]byte{}
	for p, f := range byFile {
		slices.SortFunc(f.nodes, func(a, b graph.Node) int { return cmp.Compare(a.ID, b.ID) })
		slices.SortFunc(f.edges, compareEdges)
		v := f.encode(nil)
		hash := hashObject(v)
		if _, err := h.d.get(objectKey(hash)); err != nil {
			objects[hash] = v
		}
		m.files = append(m.files, manifestEntry{path: p, blob: blobOf[p], hash: hash})
	}
	slices.SortFunc(m.files, func(a, b manifestEntry) int { return strings.Compare(a.path, b.path) })
	if err := h.d.put(m, objects, parse.ExtractorVersion, tag); err != nil {
		return nil, err
	}
	h.opts.Logger.Debug("version created", "commit", c, "files", len(m.files), "new_objects", len(objects),
		"parse", parsed, "total", time.Since(start))
	facts := make([]*fileFacts, 0, len(byFile))
	for _, f := range byFile {
		facts = append(facts, f)
	}
	return &Graph{Commit: c, Reader: newMemGraph(facts)}, nil
}

func compareEdges(a, b graph.Edge) int {
	return cmp.Or(cmp.Compare(a.Src, b.Src), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Dst, b.Dst),
		strings.Compare(a.Target, b.Target), cmp.Compare(a.Line, b.Line))
}

// indexable says whether a tree entry is a file a walk of the tree would
// yield (by path and size; the language is decided later).
func indexable(e gitinfo.TreeEntry) bool {
	if e.Size > walk.DefaultMaxFileSize || walk.IsSecret(e.Path) {
		return false
	}
	parts := strings.Split(e.Path, "/")
	for i, p := range parts {
		if walk.BadName(p) || (i < len(parts)-1 && walk.SkippedDir(p)) {
			return false
		}
	}
	return true
}

// extract reads and parses one blob into s.facts (left nil when the blob
// is not source code after all).
func (h *History) extract(ctx context.Context, p *parse.Parser, blobs *gitinfo.Blobs, s *source) error {
	src, err := blobs.Read(s.e.Blob)
	if err != nil {
		return err
	}
	if s.grammar == "?" {
		s.grammar = lang.Detect(s.e.Path, func() []byte { return src[:min(len(src), 256)] })
		if s.grammar == "" {
			return nil
		}
	}
	if walk.IsBinary(src) {
		return nil
	}
	grammar := lang.Refine(s.grammar, src)
	language := lang.LanguageOf(grammar)
	meta := store.FileMeta{Path: s.e.Path, Language: language, Size: int64(len(src)), Hash: graph.HashBytes(src), ExtractorVersion: parse.ExtractorVersion}
	pr, err := p.Parse(ctx, s.e.Path, grammar, src)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		meta.Error = err.Error()
		s.facts = &fileFacts{meta: meta, nodes: []graph.Node{parse.FileNode(s.e.Path, language, src)}}
		return nil
	}
	meta.ParseErrors = uint32(pr.SyntaxErrors)
	s.facts = &fileFacts{meta: meta, nodes: pr.Nodes, edges: pr.Edges}
	return nil
}

func uint64FromLE(b []byte) uint64 {
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}
