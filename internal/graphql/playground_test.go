package graphql

import (
	"crypto/sha256"
	"encoding/base64"
	"html"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func TestPlaygroundAssets(t *testing.T) {
	// The embedded files are the published ones, unchanged, and every
	// embedded file is served.
	embedded, err := fs.Glob(graphiqlFiles, "graphiql/*")
	if err != nil || len(embedded) != len(playgroundAssets) {
		t.Fatalf("embedded %q (%v), served %d files", embedded, err, len(playgroundAssets))
	}
	for name, want := range playgroundAssets {
		b, err := graphiqlFiles.ReadFile("graphiql/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if got := digest(b); got != want {
			t.Errorf("%s: digest %s, the published file's is %s", name, got, want)
		}
	}
	mux := http.NewServeMux()
	mux.Handle("/graphiql", Playground("/graphql"))
	mux.Handle(PlaygroundAssetsPath, PlaygroundAssets())
	srv := httptest.NewServer(mux)
	defer srv.Close()
	get := func(path string) (*http.Response, []byte) {
		t.Helper()
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		return res, b
	}

	res, page := get("/graphiql")
	if res.StatusCode != 200 {
		t.Fatalf("/graphiql: status %d", res.StatusCode)
	}
	if strings.Contains(string(page), "://") {
		t.Errorf("the page refers to another site: %s", regexp.MustCompile(`\S*://\S*`).FindString(string(page)))
	}
	refs := regexp.MustCompile(`(?s)<(?:script|link)\s[^>]*?(?:src|href)="([^"]+)"[^>]*?integrity="([^"]+)"`).FindAllStringSubmatch(string(page), -1)
	if len(refs) != len(playgroundAssets) {
		t.Fatalf("the page loads %d files with integrity digests, want %d: %q", len(refs), len(playgroundAssets), refs)
	}
	for _, ref := range refs {
		url, want := html.UnescapeString(ref[1]), html.UnescapeString(ref[2])
		if !strings.HasPrefix(url, PlaygroundAssetsPath) {
			t.Errorf("%s is not under %s", url, PlaygroundAssetsPath)
			continue
		}
		res, b := get(url)
		if res.StatusCode != 200 {
			t.Errorf("%s: status %d", url, res.StatusCode)
			continue
		}
		if got := digest(b); got != want {
			t.Errorf("%s: served digest %s, the page expects %s", url, got, want)
		}
		wantType := "text/javascript"
		if strings.HasSuffix(url, ".css") {
			wantType = "text/css"
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, wantType) {
			t.Errorf("%s: Content-Type %q, want %s", url, ct, wantType)
		}
		if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=") {
			t.Errorf("%s: Cache-Control %q", url, cc)
		}
	}

	for _, p := range []string{PlaygroundAssetsPath, PlaygroundAssetsPath + "nope.js", PlaygroundAssetsPath + "README.md",
		PlaygroundAssetsPath + "LICENSE.react", PlaygroundAssetsPath + "x/" + reactJS} {
		if res, _ := get(p); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", p, res.StatusCode)
		}
	}
	res, err = http.Post(srv.URL+PlaygroundAssetsPath+reactJS, "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d, want 405", res.StatusCode)
	}
}

// digest is the subresource integrity value of b.
func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}
