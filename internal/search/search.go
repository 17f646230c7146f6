package search

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/search/embed"
	"github.com/codegraph-dev/codegraph/internal/search/grep"
	"github.com/codegraph-dev/codegraph/internal/search/lexical"
	"github.com/codegraph-dev/codegraph/internal/search/vector"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// Mode is a search mode.
type Mode string

// The search modes.
const (
	Hybrid   Mode = "hybrid"
	Lexical  Mode = "lexical"
	Semantic Mode = "semantic"
	Exact    Mode = "exact"
	Regex    Mode = "regex"
)

// Modes lists the modes, default first.
var Modes = []Mode{Hybrid, Lexical, Semantic, Exact, Regex}

// ParseMode reads a mode name.
func ParseMode(s string) (Mode, error) {
	for _, m := range Modes {
		if string(m) == strings.ToLower(s) {
			return m, nil
		}
	}
	return "", fmt.Errorf("unknown search mode %q (want one of hybrid, lexical, semantic, exact, regex)", s)
}

// Request is one search.
type Request struct {
	Query string
	Mode  Mode // default Hybrid
	// Filters: languages (go, python, ...), node kinds (function, method,
	// ...), gitignore-style path globs. Empty means any.
	Langs []string
	Kinds []string
	Paths []string
	// Limit is the number of hits (default 10).
	Limit int
	// Threshold drops hits scoring below it (scores are in 0..1 for
	// hybrid and semantic, BM25 units for lexical, 1 for exact/regex).
	Threshold float64
	// IgnoreCase makes exact and regex matching case-insensitive.
	IgnoreCase bool
}

// Hit is one result: the symbol (for exact and regex, the symbol
// enclosing the matching line, or the file when none does) and its score.
type Hit struct {
	query.Symbol
	Score float64 `json:"score"`
	// Column and Text are set for exact and regex hits: the matching line.
	Column int    `json:"column,omitempty"`
	Text   string `json:"text,omitempty"`
	// Signals names what found the hit in hybrid mode (lexical, semantic,
	// name).
	Signals []string `json:"signals,omitempty"`
}

// Response is a search's hits and how they were found.
type Response struct {
	Mode  Mode  `json:"mode"`
	Hits  []Hit `json:"hits"`
	Total int   `json:"total"` // hits before the limit (exact/regex: matching lines seen)
	// Truncated is set when more matches exist than were looked at.
	Truncated bool          `json:"truncated,omitempty"`
	Note      string        `json:"note,omitempty"` // e.g. semantic search unavailable
	Took      time.Duration `json:"took_ns"`
}

// Searcher runs searches over one store's search indexes. Indexes are
// opened on first use; a Searcher is safe for concurrent use.
type Searcher struct {
	st   *store.Store
	q    *query.Engine
	dir  string
	root string
	cfg  Config

	once    sync.Once
	openErr error
	state   State
	lex     *lexical.Index

	// The trigram index is opened by the first exact or regex search:
	// hybrid and lexical searches do not read it (mapping and checking its
	// tables was 7% of a one-shot hybrid search's CPU).
	grepOnce sync.Once
	grepErr  error
	grep     *grep.Index

	// lexParams overrides the lexical ranking parameters (nil: the
	// defaults); the evaluation harness sets it to compare variants.
	lexParams *lexical.Params

	vecOnce sync.Once
	vecErr  error
	vec     *vector.Persistent
	emb     embed.Embedder
}

// Open returns a Searcher over the search indexes of the store in dbDir,
// for the repository at root. cfg.Embedding must name the provider the
// index was built with (the built-in model needs nothing).
func Open(st *store.Store, q *query.Engine, dbDir, root string, cfg Config) *Searcher {
	return &Searcher{st: st, q: q, dir: filepath.Join(dbDir, DirName), root: root, cfg: cfg}
}

