//go:build !cgo

package index

// trimCHeap has nothing to trim without cgo.
func trimCHeap() {}
