package embed

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"
)

// csr is a square sparse matrix in compressed-row form.
type csr struct {
	n      int
	rowPtr []int64
	col    []int32
	val    []float32
}

// mulDense computes out = m·x for a dense n×k row-major x, splitting rows
// over workers.
func (m *csr) mulDense(x []float32, k int, out []float32) {
	parallelRows(m.n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			o := out[i*k : (i+1)*k]
			clear(o)
			for p := m.rowPtr[i]; p < m.rowPtr[i+1]; p++ {
				v := m.val[p]
				xr := x[int(m.col[p])*k : int(m.col[p]+1)*k]
				axpy(o, xr, v)
			}
		}
	})
}

// axpy computes y += a·x, with AVX2 and FMA (axpySIMD) from 16 elements.
func axpy(y, x []float32, a float32) {
	x = x[:len(y)]
	i := 0
	if haveSIMD && len(y) >= 16 {
		i = len(y) &^ 7
		axpySIMD(&y[0], &x[0], a, i)
	}
	for ; i+4 <= len(y); i += 4 {
		y[i] += a * x[i]
		y[i+1] += a * x[i+1]
		y[i+2] += a * x[i+2]
		y[i+3] += a * x[i+3]
	}
	for ; i < len(y); i++ {
		y[i] += a * x[i]
	}
}

// dot returns x·y.
func dot(x, y []float32) float32 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i] * y[i]
		s1 += x[i+1] * y[i+1]
		s2 += x[i+2] * y[i+2]
		s3 += x[i+3] * y[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return s0 + s1 + s2 + s3
}

// normalize scales v to unit length; a zero vector stays zero.
func normalize(v []float32) {
	n := math.Sqrt(float64(dot(v, v)))
	if n == 0 {
		return
	}
	inv := float32(1 / n)
	for i := range v {
		v[i] *= inv
	}
}

