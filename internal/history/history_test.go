package history

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/gitinfo"
	"github.com/codegraph-dev/codegraph/internal/store"
	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

// fixtureRepo makes a git repository with testdata/history's v1 and v2
// committed and tagged v1 and v2.
func fixtureRepo(t testing.TB) string {
	return testrepo.GitHistory(t, filepath.Join("..", "..", "testdata", "history"))
}

func openHistory(t testing.TB, repo string) *History {
	t.Helper()
	h, err := Open(Options{Root: repo, DB: filepath.Join(repo, ".codegraph")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

func TestDiffRevisions(t *testing.T) {
	repo := fixtureRepo(t)
	h := openHistory(t, repo)
	ctx := context.Background()
	d, err := h.Diff(ctx, DiffRequest{From: "v1", To: "v2"})
	if err != nil {
		t.Fatal(err)
	}
	var syms []string
	for _, s := range d.Symbols {
		api := ""
		if s.API {
			api = " API"
		}
		syms = append(syms, s.Change+" "+s.Kind+" "+s.QualifiedName+" "+s.File+api)
	}
	want := []string{
		"modified function Helper lib/lib.go API",
		"removed function Old lib/lib.go API",
		"added function New lib/lib.go",
		"modified function unexported lib/lib.go",
		"modified function main main.go",
	}
	if !sameSet(syms, want) {
		t.Errorf("symbols:\n%s\nwant:\n%s", strings.Join(syms, "\n"), strings.Join(want, "\n"))
	}
	var calls []string
	for _, c := range d.Calls.Added {
		calls = append(calls, "+"+c.Src+"->"+c.Dst)
	}
	for _, c := range d.Calls.Removed {
		calls = append(calls, "-"+c.Src+"->"+c.Dst)
	}
	if want := []string{"+main->New", "-main->Old"}; !sameSet(calls, want) {
		t.Errorf("calls %v, want %v", calls, want)
	}
	var imp []string
	for _, i := range d.Impacted {
		imp = append(imp, i.QualifiedName+"@"+i.File+" via "+i.Via)
	}
	if want := []string{"wrap@app.go via Helper", "TestWrap@app_test.go via wrap"}; !sameSet(imp, want) {
		t.Errorf("impacted %v, want %v", imp, want)
	}
	if !slices.Equal(d.Tests, []string{"app_test.go"}) {
		t.Errorf("tests %v", d.Tests)
	}
	c1, _ := gitinfo.Commit(ctx, repo, "v1")
	if d.From != c1 || len(d.To) != 40 {
		t.Errorf("from %q to %q", d.From, d.To)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestVersions(t *testing.T) {
	repo := fixtureRepo(t)
	h := openHistory(t, repo)
	ctx := context.Background()
	v, created, err := h.Create(ctx, "v1", "first")
	if err != nil || !created {
		t.Fatalf("create: %v %v", created, err)
	}
	if v.Files != 6 || !slices.Equal(v.Tags, []string{"first"}) { // 4 Go files and the text files go.mod and .gitignore
		t.Errorf("version %+v", v)
	}
	if _, created, err := h.Create(ctx, "first", ""); err != nil || created {
		t.Errorf("create again by tag: %v %v", created, err)
	}
	size1 := h.SizeOnDisk()
	if _, _, err := h.Create(ctx, "v2", ""); err != nil {
		t.Fatal(err)
	}
	list, err := h.List(ctx)
	if err != nil || len(list) != 2 || list[0].Commit != v.Commit {
		t.Fatalf("list %+v %v", list, err)
	}
	// The second version stores only what differs: at most the changed
	// files' facts (and resolution's external files), not a second copy.
	objects := func() int {
		n := 0
		h.d.scan([]byte{kObject}, func(k, v []byte) error { n++; return nil })
		return n
	}
	m1, _ := h.d.manifest(list[0].Commit)
	m2, _ := h.d.manifest(list[1].Commit)
	if got, max := objects(), len(m1.files)+4; got > max {
		t.Errorf("%d objects for two versions of %d and %d files (want at most %d)", got, len(m1.files), len(m2.files), max)
	}
	_ = size1
	if _, err := h.Delete(ctx, "first"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Delete(ctx, "first"); !errors.Is(err, ErrNotFound) {
		t.Errorf("delete twice: %v", err)
	}
	if got := objects(); got != len(m2.files) {
		t.Errorf("%d objects after deleting v1, want %d (v2's)", got, len(m2.files))
	}
	// v2's graph still reads whole.
	g, err := h.Graph(ctx, "v2")
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	files := 0
	g.Reader.Files(func(store.FileMeta) error { files++; return nil })
	if files != len(m2.files) {
		t.Errorf("v2 graph: %d files, want %d", files, len(m2.files))
	}
}
