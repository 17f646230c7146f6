package precise

// SetBatchPackages sets how many packages one load type-checks together
// and returns the function that restores the previous value.
func SetBatchPackages(n int) (restore func()) {
	prev := batchPackages
	batchPackages = n
	return func() { batchPackages = prev }
}