// parallelRows runs fn over [0,n) split into one contiguous range per CPU.
func parallelRows(n int, fn func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if workers > n/64 {
		workers = max(1, n/64)
	}
	if workers == 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	step := (n + workers - 1) / workers
	for lo := 0; lo < n; lo += step {
		hi := min(lo+step, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	wg.Wait()
}

// orthonormalize makes the k columns of the n×k row-major matrix y
// orthonormal (the Q of its QR factorisation) by Cholesky-QR, repeated
// passes times (two give full accuracy). Columns that turn out linearly
// dependent are zeroed by a Gram-Schmidt fallback.
func orthonormalize(y []float32, n, k, passes int) {
	for pass := 0; pass < passes; pass++ {
		g := gram(y, n, k)
		r, ok := cholesky(g, k)
		if !ok {
			mgs(y, n, k)
			return
		}
		// y ← y·R⁻¹, row by row: row·R⁻¹ = Σ_l row[l]·(R⁻¹ row l), and
		// row l of the upper-triangular R⁻¹ is zero before column l.
		rinv64 := invUpper(r, k)
		rinv := make([]float32, k*k)
		for i, v := range rinv64 {
			rinv[i] = float32(v)
		}
		parallelRows(n, func(lo, hi int) {
			tmp := make([]float32, k)
			for i := lo; i < hi; i++ {
				row := y[i*k : (i+1)*k]
				clear(tmp)
				for l, v := range row {
					if v != 0 {
						axpy(tmp[l:], rinv[l*k+l:(l+1)*k], v)
					}
				}
				copy(row, tmp)
			}
		})
	}
}

// gram returns yᵀy (k×k, float64) of the n×k row-major y. Blocks of rows
// accumulate in float32, each block's sum in float64.
func gram(y []float32, n, k int) []float64 {
	var mu sync.Mutex
	g := make([]float64, k*k)
	parallelRows(n, func(lo, hi int) {
		local := make([]float64, k*k)
		block := make([]float32, k*k)
		for b := lo; b < hi; b += 256 {
			clear(block)
			for i := b; i < min(b+256, hi); i++ {
				row := y[i*k : (i+1)*k]
				for a, ra := range row {
					if ra != 0 {
						axpy(block[a*k+a:(a+1)*k], row[a:], ra)
					}
				}
			}
			for i, v := range block {
				local[i] += float64(v)
			}
		}
		mu.Lock()
		for i := range g {
			g[i] += local[i]
		}
		mu.Unlock()
	})
	for a := 0; a < k; a++ {
		for b := 0; b < a; b++ {
			g[a*k+b] = g[b*k+a]
		}
	}
	return g
}

// cholesky returns the upper-triangular R with RᵀR = g, or false when g is
// not numerically positive definite.
func cholesky(g []float64, k int) ([]float64, bool) {
	r := make([]float64, k*k)
	for j := 0; j < k; j++ {
		s := g[j*k+j]
		for l := 0; l < j; l++ {
			s -= r[l*k+j] * r[l*k+j]
		}
		if s <= 1e-10*math.Max(g[j*k+j], 1e-30) {
			return nil, false
		}
		d := math.Sqrt(s)
		r[j*k+j] = d
		for i := j + 1; i < k; i++ {
			s := g[j*k+i]
			for l := 0; l < j; l++ {
				s -= r[l*k+j] * r[l*k+i]
			}
			r[j*k+i] = s / d
		}
	}
	return r, true
}

// invUpper inverts the upper-triangular k×k matrix r.
func invUpper(r []float64, k int) []float64 {
	inv := make([]float64, k*k)
	for j := k - 1; j >= 0; j-- {
		inv[j*k+j] = 1 / r[j*k+j]
		for i := j - 1; i >= 0; i-- {
			var s float64
			for l := i + 1; l <= j; l++ {
				s += r[i*k+l] * inv[l*k+j]
			}
			inv[i*k+j] = -s / r[i*k+i]
		}
	}
	return inv
}

// mgs orthonormalises the columns of y by modified Gram-Schmidt: slower
// than Cholesky-QR but robust to rank deficiency.
func mgs(y []float32, n, k int) {
	col := make([]float64, n)
	for j := 0; j < k; j++ {
		var orig float64
		for i := 0; i < n; i++ {
			col[i] = float64(y[i*k+j])
			orig += col[i] * col[i]
		}
		for p := 0; p < j; p++ {
			var s float64
			for i := 0; i < n; i++ {
				s += col[i] * float64(y[i*k+p])
			}
			for i := 0; i < n; i++ {
				col[i] -= s * float64(y[i*k+p])
			}
		}
		var norm float64
		for _, v := range col {
			norm += v * v
		}
		norm = math.Sqrt(norm)
		for i := 0; i < n; i++ {
			if norm > 1e-4*math.Sqrt(orig) {
				y[i*k+j] = float32(col[i] / norm)
			} else {
				y[i*k+j] = 0
			}
		}
	}
}

// jacobiEigen diagonalises the symmetric k×k matrix a (destroyed) by cyclic
// Jacobi rotations and returns its eigenvalues and the eigenvectors as the
// columns of a row-major k×k matrix.
func jacobiEigen(a []float64, k int) ([]float64, []float64) {
	v := make([]float64, k*k)
	for i := 0; i < k; i++ {
		v[i*k+i] = 1
	}
	for sweep := 0; sweep < 50; sweep++ {
		var off float64
		for p := 0; p < k; p++ {
			for q := p + 1; q < k; q++ {
				off += a[p*k+q] * a[p*k+q]
			}
		}
		if off < 1e-22 {
			break
		}
		for p := 0; p < k; p++ {
			for q := p + 1; q < k; q++ {
				apq := a[p*k+q]
				if math.Abs(apq) < 1e-300 {
					continue
				}
				theta := (a[q*k+q] - a[p*k+p]) / (2 * apq)
				t := 1 / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				if theta < 0 {
					t = -t
				}
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				for r := 0; r < k; r++ {
					arp, arq := a[r*k+p], a[r*k+q]
					a[r*k+p] = c*arp - s*arq
					a[r*k+q] = s*arp + c*arq
				}
				for r := 0; r < k; r++ {
					apr, aqr := a[p*k+r], a[q*k+r]
					a[p*k+r] = c*apr - s*aqr
					a[q*k+r] = s*apr + c*aqr
				}
				for r := 0; r < k; r++ {
					vrp, vrq := v[r*k+p], v[r*k+q]
					v[r*k+p] = c*vrp - s*vrq
					v[r*k+q] = s*vrp + c*vrq
				}
			}
		}
	}
	vals := make([]float64, k)
	for i := range vals {
		vals[i] = a[i*k+i]
	}
	return vals, v
}

// topEigen returns approximations of the k largest (algebraic) eigenvalues
// of the symmetric sparse m and their eigenvectors (n×k row-major), by a
// randomized range finder: a Gaussian sketch, power iterations with
// re-orthonormalisation, then an exact eigendecomposition of the small
// projected matrix (Halko, Martinsson & Tropp 2011).
func topEigen(ctx context.Context, m *csr, k, oversample, powerIters int, seed uint64) ([]float64, []float32, error) {
	n := m.n
	kk := min(k+oversample, n)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	omega := make([]float32, n*kk)
	for i := range omega {
		omega[i] = float32(rng.NormFloat64())
	}
	y := make([]float32, n*kk)
	m.mulDense(omega, kk, y)
	for it := 0; it < powerIters; it++ {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		// Between power iterations one Cholesky-QR pass is enough to keep
		// the columns apart; the final basis gets two.
		orthonormalize(y, n, kk, 1)
		m.mulDense(y, kk, omega)
		y, omega = omega, y
	}
	orthonormalize(y, n, kk, 2)
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	// B = Qᵀ M Q.
	mq := omega
	m.mulDense(y, kk, mq)
	b := make([]float64, kk*kk)
	var mu sync.Mutex
	parallelRows(n, func(lo, hi int) {
		local := make([]float64, kk*kk)
		block := make([]float32, kk*kk)
		for b := lo; b < hi; b += 256 {
			clear(block)
			for i := b; i < min(b+256, hi); i++ {
				qr := y[i*kk : (i+1)*kk]
				zr := mq[i*kk : (i+1)*kk]
				for a, qa := range qr {
					if qa != 0 {
						axpy(block[a*kk:(a+1)*kk], zr, qa)
					}
				}
			}
			for i, v := range block {
				local[i] += float64(v)
			}
		}
		mu.Lock()
		for i := range b {
			b[i] += local[i]
		}
		mu.Unlock()
	})
	for a := 0; a < kk; a++ { // symmetrise rounding noise
		for c := a + 1; c < kk; c++ {
			s := (b[a*kk+c] + b[c*kk+a]) / 2
			b[a*kk+c], b[c*kk+a] = s, s
		}
	}
	vals, vecs := jacobiEigen(b, kk)
	order := make([]int, kk)
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(i, j int) bool { return vals[order[i]] > vals[order[j]] })
	kOut := min(k, kk)
	outVals := make([]float64, kOut)
	w := make([]float64, kk*kOut)
	for j := 0; j < kOut; j++ {
		outVals[j] = vals[order[j]]
		for a := 0; a < kk; a++ {
			w[a*kOut+j] = vecs[a*kk+order[j]]
		}
	}
	w32 := make([]float32, len(w))
	for i, v := range w {
		w32[i] = float32(v)
	}
	u := make([]float32, n*kOut)
	parallelRows(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			ur := u[i*kOut : (i+1)*kOut]
			for a, qa := range y[i*kk : (i+1)*kk] {
				if qa != 0 {
					axpy(ur, w32[a*kOut:(a+1)*kOut], qa)
				}
			}
		}
	})
	return outVals, u, nil
}
