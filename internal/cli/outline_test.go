package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/query"
)

func TestOutline(t *testing.T) {
	repo := sharedRepo(t)
	db := filepath.Join(repo, ".codegraph")
	out := mustRun(t, "outline", "--db", db, "pkg/store/store.go")
	want := `pkg/store/store.go (go): 10 symbols
pkg/store/store.go:2	package	store	package store
pkg/store/store.go:7	variable	ErrNotFound	ErrNotFound = errors.New("not found")
pkg/store/store.go:10	struct	Order	Order struct
  pkg/store/store.go:11	field	Order.ID	ID string
  pkg/store/store.go:12	field	Order.Total	Total int
pkg/store/store.go:16	struct	Store	Store struct
  pkg/store/store.go:17	field	Store.orders	orders map[string]Order
  pkg/store/store.go:24	method	Store.Get	func (s *Store) Get(id string) (Order, error)
  pkg/store/store.go:33	method	Store.Put	func (s *Store) Put(o Order)
pkg/store/store.go:21	function	New	func New() *Store
`
	if out != want {
		t.Errorf("outline:\n%s\nwant:\n%s", out, want)
	}
	// Python classes nest their methods; JSON carries snippets; a path
	// relative to the working directory works.
	t.Chdir(filepath.Join(repo, "tools"))
	r := decode[query.OutlineResult](t, mustRun(t, "outline", "report.py", "--json"))
	if r.File != "tools/report.py" || r.Language != "python" || len(r.Items) != 2 {
		t.Fatalf("outline report.py: %+v", r)
	}
	report := r.Items[0]
	if report.QualifiedName != "Report" || len(report.Children) < 3 || !strings.HasPrefix(report.Snippet, "class Report:") {
		t.Errorf("Report = %+v", report)
	}
	r = decode[query.OutlineResult](t, mustRun(t, "outline", "report.py", "--imports", "--json"))
	if r.Items[0].Kind != "import" {
		t.Errorf("--imports: first item %+v", r.Items[0])
	}
	r = decode[query.OutlineResult](t, mustRun(t, "outline", "report.py", "--imports", "--limit", "1", "--json"))
	if len(r.Items) != 1 || r.NextCursor == "" {
		t.Errorf("--limit 1: %+v", r)
	}
	if _, errs, code := run(t, "outline", "nope.py"); code != 2 || !strings.Contains(errs, "not an indexed file") {
		t.Errorf("missing file: exit %d %q", code, errs)
	}
}
