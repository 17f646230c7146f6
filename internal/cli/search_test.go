package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestSearchJSONContract pins the fields other tools read from
// `codegraph search --json`.
func TestSearchJSONContract(t *testing.T) {
	repo := sharedRepo(t)
	db := repo + "/.codegraph"
	for _, mode := range []string{"hybrid", "lexical", "semantic", "exact", "regex"} {
		q := "Store"
		if mode == "regex" {
			q = `func \(s \*Store\)`
		}
		out := mustRun(t, "search", "--db", db, "--mode", mode, "--json", q)
		var hits []map[string]any
		if err := json.Unmarshal([]byte(out), &hits); err != nil {
			t.Fatalf("%s: %v\n%s", mode, err, out)
		}
		if len(hits) == 0 {
			t.Fatalf("%s: no hits", mode)
		}
		for _, h := range hits {
			for _, k := range []string{"file", "name", "qualified_name", "kind", "language", "line", "end_line", "score"} {
				if _, ok := h[k]; !ok {
					t.Errorf("%s: hit without %q: %v", mode, k, h)
				}
			}
			if f := h["file"].(string); strings.Contains(f, "\\") || strings.HasPrefix(f, "/") {
				t.Errorf("%s: file %q is not repository-relative with forward slashes", mode, f)
			}
		}
	}
	// The qualified name of a Go method is Type.Method.
	out := mustRun(t, "search", "--db", db, "--json", "--limit", "1", "Store.Get")
	if !strings.Contains(out, `"qualified_name": "Store.Get"`) || !strings.Contains(out, `"name": "Get"`) {
		t.Errorf("search Store.Get: %s", out)
	}
	// Human output, and errors for bad input.
	if out := mustRun(t, "search", "--db", db, "Cart"); !strings.Contains(out, "web/cart.ts:9") {
		t.Errorf("human output: %s", out)
	}
	for _, args := range [][]string{
		{"search", "--db", db, "--mode", "fuzzy", "x"},
		{"search", "--db", db, "--limit", "0", "x"},
		{"search", "--db", db, "--mode", "regex", "("},
		{"search", "--db", db},
	} {
		if _, _, code := run(t, args...); code == 0 {
			t.Errorf("%v: exit 0", args)
		}
	}
}
