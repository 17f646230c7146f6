package graphql

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
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

// Playground returns the GraphiQL page for the GraphQL endpoint at
// endpoint (a path such as /graphql, or an absolute URL); subscriptions go
// over a WebSocket to the same endpoint. The page's scripts come from
// PlaygroundAssets, mounted at PlaygroundAssetsPath, each with its
// subresource integrity digest.
func Playground(endpoint string) http.Handler {
	a := PlaygroundAssetsPath
	return playground.Handler("codegraph GraphQL", endpoint,
		playground.WithGraphiqlVersion(a+graphiqlJS, a+graphiqlCSS, integrity(graphiqlJS), integrity(graphiqlCSS)),
		playground.WithGraphiqlReactVersion(a+reactJS, a+reactDOMJS, integrity(reactJS), integrity(reactDOMJS)))
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
		name, ok := strings.CutPrefix(r.URL.Path, PlaygroundAssetsPath)
		if !ok || name == "" || strings.Contains(name, "/") {
			http.NotFound(w, r)
			return
		}
		if _, err := graphiqlFiles.Open("graphiql/" + name); err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		http.ServeFileFS(w, r, graphiqlFiles, "graphiql/"+name)
	})
}

// integrity is the subresource integrity value of an embedded file.
func integrity(name string) string {
	b, err := graphiqlFiles.ReadFile("graphiql/" + name)
	if err != nil {
		panic("graphql: missing embedded GraphiQL file " + name)
	}
	sum := sha256.Sum256(b)
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}
