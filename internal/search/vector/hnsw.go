package vector

import (
	"context"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
)

// hnsw is a hierarchical navigable small world graph over the rows of an
// index (Malkov & Yashunin, 2016). All adjacency lives in flat uint32
// arrays so a saved graph can be used straight from a memory-mapped file:
//
//	links0[i*(m0+1)]             number of level-0 neighbours of row i
//	links0[i*(m0+1)+1 : ...]     their rows (capacity m0 = 2*m)
//	upper[upperOff[i]+(l-1)*(m+1)]  the same for level l >= 1 (capacity m)
//
// Deleted rows stay in the graph as routing nodes (they are never
// returned); Compact rebuilds without them.
type hnsw struct {
	m, m0    int
	efC      int
	seed     uint64
	levels   []uint8
	upperOff []uint32
	links0   []uint32
	upper    []uint32
	entry    uint32
	maxLevel int32 // -1 while empty

	// Build-time only: serialises entry point changes and guards
	// neighbour lists while several goroutines insert.
	entryMu sync.Mutex
	locks   []sync.Mutex
}

const lockStripes = 4096

func newHNSW(m, efC int, seed uint64) *hnsw {
	return &hnsw{m: m, m0: 2 * m, efC: efC, seed: seed, maxLevel: -1}
}

// list returns row i's neighbour block at level l: [count, n1, ..., ncap].
func (g *hnsw) list(i uint32, l int) []uint32 {
	if l == 0 {
		w := g.m0 + 1
		return g.links0[int(i)*w : int(i+1)*w]
	}
	w := g.m + 1
	o := int(g.upperOff[i]) + (l-1)*w
	return g.upper[o : o+w]
}

// levelOf draws row i's top level from a hash of (seed, i), so levels do
// not depend on insertion order or on the goroutine that inserts.
func (g *hnsw) levelOf(i int) uint8 {
	x := g.seed + uint64(i)*0x9e3779b97f4a7c15
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	u := (float64(x>>11) + 1) / (1 << 53) // (0, 1]
	l := int(-math.Log(u) / math.Log(float64(g.m)))
	if l > 31 {
		l = 31
	}
	return uint8(l)
}

// grow assigns levels to rows [from, to) and allocates their lists.
func (g *hnsw) grow(from, to int) {
	g.levels = growSlice(g.levels, to)
	g.upperOff = growSlice(g.upperOff, to)
	g.links0 = growSlice(g.links0, to*(g.m0+1))
	for i := from; i < to; i++ {
		l := g.levelOf(i)
		g.levels[i] = l
		g.upperOff[i] = uint32(len(g.upper))
		if l > 0 {
			g.upper = append(g.upper, make([]uint32, int(l)*(g.m+1))...)
		}
		clear(g.links0[i*(g.m0+1) : (i+1)*(g.m0+1)])
	}
}

// searcher is per-goroutine scratch space for graph and list searches.
type searcher struct {
	visit   []uint16
	gen     uint16
	cands   maxHeap
	res     minHeap
	nbuf    []uint32
	q, q2   query
	fbuf    []float32
	fbuf2   []float32
	qbuf    []float32
	scratch []cand
	lbuf    []cand
}

func (s *searcher) reset(n, dim int) {
	if len(s.visit) < n {
		s.visit = make([]uint16, n+n/4+1024)
		s.gen = 0
	}
	s.gen++
	if s.gen == 0 {
		clear(s.visit)
		s.gen = 1
	}
	if len(s.fbuf) < dim {
		s.fbuf = make([]float32, dim)
		s.fbuf2 = make([]float32, dim)
		s.qbuf = make([]float32, dim)
	}
}

func (s *searcher) seen(i uint32) bool {
	if s.visit[i] == s.gen {
		return true
	}
	s.visit[i] = s.gen
	return false
}

// neighbours copies row i's level-l neighbours into s.nbuf, under the
// row's lock while a parallel build is running.
func (g *hnsw) neighbours(s *searcher, i uint32, l int) []uint32 {
	if g.locks != nil {
		mu := &g.locks[i%lockStripes]
		mu.Lock()
		b := g.list(i, l)
		s.nbuf = append(s.nbuf[:0], b[1:1+b[0]]...)
		mu.Unlock()
		return s.nbuf
	}
	b := g.list(i, l)
	return b[1 : 1+b[0]]
}

