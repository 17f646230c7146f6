package parse

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// TestGoConstGroupTypes checks the type a Go constant without an
// expression list takes from the list it repeats: across comments, after
// another typed list, after an untyped one, and in a group of thousands
// (which must not take quadratic time: each spec is asked once).
func TestGoConstGroupTypes(t *testing.T) {
	x := NewExtractor()
	defer x.Close()
	p := x.NewParser(Options{})
	defer p.Close()
	src := `package p

type T int
type U string

const (
	A T = iota
	B
	// a comment between specs
	C
	D U = "d"
	E
	F = 1 << iota
	G
	H, I T = 1, 2
	J, K
)

const L = 3
`
	res, err := p.Parse(context.Background(), "c.go", "go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	sigs := map[string]string{}
	for _, n := range res.Nodes {
		if n.Kind == graph.KindConstant {
			sigs[n.Name] = n.Signature
		}
	}
	want := map[string]string{"B": "B T", "C": "C T", "E": "E U", "G": "G", "J": "J, K T", "L": "L = 3"}
	for name, sig := range want {
		if !strings.HasSuffix(sigs[name], sig) && sigs[name] != sig {
			t.Errorf("%s: signature %q, want %q", name, sigs[name], sig)
		}
	}
	if strings.Contains(sigs["G"], "T") || strings.Contains(sigs["G"], "U") {
		t.Errorf("G repeats an untyped list, signature %q", sigs["G"])
	}

	// A group of 20,000 repeated constants: linear.
	var b strings.Builder
	b.WriteString("package p\n\ntype T int\n\nconst (\n\tC0 T = iota\n")
	for i := 1; i < 20000; i++ {
		fmt.Fprintf(&b, "\tC%d\n", i)
	}
	b.WriteString(")\n")
	start := time.Now()
	res, err = p.Parse(context.Background(), "big.go", "go", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	typed := 0
	for _, n := range res.Nodes {
		if n.Kind == graph.KindConstant && strings.HasSuffix(n.Signature, " T") {
			typed++
		}
	}
	if typed != 19999 {
		t.Errorf("%d of 19,999 repeated constants typed T", typed)
	}
	t.Logf("20,000 constants in %v", time.Since(start))
}
