package vector

import (
	"math/rand/v2"
	"runtime"
	"sync"
)

// clustered is a Go port of the data shape of faiss_anchor.py: a mixture
// of `centers` Gaussians in a random sub-dimensional subspace, projected to
// dim with small isotropic noise, unit length. Base rows and queries come
// from the same mixture.
func clustered(n, q, dim, sub, centers int, seed uint64) (base, queries [][]float32) {
	g := rand.New(rand.NewPCG(seed, 7))
	basis := make([]float32, sub*dim)
	for i := range basis {
		basis[i] = float32(g.NormFloat64())
	}
	cent := make([]float32, centers*sub)
	for i := range cent {
		cent[i] = float32(g.NormFloat64())
	}
	gen := func(n int) [][]float32 {
		out := make([][]float32, n)
		z := make([]float32, sub)
		for i := range out {
			c := g.IntN(centers)
			for j := range z {
				z[j] = cent[c*sub+j] + float32(g.NormFloat64())
			}
			x := make([]float32, dim)
			for j := range x {
				x[j] = 0.05 * float32(g.NormFloat64())
			}
			for a, za := range z {
				row := basis[a*dim : (a+1)*dim]
				for j := range x {
					x[j] += za * row[j]
				}
			}
			normalize(x)
			out[i] = x
		}
		return out
	}
	return gen(n), gen(q)
}

// groundTruth is the exact top-k by inner product over base, restricted
// to rows whose index passes keep (nil: all), in parallel.
func groundTruth(base, queries [][]float32, k int, keep func(i int) bool) [][]int {
	out := make([][]int, len(queries))
	var wg sync.WaitGroup
	w := runtime.GOMAXPROCS(0)
	for t := 0; t < w; t++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for qi := t; qi < len(queries); qi += w {
				var h minHeap
				for i, b := range base {
					if keep != nil && !keep(i) {
						continue
					}
					h.offer(cand{dotF32(queries[qi], b), uint32(i)}, k)
				}
				cs := h.sortedDesc()
				ids := make([]int, len(cs))
				for j, c := range cs {
					ids[j] = int(c.id)
				}
				out[qi] = ids
			}
		}()
	}
	wg.Wait()
	return out
}

// recallAt is the mean fraction of the true top-k found in got.
func recallAt(truth [][]int, got [][]Result) float64 {
	var sum float64
	for i, t := range truth {
		if len(t) == 0 {
			sum++
			continue
		}
		want := map[uint64]bool{}
		for _, id := range t {
			want[uint64(id)] = true
		}
		hit := 0
		for _, r := range got[i] {
			if want[r.ID] {
				hit++
			}
		}
		sum += float64(hit) / float64(len(t))
	}
	return sum / float64(len(truth))
}

func seqIDs(n int) []uint64 {
	ids := make([]uint64, n)
	for i := range ids {
		ids[i] = uint64(i)
	}
	return ids
}