// Close releases the indexes.
func (s *Searcher) Close() error {
	var errs []error
	if s.lex != nil {
		errs = append(errs, s.lex.Close())
	}
	if s.grep != nil {
		errs = append(errs, s.grep.Close())
	}
	if s.vec != nil {
		errs = append(errs, s.vec.Close())
	}
	return errors.Join(errs...)
}

func (s *Searcher) open() error {
	s.once.Do(func() {
		st, err := readState(s.dir)
		if err != nil {
			if isNotExist(err) {
				err = ErrNoIndex
			}
			s.openErr = err
			return
		}
		if st.Version != FormatVersion {
			s.openErr = outdatedError{st.Version}
			return
		}
		s.state = st
		var lo *lexical.Options
		if s.lexParams != nil {
			lo = &lexical.Options{Params: s.lexParams}
		}
		if s.lex, err = lexical.Open(filepath.Join(s.dir, lexicalDir), lo); err != nil {
			s.openErr = damaged("lexical index", err)
		}
	})
	return s.openErr
}

// grepIndex opens the trigram index (after open succeeded).
func (s *Searcher) grepIndex() (*grep.Index, error) {
	s.grepOnce.Do(func() {
		gi, err := grep.Open(filepath.Join(s.dir, grepDir), grep.Options{})
		if err != nil {
			s.grepErr = damaged("grep index", err)
			return
		}
		s.grep = gi
	})
	return s.grep, s.grepErr
}

// openedVectors is the outcome of opening the vector index.
type openedVectors struct {
	v   *vector.Persistent
	err error
}

// vectors opens the embedder and vector index (for semantic and hybrid).
func (s *Searcher) vectors(ctx context.Context) error {
	s.vecOnce.Do(func() {
		if s.state.Embedder == "" {
			s.vecErr = errors.New("semantic search is off for this index (it was built with --no-semantic)")
			return
		}
		// The vector index opens while the model loads: each is mostly a
		// checksum pass over its file, and a one-shot search has two cores
		// for them. It opens with the dimension the state records, and
		// again below with the embedder's should that differ.
		vecPath := filepath.Join(s.dir, vectorsFile)
		var pre chan openedVectors
		if _, err := os.Stat(vecPath); err == nil && s.state.Dim > 0 {
			pre = make(chan openedVectors, 1)
			go func() {
				v, err := vector.OpenPersistent(ctx, vecPath, vectorOptions(s.state.Dim, 0))
				pre <- openedVectors{v, err}
			}()
			defer func() {
				if pre != nil { // not taken: an earlier failure
					if o := <-pre; o.v != nil {
						o.v.Close()
					}
				}
			}()
		}
		var model *embed.Model
		var err error
		if isBuiltin(&s.cfg.Embedding) {
			path := filepath.Join(s.dir, modelFile)
			switch {
			case s.cfg.Models != nil:
				model, err = s.cfg.Models.load(path)
			case s.cfg.OneShot:
				model, err = embed.LoadForQueries(path)
			default:
				model, err = embed.Load(path)
			}
			if err != nil {
				s.vecErr = damaged("embedding model", err)
				return
			}
		}
		if s.emb, err = newEmbedder(ctx, &s.cfg.Embedding, model); err != nil {
			s.vecErr = err
			return
		}
		if id := s.emb.ID(); id != s.state.Embedder {
			s.vecErr = fmt.Errorf("the index was embedded with %s but %s is configured: use the same provider or re-index", s.state.Embedder, id)
			return
		}
		// A reader must not create the file (OpenPersistent would, empty):
		// a vector index the state names and that is gone is damage.
		if _, err := os.Stat(vecPath); err != nil {
			s.vecErr = damaged("vector index", err)
			return
		}
		if pre != nil && s.emb.Dim() == s.state.Dim {
			o := <-pre
			pre = nil
			s.vec, s.vecErr = o.v, o.err
		} else {
			s.vec, s.vecErr = vector.OpenPersistent(ctx, vecPath, vectorOptions(s.emb.Dim(), 0))
		}
		if s.vecErr != nil {
			s.vecErr = damaged("vector index", s.vecErr)
		}
	})
	return s.vecErr
}

