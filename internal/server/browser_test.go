package server

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

// do sends one request with a Host header and other headers.
func do(t *testing.T, url, method, path, host, body string, hdr ...string) int {
	t.Helper()
	req, err := http.NewRequest(method, url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestHostAllowList: without keys only loopback Host names are served
// (DNS rebinding: evil.example resolved to 127.0.0.1); --allowed-host
// adds names; with keys any host is served.
func TestHostAllowList(t *testing.T) {
	svc, _ := sharedService(t)
	_, open := newTestServer(t, Options{Service: svc})
	for host, want := range map[string]int{"evil.example": 403, "evil.example:8080": 403, "localhost:8080": 200, "127.0.0.1": 200,
		"[::1]:80": 200, "app.localhost": 200, "127.0.0.2:8080": 200, "": 200} {
		if got := do(t, open.URL, "GET", "/nodes?limit=1", host, ""); got != want {
			t.Errorf("open, Host %q: %d, want %d", host, got, want)
		}
	}
	if got := do(t, open.URL, "GET", "/health/live", "evil.example", ""); got != 200 {
		t.Errorf("probe with any Host: %d", got)
	}
	_, named := newTestServer(t, Options{Service: svc, AllowedHosts: []string{"codegraph.internal"}})
	for host, want := range map[string]int{"codegraph.internal:8080": 200, "CodeGraph.Internal": 200, "evil.example": 403, "localhost": 403} {
		if got := do(t, named.URL, "GET", "/nodes?limit=1", host, ""); got != want {
			t.Errorf("--allowed-host, Host %q: %d, want %d", host, got, want)
		}
	}
	_, keyed := newTestServer(t, Options{Service: svc, Keys: []Key{{Key: roKey, Scope: "ro"}}})
	if got := do(t, keyed.URL, "GET", "/nodes?limit=1", "codegraph.example.com", "", "X-API-Key", roKey); got != 200 {
		t.Errorf("keys, any Host: %d", got)
	}
}

// TestCrossOriginWrites: in open mode a page on another origin cannot
// write (POST /nodes, POST /index?force=true were accepted from
// https://evil.example without a preflight); JSON bodies need an
// application/json Content-Type in any case; origins named by
// --cors-origin may write.
func TestCrossOriginWrites(t *testing.T) {
	svc, _ := fixtureService(t)
	_, ts := newTestServer(t, Options{Service: svc, CORSOrigins: []string{"https://dash.example"}})
	node := `{"kind":"function","name":"Planted","file":"design/x.go"}`
	evil := []string{"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site", "Content-Type", "application/json"}
	for _, c := range []struct {
		method, path, body string
		hdr                []string
		want               int
	}{
		{"POST", "/nodes", node, evil, 403},
		{"POST", "/index?force=true", "", []string{"Origin", "https://evil.example"}, 403},
		{"DELETE", "/jobs/x", "", []string{"Origin", "https://evil.example"}, 403},
		{"POST", "/nodes", node, []string{"Content-Type", "text/plain"}, 415},
		{"POST", "/nodes", node, nil, 415},
		{"POST", "/parse", `{"content":"x = 1","language":"python"}`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415},
		{"POST", "/parse", `{"content":"x = 1","language":"python"}`, []string{"Content-Type", "Application/JSON; charset=utf-8"}, 200},
		{"POST", "/nodes", node, []string{"Origin", "https://dash.example", "Sec-Fetch-Site", "cross-site", "Content-Type", "application/json"}, 201},
		{"GET", "/nodes?limit=1", "", []string{"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"}, 200},
	} {
		if got := do(t, ts.URL, c.method, c.path, "", c.body, c.hdr...); got != c.want {
			t.Errorf("%s %s %v: %d, want %d", c.method, c.path, c.hdr, got, c.want)
		}
	}
}

// TestFailedAuthLimited: wrong keys from one address are limited before
// authentication (300 wrong keys in 0.05 s used to give 300 × 401).
func TestFailedAuthLimited(t *testing.T) {
	_, ts := sharedTestServer(t, Options{Keys: []Key{{Key: roKey, Scope: "ro"}}})
	counts := map[int]int{}
	for i := range 300 {
		counts[do(t, ts.URL, "GET", "/nodes?limit=1", "", "", "X-API-Key", "wrong-key-"+string(rune('a'+i%26))+"xxxxxxxx")]++
	}
	if counts[401] > authFailBurst+1 || counts[429] < 280 {
		t.Errorf("300 wrong keys: %v, want at most %d × 401, the rest 429", counts, authFailBurst+1)
	}
	// Requests without a key are not guesses.
	if got := do(t, ts.URL, "GET", "/health/live", "", ""); got != 200 {
		t.Errorf("probe: %d", got)
	}
}

// TestCORSWildcardOpenWarns: --cors-origin '*' without keys is logged as
// a warning.
func TestCORSWildcardOpenWarns(t *testing.T) {
	svc, _ := sharedService(t)
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	newTestServer(t, Options{Service: svc, CORSOrigins: []string{"*"}, Logger: log})
	if !strings.Contains(buf.String(), "level=WARN") || !strings.Contains(buf.String(), "cors-origin") {
		t.Errorf("no warning: %q", buf.String())
	}
	buf.Reset()
	newTestServer(t, Options{Service: svc, CORSOrigins: []string{"*"}, Keys: []Key{{Key: roKey, Scope: "ro"}}, Logger: log})
	if strings.Contains(buf.String(), "WARN") {
		t.Errorf("warned with keys: %q", buf.String())
	}
}
