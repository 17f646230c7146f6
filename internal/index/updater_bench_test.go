package index

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"
)

// BenchmarkUpdateOneFile measures Updater.Update of one edited file on a
// real index: UPDATE_BENCH_ROOT names an indexed tree, UPDATE_BENCH_DB its
// store (default ROOT/.codegraph), UPDATE_BENCH_FILE the file to edit
// (default net/http/server.go). Each iteration restores the file and
// appends a new function and a caller of it (so the previous iteration's
// disappear), as bench/watchlat does; the file is restored afterwards.
func BenchmarkUpdateOneFile(b *testing.B) {
	root := os.Getenv("UPDATE_BENCH_ROOT")
	if root == "" {
		b.Skip("set UPDATE_BENCH_ROOT to an indexed tree")
	}
	rel := os.Getenv("UPDATE_BENCH_FILE")
	if rel == "" {
		rel = "net/http/server.go"
	}
	abs := filepath.Join(root, filepath.FromSlash(rel))
	orig, err := os.ReadFile(abs)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.WriteFile(abs, orig, 0o644) })
	// UPDATE_BENCH_NOSEARCH=1 leaves the search indexes out (the graph's
	// share of an update).
	u, err := NewUpdater(Options{Root: root, DBDir: os.Getenv("UPDATE_BENCH_DB"), ReuseOptions: true,
		NoSearch: os.Getenv("UPDATE_BENCH_NOSEARCH") != ""})
	if err != nil {
		b.Fatal(err)
	}
	defer u.Close()
	ctx := context.Background()
	edit := func(i int) {
		if err := os.WriteFile(abs, fmt.Appendf(append([]byte(nil), orig...), "\nfunc CgProbe%d() int { return %d }\n\nfunc cgCaller%d() int { return CgProbe%d() }\n", i, i, i, i), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	// One update before timing: a watcher's first update follows its
	// start-up run, which opens what the Updater keeps open.
	edit(0)
	if _, err := u.Update(ctx, []string{rel}); err != nil {
		b.Fatal(err)
	}
	var lat []time.Duration
	i := 0
	for b.Loop() {
		i++
		edit(i)
		t0 := time.Now()
		sum, err := u.Update(ctx, []string{rel})
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
		if sum.Changed != 1 {
			b.Fatalf("update: %+v", sum)
		}
		if testing.Verbose() && i <= 3 {
			var searchTime time.Duration
			if sum.Search != nil {
				searchTime = sum.Search.Duration
			}
			b.Logf("resolve %v search %v total %v", sum.Resolve.Duration, searchTime, sum.Duration)
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
}
