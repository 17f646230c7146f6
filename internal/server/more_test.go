package server

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/jobs"
	"github.com/codegraph-dev/codegraph/internal/service"
	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

func TestVectorSearch(t *testing.T) {
	svc, _ := fixtureService(t)
	_, ts := newTestServer(t, Options{Service: svc})
	repo, _ := svc.Repo("")
	sn, release, err := repo.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	dim, err := sn.Searcher().VectorDim(context.Background())
	release()
	if err != nil {
		t.Fatal(err)
	}
	vec := make([]float32, dim)
	vec[1] = 1
	b, _ := json.Marshal(map[string]any{"vector": vec, "limit": 2, "lang": []string{"go"}})
	status, _, body := call(t, ts, "POST", "/vector/search", string(b))
	if status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	var res searchResponse
	if err := json.Unmarshal(body, &res); err != nil || len(res.Hits) == 0 || len(res.Hits) > 2 {
		t.Fatalf("%v %s", err, body)
	}
	for _, h := range res.Hits {
		if h.Language != "go" {
			t.Errorf("lang filter let through %s", h.QualifiedName)
		}
	}
	b, _ = json.Marshal(map[string]any{"vector": vec[:dim-1]})
	if status, _, body := call(t, ts, "POST", "/vector/search", string(b)); status != 400 || !strings.Contains(string(body), fmt.Sprint(dim)) {
		t.Fatalf("wrong dimension: %d %s", status, body)
	}
}

// TestNoIndex: a repository without an index answers 503 with what to do,
// and is not ready.
func TestNoIndex(t *testing.T) {
	root := testrepo.Copy(t, "")
	svc, err := service.New(service.Options{Repos: []service.RepoSpec{{Name: "bare", Root: root}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := svc.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	_, ts := newTestServer(t, Options{Service: svc})
	for _, path := range []string{"/nodes", "/search?q=x", "/graph/callers?symbol=x", "/stream/nodes"} {
		status, hdr, body := call(t, ts, "GET", path, "")
		if status != 503 || errorCode(t, body) != codeUnavailable || !strings.Contains(string(body), "POST /index") || hdr.Get("Retry-After") == "" {
			t.Errorf("%s: %d %s", path, status, body)
		}
	}
	status, _, body := call(t, ts, "GET", "/health/ready", "")
	if status != 503 || !strings.Contains(string(body), `"not_ready"`) {
		t.Fatalf("ready: %d %s", status, body)
	}
	// Live stays up.
	if status, _, _ := call(t, ts, "GET", "/health/live", ""); status != 200 {
		t.Fatalf("live: %d", status)
	}
}

// TestJobEventsCancel follows a long job's events: heartbeats while it
// waits, a progress event per report, then DELETE /jobs/{id} cancels it
// and the stream ends with a done event in state cancelled.
func TestJobEventsCancel(t *testing.T) {
	svc, _ := fixtureService(t)
	_, ts := newTestServer(t, Options{Service: svc, SSEHeartbeat: 10 * time.Millisecond})
	step := make(chan struct{})
	job := svc.Jobs().Submit("test", "fixture", func(ctx context.Context, report func(jobs.Progress)) (any, error) {
		for i := 1; ; i++ {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-step:
				report(jobs.Progress{Phase: "work", Done: i, Total: 10})
			}
		}
	})
	resp, err := ts.Client().Get(ts.URL + "/jobs/" + job.ID + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lines := make(chan string, 1000)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	waitFor := func(pred func(string) bool, what string) string {
		t.Helper()
		timeout := time.After(20 * time.Second)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("stream ended before %s", what)
				}
				if pred(l) {
					return l
				}
			case <-timeout:
				t.Fatalf("no %s in 20 s", what)
			}
		}
	}
	waitFor(func(l string) bool { return strings.HasPrefix(l, ": keep-alive") }, "heartbeat")
	step <- struct{}{}
	waitFor(func(l string) bool { return strings.Contains(l, `"phase":"work"`) && strings.Contains(l, `"done":1`) }, "progress event")
	if status, _, body := call(t, ts, "DELETE", "/jobs/"+job.ID, ""); status != 202 {
		t.Fatalf("cancel: %d %s", status, body)
	}
	waitFor(func(l string) bool { return l == "event: done" }, "done event")
	waitFor(func(l string) bool { return strings.Contains(l, `"state":"cancelled"`) }, "cancelled state")
	for range lines { // the server closes the stream
	}
}

