package vector

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestPersistent(t *testing.T) {
	base, queries := testData()
	base = base[:2000]
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "vec.idx")
	o := Options{Kind: HNSW, Dim: 64, Quantization: Int8, EfConstruction: 64}
	p, err := OpenPersistent(ctx, path, o)
	if err != nil {
		t.Fatal(err)
	}
	ids := seqIDs(len(base))
	if err := p.Add(ctx, ids[:1500], base[:1500]); err != nil {
		t.Fatal(err)
	}
	if err := p.Merge(ctx); err != nil {
		t.Fatal(err)
	}
	// A delta on top of the base: new rows, a replaced row, deleted rows.
	if err := p.Add(ctx, ids[1500:], base[1500:]); err != nil {
		t.Fatal(err)
	}
	if err := p.Add(ctx, []uint64{7}, [][]float32{queries[0]}); err != nil {
		t.Fatal(err)
	}
	if err := p.Delete(10, 1510, 99999); err != nil {
		t.Fatal(err)
	}
	check := func(stage string, p *Persistent) {
		t.Helper()
		if n := p.Len(); n != len(base)-2 {
			t.Errorf("%s: Len %d, want %d", stage, n, len(base)-2)
		}
		res, err := p.Search(ctx, queries[0], 5, nil)
		if err != nil || res[0].ID != 7 {
			ex, _ := p.base.SearchWith(ctx, queries[0], 3, SearchOptions{Exact: true})
			t.Errorf("%s: replaced row not found first: %v %v; base has 7: %v, exact %v, stats %+v", stage, res, err, p.base.Contains(7), ex, p.base.Stats())
		}
		keep := func(i int) bool { return i != 10 && i != 1510 && i != 7 }
		truth := groundTruth(base, queries[1:], 10, keep)
		got := make([][]Result, len(queries)-1)
		for i, q := range queries[1:] {
			if got[i], err = p.Search(ctx, q, 10, nil); err != nil {
				t.Fatal(err)
			}
			for _, r := range got[i] {
				if r.ID == 10 || r.ID == 1510 {
					t.Fatalf("%s: deleted id %d returned", stage, r.ID)
				}
			}
		}
		// Row 7's old vector is gone, so truth (without 7) may miss it:
		// drop 7 from results before scoring.
		for i := range got {
			out := got[i][:0]
			for _, r := range got[i] {
				if r.ID != 7 {
					out = append(out, r)
				}
			}
			got[i] = out
		}
		if rec := recallAt(truth, got); rec < 0.93 {
			t.Errorf("%s: recall@10 %.3f", stage, rec)
		}
	}
	check("live", p)
	if p.DeltaLen() == 0 {
		t.Error("no delta before merge")
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	// Reopen: the log replays onto the mapped base.
	p, err = OpenPersistent(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	check("replayed", p)
	// A torn record at the end of the log is dropped.
	p.Close()
	f, _ := os.OpenFile(path+".log", os.O_APPEND|os.O_WRONLY, 0)
	f.Write([]byte{opAdd, 1, 2, 3})
	f.Close()
	p, err = OpenPersistent(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	check("torn tail", p)
	// Keep the pre-merge log, merge, then put the stale log back (a crash
	// between rewriting the base and resetting the log): it is ignored.
	stale, _ := os.ReadFile(path + ".log")
	if err := p.Merge(ctx); err != nil {
		t.Fatal(err)
	}
	if p.DeltaLen() != 0 {
		t.Errorf("delta %d after merge", p.DeltaLen())
	}
	check("merged", p)
	p.Close()
	os.WriteFile(path+".log", stale, 0o644)
	p, err = OpenPersistent(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	check("stale log", p)
	if p.DeltaLen() != 0 {
		t.Errorf("stale log replayed: delta %d", p.DeltaLen())
	}
}

func TestPersistentAutoMerge(t *testing.T) {
	base, _ := testData()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "vec.idx")
	p, err := OpenPersistent(ctx, path, Options{Kind: IVF, Dim: 64})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.MergeRows = 500
	for i := 0; i < 2000; i += 100 {
		if err := p.Add(ctx, seqIDs(2000)[i:i+100], base[i:i+100]); err != nil {
			t.Fatal(err)
		}
	}
	if d := p.DeltaLen(); d > 500 {
		t.Errorf("delta %d never merged", d)
	}
	if p.Len() != 2000 {
		t.Errorf("Len %d", p.Len())
	}
}

// BenchmarkPersistentUpdate is the cost of a one-file change: replace 20
// rows and delete 5 on a 6,000-row base (log append + fsync + delta).
func BenchmarkPersistentUpdate(b *testing.B) {
	base, _ := testData()
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "vec.idx")
	p, err := OpenPersistent(ctx, path, Options{Kind: HNSW, Dim: 64, Quantization: Int8, EfConstruction: 64})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	ids := seqIDs(len(base))
	p.Add(ctx, ids, base)
	p.Merge(ctx)
	p.MergeRows = 1 << 30
	i := 0
	for b.Loop() {
		o := (i * 20) % (len(base) - 20)
		p.Add(ctx, ids[o:o+20], base[o:o+20])
		p.Delete(ids[o+20 : o+25]...)
		i++
	}
}

// TestSimilarities checks that Similarities scores rows as Search does,
// on an Index and on a Persistent whose delta replaces and deletes base
// rows, and gives NaN for absent ids.
func TestSimilarities(t *testing.T) {
	base, queries := testData()
	base = base[:600]
	ctx := context.Background()
	p, err := OpenPersistent(ctx, filepath.Join(t.TempDir(), "vec.idx"), Options{Kind: Flat, Dim: 64, Quantization: Int8})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ids := seqIDs(len(base))
	if err := p.Add(ctx, ids[:500], base[:500]); err != nil {
		t.Fatal(err)
	}
	if err := p.Merge(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.Add(ctx, ids[500:], base[500:]); err != nil {
		t.Fatal(err)
	}
	if err := p.Add(ctx, []uint64{7}, [][]float32{queries[1]}); err != nil { // replaced: now in the delta
		t.Fatal(err)
	}
	if err := p.Delete(10, 550); err != nil {
		t.Fatal(err)
	}
	q := queries[0]
	res, err := p.Search(ctx, q, len(base), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[uint64]float32{}
	for _, r := range res {
		want[r.ID] = r.Score
	}
	probe := []uint64{0, 7, 10, 499, 501, 550, 599, 12345}
	got := make([]float32, len(probe))
	if err := p.Similarities(q, probe, got); err != nil {
		t.Fatal(err)
	}
	for i, id := range probe {
		w, ok := want[id]
		switch {
		case !ok && !math.IsNaN(float64(got[i])):
			t.Errorf("id %d: absent, got %v, want NaN", id, got[i])
		case ok && math.Abs(float64(got[i]-w)) > 1e-5:
			t.Errorf("id %d: similarity %v, Search scored %v", id, got[i], w)
		}
	}
	if _, ok := want[7]; !ok {
		t.Fatal("replaced id 7 missing from Search")
	}
	// Reopened, the id map is not built: a few ids are found by a pass
	// over the rows, many through the map; both score as Search did.
	path := filepath.Join(t.TempDir(), "vec2.idx")
	p2, err := OpenPersistent(ctx, path, Options{Kind: Flat, Dim: 64, Quantization: Int8})
	if err != nil {
		t.Fatal(err)
	}
	if err := p2.Add(ctx, ids, base); err != nil {
		t.Fatal(err)
	}
	if err := p2.Merge(ctx); err != nil {
		t.Fatal(err)
	}
	p2.Close()
	res2, err := func() ([]Result, error) {
		p3, err := OpenPersistent(ctx, path, Options{Kind: Flat, Dim: 64, Quantization: Int8})
		if err != nil {
			return nil, err
		}
		defer p3.Close()
		few := make([]float32, len(probe))
		if err := p3.Similarities(q, probe, few); err != nil {
			return nil, err
		}
		many := append(slices.Clone(ids), 12345)
		all := make([]float32, len(many))
		if err := p3.Similarities(q, many, all); err != nil {
			return nil, err
		}
		byID := map[uint64]float32{}
		for i, id := range many {
			byID[id] = all[i]
		}
		for i, id := range probe {
			a, b := few[i], byID[id]
			if !(a == b || math.IsNaN(float64(a)) && math.IsNaN(float64(b))) {
				t.Errorf("reopened, id %d: %v looked up among few ids, %v among many", id, a, b)
			}
		}
		return p3.Search(ctx, q, len(base), nil)
	}()
	if err != nil {
		t.Fatal(err)
	}
	if len(res2) != len(base) {
		t.Errorf("reopened: Search found %d rows, want %d", len(res2), len(base))
	}
	if err := p.Similarities(q, probe, got[:2]); err == nil {
		t.Error("Similarities with a short dst: no error")
	}
	if err := p.Similarities(q[:10], probe, got); !errors.Is(err, ErrDimension) {
		t.Errorf("wrong dimension: %v, want ErrDimension", err)
	}
}
