package mcp

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// benchDBEnv names the environment variable giving the store directory of
// an index (of the Go standard library, say) for the benchmarks:
//
//	codegraph index $(go env GOROOT)/src --db /tmp/stdlib.db
//	CODEGRAPH_MCP_BENCH_DB=/tmp/stdlib.db go test ./internal/mcp -run '^$' -bench . -benchtime 200x
const benchDBEnv = "CODEGRAPH_MCP_BENCH_DB"

// benchRepo returns the RepoSpec of the benchmark index, or skips.
func benchRepo(b *testing.B) RepoSpec {
	db := os.Getenv(benchDBEnv)
	if db == "" {
		b.Skipf("set %s to the store directory of an index (e.g. of $(go env GOROOT)/src)", benchDBEnv)
	}
	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	root, err := st.Meta(index.MetaRoot)
	st.Close()
	if err != nil {
		b.Fatal(err)
	}
	return RepoSpec{Root: string(root), DB: db}
}

// BenchmarkToolLatency measures tool calls through the in-memory
// transport (JSON-RPC encoding, schema checks, the query, rendering and
// the budget fit included) on the benchmark index, cycling through a few
// symbols per tool, and reports the median and 90th percentile latency.
func BenchmarkToolLatency(b *testing.B) {
	spec := benchRepo(b)
	_, cs := connect(b, Options{Repos: []RepoSpec{spec}}, nil)
	cases := []struct {
		tool string
		args []map[string]any
	}{
		{"get_symbol", []map[string]any{{"symbol": "http.Client.Do"}, {"symbol": "fmt.Sprintf"}, {"symbol": "encoding/json/decode.go:Unmarshal"}, {"symbol": "bytes.Buffer.WriteString"}, {"symbol": "strings.Builder.WriteString"}}},
		{"get_callers", []map[string]any{{"symbol": "http.Client.Do"}, {"symbol": "encoding/json/decode.go:Unmarshal"}, {"symbol": "url.Parse"}, {"symbol": "bufio.NewReader"}, {"symbol": "bytes.Buffer.WriteString"}}},
		{"get_callees", []map[string]any{{"symbol": "http.Client.Do"}, {"symbol": "encoding/json/decode.go:Unmarshal"}, {"symbol": "url.Parse"}}},
		{"find_references", []map[string]any{{"symbol": "http.Client.Do"}, {"symbol": "url.Parse"}}},
		{"file_outline", []map[string]any{{"path": "net/http/client.go"}, {"path": "encoding/json/decode.go"}}},
		{"read_code", []map[string]any{{"path": "net/http/client.go", "start_line": 580, "end_line": 640}}},
		{"search_code", []map[string]any{{"query": "parse a URL query string"}, {"query": "read the response body"}, {"query": "encode a value as JSON"},
			{"query": "sort a slice with a less function"}, {"query": "Client.Do"}, {"query": "retry after a temporary network error"}}},
	}
	ctx := context.Background()
	for _, tc := range cases {
		b.Run(tc.tool, func(b *testing.B) {
			for _, a := range tc.args { // warm the caches once
				if res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: tc.tool, Arguments: a}); err != nil || res.IsError {
					b.Fatalf("%s(%v): %v %v", tc.tool, a, err, res)
				}
			}
			var lat []time.Duration
			i := 0
			for b.Loop() {
				a := tc.args[i%len(tc.args)]
				i++
				t0 := time.Now()
				res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: tc.tool, Arguments: a})
				lat = append(lat, time.Since(t0))
				if err != nil || res.IsError {
					b.Fatalf("%s(%v): %v", tc.tool, a, err)
				}
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*9/10].Microseconds())/1000, "p90-ms")
		})
	}
}

// BenchmarkStartToReady measures a server's start until it has answered
// initialize and a first tool call from the index: New, a session over
// the in-memory transport, initialize, index_status.
func BenchmarkStartToReady(b *testing.B) {
	spec := benchRepo(b)
	ctx := context.Background()
	var lat []time.Duration
	for b.Loop() {
		t0 := time.Now()
		s, err := New(Options{Repos: []RepoSpec{spec}})
		if err != nil {
			b.Fatal(err)
		}
		st, ct := mcp.NewInMemoryTransports()
		ss, err := s.MCP().Connect(ctx, st, nil)
		if err != nil {
			b.Fatal(err)
		}
		cs, err := mcp.NewClient(&mcp.Implementation{Name: "bench"}, nil).Connect(ctx, ct, nil)
		if err != nil {
			b.Fatal(err)
		}
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "get_symbol", Arguments: map[string]any{"symbol": "http.Client.Do"}})
		if err != nil || res.IsError {
			b.Fatalf("get_symbol: %v %v", err, res)
		}
		lat = append(lat, time.Since(t0))
		b.StopTimer()
		cs.Close()
		ss.Wait()
		s.Close() // waits for the background freshness check
		b.StartTimer()
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
}

// BenchmarkFit measures fitting a large answer to a small budget.
func BenchmarkFit(b *testing.B) {
	o := &callsOut{dir: "callers", Root: Sym{ID: "0123456789abcdef", Kind: "function", Name: "pkg.F", At: "pkg/f.go:1"}}
	for i := range 300 {
		o.all = append(o.all, callRow{Depth: 1 + i%3, Sym: Sym{ID: "0123456789abcdef", Kind: "method", Name: "Type.Method", At: "dir/file.go:123", Sig: "func (t *Type) Method(a, b int) (string, error)"}, CallAt: "dir/file.go:130"})
	}
	for b.Loop() {
		o.keep(len(o.all))
		if _, err := fit(o, DefaultMaxTokens); err != nil {
			b.Fatal(err)
		}
	}
}
