// Command watchlat measures how fast `codegraph watch` makes a saved edit
// visible: it edits real files of an indexed tree that a watcher is
// watching (each edit restores the file and appends a new function and a
// caller of it, so the previous edit's functions disappear), and polls
// fresh read-only opens of the store until both `callers` (the query
// engine) and lexical `search` see the new function. It prints the
// latency of each edit and p50/p95/max. With -soak it keeps editing every
// -every for that long and samples the watcher's RSS (-pid). It is run by
// bench/watch.sh; the figures go to BENCHMARKS.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/store"
)

var defaultFiles = "net/http/server.go,fmt/print.go,strings/strings.go,os/file.go,encoding/json/encode.go," +
	"go/parser/parser.go,bufio/bufio.go,sort/sort.go,bytes/bytes.go,io/io.go"

func main() {
	root := flag.String("root", "", "the watched tree")
	db := flag.String("db", "", "its store (default ROOT/.codegraph)")
	edits := flag.Int("edits", 30, "edits to time")
	files := flag.String("files", defaultFiles, "comma-separated files (relative to ROOT) to edit in turn")
	gap := flag.Duration("gap", time.Second, "pause between edits")
	timeout := flag.Duration("timeout", 30*time.Second, "give up on an edit after this long")
	soak := flag.Duration("soak", 0, "after the timed edits, keep editing for this long, sampling RSS")
	pid := flag.Int("pid", 0, "the watcher's pid (for RSS samples)")
	burst := flag.String("burst", "", "instead: wait until every file listed in this file has (-want present) or has not (-want absent) its CgBurst_ function, and print the time since -since")
	want := flag.String("want", "present", "with -burst: present or absent")
	since := flag.Float64("since", 0, "with -burst: unix time (seconds) the change started")
	flag.Parse()
	if *burst != "" {
		if *db == "" {
			fail(fmt.Errorf("-burst needs -db"))
		}
		waitBurst(*db, *burst, *want == "present", *since, *timeout)
		return
	}
	if *root == "" {
		fail(fmt.Errorf("-root is required"))
	}
	if *db == "" {
		*db = filepath.Join(*root, ".codegraph")
	}
	list := strings.Split(*files, ",")
	orig := map[string][]byte{}
	for _, f := range list {
		b, err := os.ReadFile(filepath.Join(*root, f))
		if err != nil {
			fail(err)
		}
		orig[f] = b
	}
	defer func() {
		for f, b := range orig {
			os.WriteFile(filepath.Join(*root, f), b, 0o644)
		}
	}()
	ctx := context.Background()
	var lat []time.Duration
	n := 0
	edit := func() (time.Duration, error) {
		n++
		f := list[n%len(list)]
		probe := fmt.Sprintf("CgWatchProbe%d", n)
		caller := fmt.Sprintf("cgWatchCaller%d", n)
		src := fmt.Appendf(slices.Clone(orig[f]), "\n// %s is a probe of the watch benchmark.\nfunc %s() int { return %d }\n\nfunc %s() int { return %s() + 1 }\n", probe, probe, n, caller, probe)
		t0 := time.Now()
		if err := os.WriteFile(filepath.Join(*root, f), src, 0o644); err != nil {
			return 0, err
		}
		for time.Since(t0) < *timeout {
			ok, err := visible(ctx, *db, probe, caller)
			if err != nil {
				return 0, err
			}
			if ok {
				return time.Since(t0), nil
			}
			time.Sleep(5 * time.Millisecond)
		}
		return 0, fmt.Errorf("edit %d of %s not visible after %s", n, f, *timeout)
	}
	for i := 0; i < *edits; i++ {
		d, err := edit()
		if err != nil {
			fail(err)
		}
		lat = append(lat, d)
		fmt.Printf("edit %2d %-28s visible in %6.1f ms\n", n, list[n%len(list)], ms(d))
		time.Sleep(*gap)
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	if len(s) > 0 {
		fmt.Printf("save -> visible in callers and search: %d edits, p50 %.0f ms, p95 %.0f ms, max %.0f ms\n",
			len(s), ms(s[len(s)/2]), ms(s[(len(s)*95+99)/100-1]), ms(s[len(s)-1]))
	}
	if *soak > 0 {
		end := time.Now().Add(*soak)
		next := time.Now()
		var soakLat []time.Duration
		fmt.Printf("soak: an edit every %s for %s\n", *gap, *soak)
		for time.Now().Before(end) {
			d, err := edit()
			if err != nil {
				fail(err)
			}
			soakLat = append(soakLat, d)
			if time.Now().After(next) {
				fmt.Printf("soak %5.0f s  edits %4d  watcher RSS %s\n", time.Until(end).Seconds()*-1+soak.Seconds(), len(soakLat), rss(*pid))
				next = time.Now().Add(30 * time.Second)
			}
			time.Sleep(*gap)
		}
		slices.Sort(soakLat)
		fmt.Printf("soak done: %d edits, p50 %.0f ms, p95 %.0f ms; watcher RSS %s\n", len(soakLat),
			ms(soakLat[len(soakLat)/2]), ms(soakLat[(len(soakLat)*95+99)/100-1]), rss(*pid))
	}
}

// visible reports whether a fresh read-only open sees caller among the
// callers of probe and finds probe by lexical search.
func visible(ctx context.Context, db, probe, caller string) (bool, error) {
	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		return false, err
	}
	defer st.Close()
	q := query.New(st, query.Options{NoSource: true})
	nodes, err := q.Resolve(ctx, probe)
	if err != nil || len(nodes) == 0 {
		return false, nil
	}
	res, err := q.Callers(ctx, nodes[0].ID, query.CallsOptions{Depth: 1})
	if err != nil {
		return false, err
	}
	found := false
	for _, it := range res.Items {
		if it.Symbol != nil && it.Symbol.Name == caller {
			found = true
		}
	}
	if !found {
		return false, nil
	}
	root := ""
	if v, err := st.Meta(query.MetaRoot); err == nil {
		root = string(v)
	}
	s := search.Open(st, q, db, root, search.Config{})
	defer s.Close()
	hits, err := s.Search(ctx, search.Request{Query: probe, Mode: search.Lexical, Limit: 5})
	if err != nil {
		return false, err
	}
	for _, h := range hits.Hits {
		if h.Name == probe {
			return true, nil
		}
	}
	return false, nil
}

