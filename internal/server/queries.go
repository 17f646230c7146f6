package server

import (
	"net/http"

	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/service"
)

// registerQueries adds the graph queries the CLI and MCP have beyond
// callers, callees, dependencies, path and impact: refs, outline,
// overview, hubs, cycles, and the repository's status.
func (s *Server) registerQueries() {
	s.handle("GET", "/graph/refs", ScopeRead, s.graphRefs)
	s.handle("GET", "/graph/outline", ScopeRead, s.graphOutline)
	s.handle("GET", "/graph/overview", ScopeRead, s.graphOverview)
	s.handle("GET", "/graph/hubs", ScopeRead, s.graphHubs)
	s.handle("GET", "/graph/cycles", ScopeRead, s.graphCycles)
	s.handle("GET", "/status", ScopeRead, s.status)
}

// answer writes what fn answers on a read snapshot of the request's
// repository (qerr: the request's argument error, if any).
func (s *Server) answer(w http.ResponseWriter, r *http.Request, qerr error, fn func(sn *service.Snapshot) (any, error)) error {
	if qerr != nil {
		return qerr
	}
	sn, release, err := s.snapshot(r)
	if err != nil {
		return err
	}
	defer release()
	res, err := fn(sn)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// graphRefs: GET /graph/refs?symbol=S[&kind=calls,references] (codegraph
// refs, MCP find_references).
func (s *Server) graphRefs(w http.ResponseWriter, r *http.Request) error {
	q := params(r)
	spec := q.required("symbol")
	kinds := q.edgeKinds("kind")
	page := query.Page{Limit: q.limit(), Cursor: q.str("cursor")}
	return s.answer(w, r, q.err, func(sn *service.Snapshot) (any, error) {
		return sn.Refs(r.Context(), service.RefsRequest{Target: service.Target{Symbol: spec},
			RefsOptions: query.RefsOptions{Kinds: kinds, Page: page}})
	})
}

// graphOutline: GET /graph/outline?file=F[&imports=true] (codegraph
// outline, MCP file_outline).
func (s *Server) graphOutline(w http.ResponseWriter, r *http.Request) error {
	q := params(r)
	file := q.required("file")
	imports := q.boolean("imports")
	page := query.Page{Limit: q.intIn("limit", 500, 1, maxLimit), Cursor: q.str("cursor")}
	return s.answer(w, r, q.err, func(sn *service.Snapshot) (any, error) {
		return sn.Outline(r.Context(), service.OutlineRequest{Target: service.Target{Symbol: file},
			OutlineOptions: query.OutlineOptions{Imports: imports, Page: page}})
	})
}

// graphOverview: GET /graph/overview[&hubs=N] (codegraph overview, MCP
// repo_overview).
func (s *Server) graphOverview(w http.ResponseWriter, r *http.Request) error {
	q := params(r)
	hubs := q.intIn("hubs", 10, 0, maxLimit)
	if hubs == 0 {
		hubs = -1 // none
	}
	page := query.Page{Limit: q.limit(), Cursor: q.str("cursor")}
	return s.answer(w, r, q.err, func(sn *service.Snapshot) (any, error) {
		return sn.Overview(r.Context(), service.OverviewRequest{OverviewOptions: query.OverviewOptions{Hubs: hubs, Page: page}})
	})
}

// graphHubs: GET /graph/hubs[?by=in|out|total&external=true] (codegraph
// hubs).
func (s *Server) graphHubs(w http.ResponseWriter, r *http.Request) error {
	q := params(r)
	by := query.HubOrder(q.str("by"))
	switch by {
	case "":
		by = query.ByFanIn
	case query.ByFanIn, query.ByFanOut, query.ByTotal:
	default:
		q.fail("by %q: want in, out or total", by)
	}
	external := q.boolean("external")
	page := query.Page{Limit: q.intIn("limit", 20, 1, maxLimit), Cursor: q.str("cursor")}
	return s.answer(w, r, q.err, func(sn *service.Snapshot) (any, error) {
		return sn.Hubs(r.Context(), service.HubsRequest{HubsOptions: query.HubsOptions{By: by, External: external, Page: page}})
	})
}

// graphCycles: GET /graph/cycles[?tests=true] (codegraph cycles).
func (s *Server) graphCycles(w http.ResponseWriter, r *http.Request) error {
	q := params(r)
	tests := q.boolean("tests")
	page := query.Page{Limit: q.limit(), Cursor: q.str("cursor")}
	return s.answer(w, r, q.err, func(sn *service.Snapshot) (any, error) {
		return sn.Cycles(r.Context(), service.CyclesRequest{CyclesOptions: query.CyclesOptions{Tests: tests, Page: page}})
	})
}

// status: GET /status (codegraph status, MCP index_status): the status
// the service composes, with the repository's live state.
func (s *Server) status(w http.ResponseWriter, r *http.Request) error {
	sn, release, err := s.snapshot(r)
	if err != nil {
		return err
	}
	defer release()
	st, err := sn.Status(r.Context())
	if err != nil {
		return err
	}
	if st.SearchErr != nil {
		st.SearchError = service.Explain(st.SearchErr, service.DoorREST)
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}
