package lib

// Helper adds one.
func Helper(x int) int {
	return x + 1
}

// Old is going away.
func Old() {}

func unexported() int {
	return 1
}
