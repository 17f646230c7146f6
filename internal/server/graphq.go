package server

import (
	"fmt"
	"net/http"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/query"
)

// Graph queries: the symbol is given as the CLI takes it (id, qualified
// name, FILE:LINE, FILE:NAME, bare name). Ambiguous symbols answer 409
// with the candidates; unknown ones 404 with suggestions.

func (s *Server) graphCalls(callers bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		q := params(r)
		spec := q.required("symbol")
		depth := q.intIn("depth", 1, 1, query.MaxDepth)
		page := query.Page{Limit: q.limit(), Cursor: q.str("cursor")}
		if q.err != nil {
			return q.err
		}
		sn, release, err := s.snapshot(r)
		if err != nil {
			return err
		}
		defer release()
		n, err := sn.Graph.ResolveOne(r.Context(), spec)
		if err != nil {
			return err
		}
		opts := query.CallsOptions{Depth: depth, Page: page}
		var res *query.CallsResult
		if callers {
			res, err = sn.Graph.Callers(r.Context(), n.ID, opts)
		} else {
			res, err = sn.Graph.Callees(r.Context(), n.ID, opts)
		}
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, res)
		return nil
	}
}

func (s *Server) graphDeps(reverse bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		q := params(r)
		spec := q.required("symbol")
		depth := q.intIn("depth", 1, 1, query.MaxDepth)
		kinds := q.edgeKinds("kind")
		page := query.Page{Limit: q.limit(), Cursor: q.str("cursor")}
		if q.err != nil {
			return q.err
		}
		sn, release, err := s.snapshot(r)
		if err != nil {
			return err
		}
		defer release()
		scope, err := sn.Graph.ResolveScope(r.Context(), spec)
		if err != nil {
			return err
		}
		res, err := sn.Graph.Deps(r.Context(), scope, query.DepsOptions{Depth: depth, Reverse: reverse, Kinds: kinds, Page: page})
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, res)
		return nil
	}
}

func (s *Server) graphImpact(w http.ResponseWriter, r *http.Request) error {
	q := params(r)
	spec := q.required("symbol")
	depth := q.intIn("depth", 0, 0, query.MaxDepth)
	page := query.Page{Limit: q.limit(), Cursor: q.str("cursor")}
	if q.err != nil {
		return q.err
	}
	sn, release, err := s.snapshot(r)
	if err != nil {
		return err
	}
	defer release()
	scope, err := sn.Graph.ResolveScope(r.Context(), spec)
	if err != nil {
		return err
	}
	res, err := sn.Graph.Impact(r.Context(), scope, query.ImpactOptions{Depth: depth, Page: page})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (s *Server) graphPath(w http.ResponseWriter, r *http.Request) error {
	q := params(r)
	from := q.required("from")
	to := q.required("to")
	depth := q.intIn("max_depth", query.DefaultPathDepth, 1, query.MaxDepth)
	kinds := q.edgeKinds("kind")
	if q.err != nil {
		return q.err
	}
	sn, release, err := s.snapshot(r)
	if err != nil {
		return err
	}
	defer release()
	a, err := sn.Graph.ResolveOne(r.Context(), from)
	if err != nil {
		return fmt.Errorf("from: %w", err)
	}
	b, err := sn.Graph.ResolveOne(r.Context(), to)
	if err != nil {
		return fmt.Errorf("to: %w", err)
	}
	res, err := sn.Graph.Path(r.Context(), a.ID, b.ID, query.PathOptions{MaxDepth: depth, Kinds: kinds})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// edgeJSON is an edge as /nodes/{id}/edges and /stream/edges give it.
type edgeJSON struct {
	query.EdgeRef
}

func edgeOf(e *graph.Edge) edgeJSON {
	r := query.EdgeRef{Kind: e.Kind.String(), From: e.Src.String(), Target: e.Target, File: e.File, Line: e.Line,
		Resolution: e.Res.String(), Confidence: query.Confidence(e.Res, e.Candidates), Candidates: int(e.Candidates)}
	if e.Dst != 0 {
		r.To = e.Dst.String()
	}
	return edgeJSON{r}
}
