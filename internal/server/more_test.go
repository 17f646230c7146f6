package server

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

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
