package token

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func parts(s string) []string {
	var out []string
	Parts(s, func(p string) { out = append(out, p) })
	return out
}

func TestParts(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"handleUserAuth", []string{"handle", "user", "auth"}},
		{"HTTPServer", []string{"http", "server"}},
		{"parseJSON2Go", []string{"parse", "json", "2", "go"}},
		{"snake_case_name", []string{"snake", "case", "name"}},
		{"__init__", []string{"init"}},
		{"ID", []string{"id"}},
		{"getHTTPResponseCode", []string{"get", "http", "response", "code"}},
		{"utf8", []string{"utf", "8"}},
		{"sha256Sum", []string{"sha", "256", "sum"}},
		{"XMLHttpRequest", []string{"xml", "http", "request"}},
		{"kebab-case", []string{"kebab", "case"}},
		{"$scope", []string{"scope"}},
		{"Größe", []string{"größe"}},
		{"", nil},
	} {
		if got := parts(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Parts(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTerms(t *testing.T) {
	got := List("func (s *Server) ServeHTTP(w ResponseWriter) // handle it")
	want := []string{"func", "s", "server", "serve", "http", "servehttp", "w", "response", "writer", "responsewriter", "handle", "it"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("List = %q\nwant %q", got, want)
	}
	if got := List("snake_case"); !reflect.DeepEqual(got, []string{"snake", "case", "snake_case"}) {
		t.Errorf("List(snake_case) = %q", got)
	}
	// A single-part word with capitals is kept only once, lower-cased.
	if got := List("Server"); !reflect.DeepEqual(got, []string{"server"}) {
		t.Errorf("List(Server) = %q", got)
	}
}

func TestLongWordsAreCut(t *testing.T) {
	long := strings.Repeat("a", 500)
	for _, term := range List(long + " " + strings.Repeat("B", 300) + "x") {
		if len(term) > MaxTermLen {
			t.Fatalf("term of %d bytes", len(term))
		}
	}
}

func FuzzTerms(f *testing.F) {
	for _, s := range []string{"handleUserAuth", "HTTPServer2", "a_b-c$d", "ÄÖÜß", "\xff\xfe", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		Terms(s, func(term string, _ bool) {
			if term == "" || len(term) > MaxTermLen {
				t.Fatalf("bad term %q from %q", term, s)
			}
			if utf8.ValidString(s) && !utf8.ValidString(term) {
				t.Fatalf("invalid UTF-8 term %q from %q", term, s)
			}
		})
	})
}

func BenchmarkTerms(b *testing.B) {
	text := strings.Repeat("func (srv *Server) ListenAndServeTLS(certFile, keyFile string) error { return srv.serveHTTP2(ctx) }\n", 100)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Terms(text, func(string, bool) {})
	}
}
