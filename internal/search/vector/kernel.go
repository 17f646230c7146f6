package vector

import (
	"math"
	"sync"
	"unsafe"
)

// dotF32 returns the inner product of a and b (len(b) >= len(a)). With
// AVX2 and FMA (haveSIMD) it runs dotF32SIMD, eight lanes per
// instruction, and adds the tail inline (calling dotF32Go for it cost
// 1-2 ns a call); otherwise dotF32Go.
func dotF32(a, b []float32) float32 {
	n := len(a)
	b = b[:n]
	if haveSIMD && n >= 16 {
		m := n &^ 7
		s := dotF32SIMD(unsafe.SliceData(a), unsafe.SliceData(b), m)
		for i := m; i < n; i++ {
			s += a[i] * b[i]
		}
		return s
	}
	return dotF32Go(a, b)
}

// dotF32Go is dotF32 without SIMD: the loop is unrolled by eight into four
// independent accumulators, with pointer loads the compiler turns into
// plain MOVSS (slicing each step would add an address computation per
// element).
func dotF32Go(a, b []float32) float32 {
	n := len(a)
	b = b[:n]
	var s0, s1, s2, s3 float32
	i := 0
	if n >= 8 {
		pa := unsafe.Pointer(unsafe.SliceData(a))
		pb := unsafe.Pointer(unsafe.SliceData(b))
		for ; i+8 <= n; i += 8 {
			x := (*[8]float32)(unsafe.Add(pa, 4*i))
			y := (*[8]float32)(unsafe.Add(pb, 4*i))
			s0 += x[0]*y[0] + x[4]*y[4]
			s1 += x[1]*y[1] + x[5]*y[5]
			s2 += x[2]*y[2] + x[6]*y[6]
			s3 += x[3]*y[3] + x[7]*y[7]
		}
	}
	for ; i < n; i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// dotF16 returns the inner product of a float32 query and a float16 code
// vector, decoding each half through the 64 Ki-entry table.
func dotF16(q []float32, x []uint16, tab *[1 << 16]float32) float32 {
	n := len(q)
	x = x[:n]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= n; i += 4 {
		qq := q[i : i+4 : i+4]
		xx := x[i : i+4 : i+4]
		s0 += qq[0] * tab[xx[0]]
		s1 += qq[1] * tab[xx[1]]
		s2 += qq[2] * tab[xx[2]]
		s3 += qq[3] * tab[xx[3]]
	}
	for ; i < n; i++ {
		s0 += q[i] * tab[x[i]]
	}
	return (s0 + s1) + (s2 + s3)
}

// halfTable maps every IEEE 754 binary16 bit pattern to its float32 value.
// It is built on first use (256 KiB and ~1 ms that every process would
// otherwise pay at start-up, for the float16 indexes only).
var halfTable = sync.OnceValue(func() *[1 << 16]float32 {
	var t [1 << 16]float32
	for i := range t {
		t[i] = halfToFloat(uint16(i))
	}
	return &t
})

// halfToFloat decodes an IEEE 754 binary16 value.
func halfToFloat(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch {
	case exp == 0 && mant == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal: value = mant * 2^-24
		f := float32(mant) * (1.0 / (1 << 24))
		if sign != 0 {
			f = -f
		}
		return f
	case exp == 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	default:
		return math.Float32frombits(sign | (exp+112)<<23 | mant<<13)
	}
}

// floatToHalf encodes f as IEEE 754 binary16, rounding to nearest even and
// saturating to infinity beyond the half range.
func floatToHalf(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int32(b>>23) & 0xff
	mant := b & 0x7fffff
	if exp == 0xff { // inf or NaN
		if mant != 0 {
			return sign | 0x7e00
		}
		return sign | 0x7c00
	}
	e := exp - 127 + 15
	if e >= 0x1f {
		return sign | 0x7c00
	}
	if e <= 0 {
		if e < -10 {
			return sign
		}
		mant |= 0x800000
		shift := uint32(14 - e)
		half := mant >> shift
		rem := mant & (1<<shift - 1)
		mid := uint32(1) << (shift - 1)
		if rem > mid || (rem == mid && half&1 == 1) {
			half++
		}
		return sign | uint16(half)
	}
	half := uint32(e)<<10 | mant>>13
	rem := mant & 0x1fff
	if rem > 0x1000 || (rem == 0x1000 && half&1 == 1) {
		half++ // may carry into the exponent, which is the right rounding
	}
	return sign | uint16(half)
}

// quantizeI8 writes the symmetric int8 code of x into dst and returns the
// scale s such that x[i] ≈ s*dst[i]. One scale per vector keeps inserts
// independent of any training set.
func quantizeI8(dst []int8, x []float32) float32 {
	var m float32
	for _, v := range x {
		if v < 0 {
			v = -v
		}
		if v > m {
			m = v
		}
	}
	if m == 0 {
		for i := range dst[:len(x)] {
			dst[i] = 0
		}
		return 0
	}
	inv := 127 / m
	for i, v := range x {
		r := v * inv
		if r >= 0 {
			r += 0.5
		} else {
			r -= 0.5
		}
		dst[i] = int8(r)
	}
	return m / 127
}

// normalize scales x to unit length in place; a zero vector is left alone.
func normalize(x []float32) {
	n := dotF32(x, x)
	if n == 0 {
		return
	}
	inv := float32(1 / math.Sqrt(float64(n)))
	for i := range x {
		x[i] *= inv
	}
}

// i8Table maps a code byte to its value as float32.
var i8Table = func() *[256]float32 {
	var t [256]float32
	for i := range t {
		t[i] = float32(int8(uint8(i)))
	}
	return &t
}()

// dotF32I8 returns the inner product of a float32 query and an int8 code
// vector (asymmetric: the query is not quantised), decoding codes through
// a 1 KiB table that stays in L1, or with AVX2 and FMA (haveSIMD)
// converting eight codes per instruction in dotF32I8SIMD.
func dotF32I8(q []float32, x []int8) float32 {
	n := len(q)
	x = x[:n]
	tab := i8Table
	if haveSIMD && n >= 16 {
		m := n &^ 7
		s := dotF32I8SIMD(unsafe.SliceData(q), unsafe.SliceData(x), m)
		for i := m; i < n; i++ {
			s += q[i] * tab[uint8(x[i])]
		}
		return s
	}
	return dotF32I8Go(q, x)
}

// dotF32I8Go is dotF32I8 without SIMD.
func dotF32I8Go(q []float32, x []int8) float32 {
	n := len(q)
	x = x[:n]
	tab := i8Table
	var s0, s1, s2, s3 float32
	i := 0
	if n >= 8 {
		pq := unsafe.Pointer(unsafe.SliceData(q))
		px := unsafe.Pointer(unsafe.SliceData(x))
		for ; i+8 <= n; i += 8 {
			a := (*[8]float32)(unsafe.Add(pq, 4*i))
			c := *(*uint64)(unsafe.Add(px, i))
			s0 += a[0]*tab[uint8(c)] + a[4]*tab[uint8(c>>32)]
			s1 += a[1]*tab[uint8(c>>8)] + a[5]*tab[uint8(c>>40)]
			s2 += a[2]*tab[uint8(c>>16)] + a[6]*tab[uint8(c>>48)]
			s3 += a[3]*tab[uint8(c>>24)] + a[7]*tab[uint8(c>>56)]
		}
	}
	for ; i < n; i++ {
		s0 += q[i] * tab[uint8(x[i])]
	}
	return (s0 + s1) + (s2 + s3)
}
