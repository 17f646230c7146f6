package query

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// TestValueUses: a function used as a value (references edge into a
// callable) is listed by callers apart from its calls, and makes impact a
// lower bound that names the escape site.
func TestValueUses(t *testing.T) {
	src := `package mux

func (mx *Mux) routeHTTP() {}

func (mx *Mux) Mount() { mx.handler = HandlerFunc(mx.routeHTTP) }

func (mx *Mux) Serve() { mx.routeHTTP() }

func (mx *Mux) ping() {}

func (mx *Mux) Ping() { mx.ping() }
`
	f := buildFixture(t, []fileSpec{{path: "mux/mux.go", lang: "go", src: src, defs: []defSpec{
		{kind: kMethod, qn: "Mux.routeHTTP", start: 3, end: 3, sig: "func (mx *Mux) routeHTTP()"},
		{kind: kMethod, qn: "Mux.Mount", start: 5, end: 5, sig: "func (mx *Mux) Mount()"},
		{kind: kMethod, qn: "Mux.Serve", start: 7, end: 7, sig: "func (mx *Mux) Serve()"},
		{kind: kMethod, qn: "Mux.ping", start: 9, end: 9, sig: "func (mx *Mux) ping()"},
		{kind: kMethod, qn: "Mux.Ping", start: 11, end: 11, sig: "func (mx *Mux) Ping()"},
	}}}, []edgeSpec{
		{kind: graph.EdgeReferences, from: "Mux.Mount", to: "Mux.routeHTTP", target: "mx.routeHTTP", line: 5, res: rExact},
		{kind: eCalls, from: "Mux.Serve", to: "Mux.routeHTTP", target: "mx.routeHTTP", line: 7, res: rExact},
		{kind: eCalls, from: "Mux.Ping", to: "Mux.ping", target: "mx.ping", line: 11, res: rExact},
	})
	c, err := f.e.Callers(bg, f.n("Mux.routeHTTP"), CallsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Total != 1 || c.Items[0].Symbol.QualifiedName != "Mux.Serve" {
		t.Errorf("callers = %+v", c.Items)
	}
	if len(c.Values) != 1 || c.Values[0].File != "mux/mux.go" || c.Values[0].Line != 5 || c.Values[0].Target != "mx.routeHTTP" {
		t.Errorf("values = %+v", c.Values)
	}
	r, err := f.e.Impact(bg, f.e.ScopeOf(f.node["Mux.routeHTTP"]), ImpactOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Complete || r.Escapes.Count != 1 || r.Escapes.Sites[0].Line != 5 || r.Escapes.Sites[0].Name != "routeHTTP" {
		t.Errorf("impact: complete %v escapes %+v", r.Complete, r.Escapes)
	}
	r, err = f.e.Impact(bg, f.e.ScopeOf(f.node["Mux.ping"]), ImpactOptions{})
	if err != nil || !r.Complete || r.Escapes.Count != 0 {
		t.Errorf("ping: %+v %v", r, err)
	}
}

// TestImpactDispatch: a method whose type implements an interface reaches
// the calls made through the interface's method, marked dynamic.
func TestImpactDispatch(t *testing.T) {
	src := `package mux

type Handler interface {
	ServeHTTP()
}

type Mux struct{}

func (mx *Mux) ServeHTTP() {}

func Serve(h Handler) { h.ServeHTTP() }
`
	f := buildFixture(t, []fileSpec{{path: "mux/mux.go", lang: "go", src: src, defs: []defSpec{
		{kind: graph.KindInterface, qn: "Handler", start: 3, end: 5},
		{kind: kMethod, qn: "Handler.ServeHTTP", start: 4, end: 4, parent: "Handler", sig: "ServeHTTP()"},
		{kind: graph.KindStruct, qn: "Mux", start: 7, end: 7},
		{kind: kMethod, qn: "Mux.ServeHTTP", start: 9, end: 9, parent: "Mux", sig: "func (mx *Mux) ServeHTTP()"},
		{kind: kFunc, qn: "Serve", start: 11, end: 11, sig: "func Serve(h Handler)"},
	}}}, []edgeSpec{
		{kind: graph.EdgeImplements, from: "Mux", to: "Handler", target: "(method set)", line: 7, res: rExact},
		{kind: eCalls, from: "Serve", to: "Handler.ServeHTTP", target: "h.ServeHTTP", line: 11, res: rExact},
	})
	r, err := f.e.Impact(bg, f.e.ScopeOf(f.node["Mux.ServeHTTP"]), ImpactOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range r.Items {
		got = append(got, fmt.Sprintf("%d %s %v %v", it.Depth, it.Symbol.QualifiedName, it.Dynamic, it.Confidence))
	}
	if want := []string{"1 Handler.ServeHTTP true 0.5", "2 Serve true 0.5"}; !reflect.DeepEqual(got, want) {
		t.Errorf("items = %v, want %v", got, want)
	}
	if r.Dispatch.Count != 1 || r.Dispatch.Sites[0].Target != "Handler.ServeHTTP" || r.Dispatch.Sites[0].Line != 7 {
		t.Errorf("dispatch = %+v", r.Dispatch)
	}
}
