package main

import (
	"github.com/go-chi/chi/v5"
	"gopkg.in/yaml.v2"
	yaml "gopkg.in/yaml.v3"
)

func main() {
	r := chi.NewRouter()
	r.Route("/x", func(r chi.Router, xs ...int) {
		r.Get("/", nil)
	})
	for i, c := range cmds {
		c.Name()
	}
	switch v := x.(type) {
	case *T:
		v.M()
	case int, string:
	default:
	}
	select {
	case req := <-s.requests:
		req.Do()
	}
	s := &Server{
		a: 1,
		b: func() {
			lots()
			of()
			stuff()
			here()
			to()
			make()
			this()
			long()
			enough()
			more()
		},
	}
	if v, ok := y.(T); ok {
	}
	_ = yaml.Marshal
}
