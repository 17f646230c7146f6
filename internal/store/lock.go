package store

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// LockedError reports that another process holds a store's writer lock.
// It wraps ErrLocked (errors.Is); PID is the holder's process id when the
// lock file names one, else 0.
type LockedError struct {
	Dir string // the store directory
	PID int    // the holder's pid (0: unknown)
}

func (e *LockedError) Error() string {
	if e.PID > 0 {
		return fmt.Sprintf("open %s: index is locked by pid %d: %v", e.Dir, e.PID, ErrLocked)
	}
	return fmt.Sprintf("open %s: %v", e.Dir, ErrLocked)
}

// Unwrap returns ErrLocked.
func (e *LockedError) Unwrap() error { return ErrLocked }

// lockedError reports that the lock file at path is held, naming the pid
// written in it when it can be read.
func lockedError(dir, path string) *LockedError {
	e := &LockedError{Dir: dir}
	if b, err := os.ReadFile(path); err == nil {
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
			e.PID = pid
		}
	}
	return e
}

// WriterLock returns the LockedError of the process that holds the writer
// lock of the store in dir (its pid when the lock file names one), or nil
// when no process holds it (see WriterActive).
func WriterLock(dir string) *LockedError {
	if !WriterActive(dir) {
		return nil
	}
	return lockedError(dir, filepath.Join(dir, lockFileName))
}
