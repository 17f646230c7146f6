//go:build unix

package indexfile

import (
	"os"
	"syscall"
)

// mapFile maps the first size bytes of f read-only. Pages are read when a
// reader touches them, so opening a large file costs almost nothing.
func mapFile(f *os.File, size int64) ([]byte, func() error, error) {
	if int64(int(size)) != size {
		return nil, nil, syscall.EFBIG
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return readFile(f, size)
	}
	return data, func() error { return syscall.Munmap(data) }, nil
}
