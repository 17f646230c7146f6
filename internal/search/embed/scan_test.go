package embed

import (
	"reflect"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/search/token"
)

func tokenParts(text string) []string {
	var out []string
	token.Words(text, func(w string) {
		token.Parts(w, func(p string) { out = append(out, p) })
	})
	return out
}

func scanned(text string) []string {
	var out []string
	scanParts(text, func(p []byte) { out = append(out, string(p)) })
	return out
}

func TestScanPartsMatchesToken(t *testing.T) {
	for _, s := range []string{
		"func (s *Server) ServeHTTP(w ResponseWriter, r *Request) { s.handler.ServeHTTP(w, r) }",
		"HTTPServer2Go parseJSON2Go __init__ snake_case_name XMLHttpRequest sha256Sum a_1b _9x",
		"Größe straße naïveCamelCase 日本語テキスト mixedÄscii",
		"\xff\xfeabc\x80 def", "", "___", "A", "ABCdef", "abcDEF", "x" + string(make([]byte, 100)) + "yy",
	} {
		if got, want := scanned(s), tokenParts(s); !reflect.DeepEqual(got, want) {
			t.Errorf("scanParts(%q)\n = %q\nwant %q", s, got, want)
		}
	}
}

func FuzzScanParts(f *testing.F) {
	for _, s := range []string{"handleUserAuth", "HTTPServer2", "a_b-c$d", "ÄÖÜß", "\xff\xfe", "", "aB1_Cd"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := scanned(s), tokenParts(s); !reflect.DeepEqual(got, want) {
			t.Fatalf("scanParts(%q) = %q, token gives %q", s, got, want)
		}
	})
}
