package resolve

import (
	"go/ast"
	"go/parser"
	"reflect"
	"testing"
)

// TestParseTargetMatchesParser checks parseTarget's fast path against
// go/parser on the shapes of call and value targets: the trees must be
// equal once positions are dropped, and what go/parser rejects is
// rejected.
func TestParseTargetMatchesParser(t *testing.T) {
	for _, s := range []string{
		"f", "pkg.F", "s.mu.Lock", "a.b.c.d", "_", "_x.y", "Ünïcode.Fn", "x1.y2",
		"m[k]", "fns[0].Run", "(*T).M", "T[int]", "f()", "x.(T).M", "func", "a..b", ".a", "a.", "", "type.x", "1a", "a.1",
		"List[int, string].Len", "s . f",
	} {
		got, gerr := parseTarget(s)
		want, werr := parser.ParseExpr(s)
		if (gerr != nil) != (werr != nil) {
			t.Errorf("%q: error %v, go/parser's %v", s, gerr, werr)
			continue
		}
		if gerr != nil {
			continue
		}
		if !reflect.DeepEqual(strip(got), strip(want)) {
			t.Errorf("%q: %s, go/parser gives %s", s, exprString(got), exprString(want))
		}
	}
}

// strip returns a copy of a dotted-identifier tree without positions and
// objects (other shapes come from go/parser on both sides, compared
// through their printed form).
func strip(x ast.Expr) any {
	switch x := x.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return []any{strip(x.X), x.Sel.Name}
	}
	return exprString(x)
}
