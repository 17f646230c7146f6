package embed

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"runtime"
	"sort"
	"sync"
	"unsafe"

	"golang.org/x/sync/errgroup"
)

// Options tune the built-in model. The zero value gives the defaults.
type Options struct {
	// Dim is the vector dimension (default 256).
	Dim int
	// MaxVocab bounds the fitted vocabulary, most frequent words first
	// (default 50,000).
	MaxVocab int
	// MinCount is how many symbols a word must occur in to get a fitted
	// vector (default 2); rarer words use their hashed n-gram vector only.
	MinCount int
	// Window is how many words on each side count as co-occurring
	// (default 3).
	Window int
	// HashWeight is the share, in [0,1], of a fitted word's hashed n-gram
	// vector in its final vector (default 0.5): it keeps exact and
	// near-exact word matches strong while the fitted part adds related
	// words.
	HashWeight float32
	// PowerIters is the number of power iterations of the randomized
	// eigendecomposition (default 1).
	PowerIters int
	// Seed makes fitting deterministic (default 1).
	Seed uint64
}

func (o Options) withDefaults() Options {
	if o.Dim <= 0 {
		o.Dim = 256
	}
	if o.MaxVocab <= 0 {
		o.MaxVocab = 50000
	}
	if o.MinCount <= 0 {
		o.MinCount = 2
	}
	if o.Window <= 0 {
		o.Window = 3
	}
	if o.HashWeight <= 0 || o.HashWeight > 1 {
		o.HashWeight = 0.5
	}
	if o.PowerIters <= 0 {
		o.PowerIters = 1
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	return o
}

func (o Options) validate() error {
	if o.Dim > 4096 {
		return fmt.Errorf("embed: dimension %d too large (max 4096)", o.Dim)
	}
	return nil
}

// Model is the built-in embedder: word vectors fitted on one repository
// plus hashed n-gram vectors for every other word. It is safe for
// concurrent use once fitted or loaded.
type Model struct {
	opts   Options
	nDocs  int
	words  []string         // fitted vocabulary
	df     []uint32         // documents each word occurs in
	sem    []float32        // fitted (co-occurrence) vectors, unit length, len(words)×Dim; only until finish
	codes  []int8           // sem as stored: int8 codes, len(words)×Dim
	scales []float32        // one scale per word for codes
	index  map[string]int32 // word → row
	vecs   []float32        // final word vectors (fitted + hashed), unit length
	idf    []float32
	maxIDF float32
	sum    uint32 // checksum of the fitted content, part of ID
	bags   sync.Pool
	// lazy: sem and vecs are not kept; row computes a word's vector from
	// its codes when a text uses it (LoadForQueries).
	lazy bool
}

// Fitter collects the symbols of a repository and fits a Model on them.
type Fitter struct {
	opts  Options
	index map[string]int32
	words []string
	count []uint32 // occurrences
	df    []uint32
	seen  []int32 // doc stamp per word, to count df
	// docs and names are each symbol's word ids (all of them, and its
	// name's), slices of chunk-sized arenas (no per-symbol slack: they are
	// the fitter's largest part, 70 MB on the JDK's sources).
	docs  [][]int32
	names [][]int32
	arena []int32
	order []uint32 // the order Fit reads docs in (Reorder); nil: as added

	seq, name []int32 // Add's scratch
	released  bool    // Fit has let go of the symbols (release)
}

// release lets go of everything Fit no longer needs once it has counted
// the co-occurrences: the symbols' word ids, the word index and the
// counts (the Model has copied the vocabulary it keeps).
func (f *Fitter) release() {
	f.index, f.words, f.count, f.df, f.seen = nil, nil, nil, nil, nil
	f.docs, f.names, f.arena, f.order = nil, nil, nil, nil
	f.seq, f.name = nil, nil
	f.released = true
}

// fitterChunk is the number of word ids in one arena chunk of a Fitter.
const fitterChunk = 1 << 16

// keep copies ids into the arena and returns the copy (nil when empty).
func (f *Fitter) keep(ids []int32) []int32 {
	if len(ids) == 0 {
		return nil
	}
	if cap(f.arena)-len(f.arena) < len(ids) {
		f.arena = make([]int32, 0, max(fitterChunk, len(ids)))
	}
	n := len(f.arena)
	f.arena = append(f.arena, ids...)
	return f.arena[n:len(f.arena):len(f.arena)]
}

// NewFitter returns an empty Fitter.
func NewFitter(opts Options) *Fitter {
	return &Fitter{opts: opts.withDefaults(), index: map[string]int32{}}
}

func (f *Fitter) id(w []byte) int32 {
	if id, ok := f.index[string(w)]; ok {
		return id
	}
	id := int32(len(f.words))
	s := string(w)
	f.index[s] = id
	f.words = append(f.words, s)
	f.count = append(f.count, 0)
	f.df = append(f.df, 0)
	f.seen = append(f.seen, -1)
	return id
}

// Add records one symbol.
func (f *Fitter) Add(d Doc) {
	stamp := int32(len(f.docs))
	seq, name := f.seq[:0], f.name[:0]
	add := func(w []byte) int32 {
		id := f.id(w)
		f.count[id]++
		if f.seen[id] != stamp {
			f.seen[id] = stamp
			f.df[id]++
		}
		seq = append(seq, id)
		return id
	}
	words(d.Name, 0, func(w []byte) { name = append(name, add(w)) })
	words(d.QualifiedName, 0, func(w []byte) { add(w) })
	words(d.Signature, 0, func(w []byte) { add(w) })
	words(d.Doc, maxBodyWords, func(w []byte) { add(w) })
	words(d.Body, maxBodyWords, func(w []byte) { add(w) })
	f.docs = append(f.docs, f.keep(seq))
	f.names = append(f.names, f.keep(name))
	f.seq, f.name = seq, name
}

// Len returns the number of symbols added.
func (f *Fitter) Len() int { return len(f.docs) }

// Reorder sets the order Fit reads the symbols in, whatever the order
// they were added in (the model's sums, in floating point, depend on it):
// order[i] is the number, from 0 in the order of Add, of the i-th symbol.
// It must name every symbol once (Fit fails otherwise).
func (f *Fitter) Reorder(order []uint32) error {
	if len(order) != len(f.docs) {
		return fmt.Errorf("embed: symbol order of %d symbols for %d", len(order), len(f.docs))
	}
	f.order = order
	return nil
}

// ErrEmpty is returned when fitting on no words at all.
var ErrEmpty = errors.New("embed: nothing to fit: no words in the documents")

// Fit fits a model on the documents added so far. A Fitter fits once:
// once the symbols are counted, Fit lets go of them (see release).
func (f *Fitter) Fit(ctx context.Context) (*Model, error) {
	if f.released {
		return nil, errors.New("embed: Fit called twice on one Fitter")
	}
	o := f.opts
	if err := o.validate(); err != nil {
		return nil, err
	}
	// Vocabulary: words in at least MinCount documents, most frequent first.
	var cand []int32
	for id := range f.words {
		if int(f.df[id]) >= o.MinCount {
			cand = append(cand, int32(id))
		}
	}
	sort.Slice(cand, func(i, j int) bool {
		a, b := cand[i], cand[j]
		if f.count[a] != f.count[b] {
			return f.count[a] > f.count[b]
		}
		return f.words[a] < f.words[b]
	})
	if len(cand) > o.MaxVocab {
		cand = cand[:o.MaxVocab]
	}
	if len(cand) == 0 {
		return nil, ErrEmpty
	}
	remap := make([]int32, len(f.words))
	for i := range remap {
		remap[i] = -1
	}
	m := &Model{opts: o, nDocs: len(f.docs)}
	for row, id := range cand {
		remap[id] = int32(row)
		m.words = append(m.words, f.words[id])
		m.df = append(m.df, f.df[id])
	}
	cooc, err := f.cooccurrence(ctx, remap, len(cand))
	if err != nil {
		return nil, err
	}
	// The symbols are counted: what follows needs only the counts, and
	// the symbols' word ids (the fitter's largest part, 75 MB on the
	// JDK's sources) would otherwise stay live beside the matrices below.
	f.release()
	remap = nil
	mat := ppmi(cooc, len(cand))
	cooc = nil
	k := min(o.Dim, len(cand))
	vals, u, err := topEigen(ctx, mat, k, 10, o.PowerIters, o.Seed)
	if err != nil {
		return nil, err
	}
	if k == o.Dim {
		m.sem = u // scaled in place, row by row (the same layout)
	} else {
		m.sem = make([]float32, len(cand)*o.Dim)
	}
	for i := range cand {
		row := m.sem[i*o.Dim : i*o.Dim+k]
		for j := 0; j < k; j++ {
			if vals[j] > 0 {
				row[j] = u[i*k+j] * float32(math.Sqrt(vals[j]))
			} else {
				row[j] = 0
			}
		}
		normalize(row)
	}
	u = nil
	m.quantizeAll()
	m.finish()
	return m, nil
}

// Fit fits a model on docs; see Fitter.
func Fit(ctx context.Context, docs []Doc, opts Options) (*Model, error) {
	f := NewFitter(opts)
	for i, d := range docs {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		f.Add(d)
	}
	return f.Fit(ctx)
}

// cooccurrence counts, for each pair of vocabulary words, how often they
// occur within Window words of each other in a document, plus an
// association of every name word with every word of its symbol. Keys pack
// (row<<32 | col) with row < col.
func (f *Fitter) cooccurrence(ctx context.Context, remap []int32, n int) (map[uint64]float32, error) {
	win := f.opts.Window
	cooc := make(map[uint64]float32, n*64)
	bump := func(a, b int32, w float32) {
		if a == b || a < 0 || b < 0 {
			return
		}
		if a > b {
			a, b = b, a
		}
		cooc[uint64(a)<<32|uint64(uint32(b))] += w
	}
	order := f.order
	if order != nil {
		if len(order) != len(f.docs) {
			return nil, fmt.Errorf("embed: symbol order of %d symbols for %d", len(order), len(f.docs))
		}
		seen := make([]bool, len(f.docs))
		for i, d := range order {
			if int(d) >= len(f.docs) || seen[d] {
				return nil, fmt.Errorf("embed: symbol order is not a permutation (%d at %d)", d, i)
			}
			seen[d] = true
		}
	}
	var seq []int32
	for i := range f.docs {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		d := i
		if order != nil {
			d = int(order[i])
		}
		raw := f.docs[d]
		seq = seq[:0]
		for _, id := range raw {
			seq = append(seq, remap[id])
		}
		for i, a := range seq {
			if a < 0 {
				continue
			}
			for j := i + 1; j <= i+win && j < len(seq); j++ {
				bump(a, seq[j], 1/float32(j-i))
			}
		}
		// Name words against the symbol's distinct words.
		name := f.names[d]
		if len(name) == 0 {
			continue
		}
		seen := map[int32]bool{}
		for _, b := range seq {
			if b < 0 || seen[b] {
				continue
			}
			seen[b] = true
			for _, a := range name {
				bump(remap[a], b, 0.5)
			}
		}
	}
	return cooc, nil
}

// ppmi turns co-occurrence counts into a symmetric positive PMI matrix with
// context-distribution smoothing (exponent 0.75, Levy, Goldberg & Dagan
// 2015).
func ppmi(cooc map[uint64]float32, n int) *csr {
	rowSum := make([]float64, n)
	var total float64
	for k, c := range cooc {
		a, b := int(k>>32), int(uint32(k))
		rowSum[a] += float64(c)
		rowSum[b] += float64(c)
		total += 2 * float64(c)
	}
	ctxSum := make([]float64, n)
	var ctxTotal float64
	for i, s := range rowSum {
		ctxSum[i] = math.Pow(s, 0.75)
		ctxTotal += ctxSum[i]
	}
	type entry struct {
		col int32
		val float32
	}
	rows := make([][]entry, n)
	for k, c := range cooc {
		a, b := int(k>>32), int(uint32(k))
		// pmi(a,b) = log( p(a,b) / (p(a) p_ctx(b)) ), symmetrised.
		pab := float64(c) / total
		v1 := math.Log(pab / (rowSum[a] / total * ctxSum[b] / ctxTotal))
		v2 := math.Log(pab / (rowSum[b] / total * ctxSum[a] / ctxTotal))
		v := (v1 + v2) / 2
		if v <= 0 {
			continue
		}
		rows[a] = append(rows[a], entry{int32(b), float32(v)})
		rows[b] = append(rows[b], entry{int32(a), float32(v)})
	}
	m := &csr{n: n, rowPtr: make([]int64, n+1)}
	for i, r := range rows {
		sort.Slice(r, func(x, y int) bool { return r[x].col < r[y].col })
		for _, e := range r {
			m.col = append(m.col, e.col)
			m.val = append(m.val, e.val)
		}
		m.rowPtr[i+1] = int64(len(m.col))
		rows[i] = nil
	}
	return m
}

// finish derives the IDF weights, the final word vectors and the checksum
// from the fitted state (after Fit or Load).
func (m *Model) finish() {
	dim := m.opts.Dim
	m.index = make(map[string]int32, len(m.words))
	m.idf = make([]float32, len(m.words))
	m.maxIDF = idf(m.nDocs, 1)
	h := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	if !m.lazy {
		m.vecs = make([]float32, len(m.words)*dim)
		parallelRows(len(m.words), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				m.wordVector(i, m.sem[i*dim:(i+1)*dim], m.vecs[i*dim:(i+1)*dim])
			}
		})
		// The fitted vectors are in vecs now, and stored as codes.
		m.sem = nil
	}
	var buf []byte
	for i, w := range m.words {
		m.index[w] = int32(i)
		m.idf[i] = idf(m.nDocs, int(m.df[i]))
		buf = append(append(buf[:0], w...), 0)
		h.Write(buf)
	}
	// The checksum covers the stored form (codes and scales), so a loaded
	// model has the ID of the fitted one.
	// (int8 codes as the bytes they are stored as, without a copy.)
	h.Write(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(m.codes))), len(m.codes)))
	scales := make([]byte, 0, 4*len(m.scales))
	for _, s := range m.scales {
		scales = binary.LittleEndian.AppendUint32(scales, math.Float32bits(s))
	}
	h.Write(scales)
	m.sum = h.Sum32()
}

