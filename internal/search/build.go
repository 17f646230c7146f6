package search

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/indexfile"
	"github.com/codegraph-dev/codegraph/internal/repofile"
	"github.com/codegraph-dev/codegraph/internal/search/embed"
	"github.com/codegraph-dev/codegraph/internal/search/grep"
	"github.com/codegraph-dev/codegraph/internal/search/lexical"
	"github.com/codegraph-dev/codegraph/internal/search/vector"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// Config selects what the search indexes hold and how queries embed.
type Config struct {
	// Embedding is the embedding provider (zero: the built-in model).
	Embedding embed.Config
	// NoVectors skips the embedding model and vector index: semantic
	// search is then unavailable and hybrid fuses the other signals.
	NoVectors bool
	// Workers bounds the parallel reading of files (default GOMAXPROCS).
	Workers int
	Logger  *slog.Logger
	// Models, when set, shares the decoded built-in model between the
	// Searchers opened with this Config (one per store snapshot in a
	// server) until the model file changes.
	Models *Models
	// OneShot is set by a process that runs a search or two and exits (the
	// command line without a daemon): the built-in model computes each
	// word's vector when a query uses it instead of all at load
	// (embed.LoadForQueries). Ignored with Models.
	OneShot bool
}

func (c *Config) workers() int {
	if c.Workers > 0 {
		return c.Workers
	}
	return runtime.GOMAXPROCS(0)
}

func (c *Config) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// Changes is what one index run changed in the store.
type Changes struct {
	Files   []string       // files written (added or changed)
	Deleted []string       // files removed from the index
	Removed []graph.NodeID // nodes that no longer exist
	// Unchanged holds definitions of written files whose text did not
	// change: they keep their vectors.
	Unchanged map[graph.NodeID]bool
	// Nodes optionally holds the searchable nodes (IsDoc) of each of
	// Files as the index run wrote them (Locals may be empty): with an
	// entry for every file, they are not read back from the store.
	Nodes map[string][]graph.Node
	// Rebuild asks for a full rebuild (after a bulk load, say).
	Rebuild bool
	// Bulk (from Updater.NewBulk; not safe for concurrent use) holds
	// the documents of every file of the store, added as the index run
	// wrote them: a rebuild then starts from it instead of reading them
	// back (it reads them back when Bulk turns out not to hold every file
	// of the store). A run that fills it asks for Rebuild.
	Bulk *Bulk
}

// UpdateStats describes one Update.
type UpdateStats struct {
	Rebuilt  bool          `json:"rebuilt"`
	Reason   string        `json:"reason,omitempty"` // why it rebuilt
	Symbols  int           `json:"symbols"`          // symbols (re)indexed
	Embedded int           `json:"embedded"`         // symbols (re)embedded
	Files    int           `json:"files"`            // files (re)indexed for exact/regex
	Duration time.Duration `json:"duration_ns"`
}

// DocNodes returns the searchable nodes (IsDoc) among nodes, without their
// locals (not searched; the largest field), as Changes.Nodes holds them.
func DocNodes(nodes []graph.Node) []graph.Node {
	docs := []graph.Node{}
	for _, n := range nodes {
		if IsDoc(n.Kind) {
			n.Locals = ""
			docs = append(docs, n)
		}
	}
	return docs
}

// IsDoc reports whether nodes of kind k are searchable symbols: every
// definition, but not files, packages, imports or library symbols.
func IsDoc(k graph.NodeKind) bool {
	switch k {
	case graph.KindFile, graph.KindPackage, graph.KindModule, graph.KindImport, graph.KindExternal:
		return false
	}
	return true
}

// embedded reports whether symbols of kind k get vectors: functions and
// types. Fields, variables and constants are found by name (lexical); as
// neighbours in the vector space they crowd out what semantic queries are
// after (measured: BENCHMARKS.md, "Search quality").
func embedded(k graph.NodeKind) bool { return k.IsCallable() || k.IsType() }

// Update brings the search indexes of the store in dbDir up to date after
// an index run that made changes ch. It rebuilds everything when there is
// no usable index yet, when ch asks for it, or when the embedder changed
// (never mixing vectors of two embedders). Only one process may update a
// store's search indexes at a time: the caller holds the store's writer
// lock.
func Update(ctx context.Context, st *store.Store, dbDir, root string, ch Changes, cfg Config) (UpdateStats, error) {
	return oneShot(st, dbDir, root, cfg, func(u *Updater) (UpdateStats, error) { return u.Update(ctx, ch) })
}

