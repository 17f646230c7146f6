package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/service"
)

func TestAuthProbesAndMounts(t *testing.T) {
	var sawAccess service.Access
	mount := map[string]http.Handler{
		"/echo": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sawAccess = service.AccessFrom(r.Context())
			w.Write([]byte("echo"))
		}),
		"/boom":   http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("kaboom") }),
		"/page":   http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("page")) }),
		"/files/": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("file")) }),
	}
	_, ts := newTestServer(t, Options{Keys: []Key{{Key: rwKey, Scope: "rw"}, {Key: roKey, Scope: "ro"}}, Mount: mount,
		PublicMounts: []string{"/page", "/files/"}})
	ro := []string{"Authorization", "bearer " + roKey}
	for _, c := range []struct {
		method, path string
		hdr          []string
		status       int
	}{
		{"GET", "/health/live", nil, 200},
		{"GET", "/health/ready", nil, 200},
		{"GET", "/metrics", nil, 401},
		{"GET", "/metrics", ro, 200},
		{"GET", "/openapi.json", nil, 401},
		{"GET", "/nodes", nil, 401},
		{"GET", "/nodes", ro, 200},
		{"GET", "/echo", nil, 401},
		{"GET", "/echo", ro, 200},
		{"POST", "/index", ro, 403},
		{"DELETE", "/jobs/x", ro, 403},
		{"GET", "/boom", ro, 500},
		// Public mounts answer without a key, but not with a wrong one.
		{"GET", "/page", nil, 200},
		{"GET", "/page", ro, 200},
		{"GET", "/page", []string{"X-API-Key", "not-a-key-at-all"}, 401},
		{"GET", "/files/a.js", nil, 200},
		{"GET", "/page/x", nil, 401},
	} {
		status, hdr, body := call(t, ts, c.method, c.path, "", c.hdr...)
		if status != c.status {
			t.Errorf("%s %s: %d, want %d: %s", c.method, c.path, status, c.status, body)
		}
		if status == 401 && hdr.Get("WWW-Authenticate") == "" {
			t.Errorf("%s %s: 401 without WWW-Authenticate", c.method, c.path)
		}
	}
	if sawAccess != service.ReadOnly {
		t.Errorf("mounted handler saw access %v, want read-only", sawAccess)
	}
	call(t, ts, "GET", "/echo", "", "X-API-Key", rwKey)
	if sawAccess != service.ReadWrite {
		t.Errorf("mounted handler saw access %v, want read-write", sawAccess)
	}
	// The server keeps answering after a panic.
	if status, _, _ := call(t, ts, "GET", "/health/live", ""); status != 200 {
		t.Fatalf("after panic: %d", status)
	}
}

func TestKeyValidation(t *testing.T) {
	svc, _ := sharedService(t)
	for _, keys := range [][]Key{
		{{Key: "short", Scope: "rw"}},
		{{Key: "long-enough-key", Scope: "root"}},
		{{Key: "long-enough-key", Scope: "rw"}, {Key: "long-enough-key", Scope: "ro"}},
		{{Key: "long enough key", Scope: "rw"}},
	} {
		if _, err := New(Options{Service: svc, Keys: keys}); err == nil {
			t.Errorf("keys %+v accepted", keys)
		}
	}
	if _, err := New(Options{Service: svc, Mount: map[string]http.Handler{"GET /nodes": http.NotFoundHandler()}}); err == nil {
		t.Error("a mount shadowing a REST route was accepted")
	}
	if _, err := New(Options{}); err == nil {
		t.Error("no service accepted")
	}
}

func TestParseKeysAndLoopback(t *testing.T) {
	keys, err := ParseKeys(" key1-abcdefgh:rw, key2-abcdefgh:ro ,key3-abcdefgh,")
	if err != nil || len(keys) != 3 || keys[0].Scope != "rw" || keys[1].Scope != "ro" || keys[2].Scope != "ro" || keys[1].Key != "key2-abcdefgh" {
		t.Fatalf("ParseKeys: %+v %v", keys, err)
	}
	for addr, want := range map[string]bool{"127.0.0.1:8080": true, "localhost:1": true, "[::1]:80": true, ":8080": false,
		"0.0.0.0:80": false, "10.0.0.1:80": false, "[::]:80": false, "127.0.0.2:9": true} {
		if got := IsLoopback(addr); got != want {
			t.Errorf("IsLoopback(%q) = %v", addr, got)
		}
	}
}

