package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// dump returns every key and value of the store, in key order.
func dump(t *testing.T, s *Store) [][2]string {
	t.Helper()
	it, err := s.db.NewIter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	var out [][2]string
	for ok := it.First(); ok; ok = it.Next() {
		out = append(out, [2]string{string(it.Key()), string(it.Value())})
	}
	if err := it.Error(); err != nil {
		t.Fatal(err)
	}
	return out
}

// loadFiles are the files both paths of TestLoadSameAsBatch write: 40
// synthetic files, then two that share a node id (the later write wins).
func loadFiles() (metas []FileMeta, nodes [][]graph.Node, edges [][]graph.Edge) {
	for i := range 40 {
		m, n, e := genFile(fmt.Sprintf("dir%d/f%02d.go", i%4, i), 1+i%3, 5+i%7)
		m.IndexedAt = int64(i + 1)
		metas, nodes, edges = append(metas, m), append(nodes, n), append(edges, e)
	}
	shared := graph.MakeNodeID("shared", "shared", graph.KindFunction, 0)
	for i, p := range []string{"x.go", "y.go"} {
		m := FileMeta{Path: p, Language: "go", IndexedAt: 99}
		n := []graph.Node{{ID: shared, Kind: graph.KindFunction, Name: "Shared", QualifiedName: "Shared", File: p, Signature: fmt.Sprint(i)}}
		metas, nodes, edges = append(metas, m), append(nodes, n), append(edges, nil)
	}
	return metas, nodes, edges
}

