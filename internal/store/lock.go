package store

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// lockedError reports that the lock file at path is held, naming the pid
// written in it when it can be read.
func lockedError(dir, path string) error {
	b, err := os.ReadFile(path)
	if err == nil {
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
			return fmt.Errorf("open %s: index is locked by pid %d: %w", dir, pid, ErrLocked)
		}
	}
	return fmt.Errorf("open %s: %w", dir, ErrLocked)
}
