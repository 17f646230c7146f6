package lexical

import (
	"container/heap"
	"context"
	"encoding/binary"
	"math"
	"math/bits"
	"strings"
)

// Params are the ranking parameters. DefaultParams holds the values chosen
// by measurement (BENCHMARKS.md, "Lexical search").
type Params struct {
	// K1 is BM25's term-frequency saturation.
	K1 float64
	// B is each field's length normalisation (0 none, 1 full).
	B [NumFields]float64
	// Weight multiplies each field's normalised term frequency.
	Weight [NumFields]float64
	// PrefixMinLen is the shortest query term expanded to the name terms
	// it prefixes; 0 turns prefix matching off.
	PrefixMinLen int
	// PrefixAllWords expands the terms of every query word, not only those
	// of code-like words and single-word queries.
	PrefixAllWords bool
	// PrefixDiscount scales a prefix match against an exact one.
	PrefixDiscount float64
	// MaxExpansions bounds the name terms one query term expands to.
	MaxExpansions int
	// MaxDF skips query terms found in more than this fraction of the
	// documents when the query has at least two rarer terms: their idf is
	// small and their postings the longest. 0 or 1 keeps every term.
	MaxDF float64
	// ExactBoost is added, as a multiple of the query's largest possible
	// BM25F score, to symbols whose name (or qualified-name suffix) is the
	// identifier of an identifier query ("handleUserAuth",
	// "Server.Handle"), so they rank above every other match; half of it
	// to names the identifier prefixes.
	ExactBoost float64
	// WordBoost is added, as a multiple of the word's idf, to symbols whose
	// name (or qualified-name suffix) is a word of a natural-language query.
	WordBoost float64
	// Coord scales a document's BM25F score by its coverage of the query
	// raised to this power: coverage is the idf of the query terms the
	// document matches over the idf of all of them, so a symbol matching
	// most of a query's words ranks above one repeating a single word.
	// 0 turns it off.
	Coord float64
}

// DefaultParams returns the default ranking parameters.
func DefaultParams() Params {
	return Params{
		K1:             3,
		B:              [NumFields]float64{0.75, 0.75, 0.75, 0.75, 0.9},
		Weight:         [NumFields]float64{5, 2, 4, 2, 0.7},
		PrefixMinLen:   3,
		PrefixAllWords: true,
		PrefixDiscount: 0.5,
		MaxExpansions:  64,
		ExactBoost:     1,
		WordBoost:      0.2,
		Coord:          0.25,
	}
}

func sqrt32(x float32) float32 { return float32(math.Sqrt(float64(x))) }

// Hit is one search result.
type Hit struct {
	ID    uint64
	Score float64
}

// scratch holds per-query buffers, pooled.
type scratch struct {
	acc      []float32 // score per global ordinal
	touched  []uint32
	tacc     []float32 // current term's contribution per global ordinal
	ttouched []uint32
	cov      []float32 // idf of the query terms matched, per global ordinal
}

func (ix *Index) getScratch(n int) *scratch {
	s, _ := ix.pool.Get().(*scratch)
	if s == nil {
		s = &scratch{}
	}
	if cap(s.acc) < n {
		s.acc = make([]float32, n)
		s.tacc = make([]float32, n)
		s.cov = make([]float32, n)
	}
	s.acc, s.tacc, s.cov = s.acc[:n], s.tacc[:n], s.cov[:n]
	return s
}

func (ix *Index) putScratch(s *scratch) {
	for _, g := range s.touched {
		s.acc[g] = 0
		s.cov[g] = 0
	}
	for _, g := range s.ttouched {
		s.tacc[g] = 0
	}
	s.touched, s.ttouched = s.touched[:0], s.ttouched[:0]
	ix.pool.Put(s)
}

// segRef is a segment with the global ordinal of its first document.
type segRef struct {
	seg    *segment
	offset uint32
}

