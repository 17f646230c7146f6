package server

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestRoutes calls every read route with good and bad input on the
// indexed fixture and checks the status, error code and a fragment of the
// answer.
func TestRoutes(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	id := nodeIDByName(t, ts, "Get", "pkg/store/store.go")
	cases := []struct {
		method, path, body string
		status             int
		code               string // error code, for errors
		contains           []string
	}{
		{"GET", "/health/live", "", 200, "", []string{`"ok"`}},
		{"GET", "/health/ready", "", 200, "", []string{`"ready"`, `"fixture"`, `"search":"ready"`}},
		{"GET", "/openapi.json", "", 200, "", []string{`"openapi"`}},
		{"GET", "/nodes?kind=method&limit=2", "", 200, "", []string{`"next_cursor"`, `"kind":"method"`}},
		{"GET", "/nodes?kind=bogus", "", 400, codeBadRequest, []string{"unknown node kind"}},
		{"GET", "/nodes?limit=0", "", 400, codeBadRequest, []string{"limit"}},
		{"GET", "/nodes?limit=1001", "", 400, codeBadRequest, []string{"limit"}},
		{"GET", "/nodes?cursor=zzz", "", 400, codeBadRequest, []string{"cursor"}},
		{"GET", "/nodes?file=pkg/store/store.go", "", 200, "", []string{`"Store.Get"`}},
		{"GET", "/nodes?file=pkg/**&lang=go&name=Get", "", 200, "", []string{`"Store.Get"`}},
		{"GET", "/nodes?lang=python&kind=function&file=" + url.QueryEscape("!tools/**"), "", 200, "", []string{`"nodes":[]`}},
		{"GET", "/nodes?repo=nope", "", 404, codeNotFound, []string{"unknown repository"}},
		{"GET", "/nodes/" + id, "", 200, "", []string{`"qualified_name":"Store.Get"`, `"line":24`}},
		{"GET", "/nodes/0000000000000001", "", 404, codeNotFound, nil},
		{"GET", "/nodes/xyz", "", 400, codeBadRequest, []string{"not a node id"}},
		{"GET", "/nodes/" + id + "/edges", "", 200, "", []string{`"direction":"both"`, `"kind":"calls"`}},
		{"GET", "/nodes/" + id + "/edges?direction=in&kind=calls", "", 200, "", []string{`"to":"` + id + `"`}},
		{"GET", "/nodes/" + id + "/edges?direction=up", "", 400, codeBadRequest, []string{"direction"}},
		{"GET", "/nodes/" + id + "/edges?kind=nope", "", 400, codeBadRequest, []string{"unknown edge kind"}},
		{"GET", "/nodes/0000000000000001/edges", "", 404, codeNotFound, nil},
		{"GET", "/nodes/" + id + "/similar?limit=3", "", 200, "", []string{`"hits"`, `"mode":"semantic"`}},
		{"GET", "/nodes/0000000000000001/similar", "", 404, codeNotFound, nil},
		{"GET", "/search?q=get+order", "", 200, "", []string{`"mode":"hybrid"`, `"Store.Get"`, `"score"`}},
		{"GET", "/search?q=Get&mode=lexical&kind=method&lang=go", "", 200, "", []string{`"Store.Get"`}},
		{"GET", "/search?q=order&mode=semantic", "", 200, "", []string{`"mode":"semantic"`}},
		{"GET", "/search?q=orders%5Bid%5D&mode=exact", "", 200, "", []string{`"text"`, `"column"`}},
		{"GET", "/search?q=func+%5C(s+%5C*Store%5C)&mode=regex&path=pkg/**", "", 200, "", []string{`"Store.Get"`}},
		{"GET", "/search?q=(unclosed&mode=regex", "", 400, codeBadRegex, nil},
		{"GET", "/search", "", 400, codeBadRequest, []string{"q is required"}},
		{"GET", "/search?q=x&mode=fuzzy", "", 400, codeBadRequest, []string{"unknown search mode"}},
		{"GET", "/search?q=x&kind=gizmo", "", 400, codeBadRequest, []string{"unknown kind"}},
		{"GET", "/search?q=x&limit=5000", "", 400, codeBadRequest, []string{"limit"}},
		{"GET", "/graph/callers?symbol=Store.Get", "", 200, "", []string{`"direction":"callers"`, "ServeHTTP"}},
		{"GET", "/graph/callers?symbol=Store.Get&depth=3&limit=1", "", 200, "", []string{`"items"`}},
		{"GET", "/graph/callers?symbol=add", "", 409, codeAmbiguous, []string{"candidates", "Cart.add", "Report.add"}},
		{"GET", "/graph/callers?symbol=NoSuchThing", "", 404, codeNotFound, nil},
		{"GET", "/graph/callers", "", 400, codeBadRequest, []string{"symbol is required"}},
		{"GET", "/graph/callers?symbol=Store.Get&depth=99", "", 400, codeBadRequest, []string{"depth"}},
		{"GET", "/graph/callers?symbol=Store.Get&cursor=bad", "", 400, codeBadRequest, []string{"cursor"}},
		{"GET", "/graph/callees?symbol=Server.ServeHTTP", "", 200, "", []string{`"direction":"callees"`, "Store.Get"}},
		{"GET", "/graph/callees?symbol=pkg/store/store.go:24", "", 200, "", []string{`"Store.Get"`}},
		{"GET", "/graph/dependencies?symbol=pkg/server/server.go", "", 200, "", []string{"pkg/store/store.go"}},
		{"GET", "/graph/dependencies?symbol=Server.ServeHTTP&kind=calls&depth=2", "", 200, "", []string{"Store.Get"}},
		{"GET", "/graph/dependents?symbol=Store.Get", "", 200, "", []string{`"reverse":true`, "ServeHTTP"}},
		{"GET", "/graph/dependents?symbol=Store.Get&kind=bogus", "", 400, codeBadRequest, nil},
		{"GET", "/graph/path?from=Server.ServeHTTP&to=Store.Get", "", 200, "", []string{`"found":true`}},
		{"GET", "/graph/path?from=Server.ServeHTTP", "", 400, codeBadRequest, []string{"to is required"}},
		{"GET", "/graph/path?from=add&to=Store.Get", "", 409, codeAmbiguous, []string{"from"}},
		{"GET", "/graph/impact?symbol=Store.Get", "", 200, "", []string{`"complete"`, "ServeHTTP"}},
		{"GET", "/graph/impact?symbol=Nope.Nothing", "", 404, codeNotFound, nil},
		{"POST", "/parse", `{"content":"package p\n\nfunc A() { B() }\nfunc B() {}\n","language":"go"}`, 200, "", []string{`"qualified_name":"A"`, `"target":"B"`, `"language":"go"`}},
		{"POST", "/parse", `{"path":"pkg/store/store.go"}`, 200, "", []string{`"Store.Get"`, `"file":"pkg/store/store.go"`}},
		{"POST", "/parse", `{"content":"def f():\n  g(\n","path":"x.py"}`, 200, "", []string{`"syntax_errors":1`}},
		{"POST", "/parse", `{"path":"../../etc/passwd"}`, 400, codeBadRequest, []string{"relative"}},
		{"POST", "/parse", `{"path":"/etc/passwd"}`, 400, codeBadRequest, nil},
		{"POST", "/parse", `{"path":"nope.go"}`, 404, codeNotFound, nil},
		{"POST", "/parse", `{"path":".env","language":"python"}`, 403, codeForbidden, []string{"secrets"}},
		{"POST", "/parse", `{"path":".git/config","language":"python"}`, 403, codeForbidden, nil},
		{"POST", "/parse", `{"path":"pkg"}`, 400, codeBadRequest, []string{"directory"}},
		{"POST", "/parse", `{"content":"x = 1"}`, 400, codeBadRequest, []string{"language is required"}},
		{"POST", "/parse", `{"content":"x = 1","language":"cobol"}`, 400, codeBadRequest, []string{"unknown language"}},
		{"POST", "/parse", `{}`, 400, codeBadRequest, nil},
		{"POST", "/parse", `{"bogus":1}`, 400, codeBadRequest, []string{"unknown field"}},
		{"POST", "/parse", `not json`, 400, codeBadRequest, nil},
		{"POST", "/vector/search", `{"vector":[1,2,3]}`, 400, codeBadRequest, []string{"dimension"}},
		{"POST", "/vector/search", `{"vector":[]}`, 400, codeBadRequest, []string{"vector is required"}},
		{"POST", "/vector/search", `{"vector":[1],"limit":2000}`, 400, codeBadRequest, []string{"limit"}},
		{"GET", "/jobs", "", 200, "", []string{`"jobs"`}},
		{"GET", "/jobs/nope", "", 404, codeNotFound, nil},
		{"DELETE", "/jobs/nope", "", 404, codeNotFound, nil},
		{"GET", "/jobs/nope/events", "", 404, codeNotFound, nil},
		{"GET", "/no/such/route", "", 404, codeNotFound, []string{"openapi.json"}},
		{"PUT", "/search", "", 405, codeMethod, []string{"GET"}},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			status, _, body := call(t, ts, c.method, c.path, c.body)
			if status != c.status {
				t.Fatalf("status %d, want %d: %s", status, c.status, body)
			}
			if c.code != "" {
				if got := errorCode(t, body); got != c.code {
					t.Errorf("error code %q, want %q: %s", got, c.code, body)
				}
			}
			for _, s := range c.contains {
				if !strings.Contains(string(body), s) {
					t.Errorf("answer lacks %q: %.600s", s, body)
				}
			}
		})
	}
}

// nodeIDByName finds a node's id through the API.
func nodeIDByName(t *testing.T, ts *httptest.Server, name, file string, hdr ...string) string {
	t.Helper()
	_, _, body := call(t, ts, "GET", fmt.Sprintf("/nodes?name=%s&file=%s", name, file), "", hdr...)
	var page nodePage
	if err := json.Unmarshal(body, &page); err != nil || len(page.Nodes) == 0 {
		t.Fatalf("no %s in %s: %v %s", name, file, err, body)
	}
	return page.Nodes[0].ID
}
