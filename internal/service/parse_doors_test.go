package service_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
)

// TestDoorsParse: REST /parse and GraphQL parseFile are one operation:
// the same language aliases, the same facts for the same snippet or file.
func TestDoorsParse(t *testing.T) {
	d := fixtureDoors(t)
	for _, tc := range []struct {
		name, path, content, language string
	}{
		{"c++ alias", "", "int add(int a, int b) { return a + b; }\nint twice(int x) { return add(x, x); }\n", "c++"},
		{"golang alias", "", "package p\nfunc A() { B() }\nfunc B() {}\n", "golang"},
		{"py alias", "", "def f():\n    g()\n", "py"},
		{"repository file", "pkg/store/store.go", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body, _ := json.Marshal(map[string]string{"path": tc.path, "content": tc.content, "language": tc.language})
			resp, err := http.Post(d.rest.URL+"/parse", "application/json", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var rest struct {
				Language string
				Nodes    []struct{ ID string }
				Edges    []struct{ Kind string }
			}
			if err := json.Unmarshal(b, &rest); err != nil || resp.StatusCode != 200 {
				t.Fatalf("rest: %d %s", resp.StatusCode, b)
			}
			path := tc.path
			if path == "" {
				path = "snippet.txt"
			}
			in := map[string]any{"path": path}
			if tc.content != "" {
				in["content"], in["language"] = tc.content, tc.language
			}
			data, errs := d.graphql(t, `mutation($in: ParseFileInput!){parseFile(input:$in){language nodes{id} edges{type}}}`, map[string]any{"in": in})
			if len(errs) > 0 {
				t.Fatalf("graphql: %v", errs)
			}
			g := data["parseFile"].(map[string]any)
			if g["language"] != rest.Language {
				t.Errorf("language: graphql %v, rest %v", g["language"], rest.Language)
			}
			if n := len(g["nodes"].([]any)); n != len(rest.Nodes) || n == 0 {
				t.Errorf("nodes: graphql %d, rest %d", n, len(rest.Nodes))
			}
			if n := len(g["edges"].([]any)); n != len(rest.Edges) {
				t.Errorf("edges: graphql %d, rest %d", n, len(rest.Edges))
			}
		})
	}
}
