//go:build amd64 && !purego

package vector

import "golang.org/x/sys/cpu"

// haveSIMD reports whether the AVX2 and FMA kernels of kernel_amd64.s may
// run (build with -tags purego to leave them out).
var haveSIMD = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// dotF32SIMD returns the inner product of the n float32s at a and b; n is
// a multiple of 8.
//
//go:noescape
func dotF32SIMD(a, b *float32, n int) float32

// dotF32I8SIMD returns the inner product of the n float32s at q and the n
// int8 codes at x; n is a multiple of 8.
//
//go:noescape
func dotF32I8SIMD(q *float32, x *int8, n int) float32

// dot4F32SIMD stores in out the inner products of the n float32s at x
// with the four rows at c, c+stride, c+2*stride and c+3*stride (stride in
// floats); n is a multiple of 8.
//
//go:noescape
func dot4F32SIMD(x, c *float32, stride, n int, out *[4]float32)
