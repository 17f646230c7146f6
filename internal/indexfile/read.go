package indexfile

import (
	"io"
	"os"
)

// readFile reads the first size bytes of f (where mapping is not possible).
func readFile(f *os.File, size int64) ([]byte, func() error, error) {
	data := make([]byte, size)
	if _, err := io.ReadFull(io.NewSectionReader(f, 0, size), data); err != nil {
		return nil, nil, err
	}
	return data, nil, nil
}
