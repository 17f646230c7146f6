//go:build !unix

package indexfile

import "os"

// mapFile reads f into memory on platforms without mmap support here.
func mapFile(f *os.File, size int64) ([]byte, func() error, error) {
	return readFile(f, size)
}
