package vector

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/codegraph-dev/codegraph/internal/indexfile"
)

// Kind is the index structure.
type Kind uint8

const (
	// HNSW is a hierarchical navigable small world graph: approximate,
	// fast, incremental.
	HNSW Kind = iota
	// IVF partitions rows into k-means lists and scans the NProbe lists
	// closest to the query.
	IVF
	// Flat scans every row: exact, the reference for recall.
	Flat
)

func (k Kind) String() string {
	switch k {
	case HNSW:
		return "hnsw"
	case IVF:
		return "ivf"
	case Flat:
		return "flat"
	}
	return fmt.Sprintf("kind(%d)", k)
}

// ParseKind reads "flat", "ivf" or "hnsw".
func ParseKind(s string) (Kind, error) {
	for k := HNSW; k <= Flat; k++ {
		if k.String() == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("vector: unknown index kind %q (want flat, ivf or hnsw)", s)
}

// Metric is how similarity is scored; larger scores are closer.
type Metric uint8

const (
	// Cosine normalises rows and queries to unit length, then takes the
	// inner product.
	Cosine Metric = iota
	// InnerProduct scores by the raw inner product.
	InnerProduct
)

func (m Metric) String() string {
	switch m {
	case Cosine:
		return "cosine"
	case InnerProduct:
		return "ip"
	}
	return fmt.Sprintf("metric(%d)", m)
}

// ParseMetric reads "cosine" or "ip".
func ParseMetric(s string) (Metric, error) {
	switch s {
	case "cosine":
		return Cosine, nil
	case "ip", "inner_product", "dot":
		return InnerProduct, nil
	}
	return 0, fmt.Errorf("vector: unknown metric %q (want cosine or ip)", s)
}

// Quantization is how rows are stored.
type Quantization uint8

const (
	// Float32 keeps rows exactly: 4 bytes per dimension.
	Float32 Quantization = iota
	// Int8 keeps one symmetric int8 code per dimension and one float32
	// scale per row: 1 byte per dimension; similarities are computed on
	// the codes with int32 accumulation.
	Int8
	// Float16 keeps IEEE half floats: 2 bytes per dimension.
	Float16
)

func (q Quantization) String() string {
	switch q {
	case Float32:
		return "f32"
	case Int8:
		return "int8"
	case Float16:
		return "f16"
	}
	return fmt.Sprintf("quantization(%d)", q)
}

// ParseQuantization reads "f32" (or "none"), "int8" or "f16".
func ParseQuantization(s string) (Quantization, error) {
	switch s {
	case "f32", "none", "":
		return Float32, nil
	case "int8", "sq8":
		return Int8, nil
	case "f16", "float16":
		return Float16, nil
	}
	return 0, fmt.Errorf("vector: unknown quantization %q (want f32, int8 or f16)", s)
}

// Options configure a new index. Zero fields take the defaults noted.
type Options struct {
	Kind         Kind
	Dim          int // required
	Metric       Metric
	Quantization Quantization

	M              int // HNSW links per node (level 0 keeps 2*M); default 16
	EfConstruction int // HNSW beam width while inserting; default 200
	EfSearch       int // HNSW beam width while searching; default 64

	NList  int // IVF lists; default 4*sqrt(rows) when the lists are trained
	NProbe int // IVF lists scanned per query; default 16

	Workers int    // build parallelism; default GOMAXPROCS
	Seed    uint64 // HNSW levels and k-means sampling
}

func (o *Options) ensureDefaults() {
	if o.M == 0 {
		o.M = 16
	}
	if o.EfConstruction == 0 {
		o.EfConstruction = 200
	}
	if o.EfSearch == 0 {
		o.EfSearch = 64
	}
	if o.NProbe == 0 {
		o.NProbe = 16
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
}

func (o *Options) validate() error {
	switch {
	case o.Dim <= 0 || o.Dim > 1<<16:
		return fmt.Errorf("vector: dimension %d out of range 1..65536", o.Dim)
	case o.Kind > Flat:
		return fmt.Errorf("vector: unknown index kind %d", o.Kind)
	case o.Metric > InnerProduct:
		return fmt.Errorf("vector: unknown metric %d", o.Metric)
	case o.Quantization > Float16:
		return fmt.Errorf("vector: unknown quantization %d", o.Quantization)
	case o.M < 2 || o.M > 255:
		return fmt.Errorf("vector: M %d out of range 2..255", o.M)
	case o.EfConstruction < 1 || o.EfSearch < 1:
		return errors.New("vector: ef must be positive")
	case o.NList < 0 || o.NProbe < 1:
		return errors.New("vector: nlist must be >= 0 and nprobe >= 1")
	}
	return nil
}

// Errors callers can branch on.
var (
	// ErrDimension is returned for a vector whose length is not the index's dimension.
	ErrDimension = errors.New("vector: wrong dimension")
	// ErrClosed is returned by every method after Close.
	ErrClosed = errors.New("vector: index closed")
	// ErrFormat is returned by Open for a file that is not a valid index
	// (foreign, truncated, corrupt, or of another format version).
	ErrFormat = indexfile.ErrCorrupt
)

// Filter decides whether a row, given by its caller id, may be returned.
// It must be safe for concurrent use and cheap: it can be called once per
// row of the index for a selective filter.
type Filter func(id uint64) bool

// Result is one search hit.
type Result struct {
	ID    uint64
	Score float32 // similarity under the index's metric (cosine: -1..1)
}

// SearchOptions tune one search; zero fields use the index's settings.
type SearchOptions struct {
	Filter Filter
	Ef     int  // HNSW beam width (at least k is used)
	NProbe int  // IVF lists to scan
	Exact  bool // scan every row instead of using the index structure
}

// Index is a vector index of one Kind. Searches may run concurrently with
// each other; Add, Delete, Compact and Close take an exclusive lock, so
// writes are serialised and a search never sees a half-applied write (a
// long Add or Compact blocks searches while it runs). Add inserts its
// batch with Options.Workers goroutines.
type Index struct {
	mu       sync.RWMutex
	opts     Options
	r        *rows
	g        *hnsw           // HNSW
	iv       *ivf            // IVF
	mapped   *indexfile.File // the file mapping, if opened
	borrowed bool            // arrays point into a decoded file: copy before writing
	closed   bool
	fileHash atomic.Uint64 // body hash of the file last saved or opened
	pool     sync.Pool     // *searcher
}

// New returns an empty index.
func New(opts Options) (*Index, error) {
	opts.ensureDefaults()
	if err := opts.validate(); err != nil {
		return nil, err
	}
	ix := &Index{opts: opts, r: newRows(opts.Dim, opts.Quantization)}
	ix.initStructure()
	return ix, nil
}

func (ix *Index) initStructure() {
	ix.g, ix.iv = nil, nil
	switch ix.opts.Kind {
	case HNSW:
		ix.g = newHNSW(ix.opts.M, ix.opts.EfConstruction, ix.opts.Seed)
	case IVF:
		ix.iv = &ivf{}
	}
}

// Options returns the index's settings (with defaults filled in; NList is
// the trained list count once there is one).
func (ix *Index) Options() Options {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	o := ix.opts
	if ix.iv != nil && ix.iv.nlist() > 0 {
		o.NList = ix.iv.nlist()
	}
	return o
}

// Len is the number of live (not deleted) vectors.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.r.live()
}

// Contains reports whether id is in the index.
func (ix *Index) Contains(id uint64) bool {
	ix.mu.Lock() // the id map may be built lazily
	defer ix.mu.Unlock()
	if ix.closed {
		return false
	}
	_, ok := ix.r.index()[id]
	return ok
}

// Add inserts vectors under the given ids; an id already present is
// replaced. On error (wrong dimension: nothing is applied; cancelled
// context: the rows not yet linked are dropped) the caller should retry
// the batch.
func (ix *Index) Add(ctx context.Context, ids []uint64, vecs [][]float32) error {
	if len(ids) != len(vecs) {
		return fmt.Errorf("vector: %d ids for %d vectors", len(ids), len(vecs))
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return ErrClosed
	}
	for _, v := range vecs {
		if err := ix.r.check(v); err != nil {
			return err
		}
	}
	if len(ids) == 0 {
		return nil
	}
	ix.own()
	r := ix.r
	pos := r.index()
	from := r.n
	r.grow(len(ids))
	buf := make([]float32, r.dim)
	for j, id := range ids {
		if old, ok := pos[id]; ok {
			ix.killRow(old)
		}
		copy(buf, vecs[j])
		if ix.opts.Metric == Cosine {
			normalize(buf)
		}
		r.set(from+j, id, buf)
		pos[id] = uint32(from + j)
	}
	r.n = from + len(ids)
	switch {
	case ix.g != nil:
		ix.g.grow(from, r.n)
		done, err := ix.g.build(ctx, r, from, r.n, ix.opts.Workers)
		if err != nil {
			for k := from + done; k < r.n; k++ {
				ix.killRow(uint32(k))
			}
			return fmt.Errorf("vector: add: %w", err)
		}
	case ix.iv != nil:
		if err := ix.iv.add(ctx, r, &ix.opts, from, r.n); err != nil {
			for k := from; k < r.n; k++ {
				ix.killRow(uint32(k))
			}
			return fmt.Errorf("vector: add: %w", err)
		}
	}
	return nil
}

// killRow tombstones row i and forgets its id.
func (ix *Index) killRow(i uint32) {
	r := ix.r
	if r.deleted(i) {
		return
	}
	r.kill(i)
	if p, ok := r.pos[r.ids[i]]; ok && p == i {
		delete(r.pos, r.ids[i])
	}
	if ix.iv != nil {
		ix.iv.remove(i)
	}
}

// Delete removes the given ids and returns how many were present. HNSW
// keeps deleted rows as routing nodes until Compact; see Stats.Deleted.
func (ix *Index) Delete(ids ...uint64) int {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return 0
	}
	ix.own()
	pos := ix.r.index()
	n := 0
	for _, id := range ids {
		if p, ok := pos[id]; ok {
			ix.killRow(p)
			n++
		}
	}
	return n
}

