package graphql

import (
	"crypto/sha256"
	"encoding/base64"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// The digests the npm files have (gqlgen's playground pins the same ones
// for its CDN copies): the embedded files are those files, unchanged.
var publishedDigests = map[string]string{
	graphiqlJS:  "sha256-hnImuor1znlJkD/FOTL3jayfS/xsyNoP04abi8bFJWs=",
	graphiqlCSS: "sha256-MEh+B2NdMSpj9kexQNN3QKc8UzMrCXW/Sx/phcpuyIU=",
	reactJS:     "sha256-S0lp+k7zWUMk2ixteM6HZvu8L9Eh//OVrt+ZfbCpmgY=",
	reactDOMJS:  "sha256-IXWO0ITNDjfnNXIu5POVfqlgYoop36bDzhodR6LW5Pc=",
}

func TestPlaygroundAssets(t *testing.T) {
	for name, want := range publishedDigests {
		if got := integrity(name); got != want {
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
	if len(refs) != len(publishedDigests) {
		t.Fatalf("the page loads %d files with integrity digests, want %d: %q", len(refs), len(publishedDigests), refs)
	}
	for _, ref := range refs {
		url, digest := html.UnescapeString(ref[1]), html.UnescapeString(ref[2])
		if !strings.HasPrefix(url, PlaygroundAssetsPath) {
			t.Errorf("%s is not under %s", url, PlaygroundAssetsPath)
			continue
		}
		res, b := get(url)
		if res.StatusCode != 200 {
			t.Errorf("%s: status %d", url, res.StatusCode)
			continue
		}
		sum := sha256.Sum256(b)
		if got := "sha256-" + base64.StdEncoding.EncodeToString(sum[:]); got != digest {
			t.Errorf("%s: served digest %s, the page expects %s", url, got, digest)
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
	res, err := http.Post(srv.URL+PlaygroundAssetsPath+reactJS, "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d, want 405", res.StatusCode)
	}
}
