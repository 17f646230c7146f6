package watch

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/index"
)

const crashFiles = 40

// writeVersion rewrites every fixture file with functions of version v.
func writeVersion(t testing.TB, root string, v int) []string {
	var want []string
	for i := 0; i < crashFiles; i++ {
		var b strings.Builder
		b.WriteString("package p\n\n")
		for j := 0; j < 20; j++ {
			fmt.Fprintf(&b, "func F%d_%d_v%d() { F%d_%d_v%d() }\n\n", i, j, v, i, (j+1)%20, v)
			want = append(want, fmt.Sprintf("f%03d.go:F%d_%d_v%d", i, i, j, v))
		}
		writeFile(t, root, fmt.Sprintf("f%03d.go", i), b.String())
	}
	sort.Strings(want)
	return want
}

// TestWatchCrashChild is the child of TestWatchKilledMidUpdate: it watches
// CODEGRAPH_WATCH_ROOT until it is killed.
func TestWatchCrashChild(t *testing.T) {
	root := os.Getenv("CODEGRAPH_WATCH_ROOT")
	if root == "" {
		t.Skip("helper process for TestWatchKilledMidUpdate")
	}
	w, err := New(Options{Index: index.Options{Root: root, NoSearch: true}, Debounce: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// A watcher killed (SIGKILL) in the middle of updates leaves a store that
// opens, and the next start reconciles it with the tree by hashes.
func TestWatchKilledMidUpdate(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns and kills child processes")
	}
	root := t.TempDir()
	writeVersion(t, root, 1)
	if _, err := index.Run(context.Background(), index.Options{Root: root, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	var want []string
	for round := 0; round < 3; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestWatchCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "CODEGRAPH_WATCH_ROOT="+root)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Keep the child busy with versions, then kill it mid-way.
		deadline := time.Now().Add(time.Duration(400+200*round) * time.Millisecond)
		for v := 2 + 100*round; time.Now().Before(deadline); v++ {
			want = writeVersion(t, root, v)
			time.Sleep(15 * time.Millisecond)
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		symbols(t, index.DBDirFor(root)) // the store opens
	}
	// The next watcher's first reconciliation brings the index to the tree.
	r := start(t, root, Options{})
	eventually(t, index.DBDirFor(root), "after restart", want)
	r.stop(t)
}
