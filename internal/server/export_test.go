package server

import (
	"strings"
	"testing"
)

func TestExportRoute(t *testing.T) {
	_, ts := sharedTestServer(t, Options{})
	for _, c := range []struct {
		path     string
		status   int
		ctype    string
		contains []string
	}{
		{"/export?root=Store.Get&direction=callers", 200, "text/plain", []string{"flowchart LR", `["Server.ServeHTTP"]`, "-->|calls|"}},
		{"/export?format=dot&root=Server.ServeHTTP&depth=1", 200, "text/vnd.graphviz", []string{"digraph codegraph {", `label="Store.Get"`}},
		{"/export?format=svg&root=Store.Get&direction=both", 200, "image/svg+xml", []string{"<svg", `data-node-id="`}},
		{"/export?format=graphml&kind=imports", 200, "application/xml", []string{"<graphml", `<data key="edge_kind">imports</data>`}},
		{"/export?format=json&package=store&kind=references", 200, "application/json", []string{`"nodes"`, `"kind": "references"`}},
		{"/export?format=ndjson&path=pkg/store", 200, "application/x-ndjson", []string{`{"type":"node"`}},
		{"/export?format=png", 400, "application/json", []string{"format"}},
		{"/export?depth=2", 400, "application/json", []string{"depth needs root"}},
		{"/export?root=x&direction=up", 400, "application/json", []string{"direction"}},
		{"/export?kind=nope", 400, "application/json", []string{"edge kind"}},
		{"/export?root=NoSuchSymbolAnywhere", 404, "application/json", []string{"not_found"}},
		{"/export?format=dot&max_nodes=3", 413, "application/json", []string{"--root"}},
	} {
		status, hdr, body := call(t, ts, "GET", c.path, "")
		if status != c.status || !strings.HasPrefix(hdr.Get("Content-Type"), c.ctype) {
			t.Errorf("%s: %d %s, want %d %s: %s", c.path, status, hdr.Get("Content-Type"), c.status, c.ctype, body)
			continue
		}
		for _, s := range c.contains {
			if !strings.Contains(string(body), s) {
				t.Errorf("%s: body lacks %q:\n%s", c.path, s, body)
			}
		}
	}
}
