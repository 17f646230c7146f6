package query

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// The benchmarks run on a generated store shaped like a large code base:
// 100 packages (directories) of 10 files, each file a file node and 199
// functions, so 200,000 nodes. Every function makes five resolved calls —
// two within its file, one within its package, two into lower packages
// (package dependencies form a DAG, as in layered code), choosing callees
// with a Zipf skew so that a few are popular and most have one or two
// callers — and one unresolved call (a library function, by name). Five
// hub functions in the lowest package are called from 4,000 random
// functions each. About 1.02M resolved and 199k unresolved calls edges.
//
// The store is built once per test binary (about a minute) in a temporary
// directory, or kept in $QUERY_BENCH_DIR between runs.

const (
	benchDirs        = 100
	benchFilesPerDir = 10
	benchFuncs       = 199
	benchHubs        = 5
	benchHubCallers  = 4000
	benchVersion     = "1"
)

type benchGraph struct {
	st *store.Store
	// typical has the median number of callers (of functions that have
	// any), popular about 100, hub benchHubCallers.
	typical, popular, hub graph.NodeID
	uniqueName, qname     string
}

var (
	benchOnce sync.Once
	benchG    *benchGraph
	benchErr  error
	benchTemp string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchG != nil {
		benchG.st.Close()
	}
	if benchTemp != "" {
		os.RemoveAll(benchTemp)
	}
	os.Exit(code)
}

func benchFuncName(file, i int) string { return "f" + strconv.Itoa(file) + "x" + strconv.Itoa(i) }

func benchFile(file int) string {
	return fmt.Sprintf("pkg%03d/file%d.go", file/benchFilesPerDir, file%benchFilesPerDir)
}

func benchFuncID(file, i int) graph.NodeID {
	return graph.MakeNodeID(benchFile(file), benchFuncName(file, i), graph.KindFunction, 0)
}