// wordVector writes the final vector of word i into v: its hashed vector
// and its fitted one s, mixed by HashWeight, unit length.
func (m *Model) wordVector(i int, s, v []float32) {
	hw := m.opts.HashWeight
	hashVector(m.words[i], v)
	for j := range v {
		v[j] = hw*v[j] + (1-hw)*s[j]
	}
	normalize(v)
}

// row returns the final vector of word i: stored, or for a lazy model
// computed into buf (2×Dim long) from the word's codes.
func (m *Model) row(i int, buf []float32) []float32 {
	dim := m.opts.Dim
	if !m.lazy {
		return m.vecs[i*dim : (i+1)*dim]
	}
	s, v := buf[:dim], buf[dim:2*dim]
	dequantize(m.scales[i], m.codes[i*dim:(i+1)*dim], s)
	m.wordVector(i, s, v)
	return v
}

func idf(n, df int) float32 {
	return float32(math.Log(1 + float64(n)/float64(max(df, 1))))
}

// Both providers satisfy Embedder.
var (
	_ Embedder    = (*Model)(nil)
	_ DocEmbedder = (*Model)(nil)
	_ Embedder    = (*Client)(nil)
)

// Dim returns the vector dimension.
func (m *Model) Dim() int { return m.opts.Dim }

// ID identifies the model: the built-in provider, its format version, the
// dimension and a checksum of the fitted content. A refit gives another ID,
// so vectors of two fits are never mixed.
func (m *Model) ID() string {
	return fmt.Sprintf("builtin/ppmi-v%d/%d/%08x", vectorsVersion, m.opts.Dim, m.sum)
}

