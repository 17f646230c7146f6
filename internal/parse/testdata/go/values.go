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
