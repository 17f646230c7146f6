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

// TestGoTopLevelVars: package-level variables and constants (the
// @toplevel patterns) are nodes, in single specs and in groups; those
// declared in a function body, in a function literal or in a block are
// not.
func TestGoTopLevelVars(t *testing.T) {
	x := NewExtractor()
	defer x.Close()
	p := x.NewParser(Options{})
	defer p.Close()
	src := `package p

var A = 1
var (
	B int
	C, D = 2, 3
)
const E = 4
const (
	F = iota
	G
)

func f() {
	var la = 1
	var (
		lb int
	)
	const lc = 2
	g := func() { var ld int; const le = 3; _ = ld }
	{
		var lf int
		_ = lf
	}
	_, _, _ = la, lb, g
}

var H = func() int { var lg int; return lg }()
`
	res, err := p.Parse(context.Background(), "p.go", "go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]graph.NodeKind{}
	for _, n := range res.Nodes {
		if n.Kind == graph.KindVariable || n.Kind == graph.KindConstant {
			got[n.Name] = n.Kind
		}
	}
	want := map[string]graph.NodeKind{
		"A": graph.KindVariable, "B": graph.KindVariable, "C": graph.KindVariable, "D": graph.KindVariable,
		"E": graph.KindConstant, "F": graph.KindConstant, "G": graph.KindConstant, "H": graph.KindVariable,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("variables and constants %v, want %v", got, want)
	}
}
