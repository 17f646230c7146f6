//go:build !linux

package repofile

import "os"

// fdPath is not available: the identity check (os.SameFile) stands alone.
func fdPath(*os.File) (string, bool) { return "", false }
