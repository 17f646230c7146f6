package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/query"
)

func TestPath(t *testing.T) {
	repo := sharedRepo(t)
	db := filepath.Join(repo, ".codegraph")
	st := graphOf(t, repo)
	// Cart.total calls formatMoney: a path of one edge if the call is
	// resolved, none otherwise.
	total, fm := nodeByQN(t, st, "Cart.total"), nodeByQN(t, st, "formatMoney")
	resolved := false
	st.OutEdges(total.ID, []graph.EdgeKind{graph.EdgeCalls}, func(e graph.Edge) error {
		resolved = resolved || e.Dst == fm.ID
		return nil
	})
	r := decode[query.PathResult](t, mustRun(t, "path", "--db", db, "Cart.total", "formatMoney", "--json"))
	if r.Found != resolved {
		t.Fatalf("found = %v, resolved = %v", r.Found, resolved)
	}
	if resolved {
		if r.Length != 1 || len(r.Steps) != 2 || r.Steps[1].Via.Line != 17 || r.Steps[1].Symbol.QualifiedName != "formatMoney" {
			t.Errorf("path = %+v", r)
		}
		out := mustRun(t, "path", "--db", db, "Cart.total", "formatMoney")
		if !strings.Contains(out, "path from Cart.total to formatMoney: 1 edge") || !strings.Contains(out, "[calls at web/cart.ts:17]") {
			t.Errorf("human path:\n%s", out)
		}
	}
	// Backwards there is none; a symbol reaches itself.
	out := mustRun(t, "path", "--db", db, "formatMoney", "Cart.total")
	if !strings.HasPrefix(out, "no path from formatMoney") {
		t.Errorf("no path:\n%s", out)
	}
	r = decode[query.PathResult](t, mustRun(t, "path", "--db", db, "Report", "Report", "--json"))
	if !r.Found || r.Length != 0 {
		t.Errorf("self path = %+v", r)
	}
	if _, _, code := run(t, "path", "--db", db, "add", "Report"); code != 2 {
		t.Errorf("ambiguous A: exit %d", code)
	}
	if _, _, code := run(t, "path", "--db", db, "Report"); code == 0 {
		t.Error("one argument accepted")
	}
}
