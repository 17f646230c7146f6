package dispatch

import (
	"io"
	"net/http"
)

// Mux is an http.Handler.
type Mux struct{}

func (m *Mux) ServeHTTP(w http.ResponseWriter, r *http.Request) {}

// Serve calls through http.Handler.
func Serve(h http.Handler, w http.ResponseWriter, r *http.Request) {
	h.ServeHTTP(w, r)
}

// Direct calls the method itself.
func Direct(m *Mux) {
	m.ServeHTTP(nil, nil)
}

// Top calls Serve.
func Top() {
	Serve(nil, nil, nil)
}

// Conn's methods all come from embedded interfaces.
type Conn interface {
	io.ReadWriteCloser
}

type pipe struct{}

func (p *pipe) Read(b []byte) (int, error)  { return 0, nil }
func (p *pipe) Write(b []byte) (int, error) { return len(b), nil }
func (p *pipe) Close() error                { return nil }

// Hang up closes a Conn.
func Hangup(c Conn) error {
	return c.Close()
}