// Search runs one request.
func (s *Searcher) Search(ctx context.Context, req Request) (*Response, error) {
	start := time.Now()
	if strings.TrimSpace(req.Query) == "" {
		return nil, errors.New("empty query")
	}
	if req.Mode == "" {
		req.Mode = Hybrid
	}
	if req.Limit <= 0 {
		req.Limit = 10
	}
	f, err := newFilter(s, &req)
	if err != nil {
		return nil, err
	}
	if err := s.open(); err != nil {
		return nil, err
	}
	var res *Response
	switch req.Mode {
	case Exact, Regex:
		res, err = s.grepSearch(ctx, &req, f)
	case Lexical:
		res, err = s.lexicalSearch(ctx, &req, f)
	case Semantic:
		res, err = s.semanticSearch(ctx, &req, f)
	case Hybrid:
		res, err = s.hybridSearch(ctx, &req, f)
	default:
		_, err = ParseMode(string(req.Mode))
	}
	if err != nil {
		return nil, err
	}
	res.Mode = req.Mode
	res.Took = time.Since(start)
	return res, nil
}

// filter applies a request's filters to symbols, reading (and caching)
// their nodes.
type filter struct {
	s     *Searcher
	langs map[string]bool
	kinds map[graph.NodeKind]bool
	path  func(string) bool

	mu    sync.Mutex
	nodes map[uint64]*graph.Node // nil value: missing
}

func newFilter(s *Searcher, req *Request) (*filter, error) {
	f := &filter{s: s, nodes: map[uint64]*graph.Node{}}
	if len(req.Langs) > 0 {
		f.langs = map[string]bool{}
		for _, l := range req.Langs {
			f.langs[strings.ToLower(l)] = true
		}
	}
	if len(req.Kinds) > 0 {
		f.kinds = map[graph.NodeKind]bool{}
		for _, k := range req.Kinds {
			kind, ok := graph.ParseNodeKind(strings.ToLower(k))
			if !ok {
				return nil, fmt.Errorf("unknown kind %q", k)
			}
			f.kinds[kind] = true
		}
	}
	if len(req.Paths) > 0 {
		f.path = grep.PathFilter(req.Paths...)
	}
	return f, nil
}

// node returns the node with id, or nil if it no longer exists.
func (f *filter) node(id uint64) *graph.Node {
	f.mu.Lock()
	n, ok := f.nodes[id]
	f.mu.Unlock()
	if ok {
		return n
	}
	if nd, err := f.s.st.Node(graph.NodeID(id)); err == nil {
		n = &nd
	}
	f.mu.Lock()
	f.nodes[id] = n
	f.mu.Unlock()
	return n
}

// load reads the nodes of ids not read yet, in one batch.
func (f *filter) load(ids []uint64) {
	var want []graph.NodeID
	f.mu.Lock()
	for _, id := range ids {
		if _, ok := f.nodes[id]; !ok {
			want = append(want, graph.NodeID(id))
		}
	}
	f.mu.Unlock()
	if len(want) == 0 {
		return
	}
	out := make([]graph.Node, len(want))
	if err := f.s.st.NodesByID(want, out); err != nil {
		return // read one by one later
	}
	f.mu.Lock()
	for i := range out {
		if out[i].ID != 0 {
			f.nodes[uint64(want[i])] = &out[i]
		} else {
			f.nodes[uint64(want[i])] = nil
		}
	}
	f.mu.Unlock()
}

func (f *filter) active() bool { return f.langs != nil || f.kinds != nil || f.path != nil }

// keepNode reports whether n passes the filters.
func (f *filter) keepNode(n *graph.Node) bool {
	if n == nil {
		return false
	}
	if f.langs != nil && !f.langs[n.Language] {
		return false
	}
	if f.kinds != nil && !f.kinds[n.Kind] {
		return false
	}
	return f.path == nil || f.path(n.File)
}

