//go:build !unix

package backup

import "io/fs"

func nlink(fs.FileInfo) (uint64, bool) { return 0, false }
