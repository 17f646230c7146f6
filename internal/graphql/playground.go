package graphql

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql/playground"
)

// PlaygroundAssetsPath is where PlaygroundAssets must be mounted: the
// GraphiQL page loads its scripts and style sheet from there.
const PlaygroundAssetsPath = "/graphiql/assets/"

// The GraphiQL page's files, unchanged from npm (graphiql/README.md), so
// that the page works without reaching a CDN.
//
//go:embed graphiql/*.js graphiql/*.css
var graphiqlFiles embed.FS

const (
	graphiqlJS  = "graphiql-4.1.2.min.js"
	graphiqlCSS = "graphiql-4.1.2.min.css"
	reactJS     = "react-18.2.0.production.min.js"
	reactDOMJS  = "react-dom-18.2.0.production.min.js"
)

// playgroundAssets maps each file PlaygroundAssets serves to its
// subresource integrity digest: the published npm file's, the same that
// gqlgen pins for its CDN copies (TestPlaygroundAssets checks the
// embedded bytes against them).
var playgroundAssets = map[string]string{
	graphiqlJS:  "sha256-hnImuor1znlJkD/FOTL3jayfS/xsyNoP04abi8bFJWs=",
	graphiqlCSS: "sha256-MEh+B2NdMSpj9kexQNN3QKc8UzMrCXW/Sx/phcpuyIU=",
	reactJS:     "sha256-S0lp+k7zWUMk2ixteM6HZvu8L9Eh//OVrt+ZfbCpmgY=",
	reactDOMJS:  "sha256-IXWO0ITNDjfnNXIu5POVfqlgYoop36bDzhodR6LW5Pc=",
}

// Playground returns the GraphiQL page for the GraphQL endpoint at
// endpoint (a path such as /graphql, or an absolute URL); subscriptions go
// over a WebSocket to the same endpoint. The page's scripts come from
// PlaygroundAssets, mounted at PlaygroundAssetsPath, each with its
// subresource integrity digest.
//
// The page is served with a Content-Security-Policy that allows only its
// own inline scripts (by digest, computed from the page once) and scripts,
// styles and connections of this origin.
func Playground(endpoint string) http.Handler {
	a, d := PlaygroundAssetsPath, playgroundAssets
	page := playground.Handler("codegraph GraphQL", endpoint,
		playground.WithGraphiqlVersion(a+graphiqlJS, a+graphiqlCSS, d[graphiqlJS], d[graphiqlCSS]),
		playground.WithGraphiqlReactVersion(a+reactJS, a+reactDOMJS, d[reactJS], d[reactDOMJS]))
	csp := playgroundCSP(page)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		page.ServeHTTP(w, r)
	})
}

// inlineScript finds the inline scripts of a page.
var inlineScript = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?s)<script(?:\s[^>]*)?>(.*?)</script>`) })

// playgroundCSP renders page once and returns its policy: the digests of
// its inline scripts, everything else from this origin only.
func playgroundCSP(page http.Handler) string {
	rec := httptest.NewRecorder()
	page.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	var hashes []string
	for _, m := range inlineScript().FindAllStringSubmatch(rec.Body.String(), -1) {
		if strings.TrimSpace(m[1]) == "" {
			continue // a script with src: allowed by 'self'
		}
		sum := sha256.Sum256([]byte(m[1]))
		hashes = append(hashes, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
	}
	return "default-src 'none'; script-src 'self' " + strings.Join(hashes, " ") +
		"; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'" +
		"; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}

// PlaygroundAssets serves the GraphiQL page's files under
// PlaygroundAssetsPath. Their names carry their versions, so browsers may
// keep them for a year.
func PlaygroundAssets() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := strings.TrimPrefix(r.URL.Path, PlaygroundAssetsPath)
		if _, ok := playgroundAssets[name]; !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		http.ServeFileFS(w, r, graphiqlFiles, "graphiql/"+name)
	})
}