// Compact rebuilds the index from its live rows, dropping deleted ones
// (and, for IVF, retraining the lists). Stored codes are copied, not
// re-quantised.
func (ix *Index) Compact(ctx context.Context) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return ErrClosed
	}
	old := ix.r
	nr := newRows(old.dim, old.quant)
	nr.grow(old.live())
	d := old.dim
	k := 0
	for i := 0; i < old.n; i++ {
		if old.deleted(uint32(i)) {
			continue
		}
		switch old.quant {
		case Int8:
			copy(nr.i8[k*d:(k+1)*d], old.i8[i*d:(i+1)*d])
			nr.scale[k] = old.scale[i]
		case Float16:
			copy(nr.f16[k*d:(k+1)*d], old.f16[i*d:(i+1)*d])
		default:
			copy(nr.f32[k*d:(k+1)*d], old.f32[i*d:(i+1)*d])
		}
		nr.ids[k] = old.ids[i]
		nr.pos[old.ids[i]] = uint32(k)
		k++
	}
	nr.n = k
	saveG, saveIV := ix.g, ix.iv
	ix.initStructure()
	if ix.iv != nil {
		ix.iv.forceTrain = true
	}
	var err error
	switch {
	case ix.g != nil:
		ix.g.grow(0, k)
		_, err = ix.g.build(ctx, nr, 0, k, ix.opts.Workers)
	case ix.iv != nil:
		err = ix.iv.add(ctx, nr, &ix.opts, 0, k)
	}
	if err != nil {
		ix.g, ix.iv = saveG, saveIV
		return fmt.Errorf("vector: compact: %w", err)
	}
	ix.r = nr
	ix.borrowed = false
	ix.unmap()
	return nil
}

