package vector

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
)

// testData is shared by the recall tests: 4,000 clustered 64-dim rows and
// 100 queries.
var testData = sync.OnceValues(func() ([][]float32, [][]float32) {
	return clustered(4000, 100, 64, 16, 40, 11)
})

func build(t testing.TB, o Options, base [][]float32) *Index {
	t.Helper()
	ix, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Add(context.Background(), seqIDs(len(base)), base); err != nil {
		t.Fatal(err)
	}
	return ix
}

func searchAll(t testing.TB, ix *Index, queries [][]float32, k int, o SearchOptions) [][]Result {
	t.Helper()
	out := make([][]Result, len(queries))
	for i, q := range queries {
		res, err := ix.SearchWith(context.Background(), q, k, o)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = res
	}
	return out
}

func TestRecall(t *testing.T) {
	base, queries := testData()
	truth := groundTruth(base, queries, 10, nil)
	cases := []struct {
		o    Options
		want float64
	}{
		{Options{Kind: Flat}, 1},
		{Options{Kind: Flat, Quantization: Float16}, 0.99},
		{Options{Kind: Flat, Quantization: Int8}, 0.97},
		{Options{Kind: HNSW, M: 16, EfConstruction: 64, EfSearch: 64}, 0.98},
		{Options{Kind: HNSW, M: 16, EfConstruction: 64, EfSearch: 64, Quantization: Int8}, 0.96},
		{Options{Kind: HNSW, M: 16, EfConstruction: 64, EfSearch: 64, Quantization: Float16}, 0.98},
		{Options{Kind: HNSW, M: 8, EfConstruction: 64, EfSearch: 64, Metric: InnerProduct, Workers: 1}, 0.95},
		{Options{Kind: IVF, NProbe: 32}, 0.95},
		{Options{Kind: IVF, NProbe: 32, Quantization: Int8, Metric: InnerProduct}, 0.95},
	}
	for _, c := range cases {
		c.o.Dim = 64
		name := fmt.Sprintf("%v-%v-%v-M%d-w%d", c.o.Kind, c.o.Quantization, c.o.Metric, c.o.M, c.o.Workers)
		t.Run(name, func(t *testing.T) {
			ix := build(t, c.o, base)
			defer ix.Close()
			got := searchAll(t, ix, queries, 10, SearchOptions{})
			rec := recallAt(truth, got)
			t.Logf("recall@10 %.3f", rec)
			if rec < c.want {
				t.Errorf("recall@10 %.3f < %.2f", rec, c.want)
			}
			for i, res := range got {
				for j := 1; j < len(res); j++ {
					if res[j].Score > res[j-1].Score {
						t.Fatalf("query %d: results not sorted: %v", i, res)
					}
				}
			}
		})
	}
}

func TestFilteredRecall(t *testing.T) {
	base, queries := testData()
	for _, kind := range []Kind{HNSW, IVF} {
		ix := build(t, Options{Kind: kind, Dim: 64, Quantization: Int8, EfConstruction: 64, NProbe: 32}, base)
		for _, pct := range []int{1, 10, 50, 90} {
			keep := func(i int) bool { return (uint64(i)*0x9e3779b97f4a7c15)>>32%100 < uint64(pct) }
			truth := groundTruth(base, queries, 10, keep)
			filter := func(id uint64) bool { return keep(int(id)) }
			got := searchAll(t, ix, queries, 10, SearchOptions{Filter: filter})
			for _, res := range got {
				for _, r := range res {
					if !filter(r.ID) {
						t.Fatalf("%v %d%%: id %d does not pass the filter", kind, pct, r.ID)
					}
				}
			}
			rec := recallAt(truth, got)
			t.Logf("%v filter %d%%: recall@10 %.3f", kind, pct, rec)
			if rec < 0.95 {
				t.Errorf("%v filter %d%%: recall@10 %.3f < 0.95", kind, pct, rec)
			}
		}
		ix.Close()
	}
}

