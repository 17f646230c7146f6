// Package chi is a router whose import path ends in a major version.
package chi

// Router is what route groups see.
type Router interface {
	Get(pattern string)
}

// Mux is the router.
type Mux struct {
	base
	requests chan *Request
	byName   map[string]*Request
	all      []*Request
}

type base struct{}

func (base) respond(err error) {}

// Request is one request.
type Request struct{}

// Do runs it.
func (r *Request) Do() {}

// Requests is a defined slice type.
type Requests []*Request

// Cache is not a router.
type Cache struct{}

// Get reads a key.
func (c *Cache) Get(key string) {}

// NewRouter returns a router.
func NewRouter() *Mux { return &Mux{} }

// Get registers a route.
func (m *Mux) Get(pattern string) {}

// Route runs fn on a sub-router.
func (m *Mux) Route(pattern string, fn func(r Router)) {}

// Use is used through the closure parameter's declared type.
func (m *Mux) Use(fn func(c *Cache)) {}

// All lists requests.
func (m *Mux) All() []*Request { return m.all }

// ByName indexes requests.
func (m *Mux) ByName() map[string]*Request { return m.byName }

// Requests is the request channel.
func (m *Mux) Requests() chan *Request { return m.requests }

// Fail responds through the embedded base.
func (m *Mux) Fail() { m.respond(nil) }

// shadow binds each r to the innermost declaration.
func shadow() {
	r := NewRouter()
	r.Route("/x", func(r Router) {
		r.Get("/inner")
	})
	r.Use(func(r *Cache) {
		r.Get("key")
	})
}

// HandlerFunc adapts a function.
type HandlerFunc func()

func (m *Mux) routeHTTP() {}

// Mount uses functions as values.
func (m *Mux) Mount(fn func()) {
	h := HandlerFunc(m.routeHTTP)
	handlers := map[string]func(){"a": m.routeHTTP, "b": shadow, "c": fn}
	_, _ = h, handlers
}

// Counter's Get has another signature: it is not a Router.
type Counter struct{}

// Get counts.
func (Counter) Get(n int) {}

func (r *Request) String() string { return "" }
