package parse

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
)

// FuzzParse feeds arbitrary bytes to every grammar: extraction must never
// panic, and the facts must be well formed. Each fixture seeds the
// grammar it is written in (C#, Ruby, PHP ... each get their own).
func FuzzParse(f *testing.F) {
	grammars := lang.Grammars()
	index := map[string]uint8{}
	for i, g := range grammars {
		index[g.Name] = uint8(i)
	}
	files, _ := filepath.Glob("testdata/*/*")
	for _, p := range files {
		if strings.HasSuffix(p, ".golden.json") {
			continue
		}
		if b, err := os.ReadFile(p); err == nil {
			g := lang.Refine(lang.Detect(p, nil), b)
			f.Add(b, index[g])
		}
	}
	f.Add([]byte("func (s *S) M() { a.b(c)(d) }"), uint8(1))
	f.Add([]byte("class A(B):\n  def f(self): self.x = g()\n"), uint8(2))
	f.Add([]byte("template<class T> void ns::A<T>::\n f() {}"), uint8(3))
	f.Add([]byte("<?php namespace A\\B; class C { function f() { $this->g()->h(); } }"), index["php"])
	f.Add([]byte("class A::B < C\n  private def f = @x&.y(1)\nend\n"), index["ruby"])
	f.Add([]byte("namespace N; class C<T> : B<T>, I { void M() => base.M<T>(); }"), index["csharp"])
	f.Add([]byte("package a.b\nimport x.*\nclass C(val r: R) : B(), I {\n companion object { fun f() = r?.g()!!.h() }\n}\n"), index["kotlin"])
	f.Add([]byte("extension A.B<T>: P where T: Q {\n  init?(x: Int) { self.init() }\n  subscript(i: Int) -> T { a?.b!.c() }\n}\n"), index["swift"])
	x := NewExtractor()
	f.Cleanup(x.Close)
	p := x.NewParser(Options{})
	f.Cleanup(p.Close)
	f.Fuzz(func(t *testing.T, src []byte, which uint8) {
		g := grammars[int(which)%len(grammars)]
		res, err := p.Parse(context.Background(), "fuzz/input", g.Name, src)
		if err != nil {
			t.Fatalf("%s: %v", g.Name, err)
		}
		checkWellFormed(t, res, len(src))
	})
}

func checkWellFormed(t *testing.T, res *Result, size int) {
	t.Helper()
	if len(res.Nodes) == 0 || res.Nodes[0].Kind != graph.KindFile {
		t.Fatal("first node is not the file")
	}
	ids := make(map[graph.NodeID]bool, len(res.Nodes))
	for _, n := range res.Nodes {
		if ids[n.ID] {
			t.Fatalf("duplicate id for %s %q", n.Kind, n.QualifiedName)
		}
		ids[n.ID] = true
		if n.StartLine == 0 || n.EndLine < n.StartLine || int(n.EndByte) > size || n.StartByte > n.EndByte {
			t.Fatalf("bad range for %s %q: lines %d-%d bytes %d-%d of %d", n.Kind, n.QualifiedName, n.StartLine, n.EndLine, n.StartByte, n.EndByte, size)
		}
		if n.Kind != graph.KindFile && n.Name == "" {
			t.Fatalf("unnamed %s node %q", n.Kind, n.QualifiedName)
		}
	}
	for _, e := range res.Edges {
		if !ids[e.Src] {
			t.Fatalf("%s edge from unknown node", e.Kind)
		}
		if e.Dst != 0 && !ids[e.Dst] {
			t.Fatalf("%s edge to unknown node", e.Kind)
		}
		if e.Dst == 0 && e.Target == "" {
			t.Fatalf("%s edge with neither destination nor target", e.Kind)
		}
	}
}
