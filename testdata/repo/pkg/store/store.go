// Package store keeps orders in memory.
package store

import "errors"

// ErrNotFound is returned when an order does not exist.
var ErrNotFound = errors.New("not found")

// Order is one customer order.
type Order struct {
	ID    string
	Total int
}

// Store holds orders by id.
type Store struct {
	orders map[string]Order
}

// New returns an empty store.
func New() *Store { return &Store{orders: map[string]Order{}} }

// Get returns the order with the given id.
func (s *Store) Get(id string) (Order, error) {
	o, ok := s.orders[id]
	if !ok {
		return Order{}, ErrNotFound
	}
	return o, nil
}

// Put stores o.
func (s *Store) Put(o Order) { s.orders[o.ID] = o }
