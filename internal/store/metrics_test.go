package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// TestEngineMetrics checks that the engine's figures follow writes, a
// compaction and reads.
func TestEngineMetrics(t *testing.T) {
	st := openTest(t, Options{})
	before := st.EngineMetrics()
	for i := range 200 {
		meta, nodes, edges := genFile(fmt.Sprintf("pkg/f%03d.go", i), 1, 20)
		replace(t, st, meta, nodes, edges)
	}
	if err := st.Compact(context.Background()); err != nil {
		t.Fatal(err)
	}
	m := st.EngineMetrics()
	if m.Tables == 0 || m.DiskBytes <= before.DiskBytes || m.Flushes == 0 || m.Compactions == 0 {
		t.Fatalf("after writes and a compaction: %+v (before %+v)", m, before)
	}
	if _, err := st.Stats(); err != nil { // reads through the block cache
		t.Fatal(err)
	}
	if m = st.EngineMetrics(); m.BlockCacheHits+m.BlockCacheMisses == 0 || m.ReadAmp < 1 {
		t.Fatalf("after reads: %+v", m)
	}
}

// TestEngineMetricsReopened checks the figures of a store opened read-only
// and not written since (Pebble reports no sublevels then): level 0 and
// read amplification are counted from the tables.
func TestEngineMetricsReopened(t *testing.T) {
	dir := t.TempDir()
	st, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		meta, nodes, edges := genFile(fmt.Sprintf("pkg/f%03d.go", i), 1, 20)
		replace(t, st, meta, nodes, edges)
	}
	if err := st.Flush(); err != nil {
		t.Fatal(err)
	}
	want := st.EngineMetrics()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	ro := openTestDir(t, dir, Options{ReadOnly: true})
	got := ro.EngineMetrics()
	if got.Tables == 0 || got.ReadAmp < 1 || got.ReadAmp != want.ReadAmp || got.L0Sublevels != want.L0Sublevels {
		t.Fatalf("reopened: %+v\nwritten: %+v", got, want)
	}
}

// TestDropCache: DropCache empties the block cache, and reads fill it
// again with the same answers.
func TestDropCache(t *testing.T) {
	st := openTest(t, Options{})
	for i := range 100 {
		meta, nodes, edges := genFile(fmt.Sprintf("pkg/f%03d.go", i), 1, 20)
		replace(t, st, meta, nodes, edges)
	}
	if err := st.Flush(); err != nil {
		t.Fatal(err)
	}
	want, err := st.Stats() // reads through the block cache
	if err != nil {
		t.Fatal(err)
	}
	if m := st.EngineMetrics(); m.BlockCacheBytes == 0 {
		t.Fatalf("nothing cached after reads: %+v", m)
	}
	st.DropCache()
	if m := st.EngineMetrics(); m.BlockCacheBytes != 0 {
		t.Fatalf("%d bytes cached after DropCache", m.BlockCacheBytes)
	}
	got, err := st.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("after DropCache: %+v, before %+v", got, want)
	}
	if m := st.EngineMetrics(); m.BlockCacheBytes == 0 {
		t.Fatalf("reads after DropCache cached nothing: %+v", m)
	}
}

// TestReserveMemTables: while the memtables' share is reserved, reads
// cache no more blocks than CacheSize; released, the share caches blocks
// again.
func TestReserveMemTables(t *testing.T) {
	const cacheSize = 256 << 10
	st := openTest(t, Options{CacheSize: cacheSize, MemTableSize: 2 << 20})
	for i := range 300 {
		meta, nodes, edges := genFile(fmt.Sprintf("pkg/f%03d.go", i), 1, 40)
		replace(t, st, meta, nodes, edges)
	}
	if err := st.Flush(); err != nil {
		t.Fatal(err)
	}
	read := func() int64 {
		t.Helper()
		st.DropCache()
		if _, err := st.Stats(); err != nil {
			t.Fatal(err)
		}
		if err := st.AllNodes(func(graph.Node) error { return nil }); err != nil {
			t.Fatal(err)
		}
		return st.EngineMetrics().BlockCacheBytes
	}
	if n := read(); n <= cacheSize {
		t.Fatalf("%d bytes cached without a reservation: the test needs more than CacheSize (%d)", n, cacheSize)
	}
	release := st.ReserveMemTables()
	if n := read(); n > cacheSize {
		t.Errorf("%d bytes cached with the memtables' share reserved, more than CacheSize (%d)", n, cacheSize)
	}
	release()
	if n := read(); n <= cacheSize {
		t.Errorf("%d bytes cached after the release, want more than CacheSize (%d)", n, cacheSize)
	}
}
