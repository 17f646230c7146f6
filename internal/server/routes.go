package server

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/service"
)

// register adds every REST route with the scope it needs. The OpenAPI
// document (openapi.json) must describe exactly these; a test checks it.
func (s *Server) register() {
	// Probes and documents: no key needed for health; a key of any scope
	// for the rest.
	s.handle("GET", "/health/live", 0, s.live)
	s.handle("GET", "/health/ready", 0, s.ready)
	s.handle("GET", "/metrics", ScopeRead, func(w http.ResponseWriter, r *http.Request) error {
		// Metrics are labelled with every repository's name: with role
		// bindings, only a caller that may see them all reads them.
		if s.creds().bindings != nil {
			for _, repo := range s.svc.Repos() {
				if !service.Visible(r.Context(), repo.Name()) {
					return &apiError{Status: http.StatusForbidden, Code: codeForbidden,
						Message: "metrics name every repository: with role bindings they need a role on all of them (repos: [\"*\"])"}
				}
			}
		}
		s.metrics.handler().ServeHTTP(w, r)
		return nil
	})
	s.handle("GET", "/openapi.json", ScopeRead, s.openAPI)

	s.handle("GET", "/nodes", ScopeRead, s.listNodes)
	s.handle("POST", "/nodes", ScopeReadWrite, s.createNode)
	s.handle("GET", "/nodes/{id}", ScopeRead, s.getNode)
	s.handle("PUT", "/nodes/{id}", ScopeReadWrite, s.putNode)
	s.handle("PATCH", "/nodes/{id}", ScopeReadWrite, s.patchNode)
	s.handle("DELETE", "/nodes/{id}", ScopeReadWrite, s.deleteNode)
	s.handle("GET", "/nodes/{id}/edges", ScopeRead, s.nodeEdges)
	s.handle("GET", "/nodes/{id}/similar", ScopeRead, s.similar)
	s.registerTransactions() // transactions.go

	s.handle("GET", "/search", ScopeRead, s.search)
	s.handle("POST", "/vector/search", ScopeRead, s.vectorSearch)
	s.handle("POST", "/parse", ScopeRead, s.parse)

	s.handle("GET", "/graph/callers", ScopeRead, s.graphCalls(true))
	s.handle("GET", "/graph/callees", ScopeRead, s.graphCalls(false))
	s.handle("GET", "/graph/dependencies", ScopeRead, s.graphDeps(false))
	s.handle("GET", "/graph/dependents", ScopeRead, s.graphDeps(true))
	s.handle("GET", "/graph/path", ScopeRead, s.graphPath)
	s.handle("GET", "/graph/impact", ScopeRead, s.graphImpact)
	s.handle("GET", "/diff", ScopeRead, s.diff) // versions.go
	s.handle("GET", "/versions", ScopeRead, s.listVersions)
	s.handle("POST", "/versions", ScopeReadWrite, s.createVersion)
	s.handle("DELETE", "/versions/{name}", ScopeReadWrite, s.deleteVersion)
	s.registerExport()  // export.go
	s.registerQueries() // queries.go
	// dashboard.go: a symbol's source and the package map.
	s.registerDashboard()

	s.handle("POST", "/index", ScopeReadWrite, s.startIndex)
	s.handle("GET", "/jobs", ScopeRead, s.listJobs)
	s.handle("GET", "/jobs/{id}", ScopeRead, s.getJob)
	s.handle("DELETE", "/jobs/{id}", ScopeReadWrite, s.cancelJob)
	s.handle("GET", "/jobs/{id}/events", ScopeRead, s.jobEvents)

	s.handle("GET", "/stream/nodes", ScopeRead, s.streamNodes)
	s.handle("GET", "/stream/edges", ScopeRead, s.streamEdges)
	s.handle("GET", "/events", ScopeRead, s.changeEvents) // events.go
}

