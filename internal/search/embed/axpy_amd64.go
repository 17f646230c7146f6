//go:build amd64 && !purego

package embed

import "golang.org/x/sys/cpu"

// haveSIMD reports whether axpySIMD (axpy_amd64.s, AVX2 and FMA) may run
// (build with -tags purego to leave it out).
var haveSIMD = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// axpySIMD computes y += a·x over n float32s; n is a multiple of 8.
//
//go:noescape
func axpySIMD(y, x *float32, a float32, n int)
