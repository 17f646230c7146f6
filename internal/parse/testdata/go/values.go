package main

func (mx *Mux) handler(w int, r int) {
	h := HandlerFunc(mx.routeHTTP)
	mx.Handle("/", h, routeFn, w, nil, r)
	m := map[string]func(){"a": mx.routeHTTP, "b": other}
	mx.fn = mx.serve
	x := Server{Handler: mx.serve}
	_ = m
	_ = x
}

type Mux struct{ count int }

const maxSize = 10

// Fields, constants and CONSTANT_LIKE names are not function values.
func (mx *Mux) use() { use(mx.count, maxSize, O_RDONLY, mx.handler) }
