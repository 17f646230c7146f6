//go:build !unix

package search

import "io/fs"

// inode returns 0: the platform has no inode numbers in FileInfo.
func inode(fs.FileInfo) uint64 { return 0 }
