package vector

import (
	"context"
	"math/rand/v2"
	"slices"
	"unsafe"

	"golang.org/x/sync/errgroup"
)

// ivf is an inverted-file index: k-means centroids, and for each one the
// rows closest to it. A query scores every centroid and scans the rows of
// the nprobe best lists. Rows are assigned by L2 distance (score x·c -
// |c|²/2, kept in bias), which for cosine's unit-length centroids is the
// inner product.
type ivf struct {
	cent  []float32  // nlist*dim
	bias  []float32  // nlist: -|c|²/2
	lists [][]uint32 // rows per list
	where []uint32   // row -> list (noList if in none)

	forceTrain bool // Compact: train whatever the row count
}

const (
	noList      = ^uint32(0)
	ivfMinTrain = 1024 // rows before the lists are trained; until then searches scan
)

func (v *ivf) nlist() int { return len(v.bias) }

func (v *ivf) memBytes() int {
	b := 4*len(v.cent) + 4*len(v.bias) + 4*len(v.where) + 24*len(v.lists)
	for _, l := range v.lists {
		b += 4 * len(l)
	}
	return b
}

// add places rows [from, to) in lists, training the lists first once
// there are enough rows.
func (v *ivf) add(ctx context.Context, r *rows, o *Options, from, to int) error {
	v.where = growSlice(v.where, to)
	for i := from; i < to; i++ {
		v.where[i] = noList
	}
	if v.nlist() == 0 {
		if r.live() < ivfMinTrain && !v.forceTrain {
			return nil
		}
		if err := v.train(ctx, r, o); err != nil {
			return err
		}
		return v.assignAll(ctx, r, o, 0, r.n)
	}
	return v.assignAll(ctx, r, o, from, to)
}

// ivfRefine is the number of flat Lloyd iterations after the two-level
// seeding. Without them, lists trained only against their siblings under
// one coarse centroid gave recall@10 0.675 / 0.835 at nprobe 8 / 32 on
// 20,000 clustered vectors (FAISS IVFFlat: 0.819 / 0.912); 2, 5 and 10
// iterations gave 0.762 / 0.883, 0.805 / 0.904 and 0.818 / 0.908, and a
// flat k-means from k-means++ seeds 0.808 / 0.905 at 2.5x the build time
// (BENCHMARKS.md, "Vector indexes").
const ivfRefine = 10

// train runs k-means on a sample of the live rows: flat k-means for up to
// 64 lists, else seeds from sqrt(nlist) coarse clusters each split in
// proportion to its size (cheap: O(sample*sqrt(nlist)) per iteration),
// refined by ivfRefine flat Lloyd iterations over the whole sample. Both
// use k-means++ seeding.
func (v *ivf) train(ctx context.Context, r *rows, o *Options) error {
	live := r.live()
	nl := o.NList
	if nl == 0 {
		nl = 4 * isqrt(live)
	}
	nl = max(1, min(nl, live/8))
	if live == 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x1f))
	m := min(live, max(32*nl, 4096), 65536)
	liveRows := make([]uint32, 0, live)
	for i := 0; i < r.n; i++ {
		if !r.deleted(uint32(i)) {
			liveRows = append(liveRows, uint32(i))
		}
	}
	rng.Shuffle(len(liveRows), func(a, b int) { liveRows[a], liveRows[b] = liveRows[b], liveRows[a] })
	d := r.dim
	x := make([]float32, m*d)
	for j, row := range liveRows[:m] {
		r.decode(x[j*d:(j+1)*d], row)
	}
	w := workers(o.Workers)
	if nl <= 64 {
		c, err := kmeans(ctx, x, d, nl, o.Metric == Cosine, rng, w)
		if err != nil {
			return err
		}
		v.setCentroids(c, d)
		return nil
	}
	k1 := isqrt(nl)
	top, err := kmeans(ctx, x, d, k1, o.Metric == Cosine, rng, w)
	if err != nil {
		return err
	}
	k1 = len(top) / d
	tb := biases(top, d)
	members := make([][]int, k1)
	for j := 0; j < m; j++ {
		b := best(x[j*d:(j+1)*d], top, tb, d)
		members[b] = append(members[b], j)
	}
	var all []float32
	for c, mem := range members {
		if len(mem) == 0 {
			all = append(all, top[c*d:(c+1)*d]...)
			continue
		}
		k2 := max(1, (nl*len(mem)+m/2)/m)
		k2 = min(k2, len(mem))
		sub := make([]float32, len(mem)*d)
		for j, p := range mem {
			copy(sub[j*d:(j+1)*d], x[p*d:(p+1)*d])
		}
		sc, err := kmeans(ctx, sub, d, k2, o.Metric == Cosine, rng, w)
		if err != nil {
			return err
		}
		all = append(all, sc...)
	}
	if all, err = lloyd(ctx, x, d, all, ivfRefine, o.Metric == Cosine, rng, w); err != nil {
		return err
	}
	v.setCentroids(all, d)
	return nil
}

