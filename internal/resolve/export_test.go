package resolve

// SetMaxCallers sets how many parsed callers a run keeps (see
// dropCallers) and returns a function that restores the default.
func SetMaxCallers(n int) (restore func()) {
	old := maxCallers
	maxCallers = n
	return func() { maxCallers = old }
}
