package vector

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// BenchmarkDump measures the indexes on a vector dump: raw little-endian
// float32, N*D base rows then the queries (as faiss_anchor.py --dump
// writes, or any embedder dump). Environment:
//
//	VECTOR_BENCH_DUMP     the file (the benchmark is skipped when unset)
//	VECTOR_BENCH_N        base rows (default: 200000)
//	VECTOR_BENCH_DIM      dimension (default: 384)
//	VECTOR_BENCH_INDEXES  comma-separated kind-quantization list
//	                      (default: hnsw-int8,ivf-int8,flat-int8)
//	VECTOR_BENCH_EF       HNSW efSearch values (default: 32,64,128,256)
//	VECTOR_BENCH_NPROBE   IVF nprobe values (default: 8,32,64)
//	VECTOR_BENCH_M, VECTOR_BENCH_EFC  HNSW build settings (default 16, 200)
//	VECTOR_BENCH_NLIST    IVF lists (default 0: 4*sqrt(N))
//
// Build uses every core; every reported latency is single-query on one
// core (GOMAXPROCS 1 while timing). Metrics: recall@10 against exact
// float32 search, p50-ms and p99-ms per query, build-s, B/vec (index
// memory per live vector), open-ms (Open of the saved file).
func BenchmarkDump(b *testing.B) {
	path := os.Getenv("VECTOR_BENCH_DUMP")
	if path == "" {
		b.Skip("VECTOR_BENCH_DUMP not set")
	}
	n := envInt("VECTOR_BENCH_N", 200000)
	d := envInt("VECTOR_BENCH_DIM", 384)
	base, queries := loadDump(b, path, n, d)
	b.Logf("%s: %d base rows, %d queries, dim %d", path, len(base), len(queries), d)
	truth := cachedTruth(b, path, base, queries)
	ctx := context.Background()
	m := envInt("VECTOR_BENCH_M", 16)
	efc := envInt("VECTOR_BENCH_EFC", 200)
	for _, spec := range strings.Split(envStr("VECTOR_BENCH_INDEXES", "hnsw-int8,ivf-int8,flat-int8"), ",") {
		kindS, quantS, _ := strings.Cut(spec, "-")
		kind, err := ParseKind(kindS)
		if err != nil {
			b.Fatal(err)
		}
		quant, err := ParseQuantization(quantS)
		if err != nil {
			b.Fatal(err)
		}
		o := Options{Kind: kind, Dim: d, Quantization: quant, M: m, EfConstruction: efc, NList: envInt("VECTOR_BENCH_NLIST", 0)}
		runtime.GC()
		var ms0 runtime.MemStats
		runtime.ReadMemStats(&ms0)
		start := time.Now()
		ix := build(b, o, base)
		buildS := time.Since(start).Seconds()
		runtime.GC()
		var ms1 runtime.MemStats
		runtime.ReadMemStats(&ms1)
		st := ix.Stats()
		heapPer := float64(int64(ms1.HeapAlloc)-int64(ms0.HeapAlloc)) / float64(st.Live)
		bPer := float64(st.Bytes) / float64(st.Live)

		file := filepath.Join(b.TempDir(), "dump.idx")
		t0 := time.Now()
		if err := ix.Save(file); err != nil {
			b.Fatal(err)
		}
		saveMS := time.Since(t0).Seconds() * 1000
		ix.Close()
		t0 = time.Now()
		ix, err = Open(file)
		if err != nil {
			b.Fatal(err)
		}
		openMS := time.Since(t0).Seconds() * 1000
		fi, _ := os.Stat(file)
		b.Logf("%s: build %.1f s, %.0f B/vec (heap growth %.0f B/vec), file %d MB, save %.0f ms, open %.1f ms",
			spec, buildS, bPer, heapPer, fi.Size()>>20, saveMS, openMS)

		var params []int
		label := "ef"
		switch kind {
		case HNSW:
			params = envInts("VECTOR_BENCH_EF", []int{32, 64, 128, 256})
		case IVF:
			params, label = envInts("VECTOR_BENCH_NPROBE", []int{8, 32, 64}), "nprobe"
			b.Logf("%s: nlist %d", spec, ix.Options().NList)
		default:
			params, label = []int{0}, "exact"
		}
		for _, p := range params {
			so := SearchOptions{Ef: p, NProbe: p}
			qs := queries
			if kind == Flat {
				qs = queries[:min(len(queries), 100)]
			}
			b.Run(fmt.Sprintf("%s/%s=%d", spec, label, p), func(b *testing.B) {
				rec, p50, p99 := measure(b, ix, base, qs, truth, so)
				i := 0
				prev := runtime.GOMAXPROCS(1)
				for b.Loop() {
					ix.SearchWith(ctx, qs[i%len(qs)], 10, so)
					i++
				}
				runtime.GOMAXPROCS(prev)
				report(b, rec, p50, p99, buildS, bPer, openMS)
			})
		}
		if kind != Flat {
			// Filters passing 1% and 10% of the rows, then 10% deleted.
			so := SearchOptions{Ef: 64, NProbe: 32}
			qs := queries[:min(len(queries), 200)]
			for _, pct := range []int{1, 10} {
				keep := func(i int) bool { return (uint64(i)*0x9e3779b97f4a7c15)>>32%100 < uint64(pct) }
				ft := groundTruth(base, qs, 10, keep)
				so.Filter = func(id uint64) bool { return keep(int(id)) }
				b.Run(fmt.Sprintf("%s/filter=%d%%", spec, pct), func(b *testing.B) {
					rec, p50, p99 := measure(b, ix, base, qs, ft, so)
					for b.Loop() {
						ix.SearchWith(ctx, qs[0], 10, so)
					}
					report(b, rec, p50, p99, buildS, bPer, openMS)
				})
			}
			so.Filter = nil
			var del []uint64
			for i := range base {
				if i%10 == 3 {
					del = append(del, uint64(i))
				}
			}
			t0 := time.Now()
			ix.Delete(del...)
			b.Logf("%s: deleting %d rows took %.0f ms (first write copies the mapped file)", spec, len(del), time.Since(t0).Seconds()*1000)
			dt := groundTruth(base, qs, 10, func(i int) bool { return i%10 != 3 })
			b.Run(spec+"/deleted=10%", func(b *testing.B) {
				rec, p50, p99 := measure(b, ix, base, qs, dt, so)
				for b.Loop() {
					ix.SearchWith(ctx, qs[0], 10, so)
				}
				report(b, rec, p50, p99, buildS, bPer, openMS)
			})
			// Incremental: re-insert 100 of the deleted rows one at a time.
			t0 = time.Now()
			for _, id := range del[:100] {
				if err := ix.Add(ctx, []uint64{id}, [][]float32{base[id]}); err != nil {
					b.Fatal(err)
				}
			}
			b.Logf("%s: single-row Add %.2f ms each", spec, time.Since(t0).Seconds()*1000/100)
		}
		ix.Close()
	}
}