// UpdateReady is Update for writes outside an index run: it applies ch
// only when the indexes are usable as they are (see Updater.UpdateReady).
func UpdateReady(ctx context.Context, st *store.Store, dbDir, root string, ch Changes, cfg Config) (bool, error) {
	return oneShot(st, dbDir, root, cfg, func(u *Updater) (bool, error) { return u.UpdateReady(ctx, ch) })
}

// oneShot runs fn on an Updater that lives for the call: it merges the
// lexical delta at once, as there is no later to merge it in.
func oneShot[T any](st *store.Store, dbDir, root string, cfg Config, fn func(*Updater) (T, error)) (T, error) {
	u := NewUpdater(st, dbDir, root, cfg)
	u.deferMerge = false
	v, err := fn(u)
	if cerr := u.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("search: %w", cerr)
	}
	return v, err
}

// RebuildReason says why the next Update of the store in dbDir will
// rebuild the search indexes ("" when they are usable as they are, for
// cfg): an index run with no changes calls Update only then.
func RebuildReason(dbDir string, cfg Config) (string, error) {
	_, reason, err := rebuildReason(filepath.Join(dbDir, DirName), &cfg)
	return reason, err
}

func rebuildReason(dir string, cfg *Config) (State, string, error) {
	state, err := readState(dir)
	switch {
	case err != nil && isNotExist(err):
		return state, "no search index yet", nil
	case err != nil:
		return state, err.Error(), nil
	case state.Version != FormatVersion:
		return state, fmt.Sprintf("search index format %d, want %d", state.Version, FormatVersion), nil
	case cfg.NoVectors != (state.Embedder == ""):
		return state, "semantic search turned on or off", nil
	}
	if !cfg.NoVectors {
		want, err := wantedEmbedder(&cfg.Embedding)
		if err != nil {
			return state, "", err
		}
		if want != "" && !strings.HasPrefix(state.Embedder, want) || want == "" && !strings.HasPrefix(state.Embedder, embed.ProviderBuiltin) {
			if want == "" {
				want = embed.ProviderBuiltin
			}
			return state, fmt.Sprintf("embedding provider changed from %s to %s", state.Embedder, want), nil
		}
		if d := cfg.Embedding.Dimensions; d > 0 && d != state.Dim {
			return state, fmt.Sprintf("embedding dimension changed from %d to %d", state.Dim, d), nil
		}
	}
	// Damaged files are rebuilt, never trusted: check every one (its
	// checksums once per file version in a process).
	if err := checkFiles(dir, state); err != nil {
		var de *DamagedError
		if errors.As(err, &de) {
			return state, fmt.Sprintf("%s damaged: %s", de.What, de.Reason()), nil
		}
		return state, err.Error(), nil
	}
	return state, "", nil
}

// needRebuild is returned by update when an index it needs is unusable.
type needRebuild struct{ reason string }

func (e *needRebuild) Error() string { return e.reason }

// wantedEmbedder is the ID prefix the configured provider gives vectors:
// the built-in model's ID changes with every fit, so only its prefix
// (provider and dimension) is compared.
func wantedEmbedder(c *embed.Config) (string, error) {
	cfg := c.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return "", err
	}
	if cfg.Provider == embed.ProviderBuiltin || cfg.Provider == "" {
		return "", nil // any fitted model will do; its dimension is checked on load
	}
	cl, err := embed.NewClient(cfg)
	if err != nil {
		return "", err
	}
	// Without a configured dimension the ID ends in "/0" until the first
	// response: compare the rest.
	return strings.TrimSuffix(cl.ID(), "/0"), nil
}

// newEmbedder returns the configured embedder; an HTTP provider whose
// dimension is not configured is asked for one embedding to learn it.
func newEmbedder(ctx context.Context, c *embed.Config, model *embed.Model) (embed.Embedder, error) {
	emb, err := embed.New(*c, model)
	if err != nil {
		return nil, err
	}
	if cl, ok := emb.(*embed.Client); ok && cl.Dim() == 0 {
		if err := cl.Probe(ctx); err != nil {
			return nil, err
		}
	}
	return emb, nil
}

