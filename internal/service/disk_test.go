//go:build linux

package service

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// TestDiskUsageCountsPreallocation: space preallocated past a file's
// length (as Pebble does for its log and tables) is on disk and counted.
func TestDiskUsageCountsPreallocation(t *testing.T) {
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "000004.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString("x"); err != nil {
		t.Fatal(err)
	}
	const prealloc = 4 << 20
	if err := unix.Fallocate(int(f.Fd()), unix.FALLOC_FL_KEEP_SIZE, 0, prealloc); err != nil {
		t.Skipf("fallocate: %v", err)
	}
	n, err := DiskUsage(dir)
	if err != nil {
		t.Fatal(err)
	}
	if n < prealloc {
		t.Errorf("DiskUsage = %d, want at least the %d bytes preallocated", n, prealloc)
	}
}