// greedy walks level l from cur towards q and returns the closest row found.
func (g *hnsw) greedy(r *rows, s *searcher, q *query, cur cand, l int) cand {
	for changed := true; changed; {
		changed = false
		for _, n := range g.neighbours(s, cur.id, l) {
			if v := r.sim(q, n); v > cur.sim {
				cur = cand{v, n}
				changed = true
			}
		}
	}
	return cur
}

// accept decides which rows may enter a result set.
type accept struct {
	r      *rows
	filter Filter
	all    bool // build time: every row counts
}

func (a *accept) ok(i uint32) bool {
	if a.all {
		return true
	}
	if a.r.deleted(i) {
		return false
	}
	return a.filter == nil || a.filter(a.r.ids[i])
}

// searchLayer is the beam search of level l from ep keeping ef results
// that acc accepts; rows it rejects still route. The results are left in
// s.res.
func (g *hnsw) searchLayer(r *rows, s *searcher, q *query, ep cand, ef, l int, acc *accept) {
	s.reset(r.n, r.dim)
	s.cands = s.cands[:0]
	s.res = s.res[:0]
	s.seen(ep.id)
	s.cands.push(ep)
	if acc.ok(ep.id) {
		s.res.push(ep)
	}
	for len(s.cands) > 0 {
		c := s.cands.pop()
		if len(s.res) >= ef && c.sim < s.res[0].sim {
			break
		}
		for _, n := range g.neighbours(s, c.id, l) {
			if s.seen(n) {
				continue
			}
			v := r.sim(q, n)
			if len(s.res) < ef || v > s.res[0].sim {
				s.cands.push(cand{v, n})
				if acc.ok(n) {
					s.res.offer(cand{v, n}, ef)
				}
			}
		}
	}
}

// selectNeighbours applies the HNSW heuristic to cs (best first): keep a
// candidate only if it is closer to the base than to every one kept
// before, up to limit. It returns the kept prefix of cs (reordered).
func (g *hnsw) selectNeighbours(r *rows, s *searcher, cs []cand, limit int) []cand {
	if len(cs) <= limit {
		return cs
	}
	kept := 0
	for _, c := range cs {
		if kept >= limit {
			break
		}
		r.prepareRow(&s.q2, c.id, s.fbuf2)
		good := true
		for _, k := range cs[:kept] {
			if r.sim(&s.q2, k.id) > c.sim {
				good = false
				break
			}
		}
		if good {
			cs[kept] = c
			kept++
		}
	}
	return cs[:kept]
}

// insert links row i into the graph.
func (g *hnsw) insert(r *rows, s *searcher, i uint32) {
	level := int(g.levels[i])
	g.entryMu.Lock()
	top := int(g.maxLevel)
	if top < 0 {
		g.entry, g.maxLevel = i, int32(level)
		g.entryMu.Unlock()
		return
	}
	ep := g.entry
	if level <= top {
		g.entryMu.Unlock()
	} // else hold it: this row becomes the new entry point

	s.reset(r.n, r.dim)
	q := &s.q
	r.prepareRow(q, i, s.qbuf)
	cur := cand{r.sim(q, ep), ep}
	for l := top; l > level; l-- {
		cur = g.greedy(r, s, q, cur, l)
	}
	all := accept{all: true}
	for l := min(level, top); l >= 0; l-- {
		g.searchLayer(r, s, q, cur, g.efC, l, &all)
		cs := append(s.scratch[:0], s.res.sortedDesc()...)
		s.scratch = cs
		best := cs[0]
		limit := g.m
		if l == 0 {
			limit = g.m0
		}
		sel := g.selectNeighbours(r, s, cs, limit)
		g.setList(i, l, sel)
		kept := false
		for _, n := range sel {
			kept = g.link(r, s, n.id, i, n.sim, l) || kept
		}
		if !kept && len(sel) > 0 {
			// Every neighbour's heuristic turned i away, which would
			// leave it unreachable: take the last slot of the closest.
			g.forceLink(sel[0].id, i, l)
		}
		cur = best
	}
	if level > top {
		g.entry, g.maxLevel = i, int32(level)
		g.entryMu.Unlock()
	}
}

func (g *hnsw) lock(i uint32) func() {
	if g.locks == nil {
		return func() {}
	}
	mu := &g.locks[i%lockStripes]
	mu.Lock()
	return mu.Unlock
}

