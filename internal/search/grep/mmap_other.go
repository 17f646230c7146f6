//go:build !unix

package grep

import (
	"io"
	"os"
)

// mapFile reads f into memory where mmap is not available.
func mapFile(f *os.File) ([]byte, func() error, error) {
	data, err := io.ReadAll(f)
	return data, nil, err
}

// inode returns 0: the platform has no inode numbers in FileInfo.
func inode(os.FileInfo) uint64 { return 0 }
