//go:build unix

package service

import (
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

// holdLock takes the store writer lock of db as a writer does (flock on
// LOCK.codegraph, which names its pid) until the test ends: a writer that
// is about to rebuild the store, say.
func holdLock(t *testing.T, db string) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(db, "LOCK.codegraph"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(strconv.Itoa(os.Getpid()) + "\n"); err != nil {
		t.Fatal(err)
	}
}