func TestDeleteAndCompact(t *testing.T) {
	base, queries := testData()
	for _, kind := range []Kind{HNSW, IVF, Flat} {
		t.Run(kind.String(), func(t *testing.T) {
			ix := build(t, Options{Kind: kind, Dim: 64, Quantization: Int8, EfConstruction: 64, NProbe: 32}, base)
			defer ix.Close()
			// Delete every row whose id is ≡ 3 mod 10 (10%).
			var del []uint64
			for i := range base {
				if i%10 == 3 {
					del = append(del, uint64(i))
				}
			}
			if n := ix.Delete(append(del, 1<<40)...); n != len(del) {
				t.Fatalf("Delete removed %d, want %d", n, len(del))
			}
			if ix.Len() != len(base)-len(del) || ix.Contains(3) || !ix.Contains(4) {
				t.Fatalf("after delete: len %d contains(3) %v", ix.Len(), ix.Contains(3))
			}
			keep := func(i int) bool { return i%10 != 3 }
			truth := groundTruth(base, queries, 10, keep)
			check := func(stage string, min float64) {
				got := searchAll(t, ix, queries, 10, SearchOptions{})
				for _, res := range got {
					for _, r := range res {
						if r.ID%10 == 3 {
							t.Fatalf("%s: deleted id %d returned", stage, r.ID)
						}
					}
				}
				rec := recallAt(truth, got)
				t.Logf("%s: recall@10 %.3f", stage, rec)
				if rec < min {
					t.Errorf("%s: recall@10 %.3f < %.2f", stage, rec, min)
				}
			}
			check("after deleting 10%", 0.95)
			if st := ix.Stats(); st.Deleted != len(del) {
				t.Errorf("Stats.Deleted %d, want %d", st.Deleted, len(del))
			}
			if err := ix.Compact(context.Background()); err != nil {
				t.Fatal(err)
			}
			if st := ix.Stats(); st.Deleted != 0 || st.Live != len(base)-len(del) {
				t.Errorf("after compact: %+v", st)
			}
			check("after compact", 0.95)
			// Deleted ids can come back.
			if err := ix.Add(context.Background(), []uint64{3}, [][]float32{base[3]}); err != nil {
				t.Fatal(err)
			}
			res, err := ix.Search(context.Background(), base[3], 1, nil)
			if err != nil || len(res) != 1 || res[0].ID != 3 {
				t.Errorf("re-added id 3: %v %v", res, err)
			}
		})
	}
}

func TestUpsertAndIncremental(t *testing.T) {
	base, queries := testData()
	for _, kind := range []Kind{HNSW, IVF, Flat} {
		t.Run(kind.String(), func(t *testing.T) {
			ix, err := New(Options{Kind: kind, Dim: 64, EfConstruction: 64, NProbe: 32})
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			ctx := context.Background()
			// One big batch, then many small ones (the incremental path).
			if err := ix.Add(ctx, seqIDs(3000), base[:3000]); err != nil {
				t.Fatal(err)
			}
			for i := 3000; i < len(base); i += 50 {
				ids := seqIDs(len(base))[i : i+50]
				if err := ix.Add(ctx, ids, base[i:i+50]); err != nil {
					t.Fatal(err)
				}
			}
			if ix.Len() != len(base) {
				t.Fatalf("Len %d, want %d", ix.Len(), len(base))
			}
			truth := groundTruth(base, queries, 10, nil)
			if rec := recallAt(truth, searchAll(t, ix, queries, 10, SearchOptions{})); rec < 0.93 {
				t.Errorf("recall@10 after incremental adds %.3f", rec)
			}
			// Replacing id 7's vector by query 0 makes it query 0's best hit.
			if err := ix.Add(ctx, []uint64{7}, [][]float32{queries[0]}); err != nil {
				t.Fatal(err)
			}
			res, err := ix.Search(ctx, queries[0], 3, nil)
			if err != nil || res[0].ID != 7 || res[0].Score < 0.999 {
				t.Fatalf("after upsert: %v %v", res, err)
			}
			if ix.Len() != len(base) {
				t.Errorf("upsert changed Len to %d", ix.Len())
			}
		})
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	for _, o := range []Options{{}, {Dim: -1}, {Dim: 8, M: 1}, {Dim: 8, Kind: 9}, {Dim: 8, Quantization: 7}} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) succeeded", o)
		}
	}
	ix, err := New(Options{Dim: 4})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Add(ctx, []uint64{1}, [][]float32{{1, 2, 3}}); !errors.Is(err, ErrDimension) {
		t.Errorf("short vector: %v", err)
	}
	if err := ix.Add(ctx, []uint64{1, 2}, [][]float32{{1, 2, 3, 4}}); err == nil {
		t.Error("mismatched ids accepted")
	}
	if _, err := ix.Search(ctx, []float32{1}, 3, nil); !errors.Is(err, ErrDimension) {
		t.Errorf("short query: %v", err)
	}
	if res, err := ix.Search(ctx, []float32{1, 0, 0, 0}, 3, nil); err != nil || len(res) != 0 {
		t.Errorf("empty index: %v %v", res, err)
	}
	ix.Close()
	if _, err := ix.Search(ctx, []float32{1, 0, 0, 0}, 3, nil); !errors.Is(err, ErrClosed) {
		t.Errorf("after close: %v", err)
	}
	for _, s := range []string{"hnsw", "ivf", "flat"} {
		if k, err := ParseKind(s); err != nil || k.String() != s {
			t.Errorf("ParseKind(%q) = %v, %v", s, k, err)
		}
	}
	if _, err := ParseKind("lsh"); err == nil {
		t.Error("ParseKind(lsh) succeeded")
	}
	if _, err := ParseMetric("l2"); err == nil {
		t.Error("ParseMetric(l2) succeeded")
	}
	if q, err := ParseQuantization("int8"); err != nil || q != Int8 {
		t.Errorf("ParseQuantization(int8) = %v %v", q, err)
	}
}

