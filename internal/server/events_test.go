package server

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/service"
	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

// sseEvent is one server-sent event of GET /events.
type sseEvent struct {
	name string
	data map[string]any
}

// followEvents opens GET path with key and passes its events on (the
// channel closes when the stream ends).
func followEvents(t *testing.T, url, key string) <-chan sseEvent {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	req.Header.Set("X-API-Key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	out := make(chan sseEvent, 1000)
	go func() {
		defer close(out)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ev.data); err != nil {
					t.Errorf("data %q: %v", line, err)
				}
			case line == "" && ev.name != "":
				out <- ev
				ev = sseEvent{}
			}
		}
	}()
	return out
}

// untilSummary reads events up to the first summary done accepts,
// returning the node events before it ("type kind qualified-name") and
// that summary.
func untilSummary(t *testing.T, ch <-chan sseEvent, done func(map[string]any) bool) ([]string, map[string]any) {
	t.Helper()
	var evs []string
	timeout := time.After(20 * time.Second)
	for {
		select {
		case e, ok := <-ch:
			if !ok {
				t.Fatal("stream ended")
			}
			if e.name == "summary" {
				if done(e.data) {
					slices.Sort(evs)
					return evs, e.data
				}
				evs = nil
				continue
			}
			n, _ := e.data["node"].(map[string]any)
			evs = append(evs, fmt.Sprintf("%s %v %v %v", e.name, e.data["repo"], n["kind"], n["qualified_name"]))
		case <-timeout:
			t.Fatalf("no summary in 20 s (events %q)", evs)
		}
	}
}

// GET /events streams a watched repository's changes as node events and a
// summary per update, with the filters of the other routes, a limit that
// turns a flood into its summary, and role bindings.
func TestChangeEvents(t *testing.T) {
	src := filepath.Join("..", "..", "testdata", "repo")
	one, two := testrepo.Copy(t, src), testrepo.Copy(t, src)
	for _, r := range []string{one, two} {
		if _, err := index.Run(context.Background(), index.Options{Root: r, NoSearch: true}); err != nil {
			t.Fatal(err)
		}
	}
	svc, err := service.New(service.Options{Repos: []service.RepoSpec{{Name: "one", Root: one}, {Name: "two", Root: two}},
		Watch: true, WatchCommand: "codegraph test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	for _, r := range svc.Repos() {
		for deadline := time.Now().Add(30 * time.Second); r.State().Status != service.StatusReady; time.Sleep(20 * time.Millisecond) {
			if !r.Watching() || time.Now().After(deadline) {
				t.Fatalf("watcher of %s not ready: %s", r.Name(), r.State())
			}
		}
	}
	_, ts := newTestServer(t, Options{Service: svc, SSEHeartbeat: time.Hour,
		Keys: []Key{{Name: "alice", Key: aliceKey, Scope: "admin"}, {Name: "bob", Key: bobKey, Scope: "rw"}},
		RoleBindings: []RoleBinding{
			{Subjects: []string{"key:alice"}, Role: "read", Repos: []string{"one"}},
			{Subjects: []string{"key:bob"}, Role: "read", Repos: []string{"*"}},
		}})

	all := followEvents(t, ts.URL+"/events", bobKey)
	funcs := followEvents(t, ts.URL+"/events?repo=one&path=pkg/server/**&kind=function", bobKey)
	small := followEvents(t, ts.URL+"/events?repo=two&limit=2", bobKey)
	alice := followEvents(t, ts.URL+"/events", aliceKey)
	status, _, body := call(t, ts, "GET", "/events?repo=two", "", "X-API-Key", aliceKey)
	if status != 404 || !strings.Contains(string(body), "unknown repository") {
		t.Errorf("alice on two: %d %s", status, body)
	}
	if status, _, body := call(t, ts, "GET", "/events?type=renamed", "", "X-API-Key", bobKey); status != 400 {
		t.Errorf("bad type: %d %s", status, body)
	}
	// The subscriptions are registered before the response's headers; an
	// edit now reaches all of them.
	edit := func(root, rel, text string) {
		t.Helper()
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// An edit in two (alice may not see it), then one in one.
	edit(two, "pkg/store/extra.go", "package store\n\nfunc A() {}\n\nfunc B() {}\n\nfunc C() {}\n")
	of := func(repo string) func(map[string]any) bool {
		return func(s map[string]any) bool { return s["repo"] == repo && s["source"] == "watch" }
	}
	evs, sum := untilSummary(t, small, of("two"))
	if sum["truncated"] != true || len(evs) != 0 || sum["nodes_added"] != float64(5) || sum["files_changed"] != float64(1) {
		t.Errorf("flood past the limit: events %q, summary %v", evs, sum)
	}
	if evs, _ := untilSummary(t, all, of("two")); len(evs) != 5 {
		t.Errorf("two's events: %q", evs)
	}
	srcFile := filepath.Join(one, "pkg", "server", "server.go")
	b, err := os.ReadFile(srcFile)
	if err != nil {
		t.Fatal(err)
	}
	saved := time.Now()
	edit(one, "pkg/server/server.go", string(b)+"\nfunc Health() bool { return true }\n")
	evs, sum = untilSummary(t, all, of("one"))
	t.Logf("save -> summary over SSE: %s", time.Since(saved))
	if want := []string{"created one function Health", "updated one file pkg/server/server.go"}; !slices.Equal(evs, want) {
		t.Errorf("events %q, want %q", evs, want)
	}
	if sum["events"] != float64(2) || sum["nodes_added"] != float64(1) || sum["reason"] != "change" || sum["truncated"] != nil {
		t.Errorf("summary %v", sum)
	}
	if evs, _ := untilSummary(t, funcs, of("one")); !slices.Equal(evs, []string{"created one function Health"}) {
		t.Errorf("filtered: %q", evs)
	}
	// Alice's first summary is one's: two's update never reached her.
	var first map[string]any
	evs, first = untilSummary(t, alice, func(map[string]any) bool { return true })
	if first["repo"] != "one" || len(evs) != 2 {
		t.Errorf("alice got %q then %v", evs, first)
	}
}