// VocabSize returns the number of fitted words.
func (m *Model) VocabSize() int { return len(m.words) }

// bag accumulates the weighted word counts of one text: fitted words by
// row in a dense slice, other words in a small map.
type bag struct {
	w       []float32 // per fitted word
	touched []int32
	other   map[string]float32
	order   []string
	scratch []float32
	rowBuf  []float32 // a lazy model's word vectors (Model.row)
}

// getBag returns an empty bag (and a Dim-long scratch vector) from the
// model's pool; putBag returns it.
func (m *Model) getBag() *bag {
	if b, ok := m.bags.Get().(*bag); ok {
		return b
	}
	return &bag{w: make([]float32, len(m.words)), other: map[string]float32{}, scratch: make([]float32, m.opts.Dim)}
}

func (m *Model) putBag(b *bag) { m.bags.Put(b) }

func (m *Model) add(b *bag, text string, weight float32, limit int) {
	words(text, limit, func(w []byte) {
		if row, ok := m.index[string(w)]; ok {
			if b.w[row] == 0 {
				b.touched = append(b.touched, row)
			}
			b.w[row] += weight
			return
		}
		if _, ok := b.other[string(w)]; !ok {
			b.order = append(b.order, string(w))
		}
		b.other[string(w)] += weight
	})
}

