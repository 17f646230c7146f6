package service

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/jobs"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/store"
	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

// fixture returns a service over an indexed copy of testdata/repo, settled.
func fixture(t *testing.T) (*Service, *Repo) {
	t.Helper()
	root := testrepo.Copy(t, filepath.Join("..", "..", "testdata", "repo"))
	if _, err := index.Run(context.Background(), index.Options{Root: root, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{Repos: []RepoSpec{{Root: root}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := s.Repo("")
	if err != nil {
		t.Fatal(err)
	}
	return s, r
}

// nodeEvents passes on the node events of changes.
func nodeEvents(changes <-chan Change) <-chan Event {
	out := make(chan Event, 16)
	go func() {
		defer close(out)
		for c := range changes {
			if c.Event != nil {
				out <- *c.Event
			}
		}
	}()
	return out
}

func nodeByName(t *testing.T, r *Repo, name string) (graph.Node, bool) {
	t.Helper()
	n, ok, err := lookupNode(r, name)
	if err != nil {
		t.Fatal(err)
	}
	return n, ok
}

func TestRepos(t *testing.T) {
	root := t.TempDir()
	if _, err := New(Options{}); err == nil {
		t.Error("no repositories accepted")
	}
	if _, err := New(Options{Repos: []RepoSpec{{Root: root}, {Root: root}}}); err == nil || !strings.Contains(err.Error(), "needs a name") {
		t.Errorf("two unnamed repositories: %v", err)
	}
	if _, err := New(Options{Repos: []RepoSpec{{Name: "a b", Root: root}}}); err == nil {
		t.Error("name with a space accepted")
	}
	if _, err := New(Options{Repos: []RepoSpec{{Root: filepath.Join(root, "missing")}}}); err == nil {
		t.Error("missing root accepted")
	}
	s, err := New(Options{Repos: []RepoSpec{{Name: "b", Root: root}, {Name: "a", Root: root, DB: filepath.Join(root, "other")}}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := strings.Join(s.RepoNames(), ","); got != "a,b" {
		t.Errorf("names %s", got)
	}
	if r, _ := s.Repo(""); r.Name() != "b" {
		t.Errorf("default repo %s", r.Name())
	}
	if _, err := s.Repo("c"); !errors.Is(err, ErrUnknownRepo) {
		t.Errorf("unknown repo: %v", err)
	}
	r, _ := s.Repo("a")
	if _, _, err := r.Acquire(); !errors.Is(err, ErrNoIndex) {
		t.Errorf("acquire without an index: %v", err)
	}
	if err := s.WaitIdle(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := r.State(); st.Status != StatusMissing {
		t.Errorf("state without an index: %+v", st)
	}
}

func TestIndexJob(t *testing.T) {
	s, r := fixture(t)
	if err := os.WriteFile(filepath.Join(r.Root(), "added.go"), []byte("package main\n\nfunc AddedByTest() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	j := r.Index(false)
	if j.Kind != "index" || j.Repo != r.Name() {
		t.Fatalf("job %+v", j)
	}
	if again := r.Index(false); again.ID != j.ID {
		t.Errorf("a second request started job %s besides %s", again.ID, j.ID)
	}
	done, err := s.Jobs().Wait(context.Background(), j.ID)
	if err != nil || done.State != jobs.Succeeded {
		t.Fatalf("job ended %+v, %v", done, err)
	}
	sum, err, ok := r.IndexResult(j.ID)
	if !ok || err != nil || sum.Added != 1 {
		t.Fatalf("result %+v %v %v", sum, err, ok)
	}
	if _, ok := nodeByName(t, r, "AddedByTest"); !ok {
		t.Error("the snapshot after the job does not see the new function")
	}
	if st := r.State(); st.Status != StatusReady {
		t.Errorf("state %+v", st)
	}
	// The job history survives the service.
	s.Close()
	q := jobs.New(jobs.Options{History: jobs.NewFileHistory(filepath.Join(r.DB(), "jobs.jsonl"))})
	defer q.Close()
	if h, ok := q.Get(j.ID); !ok || h.State != jobs.Succeeded {
		t.Errorf("history: %+v %v", h, ok)
	}
}

func TestNodeMutations(t *testing.T) {
	s, r := fixture(t)
	ctx := context.Background()
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	changes, err := s.Changes(sctx, EventFilter{NoSummaries: true})
	if err != nil {
		t.Fatal(err)
	}
	events := nodeEvents(changes)

	n, err := r.CreateNode(ctx, NodeInput{Kind: "function", Name: "Planned", QualifiedName: "design.Planned", File: "notes/design", Line: 3, Doc: "not written yet"})
	if err != nil {
		t.Fatal(err)
	}
	if n.ID == 0 || n.File != graph.APIPrefix+"notes/design" || n.StartLine != 3 || n.EndLine != 3 {
		t.Fatalf("created %+v", n)
	}
	if e := <-events; e.Type != EventCreated || e.Node.ID != n.ID || e.Repo != r.Name() {
		t.Errorf("event %+v", e)
	}
	twin, err := r.CreateNode(ctx, NodeInput{Kind: "function", Name: "Planned", QualifiedName: "design.Planned", File: "notes/design"})
	if err != nil || twin.ID == n.ID {
		t.Fatalf("same-named node: %+v %v", twin, err)
	}
	<-events
	if got, ok := nodeByName(t, r, "Planned"); !ok || got.Doc != "not written yet" && got.ID != twin.ID {
		t.Errorf("read back %+v %v", got, ok)
	}

	doc, line := "now specified", 9
	up, err := r.UpdateNode(ctx, n.ID, NodePatch{Doc: &doc, Line: &line})
	if err != nil {
		t.Fatal(err)
	}
	if up.ID != n.ID || up.Doc != doc || up.StartLine != 9 || up.EndLine != 9 || up.Name != "Planned" {
		t.Errorf("updated %+v", up)
	}
	if e := <-events; e.Type != EventUpdated || e.Previous == nil || e.Previous.Doc != "not written yet" {
		t.Errorf("event %+v", e)
	}

	// API nodes survive a forced re-index of the sources.
	j := r.Index(true)
	if done, _ := s.Jobs().Wait(ctx, j.ID); done.State != jobs.Succeeded {
		t.Fatalf("re-index %+v", done)
	}
	snap, release, err := r.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	got, err := snap.Store.Node(n.ID)
	release()
	if err != nil || got.Doc != doc {
		t.Fatalf("after re-index: %+v %v", got, err)
	}

	if err := r.DeleteNode(ctx, n.ID); err != nil {
		t.Fatal(err)
	}
	if e := <-events; e.Type != EventDeleted || e.Node.ID != n.ID {
		t.Errorf("event %+v", e)
	}
	if err := r.DeleteNode(ctx, n.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	if err := r.DeleteNode(ctx, twin.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok := nodeByName(t, r, "Planned"); ok {
		t.Error("deleted nodes still readable")
	}
}

func TestNodeMutationErrors(t *testing.T) {
	_, r := fixture(t)
	ctx := context.Background()
	src, ok := nodeByName(t, r, "Get")
	if !ok {
		t.Fatal("fixture has no Get")
	}
	bad := []NodeInput{
		{Kind: "function"},
		{Kind: "gizmo", Name: "x"},
		{Kind: "file", Name: "x"},
		{Kind: "function", Name: "x", File: "../etc/passwd"},
		{Kind: "function", Name: "x", File: "/abs"},
		{Kind: "function", Name: "x", Line: 5, EndLine: 2},
		{Kind: "function", Name: "two\nlines"},
	}
	for _, in := range bad {
		if _, err := r.CreateNode(ctx, in); !errors.Is(err, ErrInvalid) {
			t.Errorf("CreateNode(%+v) = %v, want ErrInvalid", in, err)
		}
	}
	name := "Renamed"
	if _, err := r.UpdateNode(ctx, src.ID, NodePatch{Name: &name}); !errors.Is(err, ErrDerived) {
		t.Errorf("update of a source node: %v", err)
	}
	if err := r.DeleteNode(ctx, src.ID); !errors.Is(err, ErrDerived) {
		t.Errorf("delete of a source node: %v", err)
	}
	if _, err := r.UpdateNode(ctx, 12345, NodePatch{Name: &name}); !errors.Is(err, ErrNotFound) {
		t.Errorf("update of a missing node: %v", err)
	}
	ro := WithAccess(ctx, ReadOnly)
	if _, err := r.CreateNode(ro, NodeInput{Kind: "function", Name: "x"}); !errors.Is(err, ErrForbidden) {
		t.Errorf("read-only create: %v", err)
	}
	if AccessFrom(ctx) != Admin || AccessFrom(ro) != ReadOnly {
		t.Error("AccessFrom")
	}
	// While another process holds the writer lock.
	w, err := store.Open(r.DB(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.CreateNode(ctx, NodeInput{Kind: "function", Name: "x"})
	w.Close()
	if !errors.Is(err, store.ErrLocked) {
		t.Errorf("create while locked: %v", err)
	}
	// While this process's index job writes.
	r.wmu.Lock()
	_, err = r.CreateNode(ctx, NodeInput{Kind: "function", Name: "x"})
	r.wmu.Unlock()
	if !errors.Is(err, ErrBusy) {
		t.Errorf("create during an index job: %v", err)
	}
}

func TestAddRepo(t *testing.T) {
	s, r := fixture(t)
	if again, err := s.AddRepo(RepoSpec{Root: r.Root()}); err != nil || again != r {
		t.Fatalf("re-adding the served repository: %v %v", again, err)
	}
	other := t.TempDir()
	if _, err := s.AddRepo(RepoSpec{Name: r.Name(), Root: other}); err == nil {
		t.Error("a taken name was accepted")
	}
	added, err := s.AddRepo(RepoSpec{Name: "other", Root: other})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Repo("other"); got != added || len(s.Repos()) != 2 {
		t.Errorf("after AddRepo: %v, %d repos", got, len(s.Repos()))
	}
	if err := s.WaitIdle(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := added.State(); st.Status != StatusMissing {
		t.Errorf("added repository without an index: %+v", st)
	}
	s.Close()
	if _, err := s.AddRepo(RepoSpec{Name: "late", Root: other}); err == nil {
		t.Error("AddRepo after Close")
	}
}

func TestWatch(t *testing.T) {
	root := testrepo.Copy(t, filepath.Join("..", "..", "testdata", "repo"))
	s, err := New(Options{Repos: []RepoSpec{{Root: root}}, Watch: true, WatchCommand: "codegraph test"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, _ := s.Repo("")
	if !r.Watching() {
		t.Fatal("not watching")
	}
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
	// The watcher builds the missing index, then follows edits.
	waitFor("first index", func() bool { _, ok, _ := lookupNode(r, "Get"); return ok })
	if err := os.WriteFile(filepath.Join(root, "watched.go"), []byte("package main\n\nfunc SeenByWatcher() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor("edit seen", func() bool { _, ok, _ := lookupNode(r, "SeenByWatcher"); return ok })
	if st := r.State(); st.Status != StatusReady {
		t.Errorf("state after an update: %s", st)
	}
	// Index jobs and node mutations go through the watcher's writer.
	j := r.Index(true)
	if done, _ := s.Jobs().Wait(context.Background(), j.ID); done.State != jobs.Succeeded {
		t.Fatalf("index job while watched: %+v", done)
	}
	n, err := r.CreateNode(context.Background(), NodeInput{Kind: "function", Name: "Annotated"})
	if err != nil {
		t.Fatalf("create while watched: %v", err)
	}
	if got, ok := nodeByName(t, r, "Annotated"); !ok || got.ID != n.ID {
		t.Error("created node not readable")
	}
	// The writer is held: another writer is refused.
	if w, err := store.Open(r.DB(), store.Options{}); err == nil {
		w.Close()
		t.Error("a second writer opened the watched index")
	}
	s.Close()
	if w, err := store.Open(r.DB(), store.Options{}); err != nil {
		t.Errorf("the index is still locked after Close: %v", err)
	} else {
		w.Close()
	}
}

// lookupNode finds a node named name in r's current snapshot.
func lookupNode(r *Repo, name string) (graph.Node, bool, error) {
	snap, release, err := r.Acquire()
	if err != nil {
		return graph.Node{}, false, err
	}
	defer release()
	var found graph.Node
	ok := false
	err = snap.Store.NodesByName(name, func(n graph.Node) error {
		found, ok = n, true
		return nil
	})
	return found, ok, err
}

// TestJobHistoryPerRepo checks that each repository's jobs are kept in its
// own store directory and come back when the service starts again.
func TestJobHistoryPerRepo(t *testing.T) {
	var roots []string
	for range 2 {
		root := testrepo.Copy(t, filepath.Join("..", "..", "testdata", "repo"))
		if _, err := index.Run(context.Background(), index.Options{Root: root, NoSearch: true}); err != nil {
			t.Fatal(err)
		}
		roots = append(roots, root)
	}
	specs := []RepoSpec{{Name: "a", Root: roots[0]}, {Name: "b", Root: roots[1]}}
	s, err := New(Options{Repos: specs})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := s.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	b, err := s.Repo("b")
	if err != nil {
		t.Fatal(err)
	}
	j := b.Index(true)
	if done, err := s.Jobs().Wait(ctx, j.ID); err != nil || done.State != jobs.Succeeded {
		t.Fatalf("job ended %+v, %v", done, err)
	}
	s.Close()
	read := func(root string) string {
		data, err := os.ReadFile(filepath.Join(root, ".codegraph", historyFile))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		return string(data)
	}
	if !strings.Contains(read(roots[1]), j.ID) {
		t.Errorf("b's history does not hold its job %s", j.ID)
	}
	if strings.Contains(read(roots[0]), j.ID) {
		t.Errorf("a's history holds b's job %s", j.ID)
	}
	s2, err := New(Options{Repos: specs})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if h, ok := s2.Jobs().Get(j.ID); !ok || h.State != jobs.Succeeded || h.Repo != "b" {
		t.Errorf("after a restart: %+v %v", h, ok)
	}
}

// TestSnapshotStats checks that a snapshot's statistics are the store's,
// and that the snapshot after an update counts the new file.
func TestSnapshotStats(t *testing.T) {
	s, r := fixture(t)
	stats := func() store.Stats {
		sn, release, err := r.Acquire()
		if err != nil {
			t.Fatal(err)
		}
		defer release()
		got, err := sn.Stats()
		if err != nil {
			t.Fatal(err)
		}
		want, err := sn.Store.Stats()
		if err != nil {
			t.Fatal(err)
		}
		if got.Files != want.Files || got.Nodes != want.Nodes || got.Edges != want.Edges {
			t.Fatalf("snapshot stats %+v, store %+v", got, want)
		}
		return got
	}
	before := stats()
	if err := os.WriteFile(filepath.Join(r.Root(), "stats_added.go"), []byte("package main\n\nfunc StatsAdded() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if done, err := s.Jobs().Wait(context.Background(), r.Index(false).ID); err != nil || done.State != jobs.Succeeded {
		t.Fatalf("job ended %+v, %v", done, err)
	}
	if after := stats(); after.Files != before.Files+1 {
		t.Errorf("files %d after adding one to %d", after.Files, before.Files)
	}
}

// TestNodeMutationsSearch: a node created through the API is found by
// search at once, and no longer once deleted, with and without a watcher
// holding the writer.
func TestNodeMutationsSearch(t *testing.T) {
	for _, watched := range []bool{false, true} {
		t.Run(fmt.Sprintf("watched=%v", watched), func(t *testing.T) {
			root := testrepo.Copy(t, filepath.Join("..", "..", "testdata", "repo"))
			if _, err := index.Run(context.Background(), index.Options{Root: root}); err != nil {
				t.Fatal(err)
			}
			s, err := New(Options{Repos: []RepoSpec{{Root: root}}, Watch: watched, WatchCommand: "codegraph test"})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			if err := s.WaitIdle(ctx); err != nil {
				t.Fatal(err)
			}
			r, _ := s.Repo("")
			find := func(mode search.Mode, q string) []string {
				sn, release, err := r.Acquire()
				if err != nil {
					t.Fatal(err)
				}
				defer release()
				res, err := sn.Searcher().Search(ctx, search.Request{Query: q, Mode: mode, Limit: 5})
				if err != nil {
					t.Fatal(err)
				}
				var files []string
				for _, h := range res.Hits {
					files = append(files, h.Name+"@"+h.File)
				}
				return files
			}
			n, err := r.CreateNode(ctx, NodeInput{Kind: "function", Name: "settleInvoiceDisputes", File: "notes/billing", Doc: "Settles the disputes customers raised on their invoices."})
			if err != nil {
				t.Fatal(err)
			}
			want := n.Name + "@" + n.File
			// The lexical index itself, not the graph's name lookup that
			// hybrid also uses, must hold it.
			for _, q := range []struct {
				mode  search.Mode
				query string
			}{{search.Lexical, "settleInvoiceDisputes"}, {search.Lexical, "disputes customers raised on invoices"}, {search.Hybrid, "disputes customers raised on invoices"}} {
				if got := find(q.mode, q.query); len(got) == 0 || got[0] != want {
					t.Errorf("after create, %s %q: %v, want %s first", q.mode, q.query, got, want)
				}
			}
			if err := r.DeleteNode(ctx, n.ID); err != nil {
				t.Fatal(err)
			}
			if got := find(search.Lexical, "settleInvoiceDisputes"); slices.Contains(got, want) {
				t.Errorf("after delete: %v", got)
			}
		})
	}
}
