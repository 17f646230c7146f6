package service

import (
	"context"
	"os"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/search"
)

// BenchmarkOneShot measures what one command-line process pays per query
// without a daemon, phase by phase, on the index in $CODEGRAPH_BENCH_DB
// (for example an indexed copy of the Go standard library; skipped
// without it): opening the store, a def, callers, and the searches (which
// open the search indexes they need on first use). Each op opens and
// closes its own snapshot, as a process does.
//
//	CODEGRAPH_BENCH_DB=/tmp/gosrc/.codegraph go test ./internal/service -run '^$' -bench OneShot -benchtime 20x
func BenchmarkOneShot(b *testing.B) {
	db := os.Getenv("CODEGRAPH_BENCH_DB")
	if db == "" {
		b.Skip("set CODEGRAPH_BENCH_DB to an index directory")
	}
	ctx := context.Background()
	sym := Target{Symbol: "http.Client.Do"}
	run := func(b *testing.B, fn func(sn *Snapshot) error) {
		for b.Loop() {
			sn, err := Open(db, search.Config{})
			if err != nil {
				b.Fatal(err)
			}
			if fn != nil {
				if err := fn(sn); err != nil {
					b.Fatal(err)
				}
			}
			sn.Close()
		}
	}
	b.Run("open", func(b *testing.B) { run(b, nil) })
	b.Run("def", func(b *testing.B) {
		run(b, func(sn *Snapshot) error { _, err := sn.Def(ctx, sym); return err })
	})
	b.Run("callers", func(b *testing.B) {
		run(b, func(sn *Snapshot) error { _, err := sn.Calls(ctx, CallsRequest{Target: sym}); return err })
	})
	for _, m := range []struct {
		mode  search.Mode
		query string
	}{
		{search.Lexical, "parse the request headers"},
		{search.Semantic, "parse the request headers"},
		{search.Hybrid, "parse the request headers"},
		{search.Regex, `func \(\w+ \*?Reader\) Read\w*\(`},
	} {
		b.Run(string(m.mode), func(b *testing.B) {
			run(b, func(sn *Snapshot) error {
				_, err := sn.Search(ctx, search.Request{Query: m.query, Mode: m.mode, Limit: 10})
				return err
			})
		})
	}
}
