package query

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// BenchmarkIndex runs the three measured queries on a real index, named
// by $QUERY_BENCH_INDEX (skipped when unset), for instance the Go
// standard library:
//
//	cp -r $(go env GOROOT)/src /tmp/gostd && codegraph index /tmp/gostd
//	QUERY_BENCH_INDEX=/tmp/gostd/.codegraph go test ./internal/query -run '^$' -bench BenchmarkIndex
//
// The symbols it asks about are the standard library's.
func BenchmarkIndex(b *testing.B) {
	st := openBenchIndex(b)
	ctx := context.Background()
	e := New(st, Options{})
	one := func(b *testing.B, spec string) Scope {
		s, err := e.ResolveScope(ctx, spec)
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	for _, spec := range []string{"ListenAndServe", "TrimSpace", "http.Client.Do", "net/http/server.go:3000"} {
		b.Run("resolve/"+spec, func(b *testing.B) {
			timed(b, func(int) {
				if _, err := e.Resolve(ctx, spec); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
	for _, spec := range []string{"http.Client.Do", "strings.TrimSpace", "errors.New"} {
		s := one(b, spec)
		b.Run("callers1/"+spec, func(b *testing.B) {
			var total int
			timed(b, func(int) {
				r, err := e.Callers(ctx, s.node.ID, CallsOptions{Depth: 1})
				if err != nil {
					b.Fatal(err)
				}
				total = r.Total
			})
			b.ReportMetric(float64(total), "callers")
		})
	}
	if _, err := e.suffixIndex(ctx); err != nil { // warm, as a server is
		b.Fatal(err)
	}
	for _, spec := range []string{"http.Client.Do", "utf8.RuneLen", "strings.TrimSpace", "errors.New", "fmt.Errorf"} {
		s := one(b, spec)
		b.Run("impact5/"+spec, func(b *testing.B) {
			var total int
			timed(b, func(int) {
				r, err := e.Impact(ctx, s, ImpactOptions{Depth: 5})
				if err != nil {
					b.Fatal(err)
				}
				total = r.Total
			})
			b.ReportMetric(float64(total), "symbols")
		})
	}
}

// BenchmarkIndexSample runs callers and callees at depth 1 and impact at
// depth 5 on a deterministic sample of the index's functions and methods
// (every 97th, by id), so the latency figures describe typical symbols as
// well as the hubs BenchmarkIndex names. Same $QUERY_BENCH_INDEX.
func BenchmarkIndexSample(b *testing.B) {
	st := openBenchIndex(b)
	ctx := context.Background()
	e := New(st, Options{})
	var sample []graph.Node
	i := 0
	for _, k := range []graph.NodeKind{graph.KindFunction, graph.KindMethod} {
		st.NodesByKind(k, func(n graph.Node) error {
			if i%97 == 0 {
				sample = append(sample, n)
			}
			i++
			return nil
		})
	}
	if _, err := e.suffixIndex(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d symbols sampled", len(sample))
	for _, op := range []struct {
		name string
		run  func(n *graph.Node) error
	}{
		{"callers1", func(n *graph.Node) error { _, err := e.Callers(ctx, n.ID, CallsOptions{Depth: 1}); return err }},
		{"callees1", func(n *graph.Node) error { _, err := e.Callees(ctx, n.ID, CallsOptions{Depth: 1}); return err }},
		{"impact5", func(n *graph.Node) error {
			_, err := e.Impact(ctx, Scope{Kind: ScopeSymbol, node: *n}, ImpactOptions{Depth: 5})
			return err
		}},
	} {
		b.Run(op.name, func(b *testing.B) {
			timed(b, func(i int) {
				if err := op.run(&sample[i%len(sample)]); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

// openBenchIndex opens $QUERY_BENCH_INDEX read-only (skipping the
// benchmark when it is unset), with the block cache $QUERY_BENCH_CACHE_MB
// asks for, closed when the benchmark ends.
func openBenchIndex(b *testing.B) *store.Store {
	dir := os.Getenv("QUERY_BENCH_INDEX")
	if dir == "" {
		b.Skip("QUERY_BENCH_INDEX is not set")
	}
	st, err := store.Open(dir, store.Options{ReadOnly: true, CacheSize: cacheSize()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// cacheSize is the block cache the benchmark opens the index with:
// $QUERY_BENCH_CACHE_MB, or the store's default.
func cacheSize() int64 {
	mb, _ := strconv.Atoi(os.Getenv("QUERY_BENCH_CACHE_MB"))
	return int64(mb) << 20
}
