package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

// While `codegraph watch` runs, query commands see each update, `codegraph
// index` names the watcher, and SIGINT (a cancelled context) stops it
// cleanly.
func TestWatchCommand(t *testing.T) {
	repo := testrepo.Copy(t, filepath.Join("..", "..", "testdata", "repo"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"watch", repo, "--json", "--debounce", "20ms"}, strings.NewReader(""), &out, &errb)
	}()
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("%s: stdout:\n%s\nstderr:\n%s", what, out.String(), errb.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor("first update", func() bool { return strings.Contains(out.String(), `"reason":"start"`) })

	// A new function and a call to it.
	if err := os.WriteFile(filepath.Join(repo, "watched.go"), []byte("package main\n\n// WatchedHelper is new.\nfunc WatchedHelper() {}\n\nfunc callsIt() { WatchedHelper() }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor("update line", func() bool { return strings.Contains(out.String(), `"watched.go"`) })
	db := filepath.Join(repo, ".codegraph")
	if got := mustRun(t, "callers", "WatchedHelper", "--db", db); !strings.Contains(got, "callsIt") {
		t.Errorf("callers after the update:\n%s", got)
	}
	if got := mustRun(t, "search", "WatchedHelper", "--mode", "lexical", "--db", db); !strings.Contains(got, "WatchedHelper") {
		t.Errorf("search after the update:\n%s", got)
	}
	_, stderr, code := run(t, "index", repo)
	if code == 0 || !strings.Contains(stderr, "codegraph watch` (pid ") || !strings.Contains(stderr, "keeps the index") {
		t.Errorf("index beside watch: exit %d, %s", code, stderr)
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("watch exit %d: %s", code, errb.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("watch did not stop")
	}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var l watchLine
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Errorf("--json line %q: %v", line, err)
		}
		// The edit's update resolved its call and indexed its function.
		if slices.Contains(l.Paths, "watched.go") && (l.ResolveMS <= 0 || l.SearchMS <= 0 || l.ResolveMS > l.DurationMS) {
			t.Errorf("update of watched.go: resolve %v ms, search %v ms of %v ms", l.ResolveMS, l.SearchMS, l.DurationMS)
		}
	}
	// Stopped cleanly: the lock is free and nothing was lost.
	if got := mustRun(t, "index", repo); !strings.Contains(got, "0 added, 0 changed") {
		t.Errorf("index after watch:\n%s", got)
	}
}
