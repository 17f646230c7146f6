package store

import (
	"fmt"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// TestNodeReadsUseBloomFilters checks that the node reads behind the name
// index and NodesByID consult the tables' bloom filters: after a bulk load
// the store has one L0 table per flush, and a read that probes every one
// of them (SeekGE) made resolution of the Go standard library spend 15 s
// of CPU reading and decompressing blocks.
func TestNodeReadsUseBloomFilters(t *testing.T) {
	s := openTest(t, Options{})
	const tables = 12
	var ids []graph.NodeID
	for i := range tables {
		meta, nodes, edges := genFile(fmt.Sprintf("pkg%d/f.go", i), 1, 4)
		replace(t, s, meta, nodes, edges)
		ids = append(ids, nodes[1].ID)
		if err := s.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.db.Metrics().Levels[0].TablesCount; n < tables/2 {
		t.Fatalf("%d L0 tables, want at least %d (the test needs an uncompacted store)", n, tables/2)
	}
	before := s.db.Metrics().Filter.Hits
	// fn1 is defined in every file: one read per table's node.
	got := collect(t, func(fn func(graph.Node) error) error { return s.NodesByName("fn1", fn) })
	if len(got) != tables {
		t.Fatalf("NodesByName(fn1): %d nodes, want %d", len(got), tables)
	}
	afterName := s.db.Metrics().Filter.Hits
	if afterName == before {
		t.Errorf("NodesByName: no bloom filter excluded a table (filter hits stayed %d)", before)
	}
	out := make([]graph.Node, len(ids))
	if err := s.NodesByID(ids, out); err != nil {
		t.Fatal(err)
	}
	for i, n := range out {
		if n.ID != ids[i] {
			t.Fatalf("NodesByID[%d] = %s, want %s", i, n.ID, ids[i])
		}
	}
	if s.db.Metrics().Filter.Hits == afterName {
		t.Errorf("NodesByID: no bloom filter excluded a table (filter hits stayed %d)", afterName)
	}
}
