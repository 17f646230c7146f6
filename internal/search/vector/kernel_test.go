package vector

import (
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// TestHalfTable checks the float16 table, built on first use, against the
// decoder for every bit pattern, and known values (1.0, -2.0, the largest
// finite, the smallest subnormal, infinity, a NaN) against their float32.
func TestHalfTable(t *testing.T) {
	tab := halfTable()
	if halfTable() != tab {
		t.Fatal("halfTable built twice")
	}
	for i := range tab {
		if got, want := math.Float32bits(tab[i]), math.Float32bits(halfToFloat(uint16(i))); got != want {
			t.Fatalf("halfTable[%#04x] = %#08x, want %#08x", i, got, want)
		}
	}
	for h, want := range map[uint16]float32{0x3c00: 1, 0xc000: -2, 0x7bff: 65504, 0x0001: 1.0 / (1 << 24), 0x7c00: float32(math.Inf(1))} {
		if tab[h] != want {
			t.Errorf("halfTable[%#04x] = %v, want %v", h, tab[h], want)
		}
	}
	if v := tab[0x7e00]; v == v {
		t.Errorf("halfTable[0x7e00] = %v, want NaN", v)
	}
}

func TestDotKernels(t *testing.T) {
	g := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 7, 8, 9, 63, 384, 385} {
		a, b := make([]float32, n), make([]float32, n)
		ai, bi := make([]int8, n), make([]int8, n)
		bh := make([]uint16, n)
		var want float64
		var wantI int32
		var wantH float64
		for i := range a {
			a[i], b[i] = float32(g.NormFloat64()), float32(g.NormFloat64())
			ai[i], bi[i] = int8(g.IntN(255)-127), int8(g.IntN(255)-127)
			bh[i] = floatToHalf(b[i])
			want += float64(a[i]) * float64(b[i])
			wantI += int32(ai[i]) * int32(bi[i])
			wantH += float64(a[i]) * float64(halfToFloat(bh[i]))
		}
		if got := dotF32(a, b); math.Abs(float64(got)-want) > 1e-3*(1+math.Abs(want)) {
			t.Errorf("dotF32 n=%d: %v, want %v", n, got, want)
		}
		if got := dotI8(ai, bi); got != wantI {
			t.Errorf("dotI8 n=%d: %v, want %v", n, got, wantI)
		}
		var wantA float64
		for i := range a {
			wantA += float64(a[i]) * float64(bi[i])
		}
		if got := dotF32I8(a, bi); math.Abs(float64(got)-wantA) > 1e-3*(1+math.Abs(wantA)) {
			t.Errorf("dotF32I8 n=%d: %v, want %v", n, got, wantA)
		}
		if got := dotF16(a, bh, halfTable()); math.Abs(float64(got)-wantH) > 1e-3*(1+math.Abs(wantH)) {
			t.Errorf("dotF16 n=%d: %v, want %v", n, got, wantH)
		}
	}
}

// TestSIMDKernels compares the SIMD kernels with the portable ones on
// every length up to 300 (the SIMD path takes lengths from 16, the tail
// after the last multiple of 8 in Go).
func TestSIMDKernels(t *testing.T) {
	if !haveSIMD {
		t.Skip("no SIMD kernels on this machine or build")
	}
	g := rand.New(rand.NewPCG(3, 4))
	a, b := make([]float32, 300), make([]float32, 300)
	x := make([]int8, 300)
	for i := range a {
		a[i], b[i] = float32(g.NormFloat64()), float32(g.NormFloat64())
		x[i] = int8(g.IntN(256) - 128)
	}
	for n := 0; n <= 300; n++ {
		var norm, normI float64
		for i := range n {
			norm += math.Abs(float64(a[i] * b[i]))
			normI += math.Abs(float64(a[i]) * float64(x[i]))
		}
		if got, want := dotF32(a[:n], b[:n]), dotF32Go(a[:n], b[:n]); math.Abs(float64(got-want)) > 1e-5*(1+norm) {
			t.Errorf("dotF32 n=%d: SIMD %v, portable %v", n, got, want)
		}
		if got, want := dotF32I8(a[:n], x[:n]), dotF32I8Go(a[:n], x[:n]); math.Abs(float64(got-want)) > 1e-5*(1+normI) {
			t.Errorf("dotF32I8 n=%d: SIMD %v, portable %v", n, got, want)
		}
	}
	// Unaligned starts.
	if got, want := dotF32(a[1:258], b[3:260]), dotF32Go(a[1:258], b[3:260]); math.Abs(float64(got-want)) > 1e-3 {
		t.Errorf("dotF32 unaligned: SIMD %v, portable %v", got, want)
	}
	if got, want := dotF32I8(a[5:262], x[1:258]), dotF32I8Go(a[5:262], x[1:258]); math.Abs(float64(got-want)) > 1e-2 {
		t.Errorf("dotF32I8 unaligned: SIMD %v, portable %v", got, want)
	}
}

