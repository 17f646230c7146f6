package cli

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/query"
)

// TestCallers checks callers against the calls edges the index holds
// (resolved or not, depending on the resolver), not against a fixed list.
func TestCallers(t *testing.T) {
	repo := sharedRepo(t)
	db := filepath.Join(repo, ".codegraph")
	st := graphOf(t, repo)
	for _, qn := range []string{"Store.Get", "formatMoney", "Report", "Store.Put"} {
		n := nodeByQN(t, st, qn)
		want := map[string]uint32{} // caller id -> first call line
		err := st.InEdges(n.ID, []graph.EdgeKind{graph.EdgeCalls}, func(e graph.Edge) error {
			if l, ok := want[e.Src.String()]; !ok || e.Line < l {
				want[e.Src.String()] = e.Line
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		r := decode[query.CallsResult](t, mustRun(t, "callers", "--db", db, qn, "--json"))
		if r.Root.ID != n.ID.String() || r.Direction != "callers" || r.Depth != 1 || r.Total != len(want) {
			t.Errorf("callers %s: root %s, %d callers, the index has %d", qn, r.Root.QualifiedName, r.Total, len(want))
			continue
		}
		for _, it := range r.Items {
			if line, ok := want[it.Symbol.ID]; !ok || it.Via.Line != line || it.Depth != 1 || it.Parent != n.ID.String() {
				t.Errorf("callers %s: unexpected %+v", qn, it)
			}
		}
		out := mustRun(t, "callers", "--db", db, qn, "--depth", "3")
		if !strings.HasPrefix(out, "callers of "+qn+" (") {
			t.Errorf("human callers:\n%s", out)
		}
	}
	if _, _, code := run(t, "callers", "--db", db, "Store.Get", "--depth", "0"); code != 2 {
		t.Errorf("--depth 0: exit %d", code)
	}
	if _, errs, code := run(t, "callers", "--db", db, "add"); code != 2 || !strings.Contains(errs, "codegraph callers ") {
		t.Errorf("ambiguous: exit %d %q", code, errs)
	}
}

// sortedKeysOf lists a set's keys in order.
func sortedKeysOf(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestPrintValueUses: callers prints where the function is used as a
// value, and impact names the escape.
func TestPrintValueUses(t *testing.T) {
	var b strings.Builder
	printCalls(&b, &query.CallsResult{Root: query.Symbol{QualifiedName: "Mux.routeHTTP", Kind: "method"}, Direction: "callers", Depth: 1,
		Values: []query.EdgeRef{{File: "mux.go", Line: 5, Target: "mx.routeHTTP"}}})
	if !strings.Contains(b.String(), "passed as a value at mux.go:5\tmx.routeHTTP\n") {
		t.Errorf("callers:\n%s", b.String())
	}
	b.Reset()
	printImpact(&b, &query.ImpactResult{Escapes: query.Uncertainty{Count: 1, Sites: []query.Site{{File: "mux.go", Line: 5, Target: "mx.routeHTTP", Name: "routeHTTP"}}}})
	if out := b.String(); !strings.Contains(out, "INCOMPLETE") || !strings.Contains(out, "escapes as a value at 1 site") || !strings.Contains(out, "mux.go:5\tmx.routeHTTP\tpassed as a value") {
		t.Errorf("impact:\n%s", out)
	}
}