func (v *ivf) setCentroids(c []float32, d int) {
	v.cent = c
	v.bias = biases(c, d)
	v.lists = make([][]uint32, len(v.bias))
}

func biases(c []float32, d int) []float32 {
	b := make([]float32, len(c)/d)
	for j := range b {
		row := c[j*d : (j+1)*d]
		b[j] = -dotF32(row, row) / 2
	}
	return b
}

// best is the centroid with the highest x·c - |c|²/2. With SIMD and a
// dimension that is a multiple of 8 it scores four centroids per pass
// over x (dot4F32SIMD).
func best(x, cent, bias []float32, d int) int {
	bi, bs := 0, float32(-1e38)
	j := 0
	if haveSIMD && d >= 8 && d%8 == 0 && len(x) >= d && len(cent) >= len(bias)*d {
		var out [4]float32
		for ; j+4 <= len(bias); j += 4 {
			dot4F32SIMD(unsafe.SliceData(x), &cent[j*d], d, d, &out)
			for t, s := range out {
				if s += bias[j+t]; s > bs {
					bi, bs = j+t, s
				}
			}
		}
	}
	for ; j < len(bias); j++ {
		if s := dotF32(x, cent[j*d:(j+1)*d]) + bias[j]; s > bs {
			bi, bs = j, s
		}
	}
	return bi
}

// assignAll puts live rows [from, to) into their closest lists, in
// parallel.
func (v *ivf) assignAll(ctx context.Context, r *rows, o *Options, from, to int) error {
	d := r.dim
	dst := make([]uint32, to-from)
	eg, ectx := errgroup.WithContext(ctx)
	w := workers(o.Workers)
	chunk := (to - from + w - 1) / w
	for s := from; s < to; s += chunk {
		e := min(to, s+chunk)
		eg.Go(func() error {
			x := make([]float32, d)
			for i := s; i < e; i++ {
				if (i-s)&255 == 0 && ectx.Err() != nil {
					return ectx.Err()
				}
				if r.deleted(uint32(i)) {
					dst[i-from] = noList
					continue
				}
				r.decode(x, uint32(i))
				dst[i-from] = uint32(best(x, v.cent, v.bias, d))
			}
			return nil
		})
	}
	if err := eg.Wait(); err != nil {
		return err
	}
	for k, l := range dst {
		if l == noList {
			continue
		}
		v.lists[l] = append(v.lists[l], uint32(from+k))
		v.where[from+k] = l
	}
	return nil
}

// remove takes row i out of its list.
func (v *ivf) remove(i uint32) {
	if int(i) >= len(v.where) || v.where[i] == noList {
		return
	}
	l := v.where[i]
	lst := v.lists[l]
	for k, x := range lst {
		if x == i {
			lst[k] = lst[len(lst)-1]
			v.lists[l] = lst[:len(lst)-1]
			break
		}
	}
	v.where[i] = noList
}

