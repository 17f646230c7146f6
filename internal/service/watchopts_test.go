package service

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/store"
	"github.com/codegraph-dev/codegraph/internal/testrepo"
	"github.com/codegraph-dev/codegraph/internal/watch"
)

// TestWatchOptions: `codegraph watch` runs through these. OnUpdate comes
// after the snapshot a query holds open was reopened (a query made when
// an update is reported sees it); a required watcher that cannot start
// fails New; the watcher's end is reported by WatchDone and WatchErr.
func TestWatchOptions(t *testing.T) {
	root := testrepo.Copy(t, filepath.Join("..", "..", "testdata", "repo"))
	db := filepath.Join(t.TempDir(), "db") // outside the tree: deleting it is not an event
	var mu sync.Mutex
	var seen []string // what a query saw at each update with files
	s, err := New(Options{Repos: []RepoSpec{{Root: root, DB: db}}, Watch: true, WatchCommand: "codegraph test", TrustStore: true,
		Watcher: WatchOptions{Debounce: 10 * time.Millisecond, NoSearch: true, Required: true, OnUpdate: func(r *Repo, u watch.Update) {
			if u.Err != nil || u.Files() == 0 {
				return
			}
			_, ok, err := lookupNode(r, "ReportedFresh")
			mu.Lock()
			seen = append(seen, u.Reason+":"+strings.Join(u.Paths, ",")+":"+map[bool]string{true: "fresh", false: "stale"}[ok && err == nil])
			mu.Unlock()
		}}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, _ := s.Repo("")
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within 20 s (state %s)", what, r.State())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor("first index", func() bool { mu.Lock(); defer mu.Unlock(); return len(seen) == 1 })
	// A query opens the snapshot; the next update must reopen it before it
	// is reported.
	if _, ok, err := lookupNode(r, "Get"); !ok || err != nil {
		t.Fatalf("query after the first index: %v %v", ok, err)
	}
	if err := os.WriteFile(filepath.Join(root, "fresh.go"), []byte("package main\n\nfunc ReportedFresh() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor("edit reported", func() bool { mu.Lock(); defer mu.Unlock(); return len(seen) == 2 })
	mu.Lock()
	if seen[1] != "change:fresh.go:fresh" {
		t.Errorf("updates as a query saw them when reported: %q", seen)
	}
	mu.Unlock()
	if done := r.WatchDone(); done == nil {
		t.Fatal("WatchDone of a watched repository is nil")
	}
	select {
	case <-r.WatchDone():
		t.Fatal("WatchDone closed while watching")
	default:
	}

	// A second service that requires its watcher fails on the held index.
	if s2, err := New(Options{Repos: []RepoSpec{{Root: root, DB: db}}, Watch: true, TrustStore: true, Watcher: WatchOptions{Required: true}}); err == nil {
		s2.Close()
		t.Error("a required watcher started on a locked index")
	} else if !errors.Is(err, store.ErrLocked) {
		t.Errorf("required watcher on a locked index: %v, want ErrLocked", err)
	}

	// The store deleted under the watcher: it stops, and says why.
	if err := os.RemoveAll(db); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "after.go"), []byte("package main\n\nfunc After() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case <-r.WatchDone():
	case <-time.After(20 * time.Second):
		t.Fatal("the watcher goes on with its store deleted")
	}
	if err := r.WatchErr(); !errors.Is(err, index.ErrStoreGone) {
		t.Errorf("WatchErr = %v, want ErrStoreGone", err)
	}
	if r.Watching() {
		t.Error("Watching after the watcher stopped")
	}
}

// TestWatchStoppedByClose: a watcher stopped by Close has no error.
func TestWatchStoppedByClose(t *testing.T) {
	root := testrepo.Copy(t, filepath.Join("..", "..", "testdata", "repo"))
	started := make(chan struct{}, 1)
	s, err := New(Options{Repos: []RepoSpec{{Root: root}}, Watch: true, Watcher: WatchOptions{NoSearch: true, Required: true, OnUpdate: func(*Repo, watch.Update) {
		select {
		case started <- struct{}{}:
		default:
		}
	}}})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := s.Repo("")
	select {
	case <-started:
	case <-time.After(20 * time.Second):
		t.Fatal("no first update")
	}
	s.Close()
	select {
	case <-r.WatchDone():
	default:
		t.Fatal("WatchDone open after Close")
	}
	if err := r.WatchErr(); err != nil {
		t.Errorf("WatchErr after Close: %v", err)
	}
}
