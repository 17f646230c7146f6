package cli

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/query"
)

// TestCallees checks callees against the calls edges the index holds:
// every resolved callee once, every unresolved target once, as written.
func TestCallees(t *testing.T) {
	repo := sharedRepo(t)
	db := filepath.Join(repo, ".codegraph")
	st := graphOf(t, repo)
	for _, qn := range []string{"Server.ServeHTTP", "build_report", "Cart.total"} {
		n := nodeByQN(t, st, qn)
		want := map[string]bool{}
		err := st.OutEdges(n.ID, []graph.EdgeKind{graph.EdgeCalls}, func(e graph.Edge) error {
			if e.Dst != 0 {
				want["id:"+e.Dst.String()] = true
			} else {
				want["target:"+e.Target] = true
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(want) == 0 {
			t.Fatalf("%s has no calls in the index", qn)
		}
		r := decode[query.CallsResult](t, mustRun(t, "callees", "--db", db, qn, "--json"))
		got := map[string]bool{}
		for _, it := range r.Items {
			switch {
			case it.Symbol != nil:
				got["id:"+it.Symbol.ID] = true
				if it.Via.Resolution == "unresolved" {
					t.Errorf("%s: resolved callee marked unresolved: %+v", qn, it)
				}
			default:
				got["target:"+it.Target] = true
				if it.Via.Resolution != "unresolved" || it.Via.Confidence != 0 {
					t.Errorf("%s: unresolved callee %+v", qn, it)
				}
			}
			if it.Via.File != n.File || it.Via.Line < n.StartLine || it.Via.Line > n.EndLine {
				t.Errorf("%s: call site %s:%d outside the function", qn, it.Via.File, it.Via.Line)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("callees %s:\n got %v\nwant %v", qn, sortedKeysOf(got), sortedKeysOf(want))
		}
	}
	out := mustRun(t, "callees", "--db", db, "Server.ServeHTTP", "--depth", "2")
	if !strings.Contains(out, "callees of Server.ServeHTTP") || !strings.Contains(out, "[call at pkg/server/server.go:") {
		t.Errorf("human callees:\n%s", out)
	}
}
