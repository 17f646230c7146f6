package graph

import (
	"strings"
	"testing"
)

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

func TestTargetName(t *testing.T) {
	for target, want := range map[string]string{
		"s.st.Get": "Get", "r.URL.Query().Get": "Get", "std::vector<int>::push_back": "push_back",
		"println!": "println", "new Foo": "Foo", "Get": "Get", "()": "", "": "", "a.b[int]": "int",
		"f\t ": "f", "x.héllo": "héllo", "Get\x00x": "x",
	} {
		if got := TargetName(target); got != want {
			t.Errorf("TargetName(%q) = %q, want %q", target, got, want)
		}
	}
}

// TargetName trims as strings.TrimRight with its cutset does.
func FuzzTargetName(f *testing.F) {
	f.Add("r.URL.Query().Get")
	f.Add("a::b<>*& \t")
	f.Fuzz(func(t *testing.T, target string) {
		s := strings.TrimRight(target, "()!?;[]<>*&:. \t")
		i := len(s)
		for i > 0 {
			c := s[i-1]
			if c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80 {
				i--
				continue
			}
			break
		}
		if got, want := TargetName(target), s[i:]; got != want {
			t.Errorf("TargetName(%q) = %q, want %q", target, got, want)
		}
	})
}