// search scans the nprobe lists whose centroids score best for qf; with a
// filter, it keeps probing further lists until k rows were accepted.
func (v *ivf) search(ctx context.Context, r *rows, s *searcher, qf []float32, nprobe, k int, acc *accept) ([]cand, error) {
	d := r.dim
	order := s.scratch[:0]
	for j := range v.bias {
		order = append(order, cand{dotF32(qf, v.cent[j*d:(j+1)*d]) + v.bias[j], uint32(j)})
	}
	s.scratch = order
	slices.SortFunc(order, func(a, b cand) int {
		switch {
		case a.sim > b.sim:
			return -1
		case a.sim < b.sim:
			return 1
		}
		return 0
	})
	s.res = s.res[:0]
	for p, c := range order {
		if p >= nprobe && (acc.filter == nil || len(s.res) >= k) {
			break
		}
		if p&63 == 63 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		for _, i := range v.lists[c.id] {
			if !acc.ok(i) {
				continue
			}
			sim := r.sim(&s.q, i)
			if len(s.res) < k || sim > s.res[0].sim {
				s.res.offer(cand{sim, i}, k)
			}
		}
	}
	return s.res.sortedDesc(), nil
}

// kmeans clusters the n = len(x)/d points of x into at most k centroids
// (k-means++ seeding, then Lloyd iterations in parallel); spherical
// normalises centroids to unit length.
func kmeans(ctx context.Context, x []float32, d, k int, spherical bool, rng *rand.Rand, w int) ([]float32, error) {
	n := len(x) / d
	k = min(k, n)
	c := make([]float32, 0, k*d)
	// k-means++: each next seed drawn with probability ∝ squared distance
	// to the nearest seed so far.
	first := rng.IntN(n)
	c = append(c, x[first*d:(first+1)*d]...)
	dist := make([]float32, n)
	for i := range dist {
		dist[i] = l2(x[i*d:(i+1)*d], c[:d])
	}
	for len(c) < k*d {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var sum float64
		for _, v := range dist {
			sum += float64(v)
		}
		pick := rng.IntN(n)
		if sum > 0 {
			t := rng.Float64() * sum
			for i, v := range dist {
				t -= float64(v)
				if t <= 0 {
					pick = i
					break
				}
			}
		}
		nc := x[pick*d : (pick+1)*d]
		c = append(c, nc...)
		for i := range dist {
			if v := l2(x[i*d:(i+1)*d], nc); v < dist[i] {
				dist[i] = v
			}
		}
	}
	return lloyd(ctx, x, d, c, 10, spherical, rng, w)
}

// lloyd runs iters Lloyd iterations from the k = len(c)/d centroids c
// over the points x, assigning every point to its closest centroid (an
// empty cluster is reseeded on a random point), in place.
func lloyd(ctx context.Context, x []float32, d int, c []float32, iters int, spherical bool, rng *rand.Rand, w int) ([]float32, error) {
	n, k := len(x)/d, len(c)/d
	assign := make([]int32, n)
	for it := 0; it < iters; it++ {
		bias := biases(c, d)
		eg, ectx := errgroup.WithContext(ctx)
		chunk := (n + w - 1) / w
		for s := 0; s < n; s += chunk {
			e := min(n, s+chunk)
			eg.Go(func() error {
				if ectx.Err() != nil {
					return ectx.Err()
				}
				for i := s; i < e; i++ {
					assign[i] = int32(best(x[i*d:(i+1)*d], c, bias, d))
				}
				return nil
			})
		}
		if err := eg.Wait(); err != nil {
			return nil, err
		}
		sum := make([]float64, k*d)
		cnt := make([]int, k)
		for i, a := range assign {
			cnt[a]++
			row := sum[int(a)*d : int(a+1)*d]
			for j, v := range x[i*d : (i+1)*d] {
				row[j] += float64(v)
			}
		}
		for j := 0; j < k; j++ {
			dst := c[j*d : (j+1)*d]
			if cnt[j] == 0 { // empty: reseed on a random point
				p := rng.IntN(n)
				copy(dst, x[p*d:(p+1)*d])
				continue
			}
			inv := 1 / float64(cnt[j])
			for t := range dst {
				dst[t] = float32(sum[j*d+t] * inv)
			}
			if spherical {
				normalize(dst)
			}
		}
	}
	return c, nil
}

func l2(a, b []float32) float32 {
	var s float32
	b = b[:len(a)]
	for i, v := range a {
		t := v - b[i]
		s += t * t
	}
	return s
}