// Search returns the k ids closest to q that pass filter (nil: all), best
// first.
func (ix *Index) Search(ctx context.Context, q []float32, k int, filter Filter) ([]Result, error) {
	return ix.SearchWith(ctx, q, k, SearchOptions{Filter: filter})
}

// bruteSelectivity is the estimated fraction of rows passing a filter
// below which graph and list searches always give way to scanning the
// passing rows: a graph search would wade through ~1/selectivity rejected
// neighbours per accepted one. Above it, HNSW compares estimated costs.
const bruteSelectivity = 0.05

// SearchWith is Search with per-query settings.
func (ix *Index) SearchWith(ctx context.Context, q []float32, k int, o SearchOptions) ([]Result, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return nil, ErrClosed
	}
	r := ix.r
	if err := r.check(q); err != nil {
		return nil, err
	}
	if k <= 0 || r.live() == 0 {
		return nil, nil
	}
	s, _ := ix.pool.Get().(*searcher)
	if s == nil {
		s = &searcher{}
	}
	defer ix.pool.Put(s)
	s.reset(r.n, r.dim)
	qf := s.qbuf[:r.dim]
	copy(qf, q)
	if ix.opts.Metric == Cosine {
		normalize(qf)
	}
	r.prepare(&s.q, qf)
	acc := accept{r: r, filter: o.Filter}

	exact := o.Exact || ix.opts.Kind == Flat || r.live() < 2048
	sel := 1.0
	ef := o.Ef
	if ef <= 0 {
		ef = ix.opts.EfSearch
	}
	ef = max(ef, k)
	if !exact && o.Filter != nil {
		sel = estimateSelectivity(r, o.Filter)
		exact = sel < bruteSelectivity
		if ix.g != nil && !exact {
			// Cost in similarity computations: a filtered graph search
			// expands about ef/sel rows of 2M neighbours each; a scan
			// calls the filter on every row (~1/16 of a similarity) and
			// scores the passing ones.
			graph := float64(ef*ix.g.m0) / sel
			brute := float64(r.live()) * (sel + 1.0/16)
			exact = brute < graph
		}
	}
	if !exact && ix.iv != nil && ix.iv.nlist() == 0 {
		exact = true // lists not trained yet
	}
	var cs []cand
	var err error
	switch {
	case exact:
		cs, err = scan(ctx, r, s, k, &acc)
	case ix.g != nil:
		cs = ix.g.search(r, s, &s.q, ef, &acc)
	default:
		np := o.NProbe
		if np <= 0 {
			np = ix.opts.NProbe
		}
		// A filter passing a fraction sel of the rows leaves about
		// sel*len(list) candidates per list: probe 1/sel times more.
		np = int(math.Ceil(float64(np) / sel))
		cs, err = ix.iv.search(ctx, r, s, qf, np, k, &acc)
	}
	if err != nil {
		return nil, err
	}
	if len(cs) > k {
		cs = cs[:k]
	}
	out := make([]Result, len(cs))
	for i, c := range cs {
		out[i] = Result{ID: r.ids[c.id], Score: c.sim}
	}
	return out, nil
}

