// Package server exposes the store over HTTP.
package server

import (
	"fmt"
	"net/http"

	"example.com/shop/pkg/store"
)

// Server answers order requests.
type Server struct {
	st *store.Store
}

// NewServer wires a server to a store.
func NewServer(st *store.Store) *Server { return &Server{st: st} }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o, err := s.st.Get(r.URL.Query().Get("id"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	fmt.Fprintf(w, "%s: %d\n", o.ID, o.Total)
}
