package vector

// Kernels names the dot-product kernels this process runs: "avx2+fma" on
// amd64 CPUs with AVX2 and FMA in a build without the purego tag, else
// "portable".
func Kernels() string {
	if haveSIMD {
		return "avx2+fma"
	}
	return "portable"
}
