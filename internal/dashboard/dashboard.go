// Package dashboard is the web dashboard that `codegraph serve` and the
// daemon answer at /: a page and its script and style sheet, all embedded
// in the binary, which call the REST API of the same server (search,
// nodes, graph queries, export, the package map, jobs and their event
// streams). It holds no data and calls no service itself: every feature
// it shows is a REST route first.
package dashboard

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"sync"
)

// Path is where the page is served; AssetsPath is where its files are
// (Handler answers both).
const (
	Path       = "/"
	AssetsPath = "/dashboard/assets/"
)

// CSP is the Content-Security-Policy of the page and its files: scripts,
// styles, images and connections from this origin only, nothing inline,
// no frames, no plugins, no forms posted elsewhere.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

//go:embed assets/index.html assets/app.js assets/style.css assets/icon.svg
var files embed.FS

// assetDigests pins the SHA-256 of every file the page loads, in
// subresource integrity form: the page carries them as integrity
// attributes (the browser refuses a file that does not match) and
// TestAssetDigests checks the embedded files against them, so an asset
// changes only together with its digest here.
var assetDigests = map[string]string{
	"app.js":    "sha256-4Q3FJg8uGCO6UkZqT+W9cI5jDr59ACUwyEtEuYdeb+Y=",
	"style.css": "sha256-G5JmDMB0P53TiZIdy5RXbEgcnSvd9UXsXnEoaJUghzk=",
	"icon.svg":  "sha256-hp4lZS79LEc7IVYZsqQjE5ejX0rTjbe7BcHbAjqtWtM=",
}

// page is index.html with the assets' versioned URLs and digests filled
// in, made on first use (not at the start of every codegraph process).
var page = sync.OnceValue(mustPage)

// sri returns data's subresource integrity digest.
func sri(data []byte) string {
	d := sha256.Sum256(data)
	return "sha256-" + base64.StdEncoding.EncodeToString(d[:])
}

// version is the short content version in an asset's URL.
func version(digest string) string {
	b, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(digest, "sha256-"))
	return hex.EncodeToString(b)[:12]
}

func mustPage() []byte {
	html, err := files.ReadFile("assets/index.html")
	if err != nil {
		panic(err)
	}
	for name, digest := range assetDigests {
		html = bytes.ReplaceAll(html, []byte("{{"+name+"}}"), []byte(AssetsPath+name+"?v="+version(digest)))
		html = bytes.ReplaceAll(html, []byte("{{sri:"+name+"}}"), []byte(digest))
	}
	if i := bytes.Index(html, []byte("{{")); i >= 0 {
		panic(fmt.Sprintf("dashboard: index.html has an unknown placeholder at byte %d", i))
	}
	return html
}

// Handler serves the page at Path (exactly "/") and its files under
// AssetsPath, each with the CSP header. The page and files hold no data,
// so they need no API key: the page asks for one when the API answers
// 401, keeps it in the tab's session storage and sends it in the
// Authorization header.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", CSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		switch {
		case r.URL.Path == Path:
			h.Set("Content-Type", "text/html; charset=utf-8")
			h.Set("Cache-Control", "no-cache")
			if r.Method == http.MethodHead {
				return
			}
			_, _ = w.Write(page())
		case strings.HasPrefix(r.URL.Path, AssetsPath):
			name := strings.TrimPrefix(r.URL.Path, AssetsPath)
			digest, ok := assetDigests[name]
			if !ok {
				http.NotFound(w, r)
				return
			}
			if r.URL.Query().Get("v") == version(digest) {
				h.Set("Cache-Control", "public, max-age=31536000, immutable")
			} else {
				h.Set("Cache-Control", "no-cache")
			}
			h.Set("ETag", `"`+version(digest)+`"`)
			http.ServeFileFS(w, r, files, "assets/"+name)
		default:
			http.NotFound(w, r)
		}
	})
}
