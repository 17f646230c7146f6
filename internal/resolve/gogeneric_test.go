package resolve_test

import (
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/resolve"
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

// TestDropCallersSameEdges: forgetting the parsed callers at every new
// source (instead of keeping up to maxCallers of them) binds every edge of
// the fixtures the same, generic functions' call sites included.
func TestDropCallersSameEdges(t *testing.T) {
	for _, fx := range []string{"gogeneric", "goscope", "shop", "goiface", "goconv"} {
		dir, _ := filepath.Abs(filepath.Join("testdata", fx))
		kept := allEdgeDsts(t, indexDir(t, dir))
		restore := resolve.SetMaxCallers(0)
		dropped := allEdgeDsts(t, indexDir(t, dir))
		restore()
		if len(kept) == 0 {
			t.Fatalf("%s: no bound edges", fx)
		}
		if !reflect.DeepEqual(kept, dropped) {
			for k, v := range kept {
				if !reflect.DeepEqual(dropped[k], v) {
					t.Errorf("%s: %s: kept %q, dropped %q", fx, k, v, dropped[k])
				}
			}
			for k, v := range dropped {
				if _, ok := kept[k]; !ok {
					t.Errorf("%s: %s: kept none, dropped %q", fx, k, v)
				}
			}
		}
	}
}

// allEdgeDsts is allCallDsts for the resolved edges of every kind, with
// their candidate counts.
func allEdgeDsts(t *testing.T, db string) map[string][]string {
	t.Helper()
	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	out := map[string][]string{}
	if err := st.AllEdges(func(e graph.Edge) error {
		if e.Dst == 0 {
			return nil
		}
		dst, err := st.Node(e.Dst)
		if err != nil {
			return err
		}
		k := fmt.Sprintf("%s %s:%d %s", e.Kind, e.File, e.Line, e.Target)
		out[k] = append(out[k], fmt.Sprintf("%s:%s %s %d", dst.File, dst.QualifiedName, e.Res, e.Candidates))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, v := range out {
		sort.Strings(v)
	}
	return out
}