// TestBest checks the centroid choice (four centroids per pass with SIMD)
// against scores computed by the portable kernel, for dimensions and
// centroid counts around the blocking.
func TestBest(t *testing.T) {
	g := rand.New(rand.NewPCG(5, 6))
	for _, d := range []int{3, 8, 16, 24, 256, 260} {
		for k := 1; k <= 11; k++ {
			cent := make([]float32, k*d)
			for i := range cent {
				cent[i] = float32(g.NormFloat64())
			}
			bias := biases(cent, d)
			for trial := 0; trial < 20; trial++ {
				x := make([]float32, d)
				for i := range x {
					x[i] = float32(g.NormFloat64())
				}
				if haveSIMD && d%8 == 0 {
					var out [4]float32
					for j := 0; j+4 <= k; j += 4 {
						dot4F32SIMD(&x[0], &cent[j*d], d, d, &out)
						for u := range out {
							if want := dotF32Go(x, cent[(j+u)*d:]); math.Abs(float64(out[u]-want)) > 1e-4*(1+math.Abs(float64(want))) {
								t.Fatalf("d=%d dot4 row %d: %v, portable %v", d, j+u, out[u], want)
							}
						}
					}
				}
				got := best(x, cent, bias, d)
				top := float32(-1e38)
				for j := range k {
					top = max(top, dotF32Go(x, cent[j*d:])+bias[j])
				}
				if s := dotF32Go(x, cent[got*d:]) + bias[got]; top-s > 1e-3 {
					t.Fatalf("d=%d k=%d: best %d scores %v, the best score is %v", d, k, got, s, top)
				}
			}
		}
	}
}

func TestHalf(t *testing.T) {
	cases := []struct {
		f float32
		h uint16
	}{
		{0, 0}, {1, 0x3c00}, {-2, 0xc000}, {65504, 0x7bff}, {1e6, 0x7c00}, {-1e6, 0xfc00},
		{float32(math.Inf(1)), 0x7c00}, {5.960464477539063e-08, 0x0001}, {6.103515625e-05, 0x0400},
		{0.333251953125, 0x3555}, {1e-9, 0},
	}
	for _, c := range cases {
		if got := floatToHalf(c.f); got != c.h {
			t.Errorf("floatToHalf(%v) = %#04x, want %#04x", c.f, got, c.h)
		}
	}
	// Every finite half survives a round trip through float32.
	for h := 0; h < 1<<16; h++ {
		f := halfToFloat(uint16(h))
		if f != f { // NaN
			continue
		}
		if back := floatToHalf(f); back != uint16(h) && !(f == 0 && back&0x7fff == 0) {
			t.Fatalf("round trip %#04x -> %v -> %#04x", h, f, back)
		}
	}
	if f := halfToFloat(floatToHalf(float32(math.NaN()))); f == f {
		t.Errorf("NaN did not survive: %v", f)
	}
}

