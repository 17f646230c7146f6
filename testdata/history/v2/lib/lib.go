package lib

// Helper adds y.
func Helper(x, y int) int {
	return x + y
}

// New replaces Old.
func New() {}

func unexported() int {
	return 2
}