// fn is the filter as the indexes take it (nil when there is none).
func (f *filter) fn() func(uint64) bool {
	if !f.active() {
		return nil
	}
	return func(id uint64) bool { return f.keepNode(f.node(id)) }
}

// scored is one candidate symbol.
type scored struct {
	id      uint64
	score   float64
	signals []string
}

// render turns candidates into hits (best first, limit applied), dropping
// symbols that no longer exist.
func (s *Searcher) render(f *filter, cands []scored, req *Request) []Hit {
	ids := make([]uint64, len(cands))
	for i, c := range cands {
		ids[i] = c.id
	}
	f.load(ids)
	hits := make([]Hit, 0, min(req.Limit, len(cands)))
	for _, c := range cands {
		if len(hits) == req.Limit {
			break
		}
		if c.score < req.Threshold {
			continue
		}
		n := f.node(c.id)
		if n == nil || !f.keepNode(n) {
			continue
		}
		hits = append(hits, Hit{Symbol: s.q.SymbolOf(*n), Score: round(c.score), Signals: c.signals})
	}
	return hits
}

func round(x float64) float64 { return math.Round(x*1e4) / 1e4 }

func (s *Searcher) lexicalSearch(ctx context.Context, req *Request, f *filter) (*Response, error) {
	hits := s.lex.Search(ctx, req.Query, req.Limit, f.fn())
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := s.lex.Err(); err != nil {
		return nil, damaged("lexical index", err)
	}
	cands := make([]scored, len(hits))
	for i, h := range hits {
		cands[i] = scored{id: h.ID, score: float64(h.Score)}
	}
	out := s.render(f, cands, req)
	return &Response{Hits: out, Total: len(out)}, nil
}

func (s *Searcher) semanticSearch(ctx context.Context, req *Request, f *filter) (*Response, error) {
	if err := s.vectors(ctx); err != nil {
		return nil, err
	}
	res, err := s.nearest(ctx, req.Query, req.Limit, f)
	if err != nil {
		return nil, err
	}
	cands := make([]scored, len(res))
	for i, r := range res {
		cands[i] = scored{id: r.ID, score: float64(r.Score)}
	}
	out := s.render(f, cands, req)
	return &Response{Hits: out, Total: len(out)}, nil
}

func (s *Searcher) nearest(ctx context.Context, q string, k int, f *filter) ([]vector.Result, error) {
	res, _, err := s.nearestVec(ctx, q, k, f)
	return res, err
}

// nearestVec is nearest that also returns the query's vector.
func (s *Searcher) nearestVec(ctx context.Context, q string, k int, f *filter) ([]vector.Result, []float32, error) {
	vecs, err := s.emb.Embed(ctx, []string{q})
	if err != nil {
		return nil, nil, fmt.Errorf("embed query: %w", err)
	}
	res, err := s.vec.Search(ctx, vecs[0], k, vector.Filter(f.fn()))
	return res, vecs[0], err
}