// Search returns the k best documents for query, best first, that pass
// filter (nil passes all). It returns nil when ctx is cancelled. filter is
// only called for documents that would enter the top k.
func (ix *Index) Search(ctx context.Context, query string, k int, filter func(id uint64) bool) []Hit {
	if k <= 0 {
		return nil
	}
	p := &ix.params
	pq := parseQuery(query, p.PrefixMinLen, p.PrefixAllWords)
	if len(pq.terms) == 0 && len(pq.strong) == 0 {
		return nil
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.numDocs == 0 {
		return nil
	}
	var segs []segRef
	total := uint32(0)
	for _, s := range []*segment{ix.base, ix.delta} {
		if s != nil {
			segs = append(segs, segRef{s, total})
			total += s.numDocs
		}
	}
	sc := ix.getScratch(int(total))
	defer ix.putScratch(sc)

	n := float64(ix.numDocs)
	idf := func(df uint32) float64 {
		d := float64(df)
		return math.Log(1 + (n-d+0.5)/(d+0.5))
	}
	dfOf := func(t string) uint32 {
		var df uint32
		for _, r := range segs {
			if i, ok := r.seg.lookup(t); ok {
				_, d, _ := r.seg.termInfo(i)
				df += d
			}
		}
		return df
	}
	k1 := p.K1
	// norm[f][c]: field f's weight over its length normalisation, for a
	// document whose length code is c.
	var norm [NumFields][256]float32
	for f := range norm {
		for c := range norm[f] {
			norm[f][c] = float32(p.Weight[f] / (1 - p.B[f] + p.B[f]*lenTable[c]/ix.avgLen[f]))
		}
	}

	dfs := make([]uint32, len(pq.terms))
	rare := 0
	maxDF := uint32(math.MaxUint32)
	if p.MaxDF > 0 && p.MaxDF < 1 {
		maxDF = uint32(p.MaxDF * n)
	}
	for i, qt := range pq.terms {
		dfs[i] = dfOf(qt.term)
		if dfs[i] <= maxDF {
			rare++
		}
	}
	bound := 0.0  // the query's largest possible BM25F score
	idfSum := 0.0 // the idf of the terms scored, for Coord
	scored := 0
	var pst posting
	for ti, qt := range pq.terms {
		if ti&3 == 0 && ctx.Err() != nil {
			return nil
		}
		if dfs[ti] > maxDF && rare >= 2 {
			continue
		}
		w := idf(dfs[ti])
		bound += w * (k1 + 1)
		for _, r := range segs {
			i, ok := r.seg.lookup(qt.term)
			if !ok {
				continue
			}
			post, _, _ := r.seg.termInfo(i)
			sc.ttouched = scoreTerm(post, r.seg, r.offset, float32(w), float32(k1), &norm, sc.tacc, sc.ttouched)
		}
		if qt.prefix != "" && p.PrefixDiscount > 0 {
			prefix, self := namePrefix+qt.prefix, namePrefix+qt.term
			for _, r := range segs {
				seg := r.seg
				used := 0
				for i := seg.seek(prefix); i < seg.numTerms && used < p.MaxExpansions; i++ {
					t := seg.term(i)
					if !strings.HasPrefix(string(t), prefix) {
						break
					}
					if string(t) == self {
						continue
					}
					used++
					post, _, _ := seg.termInfo(i)
					we := p.PrefixDiscount * idf(dfOf(string(t[len(namePrefix):])))
					it := postIter{b: post, numDocs: seg.numDocs}
					for it.next(&pst) {
						lens := seg.lenCodes(pst.ord)
						var tf float32
						for f := FieldName; f <= FieldQualifiedName; f++ {
							if pst.mask&(1<<f) != 0 {
								tf += float32(pst.tf[f]) * norm[f][lens[f]]
							}
						}
						if tf == 0 {
							continue
						}
						c := float32(we * float64(tf) * (k1 + 1) / (k1 + float64(tf)))
						g := r.offset + pst.ord
						if old := sc.tacc[g]; c > old {
							if old == 0 {
								sc.ttouched = append(sc.ttouched, g)
							}
							sc.tacc[g] = c
						}
					}
				}
			}
		}
		for _, g := range sc.ttouched {
			if sc.acc[g] == 0 {
				sc.touched = append(sc.touched, g)
			}
			sc.acc[g] += sc.tacc[g]
			sc.cov[g] += float32(w)
			sc.tacc[g] = 0
		}
		sc.ttouched = sc.ttouched[:0]
		idfSum += w
		scored++
	}
	// Query coverage; with one term every match covers the query.
	if p.Coord > 0 && scored > 1 {
		full := float32(idfSum)
		inv := 1 / full
		for _, g := range sc.touched {
			if sc.cov[g] >= full {
				continue
			}
			c := sc.cov[g] * inv
			switch p.Coord {
			case 0.25:
				sc.acc[g] *= sqrt32(sqrt32(c))
			case 0.5:
				sc.acc[g] *= sqrt32(c)
			case 1:
				sc.acc[g] *= c
			default:
				sc.acc[g] *= float32(math.Pow(float64(c), p.Coord))
			}
		}
	}

	// Exact-name boosts.
	if bound == 0 {
		bound = 1
	}
	boost := func(key string, amount float64, prefix bool) {
		if amount <= 0 {
			return
		}
		for _, r := range segs {
			seg := r.seg
			i := seg.seek(key)
			for used := 0; i < seg.numTerms && used <= p.MaxExpansions; i, used = i+1, used+1 {
				t := seg.term(i)
				if string(t) != key && (!prefix || !strings.HasPrefix(string(t), key)) {
					break
				}
				a := amount
				if string(t) != key {
					a *= p.PrefixDiscount
				}
				post, _, _ := seg.termInfo(i)
				it := postIter{b: post, numDocs: seg.numDocs}
				for it.next(&pst) {
					g := r.offset + pst.ord
					if sc.acc[g] == 0 {
						sc.touched = append(sc.touched, g)
					}
					sc.acc[g] += float32(a)
				}
				if !prefix {
					break
				}
			}
		}
	}
	for _, w := range pq.strong {
		if strings.Contains(w, ".") {
			boost(exactQNamePrefix+w, p.ExactBoost*bound, false)
		} else {
			boost(exactNamePrefix+w, p.ExactBoost*bound, p.PrefixMinLen > 0 && len(w) >= p.PrefixMinLen)
		}
	}
	for _, w := range pq.weak {
		if i := strings.LastIndexByte(w, '.'); i >= 0 {
			boost(exactQNamePrefix+w, p.WordBoost*idf(dfOf(normalize(w[i+1:]))), false)
		} else {
			boost(exactNamePrefix+w, p.WordBoost*idf(dfOf(normalize(w))), false)
		}
	}
	return ix.topK(sc, segs, k, filter)
}

// scoreTerm decodes one term's postings and sets tacc[offset+ord] to each
// document's BM25F contribution, appending the ordinals to touched. It is
// postIter.next and the scoring fused into one loop (the hot path of a
// query); malformed bytes end the list, as they end postIter.
func scoreTerm(post []byte, seg *segment, offset uint32, w, k1 float32, norm *[NumFields][256]float32, tacc []float32, touched []uint32) []uint32 {
	if !seg.sectionOK(secLens) {
		return touched // damaged: Index.Err reports it
	}
	lensAll := seg.sec[secLens]
	n := uint64(seg.numDocs)
	wk := w * (k1 + 1)
	b := post
	ord := uint64(0)
	first := true
	for len(b) > 0 {
		var d uint64
		if c := b[0]; c < 0x80 {
			d, b = uint64(c), b[1:]
		} else {
			v, m := binary.Uvarint(b)
			if m <= 0 {
				return touched
			}
			d, b = v, b[m:]
		}
		if (!first && d == 0) || ord+d >= n || len(b) == 0 {
			return touched
		}
		ord += d
		first = false
		mask := b[0]
		b = b[1:]
		if mask == 0 || mask >= 1<<(NumFields+1) {
			return touched
		}
		lens := lensAll[ord*NumFields : ord*NumFields+NumFields]
		var tf float32
		for m := mask; m != 0; m &= m - 1 {
			f := bits.TrailingZeros8(m)
			var v uint64
			if len(b) > 0 && b[0] < 0x80 {
				v, b = uint64(b[0]), b[1:]
			} else {
				x, k := binary.Uvarint(b)
				if k <= 0 {
					return touched
				}
				v, b = x, b[k:]
			}
			if f < NumFields {
				tf += float32(min(v, math.MaxUint16)) * norm[f][lens[f]]
			}
		}
		if tf == 0 {
			continue
		}
		g := offset + uint32(ord)
		tacc[g] = wk * tf / (k1 + tf)
		touched = append(touched, g)
	}
	return touched
}

// better reports whether a ranks before b: higher score, then lower id.
func better(a, b Hit) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	return a.ID < b.ID
}

