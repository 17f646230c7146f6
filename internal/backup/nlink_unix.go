//go:build unix

package backup

import (
	"io/fs"
	"syscall"
)

// nlink returns the number of hard links of the file fi describes.
func nlink(fi fs.FileInfo) (uint64, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return uint64(st.Nlink), true
}
