package store

import (
	"os"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// BenchmarkBatchedReads compares point reads per node with the batched
// NodesByID/InEdgesMany on a real index ($STORE_BENCH_INDEX, skipped when
// unset): the frontier is every caller of the most-called function.
func BenchmarkBatchedReads(b *testing.B) {
	dir := os.Getenv("STORE_BENCH_INDEX")
	if dir == "" {
		b.Skip("STORE_BENCH_INDEX is not set")
	}
	st, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	// The node with the most incoming edges among those named New.
	var best graph.NodeID
	most := 0
	st.NodesByName("New", func(n graph.Node) error {
		c := 0
		st.InEdges(n.ID, nil, func(graph.Edge) error { c++; return nil })
		if c > most {
			best, most = n.ID, c
		}
		return nil
	})
	var ids []graph.NodeID
	st.InEdges(best, nil, func(e graph.Edge) error { ids = append(ids, e.Src); return nil })
	b.Logf("%d ids", len(ids))
	for b.Loop() {
	}
	b.Run("point", func(b *testing.B) {
		for b.Loop() {
			for _, id := range ids {
				if _, err := st.Node(id); err != nil {
					b.Fatal(err)
				}
				st.InEdges(id, nil, func(graph.Edge) error { return nil })
			}
		}
	})
	b.Run("batched", func(b *testing.B) {
		out := make([]graph.Node, len(ids))
		for b.Loop() {
			if err := st.NodesByID(ids, out); err != nil {
				b.Fatal(err)
			}
			st.InEdgesMany(ids, nil, func(int, graph.Edge) error { return nil })
		}
	})
}
