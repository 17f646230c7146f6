package server

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/jobs"
)

func TestStreams(t *testing.T) {
	svc, _ := sharedService(t)
	_, ts := newTestServer(t, Options{Service: svc})
	repo, _ := svc.Repo("")
	sn, release, err := repo.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	stats, err := sn.Store.Stats()
	release()
	if err != nil {
		t.Fatal(err)
	}
	lines := func(path string) []map[string]any {
		status, hdr, body := call(t, ts, "GET", path, "")
		if status != 200 || hdr.Get("Content-Type") != "application/x-ndjson" {
			t.Fatalf("%s: %d %s %s", path, status, hdr.Get("Content-Type"), body)
		}
		var out []map[string]any
		sc := bufio.NewScanner(strings.NewReader(string(body)))
		for sc.Scan() {
			var v map[string]any
			if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
				t.Fatalf("%s: line %q: %v", path, sc.Text(), err)
			}
			out = append(out, v)
		}
		return out
	}
	all := lines("/stream/nodes")
	if uint64(len(all)) < stats.Nodes || len(all) == 0 {
		t.Fatalf("streamed %d nodes, store has %d", len(all), stats.Nodes)
	}
	if got := lines("/stream/nodes?kind=method&lang=go"); len(got) == 0 || len(got) >= len(all) {
		t.Fatalf("filtered stream: %d of %d", len(got), len(all))
	} else {
		for _, n := range got {
			if n["kind"] != "method" || n["language"] != "go" {
				t.Fatalf("filter let through %v", n)
			}
		}
	}
	if got := lines("/stream/nodes?limit=2"); len(got) != 2 {
		t.Fatalf("limit 2 streamed %d", len(got))
	}
	edges := lines("/stream/edges")
	if uint64(len(edges)) != stats.Edges {
		t.Fatalf("streamed %d edges, store has %d", len(edges), stats.Edges)
	}
	for _, e := range lines("/stream/edges?kind=calls&resolved=true") {
		if e["kind"] != "calls" || e["to"] == nil {
			t.Fatalf("filter let through %v", e)
		}
	}
	if status, _, _ := call(t, ts, "GET", "/stream/edges?kind=nope", ""); status != 400 {
		t.Fatalf("bad kind: %d", status)
	}
}

// TestStreamStopsOnDisconnect reads one line of a stream, hangs up, and
// checks that the handler returns promptly instead of writing the rest.
func TestStreamStopsOnDisconnect(t *testing.T) {
	svc := bigService(t, 20, 300)
	s, err := New(Options{Service: svc})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	done := make(chan struct{})
	var items int
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(done)
		sw := &slowWriter{ResponseWriter: w, items: &items}
		s.Handler().ServeHTTP(sw, r)
	})
	ts := newHTTPTest(t, h)
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/stream/nodes", nil)
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(resp.Body)
	if _, err := br.ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	cancel()
	resp.Body.Close()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("stream handler still running 10 s after the client left")
	}
	total, _ := countNodes(t, svc)
	t.Logf("wrote %d of %d nodes before stopping", items, total)
	if items >= total {
		t.Fatalf("wrote all %d items after the client left", items)
	}
}

// slowWriter slows every write down, so that the stream is still running
// when the client hangs up.
type slowWriter struct {
	http.ResponseWriter
	items *int
}

func (w *slowWriter) Write(b []byte) (int, error) {
	*w.items += strings.Count(string(b), "\n")
	time.Sleep(20 * time.Millisecond)
	return w.ResponseWriter.Write(b)
}

func (w *slowWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// TestIndexJobEvents starts an index job, follows its server-sent events
// to the end, and checks the job listing, lookup and cancel refusal.
func TestIndexJobEvents(t *testing.T) {
	_, ts := newTestServer(t, Options{SSEHeartbeat: 5 * time.Millisecond})
	status, hdr, body := call(t, ts, "POST", "/index?force=true", "")
	if status != 202 {
		t.Fatalf("index: %d %s", status, body)
	}
	var job jobs.Job
	if err := json.Unmarshal(body, &job); err != nil || job.ID == "" || hdr.Get("Location") != "/jobs/"+job.ID {
		t.Fatalf("job %s, Location %q: %v", body, hdr.Get("Location"), err)
	}
	resp, err := ts.Client().Get(ts.URL + "/jobs/" + job.ID + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	var events []string
	var last jobs.Job
	heartbeats := 0
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			events = append(events, strings.TrimPrefix(line, "event: "))
		case strings.HasPrefix(line, "data: "):
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &last); err != nil {
				t.Fatalf("data %q: %v", line, err)
			}
		case strings.HasPrefix(line, ": keep-alive"):
			heartbeats++
		}
	}
	if len(events) == 0 || events[len(events)-1] != "done" {
		t.Fatalf("events %v", events)
	}
	if last.State != jobs.Succeeded || last.ID != job.ID {
		t.Fatalf("final job %+v", last)
	}
	status, _, body = call(t, ts, "GET", "/jobs/"+job.ID, "")
	if status != 200 || !strings.Contains(string(body), `"succeeded"`) {
		t.Fatalf("get job: %d %s", status, body)
	}
	status, _, body = call(t, ts, "GET", "/jobs?state=succeeded&limit=1", "")
	if status != 200 || !strings.Contains(string(body), job.ID) {
		t.Fatalf("list jobs: %d %s", status, body)
	}
	status, _, body = call(t, ts, "DELETE", "/jobs/"+job.ID, "")
	if status != 409 || errorCode(t, body) != codeConflict {
		t.Fatalf("cancel finished job: %d %s", status, body)
	}
	// The events of a finished job: its final state, then the end.
	status, _, body = call(t, ts, "GET", "/jobs/"+job.ID+"/events", "")
	if status != 200 || !strings.Contains(string(body), "event: done") {
		t.Fatalf("events of a finished job: %d %s", status, body)
	}
	if status, _, _ = call(t, ts, "GET", "/jobs?cursor=nope", ""); status != 400 {
		t.Fatalf("bad jobs cursor: %d", status)
	}
}