// TestMultiRepo: the repo parameter picks the repository; without it the
// first one answers.
func TestMultiRepo(t *testing.T) {
	first := testrepo.Copy(t, "")
	second := testrepo.Copy(t, "")
	// The second repository has one more function.
	if err := os.WriteFile(filepath.Join(second, "pkg", "store", "extra.go"), []byte("package store\n\nfunc OnlyInSecond() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{first, second} {
		if _, err := index.Run(context.Background(), index.Options{Root: r, NoSearch: true}); err != nil {
			t.Fatal(err)
		}
	}
	svc, err := service.New(service.Options{Repos: []service.RepoSpec{{Name: "one", Root: first}, {Name: "two", Root: second}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	_, ts := newTestServer(t, Options{Service: svc})
	for path, want := range map[string]int{
		"/nodes?name=OnlyInSecond":          0,
		"/nodes?name=OnlyInSecond&repo=one": 0,
		"/nodes?name=OnlyInSecond&repo=two": 1,
	} {
		status, _, body := call(t, ts, "GET", path, "")
		var page nodePage
		if status != 200 || json.Unmarshal(body, &page) != nil || page.Count != want {
			t.Errorf("%s: %d %s, want %d nodes", path, status, body, want)
		}
	}
	if status, _, body := call(t, ts, "GET", "/health/ready", ""); status != 200 || !strings.Contains(string(body), `"two"`) {
		t.Errorf("ready: %d %s", status, body)
	}
}

// TestPagination walks every page of node and edge lists: no item twice,
// none missed (against the unpaged answer), cursors bound to their query.
func TestPagination(t *testing.T) {
	_, ts := sharedTestServer(t, Options{})
	walk := func(base string, items func([]byte) []string) []string {
		var all []string
		cursor := ""
		for pages := 0; ; pages++ {
			if pages > 100 {
				t.Fatalf("%s: more than 100 pages", base)
			}
			path := base + "&limit=2"
			if cursor != "" {
				path += "&cursor=" + cursor
			}
			status, _, body := call(t, ts, "GET", path, "")
			if status != 200 {
				t.Fatalf("%s: %d %s", path, status, body)
			}
			all = append(all, items(body)...)
			var next struct {
				NextCursor string `json:"next_cursor"`
			}
			_ = json.Unmarshal(body, &next)
			if next.NextCursor == "" {
				return all
			}
			cursor = next.NextCursor
		}
	}
	nodeIDs := func(b []byte) []string {
		var p nodePage
		_ = json.Unmarshal(b, &p)
		var out []string
		for _, n := range p.Nodes {
			out = append(out, n.ID)
		}
		return out
	}
	edgeKeys := func(b []byte) []string {
		var p edgePage
		_ = json.Unmarshal(b, &p)
		var out []string
		for _, e := range p.Edges {
			out = append(out, fmt.Sprintf("%s>%s@%s:%d", e.From, e.To+e.Target, e.File, e.Line))
		}
		return out
	}
	for _, base := range []string{"/nodes?kind=method", "/nodes?lang=go", "/nodes?file=pkg/store/store.go", "/nodes?kind=function&kind=method&file=web/**"} {
		paged := walk(base, nodeIDs)
		_, _, body := call(t, ts, "GET", base+"&limit=1000", "")
		whole := nodeIDs(body)
		if len(paged) == 0 || strings.Join(paged, ",") != strings.Join(whole, ",") {
			t.Errorf("%s: pages give %v, one page %v", base, paged, whole)
		}
	}
	id := nodeIDByName(t, ts, "Store", "pkg/store/store.go")
	paged := walk("/nodes/"+id+"/edges?direction=both", edgeKeys)
	_, _, body := call(t, ts, "GET", "/nodes/"+id+"/edges?direction=both&limit=1000", "")
	if whole := edgeKeys(body); len(paged) < 2 || strings.Join(paged, ",") != strings.Join(whole, ",") {
		t.Errorf("edges: pages give %v, one page %v", paged, whole)
	}
	// A cursor of one query is refused by another.
	_, _, body = call(t, ts, "GET", "/nodes?kind=method&limit=1", "")
	var p nodePage
	_ = json.Unmarshal(body, &p)
	if status, _, body := call(t, ts, "GET", "/nodes?kind=function&limit=1&cursor="+p.NextCursor, ""); status != 400 || !strings.Contains(string(body), "another query") {
		t.Errorf("foreign cursor: %d %s", status, body)
	}
}
