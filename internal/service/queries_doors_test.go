package service_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"testing"
)

// TestDoorsQueries: the queries REST gained (refs, outline, overview,
// hubs, cycles, status) give what the CLI gives for the same request.
func TestDoorsQueries(t *testing.T) {
	d := fixtureDoors(t)
	for _, tc := range []struct {
		name   string
		cli    []string
		path   string
		q      url.Values
		fields []string // top-level fields that must agree
	}{
		{"refs", []string{"refs", "Store.Get"}, "/graph/refs", url.Values{"symbol": {"Store.Get"}}, []string{"total", "symbol", "items"}},
		{"refs by kind", []string{"refs", "--kind", "calls", "Store.Get"}, "/graph/refs", url.Values{"symbol": {"Store.Get"}, "kind": {"calls"}}, []string{"total"}},
		{"outline", []string{"outline", "pkg/store/store.go"}, "/graph/outline", url.Values{"file": {"pkg/store/store.go"}}, []string{"file", "language", "symbols", "total"}},
		{"overview", []string{"overview"}, "/graph/overview", nil, []string{"files", "nodes", "packages"}},
		{"hubs", []string{"hubs", "--by", "total"}, "/graph/hubs", url.Values{"by": {"total"}}, []string{"total", "items"}},
		{"cycles", []string{"cycles"}, "/graph/cycles", nil, []string{"total"}},
		{"status", []string{"status"}, "/status", nil, []string{"files", "nodes", "edges", "node_kinds", "languages", "store_bytes"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, errs, code := d.cli(t, append(tc.cli, "--json")...)
			if code != 0 {
				t.Fatalf("cli %v: exit %d: %s", tc.cli, code, errs)
			}
			var cli map[string]any
			if err := json.Unmarshal([]byte(out), &cli); err != nil {
				t.Fatalf("cli %v: %v\n%s", tc.cli, err, out)
			}
			status, rest := d.get(t, tc.path, tc.q)
			if status != 200 {
				t.Fatalf("rest %s: %d %v", tc.path, status, rest)
			}
			for _, f := range tc.fields {
				// Snippets differ: the CLI's engine reads source itself,
				// the service's through its snapshot (left for the CLI's
				// move onto the service).
				c, r := fmt.Sprint(dropSnippets(cli[f])), fmt.Sprint(dropSnippets(rest[f]))
				if _, ok := cli[f]; !ok {
					t.Errorf("cli %v: no %s in %s", tc.cli, f, out)
				}
				if c != r {
					t.Errorf("%s: cli %s, rest %s", f, c, r)
				}
			}
		})
	}
	// MCP's index_status reports from the same composed status.
	_, rest := d.get(t, "/status", nil)
	res, text, isErr := d.tool(t, "index_status", nil)
	if isErr || fmt.Sprint(res["store_bytes"]) != fmt.Sprint(rest["store_bytes"]) || res["search"] != "ready" ||
		fmt.Sprint(res["nodes"]) != fmt.Sprint(rest["nodes"]) {
		t.Errorf("mcp index_status %v (%s), rest /status store_bytes %v nodes %v", res, text, rest["store_bytes"], rest["nodes"])
	}
	// Bad arguments answer as the CLI's do.
	for _, q := range []struct {
		path string
		v    url.Values
		want int
	}{
		{"/graph/hubs", url.Values{"by": {"sideways"}}, 400},
		{"/graph/outline", url.Values{"file": {"no/such/file.go"}}, 404},
		{"/graph/outline", nil, 400},
		{"/graph/refs", url.Values{"symbol": {"add"}}, 409},
	} {
		if status, body := d.get(t, q.path, q.v); status != q.want {
			t.Errorf("%s?%s: %d %v, want %d", q.path, q.v.Encode(), status, body, q.want)
		}
	}
}

// dropSnippets removes the "snippet" fields of a decoded JSON value.
func dropSnippets(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if k != "snippet" {
				out[k] = dropSnippets(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = dropSnippets(e)
		}
		return out
	}
	return v
}
