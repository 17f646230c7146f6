//go:build !(linux || darwin || freebsd)

package server

// filesystemSpace is not measured on this platform.
func filesystemSpace(string) (free, size uint64, ok bool) { return 0, 0, false }
