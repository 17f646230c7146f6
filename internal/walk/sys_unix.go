//go:build unix

package walk

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// canRead reports whether the process may open the file at path for
// reading. When the mode bits in info already grant it (the process owns a
// file with owner read permission, or does not own one readable by group
// and others) no system call is made; otherwise access(2) decides. Only
// access control lists that deny what the mode bits grant escape this.
func canRead(path string, info fs.FileInfo, euid int) bool {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		perm := info.Mode().Perm()
		owner := int(st.Uid) == euid
		if owner && perm&0o400 != 0 || !owner && perm&0o044 == 0o044 {
			return true
		}
	}
	const rOK = 4 // R_OK
	return syscall.Access(path, rOK) == nil
}

// dirKey identifies a directory: its device and inode numbers.
type dirKey struct{ dev, ino uint64 }

// keyOf identifies the open directory f.
func keyOf(f *os.File, _ string) (dirKey, error) {
	fi, err := f.Stat()
	if err != nil {
		return dirKey{}, err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return dirKey{}, fmt.Errorf("stat %s: no device and inode", f.Name())
	}
	return dirKey{dev: uint64(st.Dev), ino: uint64(st.Ino)}, nil // Dev and Ino types differ between systems
}