// Close stops the server's streams and closes its audit log. Call it
// after the http.Server has shut down; the service (and its parsers) is
// closed by its owner.
func (s *Server) Close() error {
	s.stopStreams()
	if s.unobserve != nil {
		s.unobserve()
	}
	if s.audit != nil {
		return s.audit.close()
	}
	return nil
}

// repo returns the repository a request names (repo parameter; the
// default one when absent).
func (s *Server) repo(r *http.Request) (*service.Repo, error) {
	if repo, ok := r.Context().Value(repoKey).(*service.Repo); ok {
		return repo, nil // resolved and checked by handle
	}
	return s.svc.RepoFor(r.Context(), r.URL.Query().Get("repo"), service.ReadOnly)
}

// snapshot acquires a read snapshot of the request's repository; call
// release when done with it.
func (s *Server) snapshot(r *http.Request) (*service.Snapshot, func(), error) {
	repo, err := s.repo(r)
	if err != nil {
		return nil, nil, err
	}
	repo.MaybeRecheck()
	sn, release, err := repo.Acquire()
	switch {
	case err == nil:
		s.metrics.snapshots.WithLabelValues("ok").Inc()
	case errors.Is(err, service.ErrNoIndex):
		s.metrics.snapshots.WithLabelValues("no_index").Inc()
	default:
		s.metrics.snapshots.WithLabelValues("error").Inc()
	}
	return sn, release, err
}

func (s *Server) live(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

// repoHealth is one repository in /health/ready.
type repoHealth struct {
	Name       string `json:"name"`
	Ready      bool   `json:"ready"`
	IndexState string `json:"index_state"`
	Status     string `json:"status"`
	Percent    int    `json:"percent,omitempty"`
	// Search says whether the search indexes exist ("ready") or why not;
	// readiness does not depend on it (an index built with --no-search
	// serves everything but search).
	Search string `json:"search"`
	Error  string `json:"error,omitempty"`
}

// ready answers 200 when every repository's store opens (its index
// exists and loads) and none of its search indexes is damaged, else 503
// saying which are not ready and why (a damaged store or index names the
// file and says `codegraph index --rebuild`).
func (s *Server) ready(w http.ResponseWriter, r *http.Request) error {
	all := true
	var out []repoHealth
	hide := s.creds().bindings != nil
	for i, repo := range s.svc.Repos() {
		st := repo.State()
		h := repoHealth{Name: repo.Name(), IndexState: st.String(), Status: string(st.Status), Percent: st.Percent}
		anonymous := hide && !service.Visible(r.Context(), repo.Name())
		h.Search = "ready"
		_, serr := search.Check(repo.DB())
		switch {
		case errors.Is(serr, search.ErrCorrupt):
			h.Search = "damaged"
		case serr != nil:
			h.Search = "missing: POST /index builds it"
		}
		sn, release, err := repo.Acquire()
		if err == nil {
			h.Ready = sn.Store != nil
			release()
			if h.Search == "damaged" {
				// Damaged indexes are not missing ones: not ready, saying why.
				h.Ready, h.Error = false, service.Explain(serr, service.DoorREST)
			}
		} else {
			h.Error = service.Explain(err, service.DoorREST)
			if errors.Is(err, service.ErrNoIndex) {
				h.Error = "no index yet: POST /index?repo=" + repo.Name() + " builds it"
			}
		}
		all = all && h.Ready
		if anonymous {
			// Role bindings: names and messages (which name paths) only
			// for callers who may see the repository.
			h = repoHealth{Name: fmt.Sprintf("#%d", i+1), IndexState: h.IndexState, Status: h.Status, Percent: h.Percent, Ready: h.Ready, Search: h.Search}
		}
		out = append(out, h)
	}
	status, code := "ready", http.StatusOK
	if !all {
		status, code = "not_ready", http.StatusServiceUnavailable
		w.Header().Set("Retry-After", "5")
	}
	writeJSON(w, code, map[string]any{"status": status, "repos": out})
	return nil
}
