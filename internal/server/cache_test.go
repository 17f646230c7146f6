package server

import (
	"strings"
	"testing"
	"time"
)

func TestResultCache(t *testing.T) {
	now := time.Unix(0, 0)
	c := newResultCache(2, time.Minute)
	c.now = func() time.Time { return now }
	a, b := new(int), new(int) // two snapshots
	c.put(cacheKey{a, "q1"}, 1)
	c.put(cacheKey{a, "q2"}, 2)
	if v, ok := c.get(cacheKey{a, "q1"}); !ok || v != 1 {
		t.Fatalf("q1: %v %v", v, ok)
	}
	if _, ok := c.get(cacheKey{b, "q1"}); ok {
		t.Fatal("an answer of another snapshot matched")
	}
	c.put(cacheKey{a, "q3"}, 3) // evicts q2, the least recently used
	if _, ok := c.get(cacheKey{a, "q2"}); ok {
		t.Fatal("q2 not evicted")
	}
	if _, ok := c.get(cacheKey{a, "q1"}); !ok {
		t.Fatal("q1 evicted")
	}
	now = now.Add(2 * time.Minute)
	if _, ok := c.get(cacheKey{a, "q1"}); ok {
		t.Fatal("expired entry served")
	}
	var nilCache *resultCache
	nilCache.put(cacheKey{a, "x"}, 1)
	if _, ok := nilCache.get(cacheKey{a, "x"}); ok {
		t.Fatal("nil cache hit")
	}
}

// TestSearchCache: a repeated search is a hit; a change of the index
// (a node created through the API gives a new snapshot) makes it a miss.
func TestSearchCache(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	path := "/search?q=order&limit=3"
	_, h1, b1 := call(t, ts, "GET", path, "")
	_, h2, b2 := call(t, ts, "GET", path, "")
	if h1.Get("X-Cache") != "" || h2.Get("X-Cache") != "hit" || string(b1) != string(b2) {
		t.Fatalf("first %q, second %q", h1.Get("X-Cache"), h2.Get("X-Cache"))
	}
	if _, h, _ := call(t, ts, "GET", "/search?limit=3&q=order", ""); h.Get("X-Cache") != "hit" {
		t.Fatal("parameter order changed the key")
	}
	if status, _, body := call(t, ts, "POST", "/nodes", `{"kind":"function","name":"Fresh"}`); status != 201 {
		t.Fatalf("create: %d %s", status, body)
	}
	if _, h, _ := call(t, ts, "GET", path, ""); h.Get("X-Cache") == "hit" {
		t.Fatal("answer of the old snapshot served after a change")
	}
	_, _, m := call(t, ts, "GET", "/metrics", "")
	if !contains(m, `codegraph_search_cache_requests_total{result="hit"} 2`) {
		t.Fatalf("cache metrics: hits not counted")
	}
}

func contains(b []byte, s string) bool { return strings.Contains(string(b), s) }
