package server

import (
	"net/http"
)

// registerDashboard adds the routes the web dashboard (internal/dashboard)
// needs beside the rest of the API: a symbol's source and the repository's
// package map. Each is one service operation.
func (s *Server) registerDashboard() {
	s.handle("GET", "/nodes/{id}/source", ScopeRead, s.nodeSource)
	s.handle("GET", "/graph/map", ScopeRead, s.packageMap)
}

// nodeSource answers the source of a node's definition
// (service.Snapshot.SymbolSource).
func (s *Server) nodeSource(w http.ResponseWriter, r *http.Request) error {
	id, err := nodeID(r)
	if err != nil {
		return err
	}
	sn, release, err := s.snapshot(r)
	if err != nil {
		return err
	}
	defer release()
	src, err := sn.SymbolSource(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, src)
	return nil
}

// packageMap answers the repository's packages, their dependencies,
// cycles and hubs (service.Snapshot.PackageMap).
func (s *Server) packageMap(w http.ResponseWriter, r *http.Request) error {
	sn, release, err := s.snapshot(r)
	if err != nil {
		return err
	}
	defer release()
	m, err := sn.PackageMap(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}
