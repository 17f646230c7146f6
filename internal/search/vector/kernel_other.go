//go:build !amd64 || purego

package vector

// haveSIMD is false: the portable kernels of kernel.go run.
const haveSIMD = false

func dotF32SIMD(a, b *float32, n int) float32         { panic("vector: no SIMD kernels") }
func dotF32I8SIMD(q *float32, x *int8, n int) float32 { panic("vector: no SIMD kernels") }

func dot4F32SIMD(x, c *float32, stride, n int, out *[4]float32) { panic("vector: no SIMD kernels") }
