package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// graphOf opens the index of repo read-only, so that tests can compare a
// command's output with the edges the index holds, whatever the resolver
// bound.
func graphOf(t *testing.T, repo string) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(repo, ".codegraph"), store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// nodeByQN returns the one node with a qualified name.
func nodeByQN(t *testing.T, st *store.Store, qn string) graph.Node {
	t.Helper()
	var out []graph.Node
	if err := st.NodesByQualifiedName(qn, func(n graph.Node) error { out = append(out, n); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 {
		t.Fatalf("%d nodes named %s", len(out), qn)
	}
	return out[0]
}

func decode[T any](t *testing.T, out string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%v in\n%s", err, out)
	}
	return v
}

func TestDef(t *testing.T) {
	repo := sharedRepo(t)
	db := filepath.Join(repo, ".codegraph")
	d := decode[query.Definition](t, mustRun(t, "def", "--db", db, "Store.Get", "--json"))
	if d.Kind != "method" || d.File != "pkg/store/store.go" || d.Line != 24 || d.EndLine != 30 ||
		d.Signature != "func (s *Store) Get(id string) (Order, error)" || d.Doc != "Get returns the order with the given id." {
		t.Errorf("def = %+v", d)
	}
	if !strings.Contains(d.Code, "o, ok := s.orders[id]") || d.Parent == nil || d.Parent.QualifiedName != "Store" {
		t.Errorf("code %q, parent %+v", d.Code, d.Parent)
	}
	out := mustRun(t, "def", "--db", db, "Store.Get")
	for _, want := range []string{"pkg/store/store.go:24-30\tmethod\tStore.Get", "Get returns the order", "   25  \to, ok := s.orders[id]"} {
		if !strings.Contains(out, want) {
			t.Errorf("human def lacks %q:\n%s", want, out)
		}
	}
	// A class lists its members; every other SYMBOL form resolves too.
	d = decode[query.Definition](t, mustRun(t, "def", "--db", db, "Report", "--json"))
	if d.MembersTotal < 3 {
		t.Errorf("Report members = %+v", d.Members)
	}
	t.Chdir(filepath.Join(repo, "pkg", "store")) // FILE relative to the working directory; index found upward
	for _, spec := range []string{"store.go:27", "store.Store.Get", "pkg/store/store.go:Store.Get", d.ID} {
		want := "Store.Get"
		if spec == d.ID {
			want = "Report"
		}
		got := decode[query.Definition](t, mustRun(t, "def", spec, "--json"))
		if got.QualifiedName != want {
			t.Errorf("def %s = %s, want %s", spec, got.QualifiedName, want)
		}
	}
}

func TestDefAmbiguousAndMissing(t *testing.T) {
	repo := sharedRepo(t)
	db := filepath.Join(repo, ".codegraph")
	out, errs, code := run(t, "def", "--db", db, "add")
	if code != 2 || out != "" {
		t.Fatalf("ambiguous: exit %d, stdout %q", code, out)
	}
	for _, want := range []string{`"add" is ambiguous: 2 symbols match`, "tools/report.py:12\tmethod\tReport.add", "web/cart.ts:12\tmethod\tCart.add", "pass an id or a qualified name"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	out, _, code = run(t, "def", "--db", db, "add", "--json")
	amb := decode[symbolJSONError](t, out)
	if code != 2 || amb.Error != "ambiguous" || amb.Total != 2 || len(amb.Candidates) != 2 || amb.Candidates[0].ID == "" {
		t.Errorf("ambiguous --json: exit %d %+v", code, amb)
	}
	_, errs, code = run(t, "def", "--db", db, "NoSuchThing")
	if code != 2 || !strings.Contains(errs, `no symbol matches "NoSuchThing"`) {
		t.Errorf("missing: exit %d %q", code, errs)
	}
	_, errs, code = run(t, "def", "--db", db, "report")
	if code != 2 || !strings.Contains(errs, "did you mean Report?") {
		t.Errorf("case: exit %d %q", code, errs)
	}
}

// TestQueryCommandsHelp checks that every query command documents itself
// with examples.
func TestQueryCommandsHelp(t *testing.T) {
	for _, c := range []string{"def", "refs", "callers", "callees", "deps", "path", "impact", "cycles", "hubs", "outline", "overview"} {
		out, _, code := run(t, c, "--help")
		if code != 0 || !strings.Contains(out, "Examples:") || !strings.Contains(out, "codegraph "+c) || !strings.Contains(out, "--json") {
			t.Errorf("%s --help: exit %d\n%s", c, code, out)
		}
	}
	out := mustRun(t, "--help")
	for _, c := range []string{"callers", "impact", "overview"} {
		if !strings.Contains(out, c) {
			t.Errorf("root help lacks %s", c)
		}
	}
}
