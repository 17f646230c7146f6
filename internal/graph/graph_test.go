package graph

import "testing"

func TestNodeIDStableAndDistinct(t *testing.T) {
	a := MakeNodeID("pkg/a.go", "Server.Serve", KindMethod, 0)
	if a != MakeNodeID("pkg/a.go", "Server.Serve", KindMethod, 0) {
		t.Fatal("same inputs, different ids")
	}
	for _, other := range []NodeID{
		MakeNodeID("pkg/b.go", "Server.Serve", KindMethod, 0),
		MakeNodeID("pkg/a.go", "Server.Server", KindMethod, 0),
		MakeNodeID("pkg/a.go", "Server.Serve", KindFunction, 0),
		MakeNodeID("pkg/a.go", "Server.Serve", KindMethod, 1),
		// The separator keeps ("ab","c") and ("a","bc") apart.
		MakeNodeID("pkg/a.goS", "erver.Serve", KindMethod, 0),
	} {
		if other == a {
			t.Fatalf("distinct inputs share id %s", a)
		}
	}
	back, err := ParseNodeID(a.String())
	if err != nil || back != a {
		t.Fatalf("ParseNodeID(%s) = %v, %v", a, back, err)
	}
	if _, err := ParseNodeID("xyz"); err == nil {
		t.Fatal("bad id parsed")
	}
}

func TestKindNamesRoundTrip(t *testing.T) {
	for _, k := range NodeKinds() {
		if got, ok := ParseNodeKind(k.String()); !ok || got != k {
			t.Errorf("node kind %v does not round-trip", k)
		}
	}
	for _, k := range EdgeKinds() {
		if got, ok := ParseEdgeKind(k.String()); !ok || got != k {
			t.Errorf("edge kind %v does not round-trip", k)
		}
	}
	if _, ok := ParseNodeKind("unknown"); ok {
		t.Error("unknown accepted as a node kind")
	}
	for _, v := range []Visibility{VisPublic, VisPrivate, VisProtected, VisInternal} {
		if ParseVisibility(v.String()) != v {
			t.Errorf("visibility %v does not round-trip", v)
		}
	}
}

func TestResolutionNamesRoundTrip(t *testing.T) {
	for r := ResUnresolved; r <= ResDynamic; r++ {
		if got, ok := ParseResolution(r.String()); !ok || got != r {
			t.Errorf("resolution %v does not round-trip", r)
		}
	}
	if !ResPrecise.IsPrecise() || !ResDynamic.IsPrecise() || ResExact.IsPrecise() {
		t.Error("IsPrecise")
	}
}
