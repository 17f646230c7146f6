package search

import (
	"context"
	"math"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/search/lexical/lextest"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// BenchmarkSearch measures each mode's latency on a real index
// ($SEARCH_BENCH_DB, a store directory with search indexes) with the
// queries of a query set ($SEARCH_BENCH_QUERIES, NDJSON as gosearchset
// prints; exact and regex use each query's answer name):
//
//	codegraph index $(go env GOROOT)/src --db /tmp/gostd --no-default-ignores
//	SEARCH_BENCH_DB=/tmp/gostd SEARCH_BENCH_QUERIES=/tmp/cg-search-sets/http.ndjson \
//	  go test ./internal/search -run '^$' -bench BenchmarkSearch
func BenchmarkSearch(b *testing.B) {
	db, qpath := os.Getenv("SEARCH_BENCH_DB"), os.Getenv("SEARCH_BENCH_QUERIES")
	if db == "" || qpath == "" {
		b.Skip("SEARCH_BENCH_DB and SEARCH_BENCH_QUERIES are not set")
	}
	qs, err := lextest.LoadQueries(qpath)
	if err != nil {
		b.Fatal(err)
	}
	st, root := openBenchStore(b, db)
	s := Open(st, query.New(st, query.Options{}), db, root, Config{})
	defer s.Close()
	ctx := context.Background()
	if _, err := s.Search(ctx, Request{Query: "warm up", Mode: Hybrid}); err != nil {
		b.Fatal(err)
	}
	// "hybrid-scan" is hybrid with the nearest-neighbour scan for every
	// query (hybridParams.nearestBelow), the cost that parameter avoids.
	for _, name := range append(slices.Clone(Modes), "hybrid-scan") {
		mode := name
		if name == "hybrid-scan" {
			mode = Hybrid
		}
		b.Run(string(name), func(b *testing.B) {
			if name == "hybrid-scan" {
				saved := hybrid
				hybrid.nearestBelow = math.MaxInt
				defer func() { hybrid = saved }()
			}
			var lat []time.Duration
			i := 0
			for b.Loop() {
				q := qs[i%len(qs)]
				text := q.Query
				if mode == Exact || mode == Regex {
					text = q.Name
				}
				t0 := time.Now()
				if _, err := s.Search(ctx, Request{Query: text, Mode: mode, Limit: 10}); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
				i++
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*9/10].Microseconds())/1000, "p90-ms")
		})
	}
}

// BenchmarkFirstQuery measures what a server pays for the first hybrid
// query on a new store snapshot (after each update): opening a Searcher
// and answering, with the embedding model decoded anew ("cold") or shared
// through Models ("models"):
//
//	SEARCH_BENCH_DB=/tmp/gostd go test ./internal/search -run '^$' -bench FirstQuery
func BenchmarkFirstQuery(b *testing.B) {
	db := os.Getenv("SEARCH_BENCH_DB")
	if db == "" {
		b.Skip("SEARCH_BENCH_DB is not set")
	}
	st, root := openBenchStore(b, db)
	ctx := context.Background()
	for _, shared := range []bool{false, true} {
		name := "cold"
		var cfg Config
		if shared {
			name, cfg.Models = "models", &Models{}
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				s := Open(st, query.New(st, query.Options{}), db, root, cfg)
				if _, err := s.Search(ctx, Request{Query: "parse the request headers", Mode: Hybrid, Limit: 10}); err != nil {
					b.Fatal(err)
				}
				s.Close()
			}
		})
	}
}

// openBenchStore opens the store in db read-only for a benchmark, closed
// at its end, and returns the repository root it was indexed from.
func openBenchStore(b *testing.B, db string) (*store.Store, string) {
	b.Helper()
	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	root := ""
	if v, err := st.Meta(query.MetaRoot); err == nil {
		root = string(v)
	}
	return st, root
}
