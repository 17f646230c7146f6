package graphql

import (
	"embed"
	"net/http"
	"strings"

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
func Playground(endpoint string) http.Handler {
	a, d := PlaygroundAssetsPath, playgroundAssets
	return playground.Handler("codegraph GraphQL", endpoint,
		playground.WithGraphiqlVersion(a+graphiqlJS, a+graphiqlCSS, d[graphiqlJS], d[graphiqlCSS]),
		playground.WithGraphiqlReactVersion(a+reactJS, a+reactDOMJS, d[reactJS], d[reactDOMJS]))
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
