//go:build linux || darwin || freebsd

package server

import "golang.org/x/sys/unix"

// filesystemSpace returns the bytes available to this process and the
// size of the filesystem holding path.
func filesystemSpace(path string) (free, size uint64, ok bool) {
	var st unix.Statfs_t
	if unix.Statfs(path, &st) != nil {
		return 0, 0, false
	}
	return uint64(st.Bavail) * uint64(st.Bsize), uint64(st.Blocks) * uint64(st.Bsize), true
}
