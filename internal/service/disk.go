package service

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
)

// DiskUsage returns the bytes a store directory takes on disk: every file
// below it (the graph store, the search indexes, the model), counted by
// the blocks allocated to it where the system says so. Pebble preallocates
// its write-ahead log and tables beyond their length, so a sum of file
// lengths falls far short of what the directory holds.
func DiskUsage(dir string) (int64, error) {
	var total int64
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) { // removed by a compaction meanwhile
				return nil
			}
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		info, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if d.IsDir() {
			total += allocated(info)
			return nil
		}
		if info.Mode().IsRegular() {
			total += max(allocated(info), info.Size())
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("disk usage of %s: %w", dir, err)
	}
	return total, nil
}
