package server

import (
	"net/http"

	"github.com/codegraph-dev/codegraph/internal/history"
	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/service"
)

// GET /versions: the repository's versions, oldest first.
func (s *Server) listVersions(w http.ResponseWriter, r *http.Request) error {
	repo, err := s.repo(r)
	if err != nil {
		return err
	}
	vs, err := repo.Versions(r.Context())
	if err != nil {
		return err
	}
	if vs == nil {
		vs = []history.Version{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"versions": vs})
	return nil
}

// versionRequest is the body of POST /versions.
type versionRequest struct {
	Rev string `json:"rev"`
	Tag string `json:"tag,omitempty"`
}

// POST /versions: create the version of a revision (201, or 200 when it
// existed).
func (s *Server) createVersion(w http.ResponseWriter, r *http.Request) error {
	var body versionRequest
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	if body.Rev == "" {
		return badRequest("rev is required")
	}
	repo, err := s.repo(r)
	if err != nil {
		return err
	}
	v, created, err := repo.CreateVersion(r.Context(), body.Rev, body.Tag)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, v)
	return nil
}

// GET /diff?from=&to=&depth=: what changed between two revisions (to
// absent: the working tree, from the index) and what it affects.
func (s *Server) diff(w http.ResponseWriter, r *http.Request) error {
	q := params(r)
	req := service.DiffRequest{From: q.str("from"), To: q.str("to"), Depth: q.intIn("depth", 0, 0, query.MaxDepth)}
	if q.err != nil {
		return q.err
	}
	repo, err := s.repo(r)
	if err != nil {
		return err
	}
	d, err := repo.Diff(r.Context(), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// DELETE /versions/{name}: delete the version a tag or revision names
// (its files shared with other versions stay); answers the deleted one.
func (s *Server) deleteVersion(w http.ResponseWriter, r *http.Request) error {
	repo, err := s.repo(r)
	if err != nil {
		return err
	}
	v, err := repo.DeleteVersion(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}
