package store

import (
	"errors"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

func TestNodesFrom(t *testing.T) {
	s := openTest(t, Options{})
	var ids []graph.NodeID
	var nodes []graph.Node
	for i, name := range []string{"a", "b", "c", "d", "e"} {
		n := graph.Node{ID: graph.NodeID(10 * (i + 1)), Kind: graph.KindFunction, Name: name, QualifiedName: name, File: "x.go", StartByte: uint32(i)}
		ids = append(ids, n.ID)
		nodes = append(nodes, n)
	}
	replace(t, s, FileMeta{Path: "x.go"}, nodes, nil)
	for _, tc := range []struct {
		from graph.NodeID
		want []graph.NodeID
	}{{0, ids}, {10, ids}, {11, ids[1:]}, {30, ids[2:]}, {50, ids[4:]}, {51, nil}} {
		var got []graph.NodeID
		if err := s.NodesFrom(tc.from, func(n graph.Node) error { got = append(got, n.ID); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(tc.want) {
			t.Fatalf("from %d: got %v, want %v", tc.from, got, tc.want)
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Fatalf("from %d: got %v, want %v", tc.from, got, tc.want)
			}
		}
	}
	stop := errors.New("stop")
	n := 0
	if err := s.NodesFrom(0, func(graph.Node) error { n++; return stop }); err != stop || n != 1 {
		t.Fatalf("early stop: err %v after %d nodes", err, n)
	}
}