func openBench(b *testing.B) *benchGraph {
	b.Helper()
	benchOnce.Do(func() {
		dir := os.Getenv("QUERY_BENCH_DIR")
		if dir == "" {
			benchTemp, benchErr = os.MkdirTemp("", "query-bench-")
			if benchErr != nil {
				return
			}
			dir = benchTemp
		}
		benchG, benchErr = buildBench(filepath.Join(dir, "store"))
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchG
}

func buildBench(dir string) (*benchGraph, error) {
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		return nil, err
	}
	g := &benchGraph{st: st, uniqueName: benchFuncName(4242, 17), qname: benchFuncName(777, 100)}
	readPicks := func() bool {
		v, err := st.Meta("bench.version")
		if err != nil || string(v) != benchVersion {
			return false
		}
		for key, dst := range map[string]*graph.NodeID{"bench.typical": &g.typical, "bench.popular": &g.popular, "bench.hub": &g.hub} {
			v, err := st.Meta(key)
			if err != nil {
				return false
			}
			if *dst, err = graph.ParseNodeID(string(v)); err != nil {
				return false
			}
		}
		return true
	}
	if readPicks() {
		return g, nil
	}
	start := time.Now()
	r := rand.New(rand.NewSource(1))
	files := benchDirs * benchFilesPerDir
	perDir := benchFilesPerDir * benchFuncs
	zipf := rand.NewZipf(r, 1.2, 4, uint64(perDir-1))
	// pick returns a function of package d, popular ones more often.
	pick := func(d int) (int, int) {
		k := int(zipf.Uint64())
		// Spread the popular ranks over the package's files.
		k = (k*7919 + d) % perDir
		return d*benchFilesPerDir + k%benchFilesPerDir, 1 + k/benchFilesPerDir
	}
	callers := map[graph.NodeID]int{}
	edges := make([][]graph.Edge, files)
	add := func(file, i int, to graph.NodeID, target string, line int) {
		ed := graph.Edge{Kind: graph.EdgeCalls, Src: benchFuncID(file, i), Dst: to, Target: target,
			File: benchFile(file), Line: uint32(line), Res: graph.ResExact}
		if to == 0 {
			ed.Res = graph.ResUnresolved
		} else {
			callers[to]++
		}
		edges[file] = append(edges[file], ed)
	}
	for file := range files {
		d := file / benchFilesPerDir
		for i := 1; i <= benchFuncs; i++ {
			line := 10 * i
			j := 1 + r.Intn(benchFuncs)
			add(file, i, benchFuncID(file, j), benchFuncName(file, j), line+1)
			j = 1 + r.Intn(benchFuncs)
			add(file, i, benchFuncID(file, j), benchFuncName(file, j), line+2)
			tf, tj := pick(d)
			add(file, i, benchFuncID(tf, tj), benchFuncName(tf, tj), line+3)
			for k := range 2 {
				td := d
				if d > 0 {
					td = r.Intn(d)
				}
				tf, tj := pick(td)
				add(file, i, benchFuncID(tf, tj), "p."+benchFuncName(tf, tj), line+4+k)
			}
			add(file, i, 0, "lib.Func"+strconv.Itoa(r.Intn(1000)), line+6)
		}
	}
	for h := range benchHubs {
		for range benchHubCallers {
			file := r.Intn(files)
			i := 1 + r.Intn(benchFuncs)
			add(file, i, benchFuncID(0, 1+h), "p."+benchFuncName(0, 1+h), 10*i+7)
		}
	}
	b := st.NewBatch()
	defer b.Close()
	for file := range files {
		path := benchFile(file)
		fid := graph.MakeNodeID(path, path, graph.KindFile, 0)
		nodes := []graph.Node{{ID: fid, Kind: graph.KindFile, Name: filepath.Base(path), QualifiedName: path,
			Language: "go", File: path, StartLine: 1, EndLine: 10*benchFuncs + 10}}
		es := edges[file]
		for i := 1; i <= benchFuncs; i++ {
			n := graph.Node{ID: benchFuncID(file, i), Kind: graph.KindFunction, Name: benchFuncName(file, i),
				QualifiedName: benchFuncName(file, i), Language: "go", File: path,
				StartLine: uint32(10 * i), EndLine: uint32(10*i + 8), StartByte: uint32(300 * i), EndByte: uint32(300*i + 280),
				Signature: "func " + benchFuncName(file, i) + "(ctx context.Context, req *Request) (*Response, error)",
				Doc:       "handles one kind of request.", Visibility: graph.VisPublic, Parent: fid}
			nodes = append(nodes, n)
			es = append(es, graph.Edge{Kind: graph.EdgeContains, Src: fid, Dst: n.ID, Target: n.Name, File: path, Line: n.StartLine, Res: graph.ResSyntax})
		}
		meta := store.FileMeta{Path: path, Language: "go", Size: 60000, Hash: uint64(file), ExtractorVersion: 1}
		if err := b.ReplaceFile(meta, nodes, es); err != nil {
			return nil, err
		}
		if b.Len() > 16<<20 {
			if err := b.Commit(false); err != nil {
				return nil, err
			}
		}
	}
	// The picks: the hub, the function closest to 100 callers, and the
	// median of the functions that have callers.
	g.hub = benchFuncID(0, 1)
	var counts []int
	best := 1 << 30
	for id, c := range callers {
		counts = append(counts, c)
		if d := abs(c - 100); c < benchHubCallers && d < best || d == best && id < g.popular {
			best, g.popular = d, id
		}
	}
	slices.Sort(counts)
	median := counts[len(counts)/2]
	for id, c := range callers {
		if c == median && (g.typical == 0 || id < g.typical) {
			g.typical = id
		}
	}
	for key, v := range map[string]string{"bench.typical": g.typical.String(), "bench.popular": g.popular.String(),
		"bench.hub": g.hub.String(), "bench.version": benchVersion} {
		if err := b.SetMeta(key, []byte(v)); err != nil {
			return nil, err
		}
	}
	if err := b.Commit(true); err != nil {
		return nil, err
	}
	if err := st.Compact(context.Background()); err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "bench store: %d files, %d nodes, built in %s (median callers %d)\n",
		files, files*(benchFuncs+1), time.Since(start).Round(time.Second), median)
	return g, nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// timed runs op b.N times and reports the median and 99th percentile
// latency besides the mean.
func timed(b *testing.B, op func(i int)) {
	b.Helper()
	var lat []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		t0 := time.Now()
		op(i)
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	}
}

