//go:build !unix

package service

import "io/fs"

// allocated returns the length of a file (this system does not report
// allocated blocks).
func allocated(info fs.FileInfo) int64 {
	if info.IsDir() {
		return 0
	}
	return info.Size()
}