// estimateSelectivity samples up to 512 live rows at a fixed stride.
func estimateSelectivity(r *rows, f Filter) float64 {
	step := max(1, r.n/512)
	seen, pass := 0, 0
	for i := 0; i < r.n; i += step {
		if r.deleted(uint32(i)) {
			continue
		}
		seen++
		if f(r.ids[i]) {
			pass++
		}
	}
	if seen == 0 {
		return 0
	}
	return float64(pass) / float64(seen)
}

// scan is the exact search: every accepted row.
func scan(ctx context.Context, r *rows, s *searcher, k int, acc *accept) ([]cand, error) {
	s.res = s.res[:0]
	for i := 0; i < r.n; i++ {
		if i&8191 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if !acc.ok(uint32(i)) {
			continue
		}
		v := r.sim(&s.q, uint32(i))
		if len(s.res) < k || v > s.res[0].sim {
			s.res.offer(cand{v, uint32(i)}, k)
		}
	}
	return s.res.sortedDesc(), nil
}

// Stats describe an index's size.
type Stats struct {
	Kind         Kind
	Metric       Metric
	Quantization Quantization
	Dim          int
	Live         int // searchable vectors
	Deleted      int // tombstoned rows still held (HNSW routes through them) until Compact
	Bytes        int // memory (or mapped file bytes) held for vectors, ids and structure
	Mapped       bool
}

// Stats reports the index's size.
func (ix *Index) Stats() Stats {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	r := ix.r
	b := r.n*r.bytesPerRow() + len(r.tomb)*8
	if r.pos != nil {
		b += len(r.pos) * 24 // swiss-table entry plus control byte and load factor, roughly
	}
	if ix.g != nil {
		b += ix.g.memBytes()
	}
	if ix.iv != nil {
		b += ix.iv.memBytes()
	}
	return Stats{
		Kind: ix.opts.Kind, Metric: ix.opts.Metric, Quantization: ix.opts.Quantization,
		Dim: r.dim, Live: r.live(), Deleted: r.dead, Bytes: b, Mapped: ix.mapped != nil,
	}
}

// Close releases the index (and its file mapping). Searches in flight
// finish first.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return nil
	}
	ix.closed = true
	err := ix.unmapErr()
	ix.r = newRows(ix.opts.Dim, ix.opts.Quantization)
	ix.initStructure()
	return err
}

func workers(w int) int {
	if w <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return w
}

func isqrt(n int) int { return int(math.Sqrt(float64(n))) }

// Similarities sets dst[i] to the similarity of q to the vector stored
// under ids[i] (under the index's metric, as Search scores it), or NaN
// when ids[i] is not in the index. It lets a caller score candidates
// found by other means (hybrid search re-scores its lexical candidates).
func (ix *Index) Similarities(q []float32, ids []uint64, dst []float32) error {
	if len(dst) < len(ids) {
		return fmt.Errorf("vector: Similarities: %d ids, room for %d", len(ids), len(dst))
	}
	ix.mu.Lock() // the id map may be built lazily
	if ix.closed {
		ix.mu.Unlock()
		return ErrClosed
	}
	if err := ix.r.check(q); err != nil {
		ix.mu.Unlock()
		return err
	}
	var pos map[uint64]uint32
	if ix.r.pos == nil && len(ids)*scanFactor < ix.r.n {
		// A few ids of an index whose id map was never built (a one-shot
		// process scores its hybrid candidates): one pass over the ids
		// finds them for much less than building the map of all of them.
		pos = ix.r.positions(ids)
	} else {
		pos = ix.r.index()
	}
	ix.mu.Unlock()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return ErrClosed
	}
	qf := make([]float32, len(q))
	copy(qf, q)
	if ix.opts.Metric == Cosine {
		normalize(qf)
	}
	var qq query
	ix.r.prepare(&qq, qf)
	nan := float32(math.NaN())
	for i, id := range ids {
		if p, ok := pos[id]; ok {
			dst[i] = ix.r.sim(&qq, p)
		} else {
			dst[i] = nan
		}
	}
	return nil
}
