package store

import (
	"fmt"

	"github.com/cockroachdb/pebble/v2"
	"github.com/codegraph-dev/codegraph/internal/graph"
)

// NodesFrom calls fn for every node whose id is at least from, in id
// order: AllNodes resumed at an id, for cursor pagination without
// re-reading the nodes before it.
func (s *Store) NodesFrom(from graph.NodeID, fn func(graph.Node) error) (err error) {
	defer s.guard(&err)
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: appendNodeKey(nil, from), UpperBound: []byte{famNodes + 1}})
	if err != nil {
		return err
	}
	defer closeIter(it, &err)
	for ok := it.First(); ok; ok = it.Next() {
		id, err := decodeNodeKey(it.Key())
		if err != nil {
			return err
		}
		v, err := it.ValueAndErr()
		if err != nil {
			return err
		}
		var n graph.Node
		if err := decodeNodeValue(v, &n); err != nil {
			return fmt.Errorf("node %s: %w", id, err)
		}
		n.ID = id
		if err := fn(n); err != nil {
			return err
		}
	}
	return it.Error()
}