func TestQuantizeI8(t *testing.T) {
	g := rand.New(rand.NewPCG(3, 4))
	x := make([]float32, 384)
	for i := range x {
		x[i] = float32(g.NormFloat64())
	}
	normalize(x)
	c := make([]int8, len(x))
	s := quantizeI8(c, x)
	var maxErr float64
	sawMax := false
	for i, v := range x {
		maxErr = math.Max(maxErr, math.Abs(float64(v-s*float32(c[i]))))
		if c[i] == 127 || c[i] == -127 {
			sawMax = true
		}
	}
	if maxErr > float64(s)/2+1e-7 || !sawMax {
		t.Errorf("max error %v with step %v (max code used: %v)", maxErr, s, sawMax)
	}
	if s := quantizeI8(c, make([]float32, 384)); s != 0 || c[0] != 0 {
		t.Errorf("zero vector: scale %v code %v", s, c[0])
	}
}

func BenchmarkDot(b *testing.B) {
	const d = 384
	g := rand.New(rand.NewPCG(1, 2))
	a, c := make([]float32, d), make([]float32, d)
	ai, ci := make([]int8, d), make([]int8, d)
	ch := make([]uint16, d)
	for i := range a {
		a[i], c[i] = float32(g.NormFloat64()), float32(g.NormFloat64())
		ai[i], ci[i] = int8(g.IntN(255)-127), int8(g.IntN(255)-127)
		ch[i] = floatToHalf(c[i])
	}
	var sink float32
	b.Run("f32", func(b *testing.B) {
		for b.Loop() {
			sink += dotF32(a, c)
		}
	})
	b.Run("int8", func(b *testing.B) {
		for b.Loop() {
			sink += float32(dotI8(ai, ci))
		}
	})
	b.Run("f32xint8", func(b *testing.B) {
		for b.Loop() {
			sink += dotF32I8(a, ci)
		}
	})
	b.Run("f16", func(b *testing.B) {
		for b.Loop() {
			sink += dotF16(a, ch, halfTable())
		}
	})
	b.Run("f32-portable", func(b *testing.B) {
		for b.Loop() {
			sink += dotF32Go(a, c)
		}
	})
	b.Run("f32xint8-portable", func(b *testing.B) {
		for b.Loop() {
			sink += dotF32I8Go(a, ci)
		}
	})
	b.Run("naive-f32", func(b *testing.B) {
		for b.Loop() {
			var s float32
			for i := range a {
				s += a[i] * c[i]
			}
			sink += s
		}
	})
	_ = sink
}

// dotI8 is the int8×int8 kernel with int32 accumulation, kept as the
// benchmark's reference: the asymmetric dotF32I8 beats it in pure Go.
// dotI8 returns the inner product of two int8 code vectors, accumulated in
// int32 (exact: 127*127*dim stays far below 2^31 for any realistic dim).
// Eight codes are loaded at once as a uint64 and split by shifts, which
// costs one load per eight elements instead of one per element.
func dotI8(a, b []int8) int32 {
	n := len(a)
	b = b[:n]
	var s0, s1, s2, s3 int32
	i := 0
	if n >= 8 {
		pa := unsafe.Pointer(unsafe.SliceData(a))
		pb := unsafe.Pointer(unsafe.SliceData(b))
		for ; i+8 <= n; i += 8 {
			x := *(*uint64)(unsafe.Add(pa, i))
			y := *(*uint64)(unsafe.Add(pb, i))
			s0 += int32(int8(x))*int32(int8(y)) + int32(int8(x>>32))*int32(int8(y>>32))
			s1 += int32(int8(x>>8))*int32(int8(y>>8)) + int32(int8(x>>40))*int32(int8(y>>40))
			s2 += int32(int8(x>>16))*int32(int8(y>>16)) + int32(int8(x>>48))*int32(int8(y>>48))
			s3 += int32(int8(x>>24))*int32(int8(y>>24)) + int32(int8(x>>56))*int32(int8(y>>56))
		}
	}
	for ; i < n; i++ {
		s0 += int32(a[i]) * int32(b[i])
	}
	return (s0 + s1) + (s2 + s3)
}
