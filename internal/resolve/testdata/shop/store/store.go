package store

import "errors"

var ErrNotFound = errors.New("not found")

type Order struct {
	ID    string
	Total int
}

func (o Order) Valid() bool { return o.ID != "" && o.Total >= 0 }

type Store struct {
	orders map[string]Order
	log    *Logger
}

type Logger struct{ lines []string }

func (l *Logger) Printf(format string) { l.lines = append(l.lines, format) }

func New() *Store { return &Store{orders: map[string]Order{}, log: &Logger{}} }

func (s *Store) Get(id string) (Order, error) {
	o, ok := s.orders[id]
	if !ok {
		s.log.Printf("miss")
		return Order{}, ErrNotFound
	}
	return o, nil
}

func (s *Store) Put(o Order) error {
	if !o.Valid() {
		return errors.New("invalid")
	}
	s.orders[o.ID] = o
	s.log.Printf("put")
	return nil
}