func TestRateLimit(t *testing.T) {
	_, ts := sharedTestServer(t, Options{RateLimit: 1, RateBurst: 3})
	var limited int
	var retry string
	for range 5 {
		status, hdr, body := call(t, ts, "GET", "/nodes?limit=1", "")
		if status == 429 {
			limited++
			retry = hdr.Get("Retry-After")
			if errorCode(t, body) != codeRateLimited {
				t.Errorf("429 body: %s", body)
			}
		}
	}
	if limited != 2 {
		t.Fatalf("%d of 5 requests limited with burst 3, want 2", limited)
	}
	if n, err := strconv.Atoi(retry); err != nil || n < 1 {
		t.Fatalf("Retry-After %q", retry)
	}
	// Probes are never limited.
	if status, _, _ := call(t, ts, "GET", "/health/live", ""); status != 200 {
		t.Fatalf("probe limited: %d", status)
	}
}

func TestLimiterRefills(t *testing.T) {
	now := time.Unix(0, 0)
	l := newLimiter(2, 2, func() time.Time { return now })
	for i, want := range []bool{true, true, false} {
		if ok, _ := l.allow("a"); ok != want {
			t.Fatalf("request %d: %v", i, ok)
		}
	}
	if ok, _ := l.allow("b"); !ok {
		t.Fatal("clients share a bucket")
	}
	_, wait := l.allow("a")
	if wait <= 0 || wait > 500*time.Millisecond {
		t.Fatalf("wait %v", wait)
	}
	now = now.Add(500 * time.Millisecond)
	if ok, _ := l.allow("a"); !ok {
		t.Fatal("no refill after 0.5 s at 2/s")
	}
	now = now.Add(time.Hour)
	l.allow("c") // sweeps
	if len(l.buckets) != 1 {
		t.Fatalf("%d buckets kept after an hour idle", len(l.buckets))
	}
}

func TestCORS(t *testing.T) {
	_, ts := sharedTestServer(t, Options{CORSOrigins: []string{"https://dash.example.com/"}})
	status, hdr, _ := call(t, ts, "OPTIONS", "/nodes", "", "Origin", "https://dash.example.com", "Access-Control-Request-Method", "GET")
	if status != 204 || hdr.Get("Access-Control-Allow-Origin") != "https://dash.example.com" || !strings.Contains(hdr.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Fatalf("preflight: %d %v", status, hdr)
	}
	status, hdr, _ = call(t, ts, "GET", "/health/live", "", "Origin", "https://dash.example.com")
	if status != 200 || hdr.Get("Access-Control-Allow-Origin") != "https://dash.example.com" {
		t.Fatalf("simple request: %d %v", status, hdr)
	}
	_, hdr, _ = call(t, ts, "GET", "/health/live", "", "Origin", "https://evil.example.com")
	if hdr.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("other origin allowed: %v", hdr)
	}
}

func TestBodyLimit(t *testing.T) {
	_, ts := newTestServer(t, Options{MaxBodyBytes: 64})
	status, _, body := call(t, ts, "POST", "/parse", `{"content":"`+strings.Repeat("x", 200)+`","language":"go"}`)
	if status != 413 || errorCode(t, body) != codeTooLarge {
		t.Fatalf("%d %s", status, body)
	}
}

func TestMetrics(t *testing.T) {
	_, ts := sharedTestServer(t, Options{})
	call(t, ts, "GET", "/nodes/zz", "")
	call(t, ts, "GET", "/search?q=order", "")
	_, _, body := call(t, ts, "GET", "/metrics", "")
	for _, want := range []string{
		`codegraph_http_requests_total{code="400",method="GET",route="/nodes/{id}"} 1`,
		`codegraph_http_request_duration_seconds_bucket{code="200",method="GET",route="/search"`,
		`codegraph_search_duration_seconds_count{mode="hybrid"} 1`,
		`codegraph_index_nodes{repo="fixture"}`,
		`codegraph_index_edges{repo="fixture"}`,
		`codegraph_index_files{repo="fixture"} `,
		`codegraph_index_ready{repo="fixture",status="ready"} 1`,
		`codegraph_snapshot_acquires_total{result="ok"}`,
		`go_goroutines`, `process_resident_memory_bytes`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestHTTPServerTimeouts(t *testing.T) {
	s, _ := sharedTestServer(t, Options{})
	hs := s.HTTPServer("127.0.0.1:0")
	if hs.ReadHeaderTimeout == 0 || hs.ReadTimeout == 0 || hs.WriteTimeout == 0 || hs.IdleTimeout == 0 {
		t.Fatalf("missing timeouts: %+v", hs)
	}
	_ = context.Background()
}

// TestSecurityHeaders: every answer, errors and probes included, forbids
// MIME sniffing, referrers, framing and active content.
func TestSecurityHeaders(t *testing.T) {
	_, ts := sharedTestServer(t, Options{})
	for _, path := range []string{"/health/live", "/nodes?limit=1", "/nodes/nothex", "/no-such-route"} {
		_, h, _ := call(t, ts, "GET", path, "")
		for k, want := range map[string]string{
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "no-referrer",
			"X-Frame-Options":         "DENY",
			"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
		} {
			if got := h.Get(k); got != want {
				t.Errorf("%s: %s = %q, want %q", path, k, got, want)
			}
		}
	}
}