// waitBurst polls fresh read-only opens until every CgBurst_ function of
// the files listed in listFile is present (or absent), then prints the
// time since the change started.
func waitBurst(db, listFile string, present bool, since float64, timeout time.Duration) {
	b, err := os.ReadFile(listFile)
	if err != nil {
		fail(err)
	}
	// Files the index does not hold (over the size limit, say) are left
	// out.
	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		fail(err)
	}
	var names []string
	for _, p := range strings.Fields(string(b)) {
		if _, err := st.FileMeta(p); err != nil {
			continue
		}
		names = append(names, "CgBurst_"+strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
				return r
			}
			return '_'
		}, p))
	}
	st.Close()
	start := time.Unix(0, int64(since*1e9))
	for time.Since(start) < timeout {
		st, err := store.Open(db, store.Options{ReadOnly: true})
		if err != nil {
			fail(err)
		}
		done := 0
		for _, n := range names {
			found := false
			st.NodesByName(n, func(graph.Node) error { found = true; return nil })
			if found == present {
				done++
			}
		}
		st.Close()
		if done == len(names) {
			fmt.Printf("%d files: settled (visible to a fresh read-only open) %.2f s after the change started\n", len(names), time.Since(start).Seconds())
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	fail(fmt.Errorf("burst not settled after %s", timeout))
}

func rss(pid int) string {
	if pid <= 0 {
		return "?"
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "?"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			return strings.Join(strings.Fields(l)[1:], " ")
		}
	}
	return "?"
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func fail(err error) {
	fmt.Fprintln(os.Stderr, "watchlat:", err)
	os.Exit(1)
}
