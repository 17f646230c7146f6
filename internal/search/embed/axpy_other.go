//go:build !amd64 || purego

package embed

// haveSIMD is false: axpy runs in Go.
const haveSIMD = false

func axpySIMD(y, x *float32, a float32, n int) { panic("embed: no SIMD kernels") }