// grepSearch runs exact and regex searches: matching lines with the
// symbol that encloses each.
func (s *Searcher) grepSearch(ctx context.Context, req *Request, f *filter) (*Response, error) {
	mode := grep.Exact
	if req.Mode == Regex {
		mode = grep.Regex
	}
	var pf []func(string) bool
	if f.path != nil {
		pf = append(pf, f.path)
	}
	if len(req.Langs) > 0 {
		lf, err := grep.LangFilter(req.Langs...)
		if err != nil {
			return nil, err
		}
		pf = append(pf, lf)
	}
	q := grep.Query{Pattern: req.Query, Mode: mode, IgnoreCase: req.IgnoreCase, Filter: grep.And(pf...)}
	if f.kinds == nil {
		q.Limit = req.Limit
	} else {
		q.Limit = 50 * req.Limit // matches outside the kinds asked for are dropped
	}
	if len(pf) == 0 {
		q.Filter = nil
	}
	gi, err := s.grepIndex()
	if err != nil {
		return nil, err
	}
	r, err := gi.Search(ctx, s.root, q)
	if errors.Is(err, ErrCorrupt) {
		return nil, damaged("grep index", err)
	}
	if err != nil {
		return nil, err
	}
	res := &Response{Total: len(r.Matches), Truncated: r.Truncated}
	enclosing := map[string][]graph.Node{}
	for i, m := range r.Matches {
		if len(res.Hits) == req.Limit {
			res.Truncated = true
			break
		}
		nodes, ok := enclosing[m.Path]
		if !ok {
			s.enclosingNodes(r.Matches[i:], enclosing)
			nodes = enclosing[m.Path]
		}
		sym := innermost(nodes, uint32(m.Line))
		if f.kinds != nil && (sym == nil || !f.kinds[sym.Kind]) {
			continue
		}
		var h Hit
		if sym != nil {
			h.Symbol = s.q.SymbolOf(*sym)
		} else {
			h.Symbol = query.Symbol{Kind: graph.KindFile.String(), Name: path.Base(m.Path), QualifiedName: m.Path, File: m.Path}
		}
		h.Line, h.EndLine = uint32(m.Line), uint32(m.Line)
		h.Score, h.Column, h.Text = 1, m.Column, m.Text
		h.Snippet = m.Text
		res.Hits = append(res.Hits, h)
	}
	return res, nil
}

// enclosingBatch is how many files' nodes enclosingNodes reads at once.
const enclosingBatch = 64

// enclosingNodes reads the nodes that can enclose a match (IsDoc kinds and
// the file) of the next files of ms not yet in into it, each file's in
// order of start byte (as Store.NodesInFile gives them), up to
// enclosingBatch files: with one iterator over the file index (whose
// entries give the kinds, so imports and packages are not read) and one
// over the nodes in key order, instead of two iterators and a point read
// per node for each file.
func (s *Searcher) enclosingNodes(ms []grep.Match, into map[string][]graph.Node) {
	var paths []string
	seen := map[string]bool{}
	for _, m := range ms {
		if _, done := into[m.Path]; done || seen[m.Path] {
			continue
		}
		seen[m.Path] = true
		paths = append(paths, m.Path)
		if len(paths) == enclosingBatch {
			break
		}
	}
	var ids []graph.NodeID
	var file []int
	s.st.FileEntries(paths, func(i int, e store.FileEntry) error {
		if IsDoc(e.Kind) || e.Kind == graph.KindFile {
			ids = append(ids, e.ID)
			file = append(file, i)
		}
		return nil
	})
	nodes := make([]graph.Node, len(ids))
	if err := s.st.NodesByID(ids, nodes); err != nil {
		nodes = nil // as NodesInFile's failures were: no enclosing symbol
	}
	for _, p := range paths {
		into[p] = nil
	}
	for k, n := range nodes {
		if n.ID == 0 {
			continue
		}
		p := paths[file[k]]
		into[p] = append(into[p], n)
	}
}

// innermost returns the narrowest node whose lines contain line (nil when
// only the file does).
func innermost(nodes []graph.Node, line uint32) *graph.Node {
	var best *graph.Node
	for i := range nodes {
		n := &nodes[i]
		if n.Kind == graph.KindFile || n.StartLine > line || n.EndLine < line {
			continue
		}
		if best == nil || n.EndLine-n.StartLine < best.EndLine-best.StartLine {
			best = n
		}
	}
	if best == nil {
		for i := range nodes {
			if nodes[i].Kind == graph.KindFile {
				return &nodes[i]
			}
		}
	}
	return best
}

