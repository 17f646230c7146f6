//go:build !unix

package store

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// lockDir records our pid in LOCK.codegraph. Without flock(2) it does not
// exclude other writers itself; Pebble's own directory lock still does,
// though its error does not say who holds it.
func lockDir(dir string) (release func() error, err error) {
	path := filepath.Join(dir, lockFileName)
	if err := os.WriteFile(path, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		return nil, fmt.Errorf("open %s: lock: %w", dir, err)
	}
	return func() error { return nil }, nil
}

// WriterActive reports whether a process holds the writer lock of the
// store in dir; without flock(2) it cannot tell and says no.
func WriterActive(dir string) bool { return false }

// Without flock(2) readers cannot register: a writer never knows that no
// reader is open, and leaves obsolete files for the next writer to delete
// once their grace period has passed.
func createReadersFile(string) error                   { return nil }
func registerReader(string) (release func() error)     { return func() error { return nil } }
func noReaders(string) (release func() error, ok bool) { return nil, false }
