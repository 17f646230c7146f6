package search

import (
	"slices"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/search/lexical"
)

// TestFuseScoresEveryCandidateSemantically checks that hybrid fusion uses
// the cosine of lexical candidates that are not among the nearest
// neighbours (sig.vec is empty here), within semSpan of the best cosine.
func TestFuseScoresEveryCandidateSemantically(t *testing.T) {
	fn := func(id graph.NodeID) *graph.Node {
		return &graph.Node{ID: id, Kind: graph.KindFunction, Name: "f", File: "a.go"}
	}
	f := &filter{nodes: map[uint64]*graph.Node{1: fn(1), 2: fn(2), 3: fn(3)}}
	sig := &signals{
		semantic: true,
		lex:      []lexical.Hit{{ID: 1, Score: 2}, {ID: 2, Score: 2}, {ID: 3, Score: 1}},
		sim:      map[uint64]float32{1: 0.3, 2: 0.9, 3: 0.2},
	}
	cands := (&Searcher{}).fuse(sig, &hybrid, f, "some query")
	var order []uint64
	for _, c := range cands {
		order = append(order, c.id)
	}
	if want := []uint64{2, 1, 3}; !slices.Equal(order, want) {
		t.Fatalf("order %v, want %v (the lexical tie broken by cosine)", order, want)
	}
	if !slices.Contains(cands[0].signals, "semantic") {
		t.Errorf("best candidate's signals %v lack semantic", cands[0].signals)
	}
	for _, c := range cands[1:] { // cosines 0.3 and 0.2 are more than 0.4 below 0.9
		if slices.Contains(c.signals, "semantic") {
			t.Errorf("candidate %d: cosine outside the span scored: %v", c.id, c.signals)
		}
	}
	if s := cands[0].score; s <= 0 || s > 1 {
		t.Errorf("score %v outside 0..1", s)
	}
}
