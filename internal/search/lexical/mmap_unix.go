//go:build unix

package lexical

import (
	"fmt"
	"os"
	"syscall"
)

// mapFile memory-maps path read-only. Pages are read when a query touches
// them, so opening a large base segment costs almost nothing.
func mapFile(path string) (*mappedFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("lexical: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("lexical: %w", err)
	}
	size := st.Size()
	if size == 0 || int64(int(size)) != size {
		return readAll(path)
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return readAll(path)
	}
	return &mappedFile{data: data, unmap: func() error { return syscall.Munmap(data) }}, nil
}