// unseenWeight scales words outside the fitted vocabulary. They are rare in
// the repository (or absent: most words of a natural-language query), so
// their IDF is the highest, yet their hashed vector only relates them to
// words of similar spelling; at full weight they mostly add noise (halving
// it raised semantic MRR@10 by 0.005–0.036 on all five test sets).
const unseenWeight = 0.5

// vector writes the embedding of b into out (len Dim) and resets b.
func (m *Model) vector(b *bag, out []float32, scratch []float32) {
	clear(out)
	dim := m.opts.Dim
	for _, row := range b.touched {
		weight := float32(math.Log1p(float64(b.w[row]))) * m.idf[row]
		if m.lazy && len(b.rowBuf) < 2*dim {
			b.rowBuf = make([]float32, 2*dim)
		}
		axpy(out, m.row(int(row), b.rowBuf), weight)
		b.w[row] = 0
	}
	for _, w := range b.order {
		weight := float32(math.Log1p(float64(b.other[w]))) * m.maxIDF * unseenWeight
		hashVector(w, scratch)
		axpy(out, scratch, weight)
	}
	b.touched = b.touched[:0]
	b.order = b.order[:0]
	clear(b.other)
	normalize(out)
}

// Embed returns the unit vectors of texts (queries or free text), every word
// weighted alike. A text with no words gets the zero vector.
func (m *Model) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	return m.embed(ctx, len(texts), func(b *bag, i int) { m.add(b, texts[i], 1, 0) })
}

