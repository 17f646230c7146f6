package query_test

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// TestDispatchIndexed indexes testdata/dispatch: callers and impact of a
// method reach the calls made through the interfaces its type satisfies,
// a standard one (http.Handler) and one whose methods all come from an
// embedded standard interface (Conn embeds io.ReadWriteCloser), marked
// dynamic.
func TestDispatchIndexed(t *testing.T) {
	ctx := context.Background()
	dir, _ := filepath.Abs("testdata/dispatch")
	db := t.TempDir()
	if _, err := index.Run(ctx, index.Options{Root: dir, DBDir: db}); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := query.New(st, query.Options{Root: dir})
	callers := func(spec string) []string {
		t.Helper()
		s, err := e.ResolveScope(ctx, spec)
		if err != nil || s.Symbol == nil {
			t.Fatalf("%s: %v", spec, err)
		}
		id, _ := graph.ParseNodeID(s.Symbol.ID)
		c, err := e.Callers(ctx, id, query.CallsOptions{Depth: 2})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range c.Items {
			got = append(got, fmt.Sprintf("%d %s %v %s", it.Depth, it.Symbol.QualifiedName, it.Dynamic, it.Through))
		}
		return got
	}
	if got, want := callers("Mux.ServeHTTP"), []string{"1 Serve true net/http.Handler.ServeHTTP", "2 Top false ", "1 Direct false "}; !reflect.DeepEqual(got, want) {
		t.Errorf("callers of Mux.ServeHTTP = %q, want %q", got, want)
	}
	if got, want := callers("pipe.Close"), []string{"1 Hangup true io.Closer.Close"}; !reflect.DeepEqual(got, want) {
		t.Errorf("callers of pipe.Close = %q, want %q", got, want)
	}
	s, err := e.ResolveScope(ctx, "Mux.ServeHTTP")
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.Impact(ctx, s, query.ImpactOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range r.Items {
		got = append(got, fmt.Sprintf("%d %s %v", it.Depth, it.Symbol.QualifiedName, it.Dynamic))
	}
	want := []string{"1 net/http.Handler.ServeHTTP true", "1 Direct false", "2 Serve true", "3 Top true"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("impact = %q, want %q", got, want)
	}
}
