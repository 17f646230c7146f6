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

// TestCallersDispatch: callers of a method list the calls made through
// the interface methods it implements, marked dynamic with the interface
// method they go through, after its direct callers.
func TestCallersDispatch(t *testing.T) {
	f := dispatchFixture(t, 1)
	c, err := f.e.Callers(bg, f.n("Mux.ServeHTTP"), CallsOptions{Depth: 2})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range c.Items {
		got = append(got, fmt.Sprintf("%d %s %v %s", it.Depth, it.Symbol.QualifiedName, it.Dynamic, it.Through))
	}
	want := []string{"1 Direct false ", "1 Serve0 true Handler.ServeHTTP", "2 Top false "}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("callers = %v, want %v", got, want)
	}
	if len(c.Dispatch) != 1 || c.Dispatch[0].Name != "Handler.ServeHTTP" || c.Dispatch[0].Calls != 1 || !c.Dispatch[0].Followed {
		t.Errorf("dispatch = %+v", c.Dispatch)
	}
}

// TestDispatchWide: an interface method with more calls through it than
// the bound is counted, not followed, by callers and impact, and impact
// is then a lower bound.
func TestDispatchWide(t *testing.T) {
	f := dispatchFixture(t, 3)
	f.e.dispatchCap = 2
	c, err := f.e.Callers(bg, f.n("Mux.ServeHTTP"), CallsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Total != 1 || c.Items[0].Symbol.QualifiedName != "Direct" {
		t.Errorf("callers = %+v", c.Items)
	}
	if len(c.Dispatch) != 1 || c.Dispatch[0].Calls != 3 || c.Dispatch[0].Followed {
		t.Errorf("dispatch = %+v", c.Dispatch)
	}
	r, err := f.e.Impact(bg, f.e.ScopeOf(f.node["Mux.ServeHTTP"]), ImpactOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range r.Items {
		got = append(got, fmt.Sprintf("%d %s %v", it.Depth, it.Symbol.QualifiedName, it.Dynamic))
	}
	if want := []string{"1 Direct false"}; !reflect.DeepEqual(got, want) {
		t.Errorf("items = %v, want %v", got, want)
	}
	if r.Complete || len(r.DispatchWide) != 1 || r.DispatchWide[0].Name != "Handler.ServeHTTP" || r.DispatchWide[0].Calls != 3 {
		t.Errorf("complete %v, wide %+v", r.Complete, r.DispatchWide)
	}
	f.e.dispatchCap = 3
	r, err = f.e.Impact(bg, f.e.ScopeOf(f.node["Mux.ServeHTTP"]), ImpactOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Complete || len(r.DispatchWide) != 0 || r.Total != 6 { // Direct, Handler.ServeHTTP, Serve0-2, Top
		t.Errorf("at the bound: complete %v, wide %+v, total %d", r.Complete, r.DispatchWide, r.Total)
	}
}

// dispatchFixture: Mux implements Handler; Direct calls Mux.ServeHTTP,
// Serve0..Serve<n-1> call Handler.ServeHTTP, Top calls Serve0.
func dispatchFixture(t *testing.T, n int) *fixture {
	src := `package mux

type Handler interface {
	ServeHTTP()
}

type Mux struct{}

func (mx *Mux) ServeHTTP() {}

func Direct(m *Mux) { m.ServeHTTP() }

func Top() { Serve0(nil) }
`
	defs := []defSpec{
		{kind: graph.KindInterface, qn: "Handler", start: 3, end: 5},
		{kind: kMethod, qn: "Handler.ServeHTTP", start: 4, end: 4, parent: "Handler", sig: "ServeHTTP()"},
		{kind: graph.KindStruct, qn: "Mux", start: 7, end: 7},
		{kind: kMethod, qn: "Mux.ServeHTTP", start: 9, end: 9, parent: "Mux", sig: "func (mx *Mux) ServeHTTP()"},
		{kind: kFunc, qn: "Direct", start: 11, end: 11, sig: "func Direct(m *Mux)"},
		{kind: kFunc, qn: "Top", start: 13, end: 13, sig: "func Top()"},
	}
	edges := []edgeSpec{
		{kind: graph.EdgeImplements, from: "Mux", to: "Handler", target: "(method set)", line: 7, res: rExact},
		{kind: eCalls, from: "Direct", to: "Mux.ServeHTTP", target: "m.ServeHTTP", line: 11, res: rExact},
		{kind: eCalls, from: "Top", to: "Serve0", target: "Serve0", line: 13, res: rExact},
	}
	for i := range n {
		line := 15 + 2*i
		src += fmt.Sprintf("\nfunc Serve%d(h Handler) { h.ServeHTTP() }\n", i)
		name := fmt.Sprintf("Serve%d", i)
		defs = append(defs, defSpec{kind: kFunc, qn: name, start: line, end: line, sig: "func " + name + "(h Handler)"})
		edges = append(edges, edgeSpec{kind: eCalls, from: name, to: "Handler.ServeHTTP", target: "h.ServeHTTP", line: line, res: rExact})
	}
	return buildFixture(t, []fileSpec{{path: "mux/mux.go", lang: "go", src: src, defs: defs}}, edges)
}