// hitHeap is a min-heap of hits by score (ties: larger id first out).
type hitHeap []Hit

func (h hitHeap) Len() int           { return len(h) }
func (h hitHeap) Less(i, j int) bool { return better(h[j], h[i]) }
func (h hitHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *hitHeap) Push(x any)        { *h = append(*h, x.(Hit)) }
func (h *hitHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func (ix *Index) topK(sc *scratch, segs []segRef, k int, filter func(uint64) bool) []Hit {
	h := make(hitHeap, 0, k)
	for _, g := range sc.touched {
		score := float64(sc.acc[g])
		if len(h) == k && score < h[0].Score {
			continue
		}
		seg, ord := segs[0].seg, g
		if len(segs) > 1 && g >= segs[1].offset {
			seg, ord = segs[1].seg, g-segs[1].offset
		}
		if seg == ix.base && !ix.baseLive(ord) {
			continue
		}
		hit := Hit{ID: seg.id(ord), Score: score}
		if len(h) == k && !better(hit, h[0]) {
			continue
		}
		if filter != nil && !filter(hit.ID) {
			continue
		}
		if len(h) < k {
			heap.Push(&h, hit)
		} else {
			h[0] = hit
			heap.Fix(&h, 0)
		}
	}
	out := make([]Hit, len(h))
	for i := len(h) - 1; i >= 0; i-- {
		out[i] = heap.Pop(&h).(Hit)
	}
	return out
}
