package search

import (
	"context"

	"github.com/codegraph-dev/codegraph/internal/search/vector"
)

// VectorStats reports the vector index's kind (flat, ivf, hnsw) and size,
// opening the search indexes and the embedder if a search has not yet; it
// fails like a semantic search would (no vectors, a damaged index).
func (s *Searcher) VectorStats(ctx context.Context) (vector.Stats, error) {
	if err := s.open(); err != nil {
		return vector.Stats{}, err
	}
	if err := s.vectors(ctx); err != nil {
		return vector.Stats{}, err
	}
	return s.vec.Stats(), nil
}
