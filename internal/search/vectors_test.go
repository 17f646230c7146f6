package search_test

import (
	"context"
	"errors"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// TestSimilarAndSearchVector: a symbol's neighbours leave the symbol out
// and obey the filters; a raw vector finds what it was computed from (the
// semantic search's own answer) and a wrong dimension is refused.
func TestSimilarAndSearchVector(t *testing.T) {
	repo := copyRepo(t)
	indexRepo(t, repo, search.Config{})
	s := searcher(t, repo, search.Config{})
	ctx := context.Background()
	hits := find(t, s, search.Request{Query: "Store.Get", Mode: search.Lexical, Limit: 1})
	if len(hits) == 0 {
		t.Fatal("no Store.Get")
	}
	id, err := graph.ParseNodeID(hits[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Similar(ctx, id, search.Request{Limit: 5})
	if err != nil || len(res.Hits) == 0 {
		t.Fatalf("similar: %+v %v", res, err)
	}
	for _, h := range res.Hits {
		if h.ID == hits[0].ID {
			t.Errorf("similar lists the symbol itself")
		}
	}
	res, err = s.Similar(ctx, id, search.Request{Limit: 5, Langs: []string{"python"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if h.Language != "python" {
			t.Errorf("language filter let through %s (%s)", h.QualifiedName, h.Language)
		}
	}
	if _, err := s.Similar(ctx, 1, search.Request{}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("similar of a missing node: %v", err)
	}

	dim, err := s.VectorDim(ctx)
	if err != nil || dim <= 0 {
		t.Fatalf("dim %d %v", dim, err)
	}
	if _, err := s.SearchVector(ctx, make([]float32, dim+1), search.Request{}); !errors.Is(err, search.ErrDimension) {
		t.Errorf("wrong dimension: %v", err)
	}
	vec := make([]float32, dim)
	vec[0] = 1
	res, err = s.SearchVector(ctx, vec, search.Request{Limit: 3})
	if err != nil || len(res.Hits) == 0 || len(res.Hits) > 3 || res.Mode != search.Semantic {
		t.Fatalf("search vector: %+v %v", res, err)
	}
}
