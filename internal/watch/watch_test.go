package watch

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/store"
)

func writeFile(t testing.TB, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// running is a Watcher running in the background of a test.
type running struct {
	w       *Watcher
	mu      sync.Mutex
	updates []Update
	cancel  context.CancelFunc
	done    chan error
}

func (r *running) list() []Update {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.updates)
}

// start runs a Watcher over root until the test ends, after its first
// reconciliation.
func start(t *testing.T, root string, opts Options) *running {
	t.Helper()
	r := &running{done: make(chan error, 1)}
	started := make(chan struct{})
	var once sync.Once
	opts.Index.Root = root
	opts.Index.NoSearch = true
	opts.OnUpdate = func(u Update) {
		if u.Err != nil {
			t.Errorf("update %v: %v", u.Paths, u.Err)
		}
		r.mu.Lock()
		r.updates = append(r.updates, u)
		r.mu.Unlock()
		once.Do(func() { close(started) })
	}
	w, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	r.w = w
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() { r.done <- w.Run(ctx) }()
	t.Cleanup(func() { r.stop(t) })
	select {
	case <-started:
	case err := <-r.done:
		t.Fatalf("watcher stopped: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("no first reconciliation")
	}
	return r
}

func (r *running) stop(t *testing.T) {
	if r.cancel == nil {
		return
	}
	r.cancel()
	r.cancel = nil
	if err := <-r.done; err != nil {
		t.Errorf("Run: %v", err)
	}
	if err := r.w.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// symbols lists "file:qualified name" of the functions and methods a fresh
// read-only open of the store sees.
func symbols(t testing.TB, dbDir string) []string {
	t.Helper()
	st, err := store.Open(dbDir, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var out []string
	for _, k := range []graph.NodeKind{graph.KindFunction, graph.KindMethod} {
		if err := st.NodesByKind(k, func(n graph.Node) error {
			out = append(out, n.File+":"+n.QualifiedName)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	sort.Strings(out)
	return out
}

// eventually waits until a fresh read-only open sees want.
func eventually(t *testing.T, dbDir string, what string, want []string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var got []string
	for time.Now().Before(deadline) {
		if got = symbols(t, dbDir); slices.Equal(got, want) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s: readers see %q, want %q", what, got, want)
}

func TestWatchFollowsTheTree(t *testing.T) {
	root := t.TempDir()
	db := index.DBDirFor(root)
	writeFile(t, root, ".gitignore", "gen/\n")
	writeFile(t, root, "a.go", "package p\n\nfunc A() {}\n")
	writeFile(t, root, "gen/g.go", "package gen\n\nfunc G() {}\n")
	r := start(t, root, Options{})
	eventually(t, db, "start", []string{"a.go:A"})
	if h, ok := ReadHolder(db); !ok || h.PID != os.Getpid() || h.Command != "codegraph watch" {
		t.Errorf("holder = %+v, %v", h, ok)
	}

	writeFile(t, root, "b.go", "package p\n\nfunc B() { A() }\n")
	eventually(t, db, "new file", []string{"a.go:A", "b.go:B"})

	writeFile(t, root, "a.go", "package p\n\nfunc A2() {}\n")
	eventually(t, db, "edit", []string{"a.go:A2", "b.go:B"})

	// An editor's save: write a temporary file, rename it over the file.
	writeFile(t, root, ".a.go.tmp", "package p\n\nfunc A3() {}\n")
	if err := os.Rename(filepath.Join(root, ".a.go.tmp"), filepath.Join(root, "a.go")); err != nil {
		t.Fatal(err)
	}
	eventually(t, db, "save by rename", []string{"a.go:A3", "b.go:B"})

	if err := os.Remove(filepath.Join(root, "b.go")); err != nil {
		t.Fatal(err)
	}
	eventually(t, db, "delete", []string{"a.go:A3"})

	if err := os.Rename(filepath.Join(root, "a.go"), filepath.Join(root, "c.go")); err != nil {
		t.Fatal(err)
	}
	eventually(t, db, "rename", []string{"c.go:A3"})

	// A new directory tree, written right after its creation (before its
	// watch can exist).
	writeFile(t, root, "pkg/x/y/z.go", "package y\n\nfunc Z() {}\n")
	writeFile(t, root, "pkg/x/x.go", "package x\n\nfunc X() {}\n")
	eventually(t, db, "new directories", []string{"c.go:A3", "pkg/x/x.go:X", "pkg/x/y/z.go:Z"})
	// Files added later in the new directories are seen: they are watched.
	writeFile(t, root, "pkg/x/y/w.go", "package y\n\nfunc W() {}\n")
	eventually(t, db, "file in a new directory", []string{"c.go:A3", "pkg/x/x.go:X", "pkg/x/y/w.go:W", "pkg/x/y/z.go:Z"})

	// Ignored paths are not indexed.
	writeFile(t, root, "gen/h.go", "package gen\n\nfunc H() {}\n")
	writeFile(t, root, "node_modules/m/index.js", "function M() {}\n")
	writeFile(t, root, "d.go", "package p\n\nfunc D() {}\n") // a marker after them
	eventually(t, db, "ignored", []string{"c.go:A3", "d.go:D", "pkg/x/x.go:X", "pkg/x/y/w.go:W", "pkg/x/y/z.go:Z"})

	if err := os.RemoveAll(filepath.Join(root, "pkg")); err != nil {
		t.Fatal(err)
	}
	eventually(t, db, "directory removal", []string{"c.go:A3", "d.go:D"})
	// A directory of the same name made again is watched again.
	writeFile(t, root, "pkg/x/again.go", "package x\n\nfunc Again() {}\n")
	eventually(t, db, "directory re-created", []string{"c.go:A3", "d.go:D", "pkg/x/again.go:Again"})

	// Ignore rules changing: a rescan drops the now-ignored files and
	// indexes the no longer ignored ones, and the watches follow.
	writeFile(t, root, ".gitignore", "pkg/\n")
	eventually(t, db, "ignore rules", []string{"c.go:A3", "d.go:D", "gen/g.go:G", "gen/h.go:H"})
	writeFile(t, root, "gen/i.go", "package gen\n\nfunc I() {}\n")
	eventually(t, db, "no longer ignored", []string{"c.go:A3", "d.go:D", "gen/g.go:G", "gen/h.go:H", "gen/i.go:I"})

	for _, u := range r.list() {
		if u.Reason == "change" && u.Files() > 0 {
			for _, p := range u.Paths {
				if strings.HasPrefix(p, ".codegraph") {
					t.Errorf("the index directory is watched: %v", u.Paths)
				}
			}
		}
	}
	r.stop(t)
	if _, ok := ReadHolder(db); ok {
		t.Error("holder file left after Run")
	}
	// The writer lock is released: a plain index run works.
	if _, err := index.Run(context.Background(), index.Options{Root: root, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
}

// A burst of a thousand files (a checkout, a formatter) settles into a few
// batches.
func TestWatchBurst(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and indexes 1,000 files")
	}
	root := t.TempDir()
	db := index.DBDirFor(root)
	writeFile(t, root, "main.go", "package main\n\nfunc main() {}\n")
	r := start(t, root, Options{Debounce: 100 * time.Millisecond, MaxDelay: 2 * time.Second})
	want := []string{"main.go:main"}
	for i := 0; i < 1000; i++ {
		dir := fmt.Sprintf("d%02d", i%20)
		writeFile(t, root, fmt.Sprintf("%s/f%04d.go", dir, i), fmt.Sprintf("package %s\n\nfunc F%d() {}\n", dir, i))
		want = append(want, fmt.Sprintf("%s/f%04d.go:F%d", dir, i, i))
	}
	sort.Strings(want)
	eventually(t, db, "burst", want)
	batches := 0
	for _, u := range r.list() {
		if u.Reason == "change" {
			batches++
		}
	}
	if batches > 10 {
		t.Errorf("1,000 files took %d batches", batches)
	}
	t.Logf("1,000 files in %d batches", batches)
}

// Over the watch limit the Watcher says so and scans periodically.
func TestWatchLimitFallsBackToPolling(t *testing.T) {
	root := t.TempDir()
	db := index.DBDirFor(root)
	writeFile(t, root, "a/a.go", "package a\n\nfunc A() {}\n")
	writeFile(t, root, "b/b.go", "package b\n\nfunc B() {}\n")
	var logs strings.Builder
	var mu sync.Mutex
	logger := newTestLogger(&mu, &logs)
	r := start(t, root, Options{MaxWatches: 2, PollInterval: 100 * time.Millisecond, Logger: logger})
	if !r.w.Polling() {
		t.Fatal("not polling over the watch limit")
	}
	mu.Lock()
	msg := logs.String()
	mu.Unlock()
	if !strings.Contains(msg, "watch limit reached") || !strings.Contains(msg, "full scan every 100ms") {
		t.Errorf("log does not explain the fallback: %s", msg)
	}
	writeFile(t, root, "b/c.go", "package b\n\nfunc C() {}\n")
	eventually(t, db, "poll", []string{"a/a.go:A", "b/b.go:B", "b/c.go:C"})
	// Reported after it is visible.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		polls := 0
		for _, u := range r.list() {
			if u.Reason == "poll" && u.Files() > 0 {
				polls++
			}
		}
		if polls > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no poll update reported")
		}
	}
}

// A directory that cannot be watched (permission denied) is skipped with a
// warning; the rest of the tree is still followed.
func TestWatchPermissionDenied(t *testing.T) {
	root := t.TempDir()
	db := index.DBDirFor(root)
	writeFile(t, root, "a/a.go", "package a\n\nfunc A() {}\n")
	writeFile(t, root, "secret/s.go", "package secret\n\nfunc S() {}\n")
	var logs strings.Builder
	var mu sync.Mutex
	denied := filepath.Join(root, "secret")
	opts := Options{Logger: newTestLogger(&mu, &logs), addWatch: func(add func(string) error, dir string) error {
		if dir == denied {
			return &fs.PathError{Op: "inotify_add_watch", Path: dir, Err: fs.ErrPermission}
		}
		return add(dir)
	}}
	r := start(t, root, opts)
	defer r.stop(t)
	mu.Lock()
	msg := logs.String()
	mu.Unlock()
	if !strings.Contains(msg, "permission denied") || !strings.Contains(msg, "secret") {
		t.Errorf("no warning for the unwatchable directory: %s", msg)
	}
	if r.w.Polling() {
		t.Error("one unwatchable directory made the watcher poll")
	}
	writeFile(t, root, "a/b.go", "package a\n\nfunc B() {}\n")
	eventually(t, db, "edit beside the unwatchable directory", []string{"a/a.go:A", "a/b.go:B", "secret/s.go:S"})
}

// Index runs through the Watcher's writer while it watches.
func TestWatchIndexThroughTheWatcher(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "a.go", "package p\n\nfunc A() {}\n")
	r := start(t, root, Options{})
	sum, err := r.w.Index(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Changed != 1 {
		t.Errorf("forced index: %+v", sum)
	}
	if _, err := index.Run(context.Background(), index.Options{Root: root}); !errors.Is(err, store.ErrLocked) {
		t.Errorf("a second writer: %v", err)
	}
}

// A file deleted between its event and its read is deleted from the index.
func TestWatchFileDeletedDuringUpdate(t *testing.T) {
	root := t.TempDir()
	db := index.DBDirFor(root)
	writeFile(t, root, "keep.go", "package p\n\nfunc Keep() {}\n")
	start(t, root, Options{Debounce: 10 * time.Millisecond})
	for i := 0; i < 30; i++ {
		writeFile(t, root, "flaky.go", fmt.Sprintf("package p\n\nfunc Flaky%d() {}\n", i))
		time.Sleep(time.Duration(i%7) * time.Millisecond)
		os.Remove(filepath.Join(root, "flaky.go"))
	}
	eventually(t, db, "flaky file gone", []string{"keep.go:Keep"})
}

// A branch switch is indexed as one batch.
func TestWatchBranchSwitch(t *testing.T) {
	if testing.Short() {
		t.Skip("runs git over a few hundred files")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	root := t.TempDir()
	db := index.DBDirFor(root)
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", root, "-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "commit.gpgsign=false"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q", "-b", "main")
	writeFile(t, root, ".gitignore", ".codegraph/\n")
	var base []string
	for i := 0; i < 200; i++ {
		writeFile(t, root, fmt.Sprintf("d%d/f%03d.go", i%10, i), fmt.Sprintf("package d\n\nfunc F%d() {}\n", i))
		base = append(base, fmt.Sprintf("d%d/f%03d.go:F%d", i%10, i, i))
	}
	sort.Strings(base)
	git("add", "-A")
	git("commit", "-qm", "base")
	git("checkout", "-q", "-b", "other")
	var other []string
	for i := 0; i < 200; i++ {
		writeFile(t, root, fmt.Sprintf("d%d/f%03d.go", i%10, i), fmt.Sprintf("package d\n\nfunc G%d() {}\n", i))
		other = append(other, fmt.Sprintf("d%d/f%03d.go:G%d", i%10, i, i))
	}
	sort.Strings(other)
	git("commit", "-qam", "other")
	git("checkout", "-q", "main")
	r := start(t, root, Options{Debounce: 20 * time.Millisecond, MaxDelay: 40 * time.Millisecond})
	eventually(t, db, "main", base)
	n := len(r.list())
	git("checkout", "-q", "other")
	eventually(t, db, "other", other)
	// The update is reported after it is visible (and git's state noted).
	var reasons []string
	for deadline := time.Now().Add(10 * time.Second); len(reasons) == 0 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		reasons = reasons[:0]
		for _, u := range r.list()[n:] {
			if u.Files() > 0 {
				reasons = append(reasons, u.Reason)
			}
		}
	}
	time.Sleep(300 * time.Millisecond)
	reasons = reasons[:0]
	for _, u := range r.list()[n:] {
		if u.Files() > 0 {
			reasons = append(reasons, u.Reason)
		}
	}
	// Git releases its index lock (which holds the batch) just before it
	// rewrites HEAD, so the batch may go before the switch is seen.
	if len(reasons) != 1 || reasons[0] != "branch" && reasons[0] != "change" {
		t.Errorf("the switch was indexed as %q, want one batch", reasons)
	}
}
