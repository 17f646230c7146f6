package server

import (
	"github.com/codegraph-dev/codegraph/internal/graph"
	"net/http"

	"github.com/codegraph-dev/codegraph/internal/service"
)

// Transactions over node mutations: POST /transactions begins one on the
// request's repository and answers its id; the node routes under
// /transactions/{tx} work inside it (reads see its writes and nothing
// committed after it began; nothing is written before commit); POST
// /transactions/{tx}/commit writes everything at once or answers 409
// conflict and writes nothing; DELETE /transactions/{tx} rolls it back.
// A transaction belongs to the caller who began it and expires when
// unused for the service's idle timeout.

func (s *Server) registerTransactions() {
	s.handle("POST", "/transactions", ScopeReadWrite, s.beginTx)
	s.handle("GET", "/transactions/{tx}", ScopeReadWrite, s.getTx)
	s.handle("DELETE", "/transactions/{tx}", ScopeReadWrite, s.rollbackTx)
	s.handle("POST", "/transactions/{tx}/commit", ScopeReadWrite, s.commitTx)
	s.handle("GET", "/transactions/{tx}/nodes", ScopeReadWrite, s.txNodes)
	s.handle("POST", "/transactions/{tx}/nodes", ScopeReadWrite, s.txCreateNode)
	s.handle("GET", "/transactions/{tx}/nodes/{id}", ScopeReadWrite, s.txGetNode)
	s.handle("PUT", "/transactions/{tx}/nodes/{id}", ScopeReadWrite, s.txPutNode)
	s.handle("PATCH", "/transactions/{tx}/nodes/{id}", ScopeReadWrite, s.txPatchNode)
	s.handle("DELETE", "/transactions/{tx}/nodes/{id}", ScopeReadWrite, s.txDeleteNode)
}

func (s *Server) beginTx(w http.ResponseWriter, r *http.Request) error {
	repo, err := s.repo(r)
	if err != nil {
		return err
	}
	tx, err := repo.Begin(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/transactions/"+tx.ID())
	writeJSON(w, http.StatusCreated, tx.Info())
	return nil
}

// tx returns the request's transaction (the caller's own), checking the
// caller's access to its repository.
func (s *Server) tx(r *http.Request) (*service.Tx, error) {
	tx, err := s.svc.Tx(r.Context(), r.PathValue("tx"))
	if err != nil {
		return nil, err
	}
	if _, err := s.svc.RepoFor(r.Context(), tx.Repo().Name(), service.ReadWrite); err != nil {
		return nil, err
	}
	return tx, nil
}

// txNode returns the request's transaction and the node id of its path.
func (s *Server) txNode(r *http.Request) (*service.Tx, graph.NodeID, error) {
	tx, err := s.tx(r)
	if err != nil {
		return nil, 0, err
	}
	id, err := nodeID(r)
	return tx, id, err
}

func (s *Server) getTx(w http.ResponseWriter, r *http.Request) error {
	tx, err := s.tx(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, tx.Info())
	return nil
}

func (s *Server) rollbackTx(w http.ResponseWriter, r *http.Request) error {
	tx, err := s.tx(r)
	if err != nil {
		return err
	}
	if err := tx.Rollback(r.Context()); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// commitJSON is the answer of a commit: what it changed, in order.
type commitJSON struct {
	ID        string         `json:"id"`
	Committed bool           `json:"committed"`
	Changes   []changeJSON   `json:"changes"`
	Counts    map[string]int `json:"counts"`
}

type changeJSON struct {
	Type string   `json:"type"` // created, updated, deleted
	Node nodeJSON `json:"node"`
}

func (s *Server) commitTx(w http.ResponseWriter, r *http.Request) error {
	tx, err := s.tx(r)
	if err != nil {
		return err
	}
	events, err := tx.Commit(r.Context())
	if err != nil {
		return err
	}
	out := commitJSON{ID: tx.ID(), Committed: true, Changes: []changeJSON{}, Counts: map[string]int{}}
	for i := range events {
		out.Changes = append(out.Changes, changeJSON{Type: events[i].Type, Node: nodeOf(&events[i].Node)})
		out.Counts[events[i].Type]++
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) txNodes(w http.ResponseWriter, r *http.Request) error {
	tx, err := s.tx(r)
	if err != nil {
		return err
	}
	nodes, err := tx.Nodes(r.Context())
	if err != nil {
		return err
	}
	out := make([]nodeJSON, 0, len(nodes))
	for i := range nodes {
		out = append(out, nodeOf(&nodes[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"nodes": out, "count": len(out)})
	return nil
}

func (s *Server) txCreateNode(w http.ResponseWriter, r *http.Request) error {
	tx, err := s.tx(r)
	if err != nil {
		return err
	}
	var in service.NodeInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	n, err := tx.Create(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/transactions/"+tx.ID()+"/nodes/"+n.ID.String())
	writeJSON(w, http.StatusCreated, nodeOf(&n))
	return nil
}

func (s *Server) txGetNode(w http.ResponseWriter, r *http.Request) error {
	tx, id, err := s.txNode(r)
	if err != nil {
		return err
	}
	n, err := tx.Node(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, nodeOf(&n))
	return nil
}

func (s *Server) txPutNode(w http.ResponseWriter, r *http.Request) error {
	p, err := decodePut(r)
	if err != nil {
		return err
	}
	return s.txUpdate(w, r, p)
}

func (s *Server) txPatchNode(w http.ResponseWriter, r *http.Request) error {
	var p service.NodePatch
	if err := decodeJSON(r, &p); err != nil {
		return err
	}
	return s.txUpdate(w, r, p)
}

func (s *Server) txUpdate(w http.ResponseWriter, r *http.Request, p service.NodePatch) error {
	tx, id, err := s.txNode(r)
	if err != nil {
		return err
	}
	n, err := tx.Update(r.Context(), id, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, nodeOf(&n))
	return nil
}

func (s *Server) txDeleteNode(w http.ResponseWriter, r *http.Request) error {
	tx, id, err := s.txNode(r)
	if err != nil {
		return err
	}
	if err := tx.Delete(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
