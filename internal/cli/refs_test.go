package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/query"
)

func TestRefs(t *testing.T) {
	repo := sharedRepo(t)
	db := filepath.Join(repo, ".codegraph")
	st := graphOf(t, repo)
	get := nodeByQN(t, st, "Store.Get")
	var in []graph.Edge
	if err := st.InEdges(get.ID, nil, func(e graph.Edge) error { in = append(in, e); return nil }); err != nil {
		t.Fatal(err)
	}
	r := decode[query.RefsResult](t, mustRun(t, "refs", "--db", db, "Store.Get", "--json"))
	if r.Total != len(in) || len(r.Items) != len(in) {
		t.Fatalf("refs: %d items, the index has %d edges into Store.Get", r.Total, len(in))
	}
	var sawDefines bool
	for _, it := range r.Items {
		if it.Kind == "defines" {
			sawDefines = true
			if it.File != "pkg/store/store.go" || it.Line != 24 || it.Text != "func (s *Store) Get(id string) (Order, error) {" || it.Source.QualifiedName != "Store" {
				t.Errorf("defines ref = %+v", it)
			}
		}
		if it.Kind == "calls" && (it.File != "pkg/server/server.go" || !strings.Contains(it.Text, "s.st.Get(")) {
			t.Errorf("call ref = %+v", it)
		}
	}
	if !sawDefines {
		t.Error("no defines edge from Store")
	}
	out := mustRun(t, "refs", "--db", db, "Store.Get")
	if !strings.Contains(out, "pkg/store/store.go:24\tdefines\tStore\tfunc (s *Store) Get(") {
		t.Errorf("human refs:\n%s", out)
	}
	// --kind filters; pages come back with a cursor that fetches the rest.
	r = decode[query.RefsResult](t, mustRun(t, "refs", "--db", db, "Store.Get", "--kind", "contains", "--json"))
	if r.Total != 1 || r.Items[0].Kind != "contains" {
		t.Errorf("--kind contains: %+v", r)
	}
	p1 := decode[query.RefsResult](t, mustRun(t, "refs", "--db", db, "Store.Get", "--limit", "1", "--json"))
	if len(p1.Items) != 1 || p1.NextCursor == "" {
		t.Fatalf("page 1: %+v", p1)
	}
	p2 := decode[query.RefsResult](t, mustRun(t, "refs", "--db", db, "Store.Get", "--limit", "10", "--cursor", p1.NextCursor, "--json"))
	if len(p2.Items) != len(in)-1 || p2.NextCursor != "" || p2.Items[0] == p1.Items[0] {
		t.Errorf("page 2: %+v", p2)
	}
	_, errs, _ := run(t, "refs", "--db", db, "Store.Get", "--limit", "1")
	if !strings.Contains(errs, "--cursor") {
		t.Errorf("no next-page hint: %q", errs)
	}
	for _, bad := range [][]string{{"--kind", "frobs"}, {"--cursor", "nonsense"}, {"--limit", "-1"}} {
		if _, errs, code := run(t, append([]string{"refs", "--db", db, "Store.Get"}, bad...)...); code != 2 {
			t.Errorf("%v: exit %d %q", bad, code, errs)
		}
	}
}
