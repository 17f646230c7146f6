//go:build !unix

package walk

import (
	"io/fs"
	"os"
	"path/filepath"
)

// canRead reports whether the file at path can be opened for reading.
func canRead(path string, _ fs.FileInfo, _ int) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

// dirKey identifies a directory: its path with symbolic links resolved.
type dirKey struct{ path string }

// keyOf identifies the open directory f, found at abs.
func keyOf(_ *os.File, abs string) (dirKey, error) {
	real, err := filepath.EvalSymlinks(abs)
	return dirKey{path: real}, err
}