// EmbedDocs returns the unit vectors of symbols, with name, qualified name
// and signature words weighted above body words.
func (m *Model) EmbedDocs(ctx context.Context, docs []Doc) ([][]float32, error) {
	return m.embed(ctx, len(docs), func(b *bag, i int) {
		d := &docs[i]
		m.add(b, d.Name, weightName, 0)
		m.add(b, d.QualifiedName, weightQualified, 0)
		m.add(b, d.Signature, weightSignature, 0)
		m.add(b, d.Doc, weightDoc, maxBodyWords)
		m.add(b, d.Body, weightBody, maxBodyWords)
	})
}

func (m *Model) embed(ctx context.Context, n int, fill func(*bag, int)) ([][]float32, error) {
	dim := m.opts.Dim
	flat := make([]float32, n*dim)
	out := make([][]float32, n)
	for i := range out {
		out[i] = flat[i*dim : (i+1)*dim : (i+1)*dim]
	}
	workers := min(runtime.GOMAXPROCS(0), max(1, n/32))
	var g errgroup.Group
	var next sync.Mutex
	pos := 0
	for range workers {
		g.Go(func() error {
			b := m.getBag()
			defer m.putBag(b)
			for {
				next.Lock()
				lo := pos
				pos += 64
				next.Unlock()
				if lo >= n {
					return nil
				}
				if err := ctx.Err(); err != nil {
					return err
				}
				for i := lo; i < min(lo+64, n); i++ {
					fill(b, i)
					m.vector(b, out[i], b.scratch)
				}
			}
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}