// hybridParams are the fusion weights and boosts, chosen on the search
// test sets (BENCHMARKS.md, "Search quality"; fusing normalised scores
// measured better there than reciprocal-rank fusion, and penalising
// private symbols or favouring central ones worse).
type hybridParams struct {
	depth     int     // candidates each signal contributes
	lexical   float64 // weight of the lexical score (BM25 over the best)
	semantic  float64 // weight of the semantic score (cosine rescaled over the list)
	name      float64 // weight of an exact name match
	minorKind float64 // factor for kinds rarely searched for (fields, variables, ...)
	test      float64 // factor for test code, unless the query asks for tests
	// semSpan: a candidate's cosine c counts (c-(hi-semSpan))/semSpan of
	// the semantic weight, hi the best cosine of the query's candidates,
	// and nothing below hi-semSpan (or below the lowest cosine, when the
	// candidates span less).
	semSpan float64
	// nearestBelow: when the lexical and name signals find fewer
	// candidates than this, the query's nearest neighbours in the vector
	// index join the candidates (with a flat index, a scan of every
	// vector: most of a hybrid query's time). Otherwise the semantic
	// signal only scores the lexical and name candidates, which measured
	// as good (BENCHMARKS.md): a scan pays off for queries whose words
	// the code does not use.
	nearestBelow int
}

var hybrid = hybridParams{depth: 100, lexical: 1, semantic: 0.1, name: 1, minorKind: 0.3, test: 0.3, semSpan: 0.4, nearestBelow: 20}

// signals are the rankings hybrid search fuses.
type signals struct {
	lex      []lexical.Hit
	vec      []vector.Result
	names    []uint64
	semantic bool // the semantic ranking was available
	qvec     []float32
	sim      map[uint64]float32 // cosine of every candidate that has a vector
}

// gather runs the rankings concurrently.
func (s *Searcher) gather(ctx context.Context, req *Request, f *filter, p *hybridParams) (*signals, string, error) {
	sig := &signals{}
	fn := f.fn()
	var note string
	// The model and the vector index load (on first use) and the query's
	// embedding is computed while the lexical index answers.
	var wg sync.WaitGroup
	var vecErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		if sig.semantic = s.vectors(ctx) == nil; !sig.semantic {
			return
		}
		vecs, err := s.emb.Embed(ctx, []string{req.Query})
		if err != nil {
			vecErr = fmt.Errorf("embed query: %w", err)
			return
		}
		sig.qvec = vecs[0]
	}()
	sig.lex = s.lex.Search(ctx, req.Query, p.depth, fn)
	sig.names = s.nameMatches(req.Query, p.depth)
	wg.Wait()
	if !sig.semantic {
		note = "semantic signal unavailable: " + s.vecErr.Error()
	}
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	if err := s.lex.Err(); err != nil {
		return nil, "", damaged("lexical index", err)
	}
	if vecErr != nil {
		return nil, "", vecErr
	}
	if !sig.semantic {
		return sig, note, nil
	}
	if len(sig.lex)+len(sig.names) < p.nearestBelow {
		res, err := s.vec.Search(ctx, sig.qvec, p.depth, vector.Filter(fn))
		if err != nil {
			return nil, "", err
		}
		sig.vec = res
	}
	// The cosine of every lexical and name candidate, not only of those
	// among the nearest: fusion scores them all.
	ids := make([]uint64, 0, len(sig.lex)+len(sig.names))
	for _, h := range sig.lex {
		ids = append(ids, h.ID)
	}
	ids = append(ids, sig.names...)
	sims := make([]float32, len(ids))
	if err := s.vec.Similarities(sig.qvec, ids, sims); err != nil {
		return nil, "", err
	}
	sig.sim = make(map[uint64]float32, len(ids)+len(sig.vec))
	for i, id := range ids {
		if !math.IsNaN(float64(sims[i])) {
			sig.sim[id] = sims[i]
		}
	}
	for _, h := range sig.vec {
		sig.sim[h.ID] = h.Score
	}
	return sig, note, nil
}

