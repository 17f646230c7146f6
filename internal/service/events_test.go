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
	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

// collect reads changes until a summary satisfies done (or the timeout),
// returning the node events and summaries read.
func collect(t *testing.T, ch <-chan Change, timeout time.Duration, done func(*UpdateSummary) bool) ([]Event, []UpdateSummary) {
	t.Helper()
	var evs []Event
	var sums []UpdateSummary
	deadline := time.After(timeout)
	for {
		select {
		case c, ok := <-ch:
			if !ok {
				t.Fatal("subscription closed")
			}
			if c.Event != nil {
				evs = append(evs, *c.Event)
				continue
			}
			sums = append(sums, *c.Summary)
			if done(c.Summary) {
				return evs, sums
			}
		case <-deadline:
			t.Fatalf("no final summary within %s (events %d, summaries %+v)", timeout, len(evs), sums)
		}
	}
}

func evLines(evs []Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Type+" "+e.Node.Kind.String()+" "+e.Node.QualifiedName)
	}
	slices.Sort(out)
	return out
}

// A watcher's update of the code reaches subscribers as node events and
// a summary, filtered by path and kind, bounded per update, and only for
// the repositories each caller may see.
func TestChangesFromWatcher(t *testing.T) {
	root := testrepo.Copy(t, filepath.Join("..", "..", "testdata", "repo"))
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "o.go"), []byte("package o\n\nfunc O() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{Repos: []RepoSpec{{Name: "shop", Root: root}, {Name: "other", Root: other}}, Watch: true, WatchCommand: "codegraph test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	shop, _ := s.Repo("shop")
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, ok, _ := lookupNode(shop, "NewServer"); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("first index: %s", shop.State())
		}
		time.Sleep(20 * time.Millisecond)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	all, err := s.Changes(ctx, EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	filtered, err := s.Changes(ctx, EventFilter{Repo: "shop", Nodes: NodeFilter{Paths: []string{"pkg/server/**"}, Kinds: []graph.NodeKind{graph.KindFunction}}})
	if err != nil {
		t.Fatal(err)
	}
	small, err := s.Changes(ctx, EventFilter{Repo: "shop", Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	// A caller that may read only "other" gets nothing of "shop", and may
	// not name it.
	onlyOther := WithGrants(WithAccess(ctx, ReadOnly), Grants{Repos: map[string]Access{"other": ReadOnly}})
	stranger, err := s.Changes(onlyOther, EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Changes(onlyOther, EventFilter{Repo: "shop"}); !errors.Is(err, ErrUnknownRepo) {
		t.Errorf("subscribing to a repository the caller may not see: %v", err)
	}
	if _, err := s.Changes(ctx, EventFilter{Types: []string{"renamed"}}); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad event type: %v", err)
	}

	// One edit: a function added, one changed, in a file both the
	// unfiltered and the filtered subscriber follow.
	src := filepath.Join(root, "pkg", "server", "server.go")
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(b), "return &Server{st: st}", "return &Server{st: st /* wired */}", 1) +
		"\n// Health reports liveness.\nfunc Health() bool { return true }\n"
	saved := time.Now()
	if err := os.WriteFile(src, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	isEdit := func(u *UpdateSummary) bool { return u.Repo == "shop" && u.Source == SourceWatch && u.FilesChanged > 0 }
	evs, sums := collect(t, all, 20*time.Second, isEdit)
	latency := time.Since(saved)
	got := evLines(evs)
	for _, want := range []string{"created function Health", "updated function NewServer", "updated file pkg/server/server.go"} {
		if !slices.Contains(got, want) {
			t.Errorf("missing %q in %q", want, got)
		}
	}
	sum := sums[len(sums)-1]
	if sum.NodesAdded != 1 || sum.NodesUpdated < 2 || sum.NodesRemoved != 0 || sum.FilesChanged != 1 || sum.Reason != "change" ||
		sum.Events != len(evs) || sum.Truncated || sum.Seq == 0 {
		t.Errorf("summary %+v (events %d)", sum, len(evs))
	}
	for _, e := range evs {
		if e.Repo != "shop" || e.Source != SourceWatch || e.Node.File != "pkg/server/server.go" {
			t.Errorf("event %+v", e)
		}
	}
	t.Logf("save -> summary: %s", latency)

	fevs, _ := collect(t, filtered, 5*time.Second, isEdit)
	if got := evLines(fevs); !slices.Equal(got, []string{"created function Health", "updated function NewServer"}) {
		t.Errorf("filtered: %q", got)
	}

	// A flood (more matching node events than the limit) gives the
	// summary only.
	if _, sums := collect(t, small, 5*time.Second, isEdit); sums[len(sums)-1].Truncated {
		t.Errorf("an edit within the limit was truncated: %+v", sums)
	}
	for i := range 12 {
		p := filepath.Join(root, "flood", fmt.Sprintf("f%d.go", i))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(fmt.Sprintf("package flood\n\nfunc F%d() {}\n", i)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	added, truncated := 0, false
	var smallEvents []Event
	for added < 36 { // a file, a package and a function per file
		evs, sums := collect(t, small, 20*time.Second, func(u *UpdateSummary) bool { return u.Repo == "shop" })
		u := sums[len(sums)-1]
		added += u.NodesAdded
		smallEvents = append(smallEvents, evs...)
		if u.Truncated {
			truncated = true
			if u.Events != 0 || len(evs) != 0 {
				t.Errorf("a truncated update still sent %d events", len(evs))
			}
		} else if u.Events != len(evs) || len(evs) > 5 {
			t.Errorf("update within the limit: %d events, summary says %d", len(evs), u.Events)
		}
	}
	if !truncated {
		t.Errorf("no update was truncated (%d events)", len(smallEvents))
	}

	// The stranger saw none of it; it does see its own repository.
	if err := os.WriteFile(filepath.Join(other, "o.go"), []byte("package o\n\nfunc O() {}\n\nfunc P() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sevs, ssums := collect(t, stranger, 20*time.Second, func(u *UpdateSummary) bool { return u.Repo == "other" && u.Source == SourceWatch })
	for _, u := range ssums {
		if u.Repo != "other" {
			t.Errorf("stranger got a summary of %s", u.Repo)
		}
	}
	if got := evLines(sevs); !slices.Contains(got, "created function P") || slices.ContainsFunc(sevs, func(e Event) bool { return e.Repo != "other" }) {
		t.Errorf("stranger's events: %q", got)
	}
}

// A subscriber that does not read never blocks a publisher: updates past
// its buffer are dropped and counted in the next summary it gets.
func TestChangesSlowSubscriber(t *testing.T) {
	s, r := fixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := s.Changes(ctx, EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	n := 64 + subscriberBuffer + 100 // the pump's channel, the bus buffer, and more
	start := time.Now()
	for i := range n {
		r.publishCommitted([]Event{{Type: EventCreated, Repo: r.name, Node: graph.Node{ID: graph.NodeID(i + 1), Name: "N"}}}, time.Now())
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("publishing to a stalled subscriber took %s", d)
	}
	dropped, summaries := 0, 0
	timeout := time.After(10 * time.Second)
	for summaries+dropped < n {
		select {
		case c := <-ch:
			if c.Summary != nil {
				summaries++
				dropped += c.Summary.Dropped
			}
		case <-timeout:
			t.Fatalf("got %d summaries, %d dropped of %d", summaries, dropped, n)
		}
	}
	if dropped == 0 {
		t.Error("nothing counted as dropped")
	}
}

// The service's runs record node changes (index.Options.RecordChanges)
// only while someone is subscribed.
func TestBusListened(t *testing.T) {
	s, _ := fixture(t)
	if s.bus.listened() {
		t.Fatal("listened with no subscriber")
	}
	ctx, cancel := context.WithCancel(context.Background())
	ch, err := s.Changes(ctx, EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if !s.bus.listened() {
		t.Error("not listened with a subscriber")
	}
	cancel()
	for range ch { // closed once the subscription is gone
	}
	deadline := time.Now().Add(5 * time.Second)
	for s.bus.listened() {
		if time.Now().After(deadline) {
			t.Fatal("still listened after the subscriber left")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
