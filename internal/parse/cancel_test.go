package parse

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestCancelWhileBalancing cancels a parse after the whole input is read
// (while tree-sitter balances the tree) and parses again with the same
// Parser: with the parser only Reset, tree-sitter 0.25.0 takes the next
// parse for the rest of the cancelled one and aborts the process on an
// assertion (seen indexing the Go standard library under load).
func TestCancelWhileBalancing(t *testing.T) {
	var b strings.Builder
	b.WriteString("package big\n\nfunc f() {\n")
	for i := 0; i < 40000; i++ {
		fmt.Fprintf(&b, "\tx%d := %d + y(%d)\n", i, i, i)
	}
	b.WriteString("}\n")
	src := []byte(b.String())
	x := NewExtractor()
	defer x.Close()
	// A generous bound: the second parse must finish, also on a loaded
	// machine (at load 27 on 2 cores this file took over 10 s).
	p := x.NewParser(Options{Timeout: 2 * time.Minute})
	defer p.Close()
	p.budget.haltAt(int64(len(src)))
	if _, err := p.Parse(context.Background(), "big.go", "go", src); !errors.Is(err, ErrTimeout) {
		t.Fatalf("cancelled parse: %v", err)
	}
	if !p.budget.halted() {
		t.Skip("tree-sitter did not report progress while balancing this input")
	}
	p.budget.haltAt(-1)
	res, err := p.Parse(context.Background(), "big.go", "go", src)
	if err != nil || len(res.Nodes) == 0 {
		t.Fatalf("the parse after a cancelled one: %v", err)
	}
}