// fuse adds the weighted, normalised scores of each candidate, then boosts
// by what the graph says of it (its kind, whether it is test code). Scores
// are scaled so that a symbol first in every ranking scores 1. Candidates
// come back best first.
func (s *Searcher) fuse(sig *signals, p *hybridParams, f *filter, query string) []scored {
	acc := map[uint64]*scored{}
	add := func(id uint64, v float64, signal string) {
		c := acc[id]
		if c == nil {
			c = &scored{id: id}
			acc[id] = c
		}
		c.score += v
		c.signals = append(c.signals, signal)
	}
	if len(sig.lex) > 0 && sig.lex[0].Score > 0 && p.lexical > 0 {
		top := float64(sig.lex[0].Score)
		for _, h := range sig.lex {
			add(h.ID, p.lexical*float64(h.Score)/top, "lexical")
		}
	}
	// The semantic score of every candidate that has a vector: the
	// nearest neighbours and the lexical and name candidates alike.
	if p.semantic > 0 && len(sig.sim) > 1 {
		hi, lo := float32(-2), float32(2)
		for _, v := range sig.sim {
			hi, lo = max(hi, v), min(lo, v)
		}
		lo = max(lo, hi-float32(p.semSpan))
		if hi > lo {
			for id, v := range sig.sim {
				if v > lo {
					add(id, p.semantic*float64(v-lo)/float64(hi-lo), "semantic")
				}
			}
		}
	}
	if p.name > 0 {
		for _, id := range sig.names {
			add(id, p.name, "name")
		}
	}
	cands := make([]scored, 0, len(acc))
	ids := make([]uint64, 0, len(acc))
	for id, c := range acc {
		cands = append(cands, *c)
		ids = append(ids, id)
	}
	f.load(ids)
	asksTests := strings.Contains(strings.ToLower(query), "test")
	maxScore := p.lexical + p.name
	if sig.semantic {
		maxScore += p.semantic
	}
	for i := range cands {
		c := &cands[i]
		n := f.node(c.id)
		if n == nil {
			c.score = -1
			continue
		}
		if !n.Kind.IsCallable() && !n.Kind.IsType() {
			c.score *= p.minorKind
		}
		if !asksTests && isTestFile(n.File) {
			c.score *= p.test
		}
		c.score /= maxScore
	}
	sortScored(cands)
	return cands
}

func sortScored(cands []scored) {
	slices.SortFunc(cands, func(a, b scored) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
}

func (s *Searcher) hybridSearch(ctx context.Context, req *Request, f *filter) (*Response, error) {
	sig, note, err := s.gather(ctx, req, f, &hybrid)
	if err != nil {
		return nil, err
	}
	out := s.render(f, s.fuse(sig, &hybrid, f, req.Query), req)
	return &Response{Hits: out, Total: len(out), Note: note}, nil
}

// nameMatches returns the symbols whose name (or qualified name) is the
// query exactly, when the query is one identifier, possibly dotted.
func (s *Searcher) nameMatches(q string, limit int) []uint64 {
	q = strings.TrimSpace(q)
	if q == "" || strings.ContainsAny(q, " \t\n(){}[],;'\"") {
		return nil
	}
	var ids []uint64
	seen := map[graph.NodeID]bool{}
	add := func(n graph.Node) error {
		if IsDoc(n.Kind) && !seen[n.ID] && len(ids) < limit {
			seen[n.ID] = true
			ids = append(ids, uint64(n.ID))
		}
		return nil
	}
	s.st.NodesByQualifiedName(q, add)
	if i := strings.LastIndexByte(q, '.'); i < 0 {
		s.st.NodesByName(q, add)
	}
	return ids
}

// isTestFile reports whether path looks like test code in any of the
// supported languages.
func isTestFile(p string) bool {
	base := path.Base(p)
	switch {
	case strings.HasSuffix(base, "_test.go"),
		strings.HasPrefix(base, "test_") && strings.HasSuffix(base, ".py"),
		strings.HasSuffix(base, "_test.py"),
		strings.Contains(base, ".test."), strings.Contains(base, ".spec."),
		strings.HasSuffix(base, "Test.java"), strings.HasSuffix(base, "Tests.java"):
		return true
	}
	for _, dir := range strings.Split(path.Dir(p), "/") {
		switch dir {
		case "test", "tests", "testdata", "__tests__":
			return true
		}
	}
	return false
}
