package app

import (
	"sync"

	"example.com/router/v5"
	"example.com/router/v5/internal/xutil"
	"gopkg.in/yaml.v3"
)

func router() *chi.Mux { return chi.NewRouter() }

// Shadowing: the closure's r is a chi.Router, not the outer *chi.Mux.
func Routes() {
	r := chi.NewRouter()
	r.Route("/x", func(r chi.Router) {
		r.Get("/inner")
	})
	r.Get("/outer")
	r.Use(func(r *chi.Cache) {
		r.Get("key")
	})
	util.Clean()
	router().Get("/result")
	yaml.Marshal(nil)
}

// Types the resolver follows.
func Serve(m *chi.Mux, x interface{}) {
	for _, req := range m.All() {
		req.Do()
	}
	for _, req := range m.ByName() {
		req.Do()
	}
	var rs chi.Requests
	for i := range rs {
		rs[i].Do()
	}
	select {
	case req := <-m.Requests():
		req.Do()
	}
	switch v := x.(type) {
	case *chi.Cache:
		v.Get("switch")
	case *chi.Mux:
		v.Get("/switch")
	}
	s := &chi.Mux{
		// A long composite literal: its body is elided from the stored
		// declaration (which would otherwise pass the 300-byte cap on a
		// local's text and be dropped), and the declaration must still
		// give s its type. More words to make it long enough: the quick
		// brown fox jumps over the lazy dog, twice over, and then a third
		// time for good measure.
	}
	s.Get("/literal")
	x.(*chi.Request).Do()
}

var once = sync.OnceValue(func() *chi.Mux {
	return chi.NewRouter()
})

// Values of function type, nested ranges, a variable declared twice.
func Values(m map[string][]*chi.Request) {
	once().Get("/once")
	f := func() *chi.Cache { return nil }
	f().Get("f")
	for _, rs := range m {
		for _, req := range rs {
			req.Do()
		}
	}
	variant.Get("?")
}

var defaultMux chi.Mux

// DefaultMux is typed through the variable it points at.
var DefaultMux = &defaultMux

// Blocks uses a commented var block longer than a local's cap.
func Blocks() {
	var (
		// The router: this comment and the next make the block longer
		// than the 300 bytes a stored local may take, unless comments are
		// dropped from it, which they are.
		m = chi.NewRouter() // a router
		// The cache, with another comment to make the block long enough
		// to matter here and there.
		c *chi.Cache
	)
	m.Get("/block")
	c.Get("block")
	DefaultMux.Get("/default")
}