func TestCancel(t *testing.T) {
	base, queries := testData()
	ix, err := New(Options{Kind: HNSW, Dim: 64, EfConstruction: 64})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := ix.Add(ctx, seqIDs(len(base)), base); !errors.Is(err, context.Canceled) {
		t.Fatalf("Add with cancelled context: %v", err)
	}
	// The index is still consistent: whatever was linked is searchable,
	// and a retry completes it.
	if err := ix.Add(context.Background(), seqIDs(len(base)), base); err != nil {
		t.Fatal(err)
	}
	if ix.Len() != len(base) {
		t.Fatalf("Len %d after retry", ix.Len())
	}
	truth := groundTruth(base, queries, 10, nil)
	if rec := recallAt(truth, searchAll(t, ix, queries, 10, SearchOptions{})); rec < 0.93 {
		t.Errorf("recall after retry %.3f", rec)
	}
}

func TestConcurrentSearchAndWrite(t *testing.T) {
	base, queries := testData()
	base = base[:3000]
	ix := build(t, Options{Kind: HNSW, Dim: 64, Quantization: Int8, EfConstruction: 64}, base[:2000])
	defer ix.Close()
	ctx := context.Background()
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if _, err := ix.Search(ctx, queries[(i+w)%len(queries)], 10, nil); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for i := 2000; i < 3000; i += 100 {
		if err := ix.Add(ctx, seqIDs(3000)[i:i+100], base[i:i+100]); err != nil {
			t.Fatal(err)
		}
		ix.Delete(uint64(i - 1000))
	}
	wg.Wait()
	if ix.Len() != 3000-10 {
		t.Errorf("Len %d", ix.Len())
	}
}

func BenchmarkHNSWSearch(b *testing.B) {
	base, queries := testData()
	for _, q := range []Quantization{Float32, Int8} {
		ix := build(b, Options{Kind: HNSW, Dim: 64, Quantization: q, EfConstruction: 64}, base)
		b.Run(q.String(), func(b *testing.B) {
			i := 0
			for b.Loop() {
				ix.Search(context.Background(), queries[i%len(queries)], 10, nil)
				i++
			}
		})
		ix.Close()
	}
}

func BenchmarkHNSWBuild(b *testing.B) {
	base, _ := testData()
	for b.Loop() {
		build(b, Options{Kind: HNSW, Dim: 64, Quantization: Int8, EfConstruction: 64}, base).Close()
	}
}