// fileDocs is one file's searchable symbols.
type fileDocs struct {
	path  string
	src   []byte
	nodes []graph.Node
	// api: an API pseudo-file (graph.APIPrefix), which has no source; its
	// symbols are searched by name, signature and doc comment.
	api bool
}

// hasText reports whether fd's symbols are to be indexed: it has source,
// or needs none.
func (fd *fileDocs) hasText() bool { return fd.src != nil || fd.api }

// readFiles reads each file's source and symbols with cfg.workers()
// goroutines and calls fn for each from one goroutine, in the order of
// files (so that what fn builds does not depend on which read finished
// first). A file that cannot be read is passed with nil src; an API
// pseudo-file is not read.
//
// With byFile set, a file's symbols are taken from it instead of the
// store (a full rebuild reads all nodes in one sequential scan: a seek per
// node of every file costs far more).
func readFiles(ctx context.Context, st *store.Store, root string, files []string, byFile map[string][]graph.Node, cfg *Config, fn func(*fileDocs) error) error {
	// Sources are read inside the root: a file swapped for a link out of
	// the repository (or to a secret) since it was indexed is not read.
	var rd *repofile.Reader
	if root != "" {
		if r, err := repofile.Open(root, repofile.Indexed()); err == nil {
			defer r.Close()
			rd = r
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	// Each file gets a slot its worker fills; the slots reach fn in the
	// order of files, at most readAhead files ahead of it.
	type job struct {
		path string
		slot chan *fileDocs
	}
	jobs := make(chan job)
	slots := make(chan chan *fileDocs, readAhead)
	g.Go(func() error {
		defer close(jobs)
		defer close(slots)
		for _, p := range files {
			j := job{p, make(chan *fileDocs, 1)}
			select {
			case slots <- j.slot:
			case <-gctx.Done():
				return gctx.Err()
			}
			select {
			case jobs <- j:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	})
	for range cfg.workers() {
		g.Go(func() error {
			for j := range jobs {
				fd := &fileDocs{path: j.path, api: strings.HasPrefix(j.path, graph.APIPrefix)}
				if !fd.api && rd != nil {
					if src, err := rd.ReadFile(j.path); err == nil {
						fd.src = src
					}
				}
				if byFile != nil {
					fd.nodes = byFile[j.path]
				} else if err := st.NodesInFile(j.path, func(n graph.Node) error {
					if IsDoc(n.Kind) {
						fd.nodes = append(fd.nodes, n)
					}
					return nil
				}); err != nil {
					return err
				}
				j.slot <- fd // buffered: never blocks
			}
			return nil
		})
	}
	var ferr error
recv:
	for slot := range slots {
		select {
		case fd := <-slot:
			if ferr == nil {
				ferr = fn(fd)
			}
		case <-gctx.Done():
			break recv // a worker failed or ctx ended: g.Wait says which
		}
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return ferr
}

// readAhead is how many files readFiles reads ahead of the one its
// caller is given.
const readAhead = 64

// indexedFiles lists the store's source files (not library pseudo-files).
func indexedFiles(st *store.Store) ([]string, error) {
	var files []string
	err := st.Files(func(m store.FileMeta) error {
		if !graph.Synthetic(m.Path) {
			files = append(files, m.Path)
		}
		return nil
	})
	return files, err
}

func lexDoc(n *graph.Node, d *embed.Doc) lexical.Doc {
	return lexical.Doc{ID: uint64(n.ID), Name: d.Name, QualifiedName: d.QualifiedName, Signature: d.Signature, Doc: d.Doc, Body: d.Body}
}

// rebuild writes every search index from scratch: from bulk, when it
// holds every file of the store (the index run that wrote them fed it), or
// else from a scan of the store and a read of every file.
func rebuild(ctx context.Context, st *store.Store, dir, root string, cfg Config, bulk *Bulk) (UpdateStats, error) {
	var stats UpdateStats
	if err := prepareRebuild(dir); err != nil {
		return stats, err
	}
	if bulk != nil {
		ok, err := bulk.covers(st)
		if err != nil {
			return stats, err
		}
		if ok {
			cfg.logger().Debug("search: rebuilding from the index run's documents")
		} else {
			cfg.logger().Info("search: the index run's documents do not cover the store: reading them back")
			bulk = nil
		}
	}
	if bulk == nil {
		var err error
		if bulk, err = scanBulk(ctx, st, root, &cfg); err != nil {
			return stats, err
		}
	}
	return bulk.finish(ctx, st, dir, root, &cfg)
}

// prepareRebuild readies dir for a rebuild: it removes the state file
// (without it the indexes are unusable, so a crash from then on means a
// rebuild next time, never a mix of old and new) and the temporary files
// of writes a crash interrupted.
func prepareRebuild(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if ents, err := os.ReadDir(dir); err == nil {
		for _, e := range ents {
			if indexfile.IsTemp(e.Name()) {
				os.Remove(filepath.Join(dir, e.Name()))
			}
		}
	}
	if err := os.Remove(filepath.Join(dir, stateFile)); err != nil && !isNotExist(err) {
		return err
	}
	return nil
}

// scanBulk fills a Bulk from the store and the files on disk.
func scanBulk(ctx context.Context, st *store.Store, root string, cfg *Config) (*Bulk, error) {
	files, err := indexedFiles(st)
	if err != nil {
		return nil, err
	}
	byFile := map[string][]graph.Node{}
	if err := st.AllNodes(func(n graph.Node) error {
		if IsDoc(n.Kind) {
			n.Locals = "" // not searched; the largest field
			byFile[n.File] = append(byFile[n.File], n)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	// Nodes created through the API are indexed too (readFiles reads no
	// source for them).
	for p := range byFile {
		if strings.HasPrefix(p, graph.APIPrefix) {
			files = append(files, p)
		}
	}
	b := newBulk(cfg)
	err = readFiles(ctx, st, root, files, byFile, cfg, func(fd *fileDocs) error {
		b.files[fd.path] = true
		if !fd.hasText() {
			return nil
		}
		return b.add(fd)
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// Bulk builds the lexical and trigram indexes of a full rebuild, and
// collects what fits the embedding model, from files as they come: an
// index run that writes every file of a new store feeds it as it goes (see
// Changes.Bulk), so that this work overlaps the parsing instead of
// following it, and the documents need not be read back from the store.
type Bulk struct {
	lb      *lexical.Builder
	gb      *grep.Builder
	fitter  *embed.Fitter
	toEmbed int
	// vecIDs are, per file, the ids of its symbols that get vectors, by
	// position: the vector build after the fit reads the symbols back from
	// the store (held here until then, they were 90 MB of the JDK's peak,
	// beside resolution; their ids are 2 MB).
	vecIDs  map[string][]graph.NodeID
	files   map[string]bool // every file added
	vectors bool            // the configuration builds vectors
	// saved is set once the lexical and trigram indexes are written (see
	// Updater.SaveBulk), with their sizes.
	saved          bool
	symbols, nfile int
	// runs are the files' documents as added: the documents of one file
	// are added together, so each file's are a run of the lexical
	// builder's and of the fitter's, which are laid out by path when they
	// are saved (bulkOrder) whatever order the files came in.
	runs []bulkRun
}

// bulkRun is one file's documents in a Bulk: the lexical builder's from
// lex (nlex of them) and the fitter's from fit (nfit).
type bulkRun struct {
	path                 string
	lex, nlex, fit, nfit int32
}

func newBulk(cfg *Config) *Bulk {
	b := &Bulk{lb: lexical.NewBuilder(), gb: grep.NewBuilder(), files: map[string]bool{}, vecIDs: map[string][]graph.NodeID{}, vectors: !cfg.NoVectors}
	if b.vectors && isBuiltin(&cfg.Embedding) {
		b.fitter = embed.NewFitter(embed.Options{Dim: cfg.Embedding.Dimensions})
	}
	return b
}

// Add indexes one written file: its path, its content (nil when it could
// not be read) and its nodes as written (only the searchable ones are
// kept; see IsDoc). Each file is added once.
func (b *Bulk) Add(path string, src []byte, nodes []graph.Node) error {
	if b.saved {
		return errors.New("search: bulk already saved")
	}
	if b.files[path] {
		return fmt.Errorf("search: %s added twice", path)
	}
	b.files[path] = true
	fd := &fileDocs{path: path, src: src, api: strings.HasPrefix(path, graph.APIPrefix)}
	if !fd.hasText() {
		return nil
	}
	for _, n := range nodes {
		if IsDoc(n.Kind) {
			n.Locals = ""
			fd.nodes = append(fd.nodes, n)
		}
	}
	return b.add(fd)
}

func (b *Bulk) add(fd *fileDocs) error {
	if fd.src != nil {
		if err := b.gb.Add(fd.path, fd.src); err != nil {
			return err
		}
	}
	// A file's documents by position, whichever order the extractor or
	// the store gave them in.
	slices.SortFunc(fd.nodes, byPosition)
	run := bulkRun{path: fd.path, lex: int32(b.lb.Len())}
	if b.fitter != nil {
		run.fit = int32(b.fitter.Len())
	}
	defer func() {
		run.nlex = int32(b.lb.Len()) - run.lex
		if b.fitter != nil {
			run.nfit = int32(b.fitter.Len()) - run.fit
		}
		if run.nlex > 0 || run.nfit > 0 {
			b.runs = append(b.runs, run)
		}
	}()
	var vecs []graph.NodeID
	for i := range fd.nodes {
		d := embed.NodeDoc(&fd.nodes[i], fd.src)
		if err := b.lb.Add(lexDoc(&fd.nodes[i], &d)); err != nil {
			return err
		}
		if embedded(fd.nodes[i].Kind) {
			b.toEmbed++
			if b.fitter != nil {
				b.fitter.Add(d)
			}
			if b.vectors {
				vecs = append(vecs, fd.nodes[i].ID)
			}
		}
	}
	if len(vecs) > 0 {
		b.vecIDs[fd.path] = slices.Clip(vecs)
	}
	return nil
}

// byPosition orders a file's documents by position, then id.
func byPosition(x, y graph.Node) int {
	if c := cmp.Compare(x.StartByte, y.StartByte); c != 0 {
		return c
	}
	return cmp.Compare(x.ID, y.ID)
}

// order returns the documents of a builder (the lexical one or the
// fitter, whose run of each file span gives) by path, then position: the
// numbers, in the order they were added, of the documents in that order.
func (b *Bulk) order(span func(*bulkRun) (from, n int32)) []uint32 {
	slices.SortFunc(b.runs, func(x, y bulkRun) int { return strings.Compare(x.path, y.path) })
	var order []uint32
	for i := range b.runs {
		from, n := span(&b.runs[i])
		for d := from; d < from+n; d++ {
			order = append(order, uint32(d))
		}
	}
	return order
}

// covers reports whether b holds every file of the store, and nothing
// else: the files of the index run that fed it are all the store holds.
func (b *Bulk) covers(st *store.Store) (bool, error) {
	n := 0
	ok := true
	err := st.Files(func(m store.FileMeta) error {
		switch {
		case strings.HasPrefix(m.Path, graph.APIPrefix):
			ok = false // nodes created through the API: not in b
		case graph.Synthetic(m.Path):
		case !b.files[m.Path]:
			ok = false
		default:
			n++
		}
		return nil
	})
	return ok && n == len(b.files), err
}

// saveText writes the lexical and trigram indexes b built into dir (both
// at once), and lets go of them.
func (b *Bulk) saveText(ctx context.Context, dir string) error {
	if b.saved {
		return nil
	}
	b.symbols, b.nfile = b.lb.Len(), b.gb.Len()
	if err := b.lb.Reorder(b.order(func(r *bulkRun) (int32, int32) { return r.lex, r.nlex })); err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		lex, err := b.lb.Save(gctx, filepath.Join(dir, lexicalDir), nil)
		if err != nil {
			return fmt.Errorf("search: lexical index: %w", err)
		}
		return lex.Close()
	})
	g.Go(func() error {
		gi, err := b.gb.Write(gctx, filepath.Join(dir, grepDir), grep.Options{})
		if err != nil {
			return fmt.Errorf("search: grep index: %w", err)
		}
		return gi.Close()
	})
	if err := g.Wait(); err != nil {
		return err
	}
	b.lb, b.gb, b.saved = nil, nil, true
	return nil
}

// finish writes the indexes b built (and the vectors) into dir.
func (b *Bulk) finish(ctx context.Context, st *store.Store, dir, root string, cfg *Config) (UpdateStats, error) {
	var stats UpdateStats
	if err := b.saveText(ctx, dir); err != nil {
		return stats, err
	}
	stats.Symbols, stats.Files = b.symbols, b.nfile
	state := State{Version: FormatVersion, Symbols: stats.Symbols, Files: stats.Files}
	os.Remove(filepath.Join(dir, vectorsFile))
	os.Remove(filepath.Join(dir, vectorsFile+".log"))
	if !cfg.NoVectors {
		var model *embed.Model
		if b.fitter != nil {
			if err := b.fitter.Reorder(b.order(func(r *bulkRun) (int32, int32) { return r.fit, r.nfit })); err != nil {
				return stats, err
			}
			var err error
			model, err = b.fitter.Fit(ctx)
			b.fitter = nil
			if err != nil && !errors.Is(err, embed.ErrEmpty) {
				return stats, fmt.Errorf("search: fit embedding model: %w", err)
			}
			if model == nil {
				// Nothing to learn from (no words at all): no vectors.
				return stats, finishState(dir, state)
			}
			if err := model.Save(filepath.Join(dir, modelFile)); err != nil {
				return stats, err
			}
		}
		emb, err := newEmbedder(ctx, &cfg.Embedding, model)
		if err != nil {
			return stats, err
		}
		n, err := buildVectors(ctx, st, dir, root, b.vecIDs, emb, b.toEmbed, cfg)
		b.vecIDs = nil
		if err != nil {
			return stats, err
		}
		stats.Embedded = n
		state.Embedder, state.Dim, state.Vectors = emb.ID(), emb.Dim(), n
	}
	return stats, finishState(dir, state)
}

func finishState(dir string, s State) error {
	if err := writeState(dir, s); err != nil {
		return fmt.Errorf("search: %w", err)
	}
	return nil
}

func isBuiltin(c *embed.Config) bool {
	return c.Provider == "" || c.Provider == embed.ProviderBuiltin
}

// flatMax is the largest vector count kept in a flat (exact) index: an
// int8 scan of that many 256-dimension vectors takes about 15 ms on one
// core and costs nothing to build, while an HNSW graph over them takes
// minutes of CPU (BENCHMARKS.md).
const flatMax = 150_000

// vectorOptions are the vector index's settings for n vectors: int8 codes,
// cosine, flat up to flatMax and HNSW (with a cheaper construction beam)
// above. An existing index file keeps the kind it was built with.
func vectorOptions(dim, n int) vector.Options {
	o := vector.Options{Kind: vector.Flat, Dim: dim, Metric: vector.Cosine, Quantization: vector.Int8}
	if n > flatMax {
		o.Kind, o.EfConstruction = vector.HNSW, 100
	}
	return o
}

// embedBatch is how many symbols are embedded and inserted at a time.
const embedBatch = 2048

// buildVectors embeds the symbols of ids (per file, by position) and
// writes a new vector index. It reads the files and the symbols a second
// time, a group of files at a time: the model is fitted on all of them
// first, and re-reading sources from the page cache and symbols from the
// store costs less than holding every symbol until then.
func buildVectors(ctx context.Context, st *store.Store, dir, root string, ids map[string][]graph.NodeID, emb embed.Embedder, n int, cfg *Config) (int, error) {
	ix, err := vector.New(vectorOptions(emb.Dim(), n))
	if err != nil {
		return 0, err
	}
	defer ix.Close()
	var vids []uint64
	var docs []embed.Doc
	flush := func() error {
		if len(docs) == 0 {
			return nil
		}
		vecs, err := embed.EmbedDocs(ctx, emb, docs)
		if err != nil {
			return fmt.Errorf("search: embed: %w", err)
		}
		if err := ix.Add(ctx, vids, vecs); err != nil {
			return err
		}
		vids, docs = vids[:0], docs[:0]
		return nil
	}
	embedFile := func(fd *fileDocs) error {
		if !fd.hasText() {
			return nil
		}
		for i := range fd.nodes {
			if embedded(fd.nodes[i].Kind) {
				vids = append(vids, uint64(fd.nodes[i].ID))
				docs = append(docs, embed.NodeDoc(&fd.nodes[i], fd.src))
			}
		}
		if len(docs) >= embedBatch {
			return flush()
		}
		return nil
	}
	files := slices.Sorted(maps.Keys(ids))
	for len(files) > 0 {
		// The next group of files, and their symbols in one read (in key
		// order: cheaper than a lookup per symbol).
		var group []string
		var gids []graph.NodeID
		for len(files) > 0 && (len(gids) == 0 || len(gids)+len(ids[files[0]]) <= vectorGroup) {
			group = append(group, files[0])
			gids = append(gids, ids[files[0]]...)
			files = files[1:]
		}
		nodes := make([]graph.Node, len(gids))
		if err := st.NodesByID(gids, nodes); err != nil {
			return 0, err
		}
		byFile := make(map[string][]graph.Node, len(group))
		for _, p := range group {
			k := len(ids[p])
			byFile[p] = slices.DeleteFunc(nodes[:k:k], func(n graph.Node) bool { return n.ID == 0 }) // gone since
			nodes = nodes[k:]
		}
		if err := readFiles(ctx, st, root, group, byFile, cfg, embedFile); err != nil {
			return 0, err
		}
	}
	if err := flush(); err != nil {
		return 0, err
	}
	if err := ix.Save(filepath.Join(dir, vectorsFile)); err != nil {
		return 0, err
	}
	return ix.Len(), nil
}

// vectorGroup is about how many symbols buildVectors reads from the store
// at a time.
const vectorGroup = 16384

// updateLocked applies ch to the existing indexes, opening what it needs.
func (u *Updater) updateLocked(ctx context.Context, ch Changes) (UpdateStats, error) {
	var stats UpdateStats
	if err := u.openLocked(); err != nil {
		return stats, err
	}
	lex, gi, state := u.lex, u.gi, u.state
	removed := make([]uint64, len(ch.Removed))
	for i, id := range ch.Removed {
		removed[i] = uint64(id)
	}
	if err := lex.Delete(ctx, removed...); err != nil {
		return stats, err
	}
	vectors := state.Embedder != ""
	var changes []grep.Change
	for _, p := range ch.Deleted {
		if !graph.Synthetic(p) {
			changes = append(changes, grep.Change{Path: p, Deleted: true})
		}
	}
	var lexDocs []lexical.Doc
	var embIDs []uint64
	var embDocs []embed.Doc
	var byFile map[string][]graph.Node
	if ch.Nodes != nil && !slices.ContainsFunc(ch.Files, func(p string) bool { _, ok := ch.Nodes[p]; return !ok }) {
		byFile = ch.Nodes
	}
	err := readFiles(ctx, u.st, u.root, ch.Files, byFile, &u.cfg, func(fd *fileDocs) error {
		switch {
		case fd.api: // no source, nothing for the trigram index
		case fd.src == nil:
			changes = append(changes, grep.Change{Path: fd.path, Deleted: true})
			return nil
		default:
			changes = append(changes, grep.Change{Path: fd.path, Content: fd.src})
		}
		for i := range fd.nodes {
			n := &fd.nodes[i]
			d := embed.NodeDoc(n, fd.src)
			lexDocs = append(lexDocs, lexDoc(n, &d))
			if vectors && !ch.Unchanged[n.ID] && embedded(n.Kind) {
				embIDs = append(embIDs, uint64(n.ID))
				embDocs = append(embDocs, d)
			}
		}
		return nil
	})
	if err != nil {
		return stats, err
	}
	if err := lex.Add(ctx, lexDocs...); err != nil {
		return stats, err
	}
	save := lex.Save
	if u.deferMerge {
		save = lex.SaveDelta // merged afterwards (mergeLaterLocked)
	}
	if err := save(ctx, filepath.Join(u.dir, lexicalDir)); err != nil {
		return stats, err
	}
	if err := gi.Update(ctx, changes); err != nil {
		return stats, err
	}
	stats.Symbols, stats.Files = len(lexDocs), len(changes)
	// The embedder and vectors are opened only when some vector changes
	// (loading the model costs more than a small update otherwise); then
	// they stay open.
	if vectors && (len(removed) > 0 || len(embDocs) > 0) {
		if err := u.openVectorsLocked(ctx, len(embDocs) > 0); err != nil {
			return stats, err
		}
		if err := u.vec.Delete(removed...); err != nil {
			return stats, err
		}
		if len(embDocs) > 0 {
			vecs, err := embed.EmbedDocs(ctx, u.emb, embDocs)
			if err != nil {
				return stats, fmt.Errorf("search: embed: %w", err)
			}
			if err := u.vec.Add(ctx, embIDs, vecs); err != nil {
				return stats, err
			}
			stats.Embedded = len(embDocs)
		}
		state.Vectors = u.vec.Len()
	}
	state.Symbols, state.Files = lex.Len(), gi.Len()
	return stats, u.writeStateLocked(state)
}
