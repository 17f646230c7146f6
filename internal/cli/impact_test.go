package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/query"
)

func TestImpact(t *testing.T) {
	repo := sharedRepo(t)
	db := filepath.Join(repo, ".codegraph")
	st := graphOf(t, repo)
	get := nodeByQN(t, st, "Store.Get")
	callers := map[string]bool{}
	st.InEdges(get.ID, query.ImpactKinds, func(e graph.Edge) error { callers[e.Src.String()] = true; return nil })
	r := decode[query.ImpactResult](t, mustRun(t, "impact", "--db", db, "Store.Get", "--json"))
	depth1 := map[string]bool{}
	for _, it := range r.Items {
		if it.Depth == 1 {
			depth1[it.Symbol.ID] = true
		}
	}
	if len(depth1) != len(callers) || r.Depth != query.DefaultImpactDepth {
		t.Errorf("depth 1 = %v, the index has %v", depth1, callers)
	}
	// Complete exactly when nothing unresolved or ambiguous could reach
	// the set.
	if r.Complete != (!r.Truncated && r.Unresolved.Count == 0 && r.Ambiguous.Count == 0) {
		t.Errorf("complete = %v with %+v %+v", r.Complete, r.Unresolved, r.Ambiguous)
	}
	if r.FilesTotal != len(r.Files) || r.Tests == nil {
		t.Errorf("groups: %+v", r)
	}
	// Report.add is called as r.add on a value the resolver may not type:
	// either a resolved caller, or an unresolved call that makes the
	// impact a lower bound.
	r = decode[query.ImpactResult](t, mustRun(t, "impact", "--db", db, "Report.add", "--json"))
	if r.Total == 0 && (r.Complete || r.Unresolved.Count == 0 || r.Unresolved.Sites[0].Target != "r.add") {
		t.Errorf("Report.add: %+v", r)
	}
	out := mustRun(t, "impact", "--db", db, "Report.add")
	if !strings.HasPrefix(out, "impact of Report.add (method, tools/report.py:12), depth 5:") {
		t.Errorf("human impact:\n%s", out)
	}
	if r.Total == 0 && !strings.Contains(out, "INCOMPLETE") {
		t.Errorf("human impact does not say incomplete:\n%s", out)
	}
	// Files and packages.
	r = decode[query.ImpactResult](t, mustRun(t, "impact", "--db", db, "pkg/store/store.go", "--depth", "2", "--json"))
	if r.Scope.Kind != query.ScopeFile || r.Depth != 2 {
		t.Errorf("file scope: %+v", r.Scope)
	}
	r = decode[query.ImpactResult](t, mustRun(t, "impact", "--db", db, "web", "--json"))
	if r.Scope.Kind != query.ScopePackage {
		t.Errorf("package scope: %+v", r.Scope)
	}
	if _, _, code := run(t, "impact", "--db", db, "nowhere/nothing.go"); code != 2 {
		t.Errorf("missing: exit %d", code)
	}
}
