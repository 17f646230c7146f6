//go:build unix

package service

import (
	"io/fs"
	"syscall"
)

// allocated returns the bytes allocated to a file (its blocks), or its
// length when the system does not say.
func allocated(info fs.FileInfo) int64 {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return int64(st.Blocks) * 512
	}
	return info.Size()
}
