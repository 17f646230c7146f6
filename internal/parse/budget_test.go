package parse

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	sitter "github.com/tree-sitter/go-tree-sitter"
)

// pathological are sources that tree-sitter parses in well under a second
// but whose extraction then runs for 15 s to minutes (on a 2-core
// machine): deep nesting makes the query cursor's every step, or the
// extractor's walks of the tree, cost in proportion to the depth. The files (240 KB of JavaScript nested
// 60,000 deep, 89 s; 100 KB of unclosed Rust braces, 33 s) are larger
// cases of the same.
var pathological = []pathologicalCase{
	{"rust-unclosed-braces", "rust", "braces.rs", func() string {
		return "fn f() " + strings.Repeat("{", 30000)
	}},
	{"c-unclosed-braces", "c", "braces.c", func() string {
		return "int f() " + strings.Repeat("{", 30000)
	}},
	{"python-unclosed-parens", "python", "parens.py", func() string {
		return "x = " + strings.Repeat("(", 30000)
	}},
	// 20,000 nested functions: the query is quick, but building the nodes
	// (each definition's doc comment walks its siblings up a deep tree)
	// ran for minutes.
	{"js-nested-functions", "javascript", "nested.js", func() string {
		return strings.Repeat("function f(){", 20000) + strings.Repeat("}", 20000)
	}},
}

// warmExtractor returns an Extractor whose queries for the pathological
// grammars are compiled, so that tests time the parse and extraction only.
func warmExtractor(t *testing.T) *Extractor {
	x := NewExtractor()
	t.Cleanup(x.Close)
	for _, tc := range cases() {
		if _, err := x.get(tc.grammar); err != nil {
			t.Fatal(err)
		}
	}
	return x
}

// cases are the pathological sources a test runs: one under -short.
func cases() []pathologicalCase {
	if testing.Short() {
		return pathological[:1]
	}
	return pathological
}

type pathologicalCase struct {
	name, grammar, path string
	src                 func() string
}

func TestParseBudgetCoversQueries(t *testing.T) {
	x := warmExtractor(t)
	const budget = time.Second
	p := x.NewParser(Options{Timeout: budget})
	t.Cleanup(p.Close)
	for _, tc := range cases() {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			res, err := p.Parse(context.Background(), tc.path, tc.grammar, []byte(tc.src()))
			el := time.Since(start)
			if !errors.Is(err, ErrTimeout) {
				t.Fatalf("Parse = %v, %v; want ErrTimeout", res != nil, err)
			}
			// The budget plus tree-sitter's check interval; generous for a
			// loaded machine (at load 10 on two cores the parse got ~15% of
			// a core and js-nested-functions took 3.5-6 s of wall time for
			// 0.2 s of CPU), far below the minutes it took unbounded.
			if el > budget+10*time.Second {
				t.Errorf("Parse took %s with a %s budget", el, budget)
			}
		})
	}
	// The same Parser (and its budget) still works for an ordinary file.
	res, err := p.Parse(context.Background(), "ok.rs", "rust", []byte("fn ok() { g(); }\n"))
	if err != nil {
		t.Fatalf("Parse after timeouts: %v", err)
	}
	if !hasNode(res, "ok") {
		t.Errorf("Parse after timeouts: no node ok in %+v", res.Nodes)
	}
}

func hasNode(res *Result, name string) bool {
	for _, n := range res.Nodes {
		if n.Name == name {
			return true
		}
	}
	return false
}

func TestParseCancelStopsQuery(t *testing.T) {
	x := warmExtractor(t)
	p := x.NewParser(Options{Timeout: time.Hour})
	t.Cleanup(p.Close)
	for _, tc := range cases() {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			time.AfterFunc(300*time.Millisecond, cancel)
			start := time.Now()
			_, err := p.Parse(ctx, tc.path, tc.grammar, []byte(tc.src()))
			el := time.Since(start)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Parse = %v; want context.Canceled", err)
			}
			if el > 3300*time.Millisecond {
				t.Errorf("Parse returned %s after its context was cancelled", el-300*time.Millisecond)
			}
		})
	}
	// A context cancelled before the call stops it at once.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Parse(ctx, "a.go", "go", []byte("package a\n")); !errors.Is(err, context.Canceled) {
		t.Errorf("Parse with a cancelled context = %v", err)
	}
}

// TestBudgetHandles checks the layout budget.go relies on: the C handle is
// the first field of go-tree-sitter's QueryCursor, Query and Node.
func TestBudgetHandles(t *testing.T) {
	for _, typ := range []reflect.Type{
		reflect.TypeFor[sitter.QueryCursor](), reflect.TypeFor[sitter.Query](), reflect.TypeFor[sitter.Node](),
	} {
		f := typ.Field(0)
		if f.Name != "_inner" || f.Offset != 0 {
			t.Errorf("%s: first field %s at %d, want _inner at 0", typ, f.Name, f.Offset)
		}
	}
	if k := reflect.TypeFor[sitter.QueryCursor]().Field(0).Type.Kind(); k != reflect.Pointer {
		t.Errorf("QueryCursor._inner is a %s, want a pointer", k)
	}
	if k := reflect.TypeFor[sitter.Query]().Field(0).Type.Kind(); k != reflect.Pointer {
		t.Errorf("Query._inner is a %s, want a pointer", k)
	}
}