// TestLoadSameAsBatch checks that a bulk load, committed in many runs,
// leaves exactly the keys and values the ordinary batches leave, in the
// bottom level of the LSM, and that later updates read it as they read
// batches' writes.
func TestLoadSameAsBatch(t *testing.T) {
	metas, nodes, edges := loadFiles()
	write := func(s *Store, b *Batch) {
		t.Helper()
		for i := range metas {
			if err := b.ReplaceFile(metas[i], nodes[i], edges[i]); err != nil {
				t.Fatal(err)
			}
			if i%3 == 2 || i >= 40 {
				if err := b.Commit(false); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	want := openTest(t, Options{})
	wb := want.NewBatch()
	defer wb.Close()
	write(want, wb)
	if err := wb.Commit(true); err != nil {
		t.Fatal(err)
	}

	got := openTest(t, Options{})
	gb := newLoad(t, got)
	defer gb.Close()
	write(got, gb)
	if n := len(gb.load.runs); n < 10 {
		t.Fatalf("%d runs, want one per commit", n)
	}
	if fs, err := got.Stats(); err != nil || fs.Files != 0 {
		t.Fatalf("before Ingest: %d files (%v), want none visible", fs.Files, err)
	}
	if err := gb.Ingest(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(got.Dir(), loadDirName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("load directory left after Ingest: %v", err)
	}
	if err := gb.ReplaceFile(metas[0], nodes[0], edges[0]); err == nil {
		t.Error("ReplaceFile after Ingest: no error")
	}
	compareDumps(t, dump(t, want), dump(t, got))
	if n, err := got.Node(nodes[41][0].ID); err != nil || n.File != "y.go" {
		t.Errorf("shared node: %+v %v, want the later write's", n, err)
	}
	m := got.db.Metrics()
	if m.Levels[0].TablesCount != 0 || m.Levels[len(m.Levels)-1].TablesCount == 0 {
		t.Errorf("tables by level after Ingest: L0 %d, L6 %d; want all in L6",
			m.Levels[0].TablesCount, m.Levels[len(m.Levels)-1].TablesCount)
	}
	if ra := got.EngineMetrics().ReadAmp; ra != 1 {
		t.Errorf("read amplification %d after Ingest, want 1", ra)
	}

	// Updates after the load read the ingested facts (removeFile).
	for _, s := range []*Store{want, got} {
		meta, n, e := genFile("dir1/f05.go", 9, 4)
		meta.IndexedAt = 7
		replace(t, s, meta, n, e)
		b := s.NewBatch()
		if err := b.DeleteFile("dir2/f06.go"); err != nil {
			t.Fatal(err)
		}
		if err := b.Commit(true); err != nil {
			t.Fatal(err)
		}
		b.Close()
	}
	compareDumps(t, dump(t, want), dump(t, got))
}

func compareDumps(t *testing.T, want, got [][2]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d keys, want %d", len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			t.Fatalf("key %d: got %x = %x, want %x = %x", i, got[i][0], got[i][1], want[i][0], want[i][1])
		}
	}
}

// newLoad starts a bulk load on s.
func newLoad(t *testing.T, s *Store) *Batch {
	t.Helper()
	b, err := s.NewLoadBatch()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLoadRules(t *testing.T) {
	s := openTest(t, Options{})
	b := newLoad(t, s)
	defer b.Close()
	meta, nodes, edges := genFile("a.go", 1, 3)
	if err := b.ReplaceFile(meta, nodes, edges); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(false); err != nil {
		t.Fatal(err)
	}
	if s.Bare() {
		t.Error("Bare after a path was given to a load")
	}
	if err := b.ReplaceFile(meta, nodes, edges); !errors.Is(err, ErrNotBare) {
		t.Errorf("a path written twice in a load: %v, want ErrNotBare", err)
	}
	for name, err := range map[string]error{
		"DeleteFile":     b.DeleteFile("b.go"),
		"SetMeta":        b.SetMeta("k", nil),
		"DeleteMeta":     b.DeleteMeta("k"),
		"UpdateFileMeta": b.UpdateFileMeta(FileMeta{Path: "c.go"}),
	} {
		if !errors.Is(err, errLoadOnly) {
			t.Errorf("%s in a load: %v, want errLoadOnly", name, err)
		}
	}
	if err := b.Ingest(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := verifyStore(s); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2 := openTestDir(t, s.Dir(), Options{})
	if s2.Bare() {
		t.Error("Bare after reopening a store with files")
	}
	b2 := newLoad(t, s2)
	defer b2.Close()
	if err := b2.ReplaceFile(meta, nodes, edges); !errors.Is(err, ErrNotBare) {
		t.Errorf("load of a file the reopened store holds: %v, want ErrNotBare", err)
	}
}

// TestLoadOverLoad checks a second load over an ingested one (what the
// resolution after a bulk load writes): edges resolved and unresolved
// (deletions as tombstones) and new files read as the batch path's, the
// second load's tables in the level above the first's.
func TestLoadOverLoad(t *testing.T) {
	metas, nodes, edges := loadFiles()
	stores := [2]*Store{openTest(t, Options{}), openTest(t, Options{})}
	for i, s := range stores {
		// The first store writes through batches, the second through loads.
		begin := func() *Batch {
			if i == 0 {
				return s.NewBatch()
			}
			b := newLoad(t, s)
			return b
		}
		finish := func(b *Batch) {
			if i == 0 {
				if err := b.Commit(true); err != nil {
					t.Fatal(err)
				}
			} else if err := b.Ingest(context.Background()); err != nil {
				t.Fatal(err)
			}
			b.Close()
		}
		b := begin()
		for j := range metas {
			if err := b.ReplaceFile(metas[j], nodes[j], edges[j]); err != nil {
				t.Fatal(err)
			}
		}
		finish(b)

		// The second write: every unresolved call of the first 20 files
		// bound to its file's node, every resolved call of the next ten
		// unbound, a new file.
		b = begin()
		for j := range 30 {
			for k, e := range edges[j] {
				switch {
				case j < 20 && !e.Resolved():
					if err := b.ResolveEdge(e, []graph.NodeID{nodes[j][0].ID}, graph.ResExact); err != nil {
						t.Fatal(err)
					}
				case j >= 20 && e.Resolved() && e.Kind == graph.EdgeCalls:
					if err := b.UnresolveEdge(e); err != nil {
						t.Fatal(err)
					}
				}
				if k%5 == 4 {
					if err := b.Commit(false); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		m, n, e := genFile("new/file.go", 4, 6)
		m.IndexedAt = 5
		if err := b.ReplaceFile(m, n, e); err != nil {
			t.Fatal(err)
		}
		finish(b)
	}
	compareDumps(t, dump(t, stores[0]), dump(t, stores[1]))
	// The store is small, so its base level is L6 and the second load's
	// tables, overlapping the first's, go to L0: side by side in one
	// sublevel.
	if ra := stores[1].EngineMetrics().ReadAmp; ra != 2 {
		m := stores[1].db.Metrics()
		t.Errorf("read amplification %d (L0 %d tables in %d sublevels, L6 %d tables); want the second load in one level above the first",
			ra, m.Levels[0].TablesCount, m.Levels[0].Sublevels, m.Levels[6].TablesCount)
	}
	for _, s := range stores {
		if err := s.Compact(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	compareDumps(t, dump(t, stores[0]), dump(t, stores[1]))
}

// TestLoadAbandoned checks that a load closed, cancelled or killed before
// it is ingested leaves the store as it was, and its files nowhere.
func TestLoadAbandoned(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	loadDir := filepath.Join(dir, loadDirName)
	gone := func(when string) {
		t.Helper()
		if _, err := os.Stat(loadDir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: load directory still there (%v)", when, err)
		}
		if st, err := s.Stats(); err != nil || st.Files != 0 {
			t.Errorf("%s: %d files (%v), want none", when, st.Files, err)
		}
	}
	fill := func(b *Batch) {
		t.Helper()
		for i := range 5 {
			m, n, e := genFile(fmt.Sprintf("f%d.go", i), 1, 4)
			if err := b.ReplaceFile(m, n, e); err != nil {
				t.Fatal(err)
			}
			if err := b.Commit(false); err != nil {
				t.Fatal(err)
			}
		}
	}
	// load is a new load batch of the store, filled.
	load := func() *Batch {
		t.Helper()
		b := newLoad(t, s)
		fill(b)
		return b
	}

	b := load()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	gone("closed")

	// The store no longer knows the paths given to the closed load to be
	// unwritten; a reopen does.
	if s.Bare() {
		t.Error("Bare after an abandoned load")
	}
	s.Close()
	if s, err = Open(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	b = load()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := b.Ingest(ctx); err == nil {
		t.Error("Ingest with a cancelled context: no error")
	}
	b.Close()
	gone("cancelled")

	// Killed: the runs and a half-written table stay on disk until the
	// next writer opens the store.
	s.Close()
	if s, err = Open(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	b = load()
	if err := os.WriteFile(filepath.Join(loadDir, "00-0000.sst"), []byte("half a table"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.Close() // the batch is never closed, as after a kill
	if s, err = Open(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	gone("reopened after a kill")
	b = load()
	defer b.Close()
	if err := b.Ingest(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := verifyStore(s); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.Stats(); st.Files != 5 {
		t.Errorf("%d files after a load on the reopened store, want 5", st.Files)
	}
}

// TestLoadEmpty: a load given nothing ingests nothing.
func TestLoadEmpty(t *testing.T) {
	s := openTest(t, Options{})
	b := newLoad(t, s)
	defer b.Close()
	if err := b.Ingest(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d := dump(t, s); len(d) != 1 || !bytes.Equal([]byte(d[0][0]), schemaKey) {
		t.Errorf("store after an empty load holds %d keys, want the format version only", len(d))
	}
}
