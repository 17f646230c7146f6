package server

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzPageCursor feeds arbitrary cursors to the decoder: it must refuse
// or accept them without panicking, and accept every cursor it encodes.
func FuzzPageCursor(f *testing.F) {
	f.Add("", uint64(0), uint32(1))
	f.Add(encodePageCursor(42, 7), uint64(42), uint32(7))
	f.Add("cDEuMTIuYWI", uint64(3), uint32(9))
	f.Fuzz(func(t *testing.T, c string, pos uint64, qh uint32) {
		_, _ = decodePageCursor(c, qh)
		got, err := decodePageCursor(encodePageCursor(pos, qh), qh)
		if err != nil || got != pos {
			t.Fatalf("round trip of %d: %d %v", pos, got, err)
		}
	})
}

// FuzzParams reads arbitrary query strings with the parameter readers.
func FuzzParams(f *testing.F) {
	f.Add("limit=10&kind=function,method&depth=3&q=x")
	f.Add("limit=-1&kind=%ZZ&threshold=NaN&ignore_case=maybe")
	f.Fuzz(func(t *testing.T, raw string) {
		r := httptest.NewRequest("GET", "/x", nil)
		r.URL.RawQuery = raw
		q := params(r)
		q.limit()
		q.nodeKinds("kind")
		q.edgeKinds("kind")
		q.intIn("depth", 1, 1, 64)
		q.float("threshold")
		q.boolean("ignore_case")
		q.filters()
		if l := q.limit(); q.err == nil && (l < 1 || l > maxLimit) {
			t.Fatalf("limit %d accepted", l)
		}
	})
}

// FuzzBodies posts arbitrary bodies to the routes that decode JSON: each
// must answer with a status below 500 and, for errors, a JSON error body.
func FuzzBodies(f *testing.F) {
	s, _ := newTestServer(f, Options{})
	for _, b := range []string{`{"content":"package p\nfunc A(){}","language":"go"}`, `{"vector":[0.1,0.2]}`,
		`{"kind":"function","name":"F"}`, `{"name":1}`, `[`, `{"path":"../x"}`} {
		f.Add(b)
	}
	routes := []string{"/parse", "/vector/search", "/nodes"}
	f.Fuzz(func(t *testing.T, body string) {
		for _, route := range routes {
			req := httptest.NewRequest("POST", route, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("POST %s %q: %d %s", route, body, rec.Code, rec.Body)
			}
			if rec.Code >= 400 && errorCode(t, rec.Body.Bytes()) == "" {
				t.Fatalf("POST %s %q: %d without an error body: %s", route, body, rec.Code, rec.Body)
			}
		}
	})
}

// FuzzServerConfig feeds --config files to the decoder and the checks of
// their keys and role bindings: nothing panics, and a file that decodes
// either compiles or is refused with an error.
func FuzzServerConfig(f *testing.F) {
	for _, s := range []string{
		`{}`,
		`{"api_keys":[{"name":"ci","key":"0123456789abcdef","scope":"rw"}]}`,
		`{"api_keys":[{"key":"sha256:zz","scope":"ro"}]}`,
		`{"role_bindings":[{"subjects":["key:ci","group:devs","*"],"role":"write","repos":["api","*"]}]}`,
		`{"role_bindings":[{"subjects":[":"],"role":"","repos":[""]}]}`,
		`{"rate_limit":1e308,"rate_burst":-1}`,
		`{"cors_origins":["*"]} {"x":1}`,
		`{"unknown":true}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := decodeConfig(strings.NewReader(s), "serve.json")
		if err != nil {
			if !strings.Contains(err.Error(), "serve.json") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		newKeyring(c.APIKeys)
		newBindings(c.RoleBindings)
	})
}
