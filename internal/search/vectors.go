package search

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/repofile"
	"github.com/codegraph-dev/codegraph/internal/search/embed"
	"github.com/codegraph-dev/codegraph/internal/search/vector"
)

// ErrDimension is returned (wrapped) when a raw query vector does not
// have the index's dimension.
var ErrDimension = errors.New("wrong vector dimension")

// VectorDim returns the dimension of the index's vectors, opening the
// embedder and vectors if needed.
func (s *Searcher) VectorDim(ctx context.Context) (int, error) {
	if err := s.open(); err != nil {
		return 0, err
	}
	if err := s.vectors(ctx); err != nil {
		return 0, err
	}
	return s.emb.Dim(), nil
}

// SearchVector returns the symbols nearest to vec (the raw-vector form of
// semantic search), with req's filters, limit and threshold; req.Query and
// req.Mode are ignored. A vector of another dimension than the index's
// gives an error wrapping ErrDimension.
func (s *Searcher) SearchVector(ctx context.Context, vec []float32, req Request) (*Response, error) {
	start := time.Now()
	dim, err := s.VectorDim(ctx)
	if err != nil {
		return nil, err
	}
	if len(vec) != dim {
		return nil, fmt.Errorf("%w: the index holds %d-dimensional vectors, got %d", ErrDimension, dim, len(vec))
	}
	return s.nearestVector(ctx, vec, req, 0, start)
}

// Similar returns the symbols nearest to the symbol id in embedding space
// (its vector neighbours), with req's filters, limit and threshold; the
// symbol itself is left out. Its text is embedded the way the index
// embedded it, from the source file under the repository root.
func (s *Searcher) Similar(ctx context.Context, id graph.NodeID, req Request) (*Response, error) {
	start := time.Now()
	if _, err := s.VectorDim(ctx); err != nil {
		return nil, err
	}
	n, err := s.st.Node(id)
	if err != nil {
		return nil, err
	}
	var src []byte
	if s.root != "" && n.File != "" {
		src, _ = repofile.ReadFile(s.root, n.File, repofile.Indexed())
	}
	vecs, err := embed.EmbedDocs(ctx, s.emb, []embed.Doc{embed.NodeDoc(&n, src)})
	if err != nil {
		return nil, fmt.Errorf("embed %s: %w", n.QualifiedName, err)
	}
	return s.nearestVector(ctx, vecs[0], req, id, start)
}

func (s *Searcher) nearestVector(ctx context.Context, vec []float32, req Request, skip graph.NodeID, start time.Time) (*Response, error) {
	if req.Limit <= 0 {
		req.Limit = 10
	}
	f, err := newFilter(s, &req)
	if err != nil {
		return nil, err
	}
	fn := f.fn()
	if skip != 0 {
		inner := fn
		fn = func(id uint64) bool { return id != uint64(skip) && (inner == nil || inner(id)) }
	}
	res, err := s.vec.Search(ctx, vec, req.Limit, vector.Filter(fn))
	if err != nil {
		if errors.Is(err, vector.ErrDimension) {
			return nil, fmt.Errorf("%w: %v", ErrDimension, err)
		}
		return nil, err
	}
	cands := make([]scored, len(res))
	for i, r := range res {
		cands[i] = scored{id: r.ID, score: float64(r.Score)}
	}
	out := s.render(f, cands, &req)
	return &Response{Mode: Semantic, Hits: out, Total: len(out), Took: time.Since(start)}, nil
}