// measure times each query alone on one core and scores recall@10
// (recallTies: rows tied with the true 10th count as found).
func measure(b *testing.B, ix *Index, base, qs [][]float32, truth [][]int, so SearchOptions) (rec, p50, p99 float64) {
	ctx := context.Background()
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	got := make([][]Result, len(qs))
	lat := make([]float64, len(qs))
	for i, q := range qs {
		t0 := time.Now()
		res, err := ix.SearchWith(ctx, q, 10, so)
		lat[i] = time.Since(t0).Seconds() * 1000
		if err != nil {
			b.Fatal(err)
		}
		got[i] = res
	}
	slices.Sort(lat)
	return recallTies(base, qs, truth[:len(qs)], got), lat[len(lat)/2], lat[len(lat)*99/100]
}

// recallTies is recall@k that counts a returned row as found when it is
// in the true top k or as similar to the query as the true k-th row
// (within 1e-6): embedder vectors hold exact duplicates (the Go standard
// library's 108,667 symbol vectors are 77,823 distinct ones), and which of
// several tied rows an index returns is arbitrary. base and queries must be
// unit length (the dumps are), so similarity is the dot product.
func recallTies(base, queries [][]float32, truth [][]int, got [][]Result) float64 {
	var sum float64
	for i, t := range truth {
		if len(t) == 0 {
			sum++
			continue
		}
		want := map[uint64]bool{}
		for _, id := range t {
			want[uint64(id)] = true
		}
		kth := dotF32(queries[i], base[t[len(t)-1]])
		hit := 0
		for _, r := range got[i] {
			if want[r.ID] || dotF32(queries[i], base[r.ID]) >= kth-1e-6 {
				hit++
			}
		}
		sum += float64(min(hit, len(t))) / float64(len(t))
	}
	return sum / float64(len(truth))
}