func (g *hnsw) setList(i uint32, l int, sel []cand) {
	unlock := g.lock(i)
	b := g.list(i, l)
	b[0] = uint32(len(sel))
	for j, c := range sel {
		b[1+j] = c.id
	}
	unlock()
}

// link adds the edge n -> i at level l, shrinking n's list with the
// heuristic when it is full; it reports whether the edge was kept.
func (g *hnsw) link(r *rows, s *searcher, n, i uint32, simNI float32, l int) bool {
	unlock := g.lock(n)
	defer unlock()
	b := g.list(n, l)
	cnt := int(b[0])
	if cnt < len(b)-1 {
		b[1+cnt] = i
		b[0]++
		return true
	}
	// Full: rank the old neighbours and i by similarity to n, keep the
	// heuristic's choice.
	var qn query
	r.prepareRow(&qn, n, s.fbuf)
	cs := append(s.lbuf[:0], cand{simNI, i})
	for _, o := range b[1 : 1+cnt] {
		cs = append(cs, cand{r.sim(&qn, o), o})
	}
	s.lbuf = cs
	sortDesc(cs)
	sel := g.selectNeighbours(r, s, cs, len(b)-1)
	b[0] = uint32(len(sel))
	kept := false
	for j, c := range sel {
		b[1+j] = c.id
		kept = kept || c.id == i
	}
	return kept
}

// forceLink puts i into n's level-l list, in the last slot if it is full.
func (g *hnsw) forceLink(n, i uint32, l int) {
	unlock := g.lock(n)
	defer unlock()
	b := g.list(n, l)
	cnt := int(b[0])
	for _, x := range b[1 : 1+cnt] {
		if x == i {
			return
		}
	}
	if cnt < len(b)-1 {
		b[1+cnt] = i
		b[0]++
		return
	}
	b[cnt] = i
}

// sortDesc sorts a short candidate list best first (insertion sort: the
// lists are at most 2*m+1 long).
func sortDesc(cs []cand) {
	for a := 1; a < len(cs); a++ {
		c := cs[a]
		b := a - 1
		for b >= 0 && cs[b].sim < c.sim {
			cs[b+1] = cs[b]
			b--
		}
		cs[b+1] = c
	}
}

// build inserts rows [from, to) (already stored and grown) using workers
// goroutines. It returns how many rows, counted from from, were inserted:
// all of them unless ctx was cancelled.
func (g *hnsw) build(ctx context.Context, r *rows, from, to, workers int) (int, error) {
	n := to - from
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if n < 256 || workers == 1 {
		s := &searcher{}
		for k := from; k < to; k++ {
			if k%128 == 0 && ctx.Err() != nil {
				return k - from, ctx.Err()
			}
			g.insert(r, s, uint32(k))
		}
		return n, nil
	}
	// The first rows are inserted alone so parallel workers start from a
	// connected graph.
	seq := min(n, 64)
	s := &searcher{}
	for k := from; k < from+seq; k++ {
		g.insert(r, s, uint32(k))
	}
	g.locks = make([]sync.Mutex, lockStripes)
	defer func() { g.locks = nil }()
	var next atomic.Int64
	next.Store(int64(from + seq))
	eg, ectx := errgroup.WithContext(ctx)
	for w := 0; w < workers; w++ {
		eg.Go(func() error {
			s := &searcher{}
			for {
				if ectx.Err() != nil {
					return ectx.Err()
				}
				k := int(next.Add(1) - 1)
				if k >= to {
					return nil
				}
				g.insert(r, s, uint32(k))
			}
		})
	}
	err := eg.Wait()
	done := min(int(next.Load()), to) - from
	if err != nil {
		// Every index handed out was fully inserted; the rest were not.
		return done, err
	}
	return n, nil
}

// search returns up to ef accepted rows closest to q, best first.
func (g *hnsw) search(r *rows, s *searcher, q *query, ef int, acc *accept) []cand {
	if g.maxLevel < 0 {
		return nil
	}
	s.reset(r.n, r.dim)
	cur := cand{r.sim(q, g.entry), g.entry}
	for l := int(g.maxLevel); l > 0; l-- {
		cur = g.greedy(r, s, q, cur, l)
	}
	g.searchLayer(r, s, q, cur, ef, 0, acc)
	return s.res.sortedDesc()
}

// memBytes is the graph's memory.
func (g *hnsw) memBytes() int {
	return len(g.levels) + 4*len(g.upperOff) + 4*len(g.links0) + 4*len(g.upper)
}
