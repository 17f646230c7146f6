package index

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
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
	// UPDATE_BENCH_CHANGES=N records up to N node changes per update, as
	// a service publishing events does.
	changes, _ := strconv.Atoi(os.Getenv("UPDATE_BENCH_CHANGES"))
	u, err := NewUpdater(Options{Root: root, DBDir: os.Getenv("UPDATE_BENCH_DB"), ReuseOptions: true,
		NoSearch: os.Getenv("UPDATE_BENCH_NOSEARCH") != "", Changes: changes})
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

// BenchmarkUpdateBurst measures a branch switch through Updater.Update:
// UPDATE_BENCH_ROOT is an indexed git work tree on branch
// UPDATE_BENCH_FROM (default base), UPDATE_BENCH_BURST a file listing the
// paths that differ on UPDATE_BENCH_TO (default burst), as bench/watch.sh
// prepares them. Each iteration checks out TO, updates those paths,
// checks FROM out again and updates them again; "to-ms" and "back-ms"
// are the mean update times of each direction (git excluded).
func BenchmarkUpdateBurst(b *testing.B) {
	root, list := os.Getenv("UPDATE_BENCH_ROOT"), os.Getenv("UPDATE_BENCH_BURST")
	if root == "" || list == "" {
		b.Skip("set UPDATE_BENCH_ROOT to an indexed git work tree and UPDATE_BENCH_BURST to the changed paths")
	}
	from, to := os.Getenv("UPDATE_BENCH_FROM"), os.Getenv("UPDATE_BENCH_TO")
	if from == "" {
		from = "base"
	}
	if to == "" {
		to = "burst"
	}
	data, err := os.ReadFile(list)
	if err != nil {
		b.Fatal(err)
	}
	paths := strings.Fields(string(data))
	checkout := func(rev string) {
		if out, err := exec.Command("git", "-C", root, "checkout", "-q", rev).CombinedOutput(); err != nil {
			b.Fatalf("git checkout %s: %v\n%s", rev, err, out)
		}
	}
	changes, _ := strconv.Atoi(os.Getenv("UPDATE_BENCH_CHANGES"))
	u, err := NewUpdater(Options{Root: root, DBDir: os.Getenv("UPDATE_BENCH_DB"), ReuseOptions: true,
		NoSearch: os.Getenv("UPDATE_BENCH_NOSEARCH") != "", Changes: changes})
	if err != nil {
		b.Fatal(err)
	}
	defer u.Close()
	b.Cleanup(func() { checkout(from) })
	ctx := context.Background()
	// Start from a compacted store, as a watcher leaves it when idle.
	if err := u.Compact(ctx); err != nil {
		b.Fatal(err)
	}
	if u.srch != nil {
		if err := u.srch.Warm(ctx); err != nil {
			b.Fatal(err)
		}
	}
	var toTime, backTime time.Duration
	update := func(dir string) time.Duration {
		t0 := time.Now()
		sum, err := u.Update(ctx, paths)
		if err != nil {
			b.Fatal(err)
		}
		el := time.Since(t0)
		if sum.Changed == 0 {
			b.Fatalf("%s: nothing changed: %+v", dir, sum)
		}
		if testing.Verbose() {
			var res, srch time.Duration
			var rs resolveCounts
			if sum.Resolve != nil {
				res = sum.Resolve.Duration
				rs = resolveCounts{sum.Resolve.Considered, sum.Resolve.Exact, sum.Resolve.Inferred, sum.Resolve.Ambiguous, sum.Resolve.External, sum.Resolve.Unresolved}
			}
			if sum.Search != nil {
				srch = sum.Search.Duration
			}
			b.Logf("%s: %d changed, resolve %v search %v total %v; resolved (considered, exact, inferred, ambiguous, external, unresolved) %v",
				dir, sum.Changed, res, srch, el, rs)
		}
		return el
	}
	for b.Loop() {
		checkout(to)
		toTime += update("to")
		checkout(from)
		backTime += update("back")
	}
	b.ReportMetric(float64(toTime.Milliseconds())/float64(b.N), "to-ms")
	b.ReportMetric(float64(backTime.Milliseconds())/float64(b.N), "back-ms")
}

// resolveCounts are the counts of a run's resolution, logged by
// BenchmarkUpdateBurst so that two versions' results can be compared.
type resolveCounts [6]int
