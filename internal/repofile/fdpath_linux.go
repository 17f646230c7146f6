//go:build linux

package repofile

import (
	"os"
	"strconv"
)

// fdPath returns the path the kernel has for the open file f (from
// /proc/self/fd), so that the name policy can be checked on what was
// actually opened, whatever happened to the path's components meanwhile.
func fdPath(f *os.File) (string, bool) {
	p, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(int(f.Fd())))
	if err != nil || len(p) == 0 || p[0] != '/' {
		return "", false
	}
	return p, true
}
