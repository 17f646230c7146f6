package embed

import (
	"context"
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

// randomSymmetric returns a dense n×n symmetric matrix with a decaying
// spectrum and its csr form.
func randomSymmetric(n int, seed uint64) ([]float64, *csr) {
	rng := rand.New(rand.NewPCG(seed, 1))
	a := make([]float64, n*n)
	for r := 0; r < n; r++ {
		// Sum of rank-one terms λ·u·uᵀ with λ = 1/(r+1)².
		u := make([]float64, n)
		for i := range u {
			u[i] = rng.NormFloat64()
		}
		l := 10 / float64((r+1)*(r+1))
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				a[i*n+j] += l * u[i] * u[j] / float64(n)
			}
		}
	}
	m := &csr{n: n, rowPtr: make([]int64, n+1)}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			m.col = append(m.col, int32(j))
			m.val = append(m.val, float32(a[i*n+j]))
		}
		m.rowPtr[i+1] = int64(len(m.col))
	}
	return a, m
}

func TestTopEigenMatchesDense(t *testing.T) {
	const n, k = 60, 8
	a, m := randomSymmetric(n, 3)
	dense := append([]float64(nil), a...)
	vals, _ := jacobiEigen(dense, n)
	sort.Sort(sort.Reverse(sort.Float64Slice(vals)))
	got, vecs, err := topEigen(context.Background(), m, k, 10, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	for j := 0; j < k; j++ {
		if math.Abs(got[j]-vals[j]) > 1e-3*math.Abs(vals[0]) {
			t.Errorf("eigenvalue %d = %.5f, want %.5f", j, got[j], vals[j])
		}
		// A·v = λ·v for the returned vector.
		var res float64
		for i := 0; i < n; i++ {
			var s float64
			for l := 0; l < n; l++ {
				s += a[i*n+l] * float64(vecs[l*k+j])
			}
			d := s - got[j]*float64(vecs[i*k+j])
			res += d * d
		}
		if math.Sqrt(res) > 1e-2*math.Abs(vals[0]) {
			t.Errorf("residual of eigenvector %d = %.4f", j, math.Sqrt(res))
		}
	}
}

func TestOrthonormalize(t *testing.T) {
	const n, k = 200, 12
	rng := rand.New(rand.NewPCG(5, 5))
	y := make([]float32, n*k)
	for i := range y {
		y[i] = float32(rng.NormFloat64())
	}
	orthonormalize(y, n, k, 2)
	g := gram(y, n, k)
	for a := 0; a < k; a++ {
		for b := 0; b < k; b++ {
			want := 0.0
			if a == b {
				want = 1
			}
			if math.Abs(g[a*k+b]-want) > 1e-4 {
				t.Fatalf("QᵀQ[%d,%d] = %v", a, b, g[a*k+b])
			}
		}
	}
	// Rank-deficient input falls back to Gram-Schmidt and zeroes a column.
	for i := 0; i < n; i++ {
		y[i*k+1] = y[i*k]
	}
	orthonormalize(y, n, k, 2)
	g = gram(y, n, k)
	if math.Abs(g[0]-1) > 1e-4 || g[k+1] > 1e-4 {
		t.Errorf("rank-deficient: QᵀQ diag %v %v", g[0], g[k+1])
	}
}

func BenchmarkTopEigen(b *testing.B) {
	_, m := randomSymmetric(400, 9)
	for b.Loop() {
		topEigen(context.Background(), m, 64, 10, 2, 1)
	}
}

// TestAxpy checks axpy (AVX2/FMA from 16 elements where available)
// against a plain loop on every length up to 100 and unaligned slices.
func TestAxpy(t *testing.T) {
	g := rand.New(rand.NewPCG(7, 8))
	x := make([]float32, 103)
	for i := range x {
		x[i] = float32(g.NormFloat64())
	}
	for n := 0; n <= 100; n++ {
		for _, off := range []int{0, 1, 3} {
			y := make([]float32, n)
			want := make([]float32, n)
			for i := range y {
				y[i] = float32(g.NormFloat64())
				want[i] = y[i] + 0.37*x[off+i]
			}
			axpy(y, x[off:off+n], 0.37)
			for i := range y {
				if d := y[i] - want[i]; d > 1e-5 || d < -1e-5 {
					t.Fatalf("n=%d off=%d: y[%d] = %v, want %v", n, off, i, y[i], want[i])
				}
			}
		}
	}
}
