//go:build !unix

package lexical

// mapFile reads path into memory on platforms without mmap support here.
func mapFile(path string) (*mappedFile, error) {
	return readAll(path)
}
