//go:build unix

package walk

import (
	"net"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestWalkNotRegular(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a.go": "", ".gitignore": "ignored.fifo\n"})
	for _, name := range []string{"pipe.go", "pipe", "ignored.fifo"} {
		if err := syscall.Mkfifo(filepath.Join(root, name), 0o644); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
	}
	l, err := net.Listen("unix", filepath.Join(root, "sock.py"))
	if err != nil {
		t.Skipf("unix socket: %v", err)
	}
	defer l.Close()
	// A fifo with a source name must not be opened (it would block).
	got, st := collect(t, Options{Root: root})
	checkPaths(t, got, []string{"a.go"})
	checkSkipped(t, st, map[string]int{ReasonNotRegular: 3})
	symlink(t, "pipe.go", root, "link.go")
	_, st = collect(t, Options{Root: root})
	checkSkipped(t, st, map[string]int{ReasonNotRegular: 4})
}

// cpuTime returns the CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