func report(b *testing.B, rec, p50, p99, buildS, bPer, openMS float64) {
	b.ReportMetric(rec, "recall@10")
	b.ReportMetric(p50, "p50-ms")
	b.ReportMetric(p99, "p99-ms")
	b.ReportMetric(buildS, "build-s")
	b.ReportMetric(bPer, "B/vec")
	b.ReportMetric(openMS, "open-ms")
}

func loadDump(b *testing.B, path string, n, d int) (base, queries [][]float32) {
	raw, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	if len(raw)%(4*d) != 0 || len(raw)/(4*d) <= n {
		b.Fatalf("%s: %d bytes is not %d rows of dim %d plus queries", path, len(raw), n, d)
	}
	all := make([]float32, len(raw)/4)
	if littleEndian {
		copy(all, unsafe.Slice((*float32)(unsafe.Pointer(&raw[0])), len(all)))
	} else {
		for i := range all {
			all[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
	}
	rows := len(all) / d
	out := make([][]float32, rows)
	for i := range out {
		out[i] = all[i*d : (i+1)*d : (i+1)*d]
	}
	return out[:n], out[n:]
}

// cachedTruth computes (or reads back) the exact top-10 of every query.
func cachedTruth(b *testing.B, path string, base, queries [][]float32) [][]int {
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	cache := fmt.Sprintf("%s.%d.%d.%d.gt10", path, len(base), len(queries), st.ModTime().UnixNano())
	if raw, err := os.ReadFile(cache); err == nil && len(raw) == 4*10*len(queries) {
		out := make([][]int, len(queries))
		for i := range out {
			for j := 0; j < 10; j++ {
				out[i] = append(out[i], int(binary.LittleEndian.Uint32(raw[4*(10*i+j):])))
			}
		}
		return out
	}
	t0 := time.Now()
	out := groundTruth(base, queries, 10, nil)
	b.Logf("exact ground truth: %.1f s", time.Since(t0).Seconds())
	raw := make([]byte, 0, 4*10*len(queries))
	for _, ids := range out {
		for _, id := range ids {
			raw = binary.LittleEndian.AppendUint32(raw, uint32(id))
		}
	}
	os.WriteFile(cache, raw, 0o644)
	return out
}

func envStr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func envInt(k string, def int) int {
	v, err := strconv.Atoi(os.Getenv(k))
	if err != nil {
		return def
	}
	return v
}

func envInts(k string, def []int) []int {
	s := os.Getenv(k)
	if s == "" {
		return def
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		if v, err := strconv.Atoi(strings.TrimSpace(f)); err == nil {
			out = append(out, v)
		}
	}
	return out
}

// TestExportDump writes the vectors an index file holds as a dump
// BenchmarkDump and bench/faiss_dump.py read: the live rows decoded to
// float32 and normalised, shuffled with a fixed seed, the first
// N-VECTOR_EXPORT_QUERIES as base rows and the rest (held-out rows) as
// queries. Environment: VECTOR_EXPORT_SRC (an index file, e.g. a store's
// search/vectors.cgv), VECTOR_EXPORT_DST, VECTOR_EXPORT_QUERIES (default
// 1000). Skipped when VECTOR_EXPORT_SRC is unset.
func TestExportDump(t *testing.T) {
	src, dst := os.Getenv("VECTOR_EXPORT_SRC"), os.Getenv("VECTOR_EXPORT_DST")
	if src == "" || dst == "" {
		t.Skip("VECTOR_EXPORT_SRC and VECTOR_EXPORT_DST not set")
	}
	nq := envInt("VECTOR_EXPORT_QUERIES", 1000)
	ix, err := Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	r, d := ix.r, ix.r.dim
	var live []uint32
	for i := 0; i < r.n; i++ {
		if !r.deleted(uint32(i)) {
			live = append(live, uint32(i))
		}
	}
	if len(live) <= nq {
		t.Fatalf("%s: %d live rows, not more than %d queries", src, len(live), nq)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(live), func(a, b int) { live[a], live[b] = live[b], live[a] })
	f, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	x := make([]float32, d)
	buf := make([]byte, 4*d)
	for _, i := range live {
		r.decode(x, i)
		normalize(x)
		for j, v := range x {
			binary.LittleEndian.PutUint32(buf[4*j:], math.Float32bits(v))
		}
		w.Write(buf)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %d base + %d queries, dim %d (%s, %s) to %s: N=%d D=%d",
		len(live)-nq, nq, d, ix.opts.Kind, ix.opts.Quantization, dst, len(live)-nq, d)
}