// BenchmarkResolveByName resolves a symbol spec to its node: a bare name
// with one definition, a qualified name, FILE:LINE, and a bare name that
// 100 files define (ambiguous: all candidates are returned).
func BenchmarkResolveByName(b *testing.B) {
	g := openBench(b)
	e := New(g.st, Options{})
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		spec func(i int) string
		want int
	}{
		{"bare", func(i int) string { return benchFuncName((i*37)%1000, 1+i%benchFuncs) }, 1},
		{"pkg-qualified", func(i int) string {
			return "pkg042/file" + strconv.Itoa(i%10) + "." + benchFuncName(420+i%10, 1+i%benchFuncs)
		}, 1},
		{"file-line", func(i int) string { return benchFile(i%1000) + ":" + strconv.Itoa(10*(1+i%benchFuncs)+3) }, 1},
	} {
		b.Run(bc.name, func(b *testing.B) {
			timed(b, func(i int) {
				ms, err := e.Resolve(ctx, bc.spec(i))
				if err != nil || len(ms) != bc.want {
					b.Fatalf("%s: %d matches, %v", bc.spec(i), len(ms), err)
				}
			})
		})
	}
}

// BenchmarkCallersDepth1 lists the first page (50) of the direct callers
// of a function with the median number of callers, one with about 100,
// and a hub with 4,000.
func BenchmarkCallersDepth1(b *testing.B) {
	g := openBench(b)
	e := New(g.st, Options{})
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		id   graph.NodeID
	}{{"typical", g.typical}, {"popular", g.popular}, {"hub", g.hub}} {
		b.Run(bc.name, func(b *testing.B) {
			var total int
			timed(b, func(int) {
				r, err := e.Callers(ctx, bc.id, CallsOptions{Depth: 1})
				if err != nil || r.Total == 0 {
					b.Fatal(r, err)
				}
				total = r.Total
			})
			b.ReportMetric(float64(total), "callers")
		})
	}
	b.Run("callees-typical", func(b *testing.B) {
		timed(b, func(int) {
			if _, err := e.Callees(ctx, g.typical, CallsOptions{Depth: 1}); err != nil {
				b.Fatal(err)
			}
		})
	})
}

// BenchmarkImpactDepth5 computes the impact (depth 5) of the typical and
// popular functions and of a hub on a warm engine (its index of unresolved
// calls by name already built, as in a server), and of the popular
// function on a new engine each time ("cold", as in one CLI run: it scans
// the 199k unresolved calls once).
func BenchmarkImpactDepth5(b *testing.B) {
	g := openBench(b)
	ctx := context.Background()
	warm := New(g.st, Options{})
	if _, err := warm.suffixIndex(ctx); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		id   graph.NodeID
		cold bool
	}{{"typical", g.typical, false}, {"popular", g.popular, false}, {"hub", g.hub, false}, {"popular-cold", g.popular, true}} {
		b.Run(bc.name, func(b *testing.B) {
			var total int
			timed(b, func(int) {
				e := warm
				if bc.cold {
					e = New(g.st, Options{})
				}
				n, err := g.st.Node(bc.id)
				if err != nil {
					b.Fatal(err)
				}
				r, err := e.Impact(ctx, e.ScopeOf(n), ImpactOptions{Depth: 5})
				if err != nil {
					b.Fatal(err)
				}
				total = r.Total
			})
			b.ReportMetric(float64(total), "symbols")
		})
	}
}
