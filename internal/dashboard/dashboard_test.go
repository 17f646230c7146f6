package dashboard

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestAssetDigests checks every embedded file against its pinned digest.
func TestAssetDigests(t *testing.T) {
	for name, want := range assetDigests {
		data, err := files.ReadFile("assets/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if got := sri(data); got != want {
			t.Errorf("assets/%s has digest %s; assetDigests pins %s (update it with the file)", name, got, want)
		}
	}
	ents, err := files.ReadDir("assets")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if _, ok := assetDigests[e.Name()]; !ok && e.Name() != "index.html" {
			t.Errorf("assets/%s is embedded but not pinned", e.Name())
		}
	}
}

func get(t *testing.T, h http.Handler, method, path string) *http.Response {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec.Result()
}

func TestHandler(t *testing.T) {
	h := Handler()
	res := get(t, h, "GET", "/")
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if got := res.Header.Get("Content-Security-Policy"); got != CSP || !strings.Contains(got, "script-src 'self'") || strings.Contains(got, "unsafe") {
		t.Errorf("CSP %q", got)
	}
	for name, digest := range assetDigests {
		if name == "icon.svg" {
			continue
		}
		if !strings.Contains(string(body), `integrity="`+digest+`"`) {
			t.Errorf("the page does not pin %s with its digest", name)
		}
	}
	if strings.Contains(string(body), "{{") || strings.Contains(string(body), "http://") || strings.Contains(string(body), "https://") {
		t.Errorf("the page has a placeholder or names another host:\n%s", body)
	}
	v := version(assetDigests["app.js"])
	res = get(t, h, "GET", AssetsPath+"app.js?v="+v)
	js, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "javascript") ||
		!strings.Contains(res.Header.Get("Cache-Control"), "immutable") || res.Header.Get("Content-Security-Policy") != CSP {
		t.Errorf("app.js: %d %v", res.StatusCode, res.Header)
	}
	if sri(js) != assetDigests["app.js"] {
		t.Errorf("app.js served with other bytes than pinned")
	}
	for _, c := range []struct {
		method, path string
		code         int
	}{
		{"GET", AssetsPath + "nope.js", 404},
		{"GET", AssetsPath + "../dashboard.go", 404},
		{"GET", AssetsPath + "index.html", 404},
		{"POST", "/", 405},
		{"GET", "/other", 404},
		{"HEAD", "/", 200},
	} {
		if res := get(t, h, c.method, c.path); res.StatusCode != c.code {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, res.StatusCode, c.code)
		}
	}
	// An old version of a file is served but not kept.
	if res := get(t, h, "GET", AssetsPath+"style.css?v=000000000000"); res.StatusCode != 200 || res.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("style.css of another version: %d %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
}
