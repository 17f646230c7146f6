// Package server is a tiny HTTP server used as an extraction fixture.
package server

import (
	"context"
	_ "embed"
	"fmt"
	nethttp "net/http"
)

// MaxConns bounds concurrent connections.
const MaxConns = 10

var (
	defaultName    = "srv"
	counter, total int
)

// Handler handles one request.
type Handler interface {
	// Serve answers r.
	Serve(ctx context.Context, r *Request) error
	fmt.Stringer
}

// Request is an incoming request.
type Request struct {
	Path   string
	Header map[string][]string
	body   *Body
	Logger
}

type Body []byte

type Alias = Request

// Server serves requests.
type Server[T any] struct {
	handlers map[string]Handler
	opts     T
}

// New returns a server.
func New[T any](opts T) *Server[T] {
	s := &Server[T]{opts: opts}
	s.init()
	return s
}

func (s *Server[T]) init() { s.handlers = map[string]Handler{} }

// Handle registers h for path.
func (s *Server[T]) Handle(path string, h Handler) {
	local := 3
	_ = local
	cb := func(r *Request) error {
		return h.Serve(context.Background(), r)
	}
	_ = cb
	s.handlers[path] = h
	fmt.Println("registered", path)
}

func (Request) String() string { return fmt.Sprintf("%v", nethttp.MethodGet) }
