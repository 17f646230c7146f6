package server

import (
	"net/http"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/service"
)

// Node mutations. Only nodes created through the API (stored under
// graph.APIPrefix) may be changed or deleted; nodes extracted from source
// answer 409 (edit the file and re-index). Writes need a read-write key.

func (s *Server) createNode(w http.ResponseWriter, r *http.Request) error {
	var in service.NodeInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	repo, err := s.repo(r)
	if err != nil {
		return err
	}
	n, err := repo.CreateNode(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/nodes/"+n.ID.String())
	writeJSON(w, http.StatusCreated, nodeOf(&n))
	return nil
}

// putBody is the body of PUT /nodes/{id}: every mutable field; those
// left out are cleared (name is required).
type putBody struct {
	Name          string `json:"name"`
	QualifiedName string `json:"qualified_name,omitempty"`
	Language      string `json:"language,omitempty"`
	Line          int    `json:"line,omitempty"`
	EndLine       int    `json:"end_line,omitempty"`
	Signature     string `json:"signature,omitempty"`
	Doc           string `json:"doc,omitempty"`
}

func (s *Server) putNode(w http.ResponseWriter, r *http.Request) error {
	id, err := nodeID(r)
	if err != nil {
		return err
	}
	p, err := decodePut(r)
	if err != nil {
		return err
	}
	return s.update(w, r, id, p)
}

// decodePut reads a PUT body: every mutable field, as a patch that sets
// them all (a missing qualified name is the name).
func decodePut(r *http.Request) (service.NodePatch, error) {
	var b putBody
	if err := decodeJSON(r, &b); err != nil {
		return service.NodePatch{}, err
	}
	if strings.TrimSpace(b.Name) == "" {
		return service.NodePatch{}, badRequest("name is required (PUT replaces every field; PATCH changes some)")
	}
	if b.QualifiedName == "" {
		b.QualifiedName = b.Name
	}
	return service.NodePatch{Name: &b.Name, QualifiedName: &b.QualifiedName, Language: &b.Language,
		Line: &b.Line, EndLine: &b.EndLine, Signature: &b.Signature, Doc: &b.Doc}, nil
}

func (s *Server) patchNode(w http.ResponseWriter, r *http.Request) error {
	id, err := nodeID(r)
	if err != nil {
		return err
	}
	var p service.NodePatch
	if err := decodeJSON(r, &p); err != nil {
		return err
	}
	return s.update(w, r, id, p)
}

func (s *Server) update(w http.ResponseWriter, r *http.Request, id graph.NodeID, p service.NodePatch) error {
	repo, err := s.repo(r)
	if err != nil {
		return err
	}
	n, err := repo.UpdateNode(r.Context(), id, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, nodeOf(&n))
	return nil
}

func (s *Server) deleteNode(w http.ResponseWriter, r *http.Request) error {
	id, err := nodeID(r)
	if err != nil {
		return err
	}
	repo, err := s.repo(r)
	if err != nil {
		return err
	}
	if err := repo.DeleteNode(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