// bigGo is a Go file that tree-sitter takes well over a few milliseconds
// to parse (about 1.3 MB, 40,000 statements).
func bigGo() []byte {
	var b strings.Builder
	b.WriteString("package big\n\nfunc f() {\n")
	for i := 0; i < 40000; i++ {
		fmt.Fprintf(&b, "\tx%d := %d + y(%d)\n", i, i, i)
	}
	b.WriteString("}\n")
	return []byte(b.String())
}

// TestParseDeadlineStopsParse: the C progress callback of the parse
// (budget.parse) halts tree-sitter's parse itself on the deadline, not
// only the queries after it.
func TestParseDeadlineStopsParse(t *testing.T) {
	src := bigGo()
	x := NewExtractor()
	t.Cleanup(x.Close)
	if _, err := x.get("go"); err != nil {
		t.Fatal(err)
	}
	p := x.NewParser(Options{Timeout: time.Millisecond})
	t.Cleanup(p.Close)
	start := time.Now()
	_, err := p.Parse(context.Background(), "big.go", "go", src)
	el := time.Since(start)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("Parse = %v; want ErrTimeout", err)
	}
	if !p.budget.halted() {
		t.Fatalf("the parse was not halted: the deadline hit the queries after it")
	}
	if el > 5*time.Second {
		t.Errorf("Parse took %s with a 1 ms budget", el)
	}
	// The same Parser parses the next file in full.
	p.opts.Timeout = 2 * time.Minute
	res, err := p.Parse(context.Background(), "big.go", "go", src)
	if err != nil || !hasNode(res, "f") {
		t.Fatalf("Parse after a halted parse: %v", err)
	}
	if p.budget.halted() {
		t.Errorf("halted() still true after a parse that finished")
	}
}

// TestParseCancelStopsParse: cancelling the context halts tree-sitter's
// parse through the C stop flag.
func TestParseCancelStopsParse(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 10; i++ {
		b.Write(bigGo()) // ~13 MB: seconds of parsing
	}
	src := []byte(b.String())
	x := NewExtractor()
	t.Cleanup(x.Close)
	if _, err := x.get("go"); err != nil {
		t.Fatal(err)
	}
	p := x.NewParser(Options{Timeout: time.Hour})
	t.Cleanup(p.Close)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := p.Parse(ctx, "big.go", "go", src)
	el := time.Since(start)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Parse = %v; want context.Canceled", err)
	}
	if !p.budget.halted() {
		t.Fatalf("the parse was not halted: the cancel hit the queries after it")
	}
	if el > 3*time.Second {
		t.Errorf("Parse returned %s after its context was cancelled", el-50*time.Millisecond)
	}
}

// TestParseHandles checks the layout budget.parse relies on: the C handle
// is the only field of go-tree-sitter's Parser and Tree.
func TestParseHandles(t *testing.T) {
	for _, typ := range []reflect.Type{reflect.TypeFor[sitter.Parser](), reflect.TypeFor[sitter.Tree]()} {
		if typ.NumField() != 1 || typ.Field(0).Name != "_inner" || typ.Field(0).Type.Kind() != reflect.Pointer {
			t.Errorf("%s: want one pointer field _inner", typ)
		}
	}
}

// TestStartWithoutCgo: startByte and startPoint read what tree-sitter's
// ts_node_start_byte and ts_node_start_point return, for every node of a
// tree (named or not, empty, MISSING and ERROR nodes included).
func TestStartWithoutCgo(t *testing.T) {
	src := []byte("package a\n\n// F does.\nfunc F(x int) (y int) {\n\ts := []int{1, 2}\n\tfor _, v := range s { y += v }\n\treturn y +\n}\n\ntype T struct{ a, b int; c string }\n")
	x := NewExtractor()
	t.Cleanup(x.Close)
	g, _ := x.get("go")
	tp := sitter.NewParser()
	defer tp.Close()
	if err := tp.SetLanguage(g.grammar.TS()); err != nil {
		t.Fatal(err)
	}
	tree := tp.Parse(src, nil)
	defer tree.Close()
	c := tree.RootNode().Walk()
	defer c.Close()
	n := 0
	for {
		node := c.Node()
		n++
		if got, want := startByte(node), node.StartByte(); got != want {
			t.Fatalf("%s: startByte %d, StartByte %d", node.Kind(), got, want)
		}
		if got, want := startPoint(node), node.StartPosition(); got != want {
			t.Fatalf("%s: startPoint %v, StartPosition %v", node.Kind(), got, want)
		}
		if c.GotoFirstChild() {
			continue
		}
		for !c.GotoNextSibling() {
			if !c.GotoParent() {
				if n < 50 {
					t.Fatalf("walked %d nodes", n)
				}
				return
			}
		}
	}
}
