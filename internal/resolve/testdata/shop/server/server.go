package server

import (
	"fmt"

	st "example.com/shop/store"
)

type Audit struct{ n int }

func (a *Audit) Record() { a.n++ }

type Server struct {
	Audit
	db *st.Store
}

func NewServer() *Server { return &Server{db: st.New()} }

func (s *Server) Lookup(id string) string {
	s.Record()
	o, err := s.db.Get(id)
	if err != nil {
		return err.Error()
	}
	if o.Valid() {
		return format(o)
	}
	return ""
}

func (s *Server) Seed() {
	orders := []st.Order{{ID: "a", Total: 1}}
	for _, o := range orders {
		s.db.Put(o)
	}
	var spare st.Order
	spare.Valid()
	srv := NewServer()
	srv.Lookup("a")
	helper := func() { s.Record() }
	helper()
}

func format(o st.Order) string { return fmt.Sprintf("%s=%d", o.ID, o.Total) }

// Pair holds two values of one type; T is a type parameter, not a type.
type Pair[T any] struct{ A, B T }

func first[T any](p Pair[T]) T { return p.A }

func show(w fmt.Stringer, o *st.Order) {}
