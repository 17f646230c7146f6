package resolve_test

import (
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// TestGoTypeParamCalls: a method called on a value whose type is a type
// parameter binds to the constraint interface's method and to the method of
// each type argument the function is visibly instantiated with (inferred
// from an argument's type, or written); a constraint whose type set is one
// type binds to that type's method; a type that satisfies the constraint
// but never instantiates the function is never bound.
func TestGoTypeParamCalls(t *testing.T) {
	dir, _ := filepath.Abs("testdata/gogeneric")
	got := allCallDsts(t, indexDir(t, dir))
	want := map[string][]string{
		"zoo/zoo.go:26 n.Name": {"zoo/zoo.go:Cat.Name exact", "zoo/zoo.go:Dog.Name exact", "zoo/zoo.go:Named.Name exact"},
		"zoo/zoo.go:34 d.Bark": {"zoo/zoo.go:Dog.Bark exact"},
		"zoo/zoo.go:40 n.Name": {"zoo/zoo.go:Named.Name exact"},
	}
	for k, w := range want {
		if !reflect.DeepEqual(got[k], w) {
			t.Errorf("%s: got %q, want %q", k, got[k], w)
		}
	}
}

// allCallDsts lists every destination of each call site of the index at db,
// sorted, keyed by "file:line target".
func allCallDsts(t *testing.T, db string) map[string][]string {
	t.Helper()
	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	out := map[string][]string{}
	if err := st.AllEdges(func(e graph.Edge) error {
		if e.Kind != graph.EdgeCalls || e.Dst == 0 {
			return nil
		}
		dst, err := st.Node(e.Dst)
		if err != nil {
			return err
		}
		k := fmt.Sprintf("%s:%d %s", e.File, e.Line, e.Target)
		out[k] = append(out[k], fmt.Sprintf("%s:%s %s", dst.File, dst.QualifiedName, e.Res))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, v := range out {
		sort.Strings(v)
	}
	return out
}
