package store

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/codegraph-dev/codegraph/internal/graph"
)

func TestCheckGraphClean(t *testing.T) {
	s := openTestDir(t, cleanStore(t), Options{ReadOnly: true})
	rep, err := s.CheckGraph(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Nodes != 20*20 || rep.Edges == 0 || len(rep.Problems) != 0 {
		t.Fatalf("clean store: %+v", rep)
	}
}

// TestCheckGraphFindsInconsistencies breaks each agreement between key
// spaces with a raw write and checks that CheckGraph names it.
func TestCheckGraphFindsInconsistencies(t *testing.T) {
	_, nodes, edges := genFile("pkg/f00.go", 1, 20)
	var resolved, unresolved graph.Edge
	for _, e := range edges {
		if e.Dst != 0 && e.Kind == graph.EdgeCalls {
			resolved = e
		}
		if e.Dst == 0 {
			unresolved = e
		}
	}
	missing := graph.NodeID(12345)
	cases := []struct {
		name  string
		write func(b *pebble.Batch)
		want  string
	}{
		{"incoming key deleted", func(b *pebble.Batch) {
			b.Delete(appendInKey(nil, &resolved), nil)
		}, "resolved edge without its incoming key"},
		{"outgoing key deleted", func(b *pebble.Batch) {
			b.Delete(appendOutKey(nil, &resolved), nil)
		}, "incoming key without its outgoing edge"},
		{"by-target key deleted", func(b *pebble.Batch) {
			b.Delete(appendUnresolvedKey(nil, &unresolved), nil)
		}, "unresolved edge without its by-target key"},
		{"node deleted", func(b *pebble.Batch) {
			b.Delete(appendNodeKey(nil, nodes[5].ID), nil)
		}, "edge to a missing node"},
		{"edge to a missing node", func(b *pebble.Batch) {
			e := resolved
			e.Dst = missing
			v := appendEdgeValue(nil, &e)
			b.Set(appendOutKey(nil, &e), v, nil)
			b.Set(appendInKey(nil, &e), v, nil)
		}, "edge to a missing node"},
		{"kind index key deleted", func(b *pebble.Batch) {
			b.Delete(appendKindKey(nil, nodes[3].Kind, nodes[3].ID), nil)
		}, "node missing from an index"},
		{"stray name index key", func(b *pebble.Batch) {
			b.Set(appendIndexKey(nil, spaceName, "ghost", missing), nil, nil)
		}, "index key of a missing or different node"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := openTestDir(t, copyStore(t), Options{})
			b := s.db.NewBatch()
			c.write(b)
			if err := b.Commit(pebble.Sync); err != nil {
				t.Fatal(err)
			}
			rep, err := s.CheckGraph(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			var all []string
			for _, p := range rep.Problems {
				all = append(all, p.What+": "+p.Example)
			}
			if !strings.Contains(strings.Join(all, "\n"), c.want) {
				t.Fatalf("problems %q, want %q", all, c.want)
			}
		})
	}
}

// TestVerifyTablesFindsDamageAnywhere flips bytes at several places of a
// table (data, index, filter and meta blocks): Check reports each,
// including the blocks a scan of the keys never reads.
func TestVerifyTablesFindsDamageAnywhere(t *testing.T) {
	for _, frac := range []float64{0.05, 0.3, 0.6, 0.85, 0.95, 0.99} {
		dir := copyStore(t)
		p := storeFile(t, dir, "*.sst")
		data := mustSize(t, p)
		flipBytes(t, p, int(float64(data)*frac), 1)
		s, err := Open(dir, Options{ReadOnly: true})
		if err == nil {
			err = s.Check(context.Background())
			s.Close()
		}
		var ce *CorruptError
		if !errors.As(err, &ce) || !strings.Contains(ce.Error(), p) {
			t.Errorf("byte flipped at %.0f%% of %s: Check = %v, want a CorruptError", 100*frac, p, err)
		}
	}
}

func mustSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
