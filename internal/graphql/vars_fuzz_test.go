package graphql

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/service"
)

// FuzzVariables sends operations of the schema with fuzzed variables (the
// JSON a client controls besides the document) to the handler over the
// fixture, read-only: nothing panics and every answer is a GraphQL answer
// (never a 5xx).
func FuzzVariables(f *testing.F) {
	ops := []string{
		`query($q: String!, $o: SearchOptions) { search(query: $q, options: $o) { hits { score } } }`,
		`query($f: NodeFilter, $p: Pagination, $r: String) { nodes(filter: $f, pagination: $p, repo: $r) { pageInfo { hasNextPage endCursor } } }`,
		`query($id: ID!, $d: Int, $f: Int, $a: String) { dependencies(nodeId: $id, depth: $d, first: $f, after: $a) { totalCount } }`,
		`mutation($in: ParseFileInput!) { parseFile(input: $in) { path } }`,
	}
	for i, v := range []string{
		`{"q":"parse","o":{"mode":"HYBRID","limit":5}}`,
		`{"f":{"name":"*","kinds":["FUNCTION"]},"p":{"first":2,"after":"bogus"},"r":"shop"}`,
		`{"id":"0123456789abcdef","d":100000,"f":-1,"a":"\u0000"}`,
		`{"in":{"path":"../../etc/passwd","content":null,"language":"c++"}}`,
		`{"q":null}`, `[]`, `{"o":{"limit":1e999}}`,
	} {
		f.Add(uint8(i), v)
	}
	fx := newFixture(f, Options{}, nil)
	h := NewHandler(fx.svc, Options{})
	f.Fuzz(func(t *testing.T, which uint8, vars string) {
		body := `{"query":` + quoteJSON(ops[int(which)%len(ops)]) + `,"variables":` + vars + `}`
		req := httptest.NewRequest("POST", "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req = req.WithContext(service.WithAccess(req.Context(), service.ReadOnly))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Fatalf("%d for variables %s: %s", w.Code, vars, w.Body.String())
		}
	})
}

func quoteJSON(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
