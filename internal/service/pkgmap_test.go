package service

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/index"
)

// repoOf returns a service over an indexed repository made of files.
func repoOf(t *testing.T, files map[string]string) *Repo {
	t.Helper()
	root := t.TempDir()
	for name, text := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := index.Run(context.Background(), index.Options{Root: root, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{Repos: []RepoSpec{{Root: root}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := s.Repo("")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func snapshotOf(t *testing.T, r *Repo) *Snapshot {
	t.Helper()
	sn, release, err := r.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(release)
	return sn
}

func TestPackageMap(t *testing.T) {
	t.Parallel()
	r := repoOf(t, map[string]string{
		"a/x.py":        "from b.y import g\n\n\ndef f():\n    return g()\n",
		"b/y.py":        "from a.x import f\n\n\ndef g():\n    return f()\n\n\ndef h():\n    return g()\n",
		"c/z.py":        "from a.x import f\n\n\ndef k():\n    return f()\n\n\ndef m():\n    return f()\n",
		"c/__init__.py": "",
	})
	m, err := snapshotOf(t, r).PackageMap(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range m.Packages {
		names = append(names, p.Package)
	}
	if want := []string{"a", "b", "c"}; !slices.Equal(names, want) || m.PackagesTotal != 3 {
		t.Fatalf("packages %q (total %d), want %q", names, m.PackagesTotal, want)
	}
	if m.Packages[2].Files != 2 || m.Files != 4 {
		t.Errorf("c has %d files (want 2), the repository %d (want 4)", m.Packages[2].Files, m.Files)
	}
	deps := map[string]bool{}
	for _, d := range m.Dependencies {
		if deps[d.From+">"+d.To] {
			t.Errorf("dependency %s > %s listed twice", d.From, d.To)
		}
		deps[d.From+">"+d.To] = true
	}
	for _, want := range []string{"a>b", "b>a", "c>a"} {
		if !deps[want] {
			t.Errorf("no dependency %s in %v", want, deps)
		}
	}
	if m.CyclesTotal != 1 || len(m.Cycles) != 1 || !slices.Equal(m.Cycles[0].Packages, []string{"a", "b"}) {
		t.Errorf("cycles %+v, want one: a, b", m.Cycles)
	}
	if len(m.Hubs) == 0 || m.Hubs[0].Symbol.Name != "f" {
		t.Errorf("hubs %+v, want f first (three callers)", m.Hubs)
	}
}

func TestSymbolSource(t *testing.T) {
	t.Parallel()
	body := "def f():\n    return 1\n"
	r := repoOf(t, map[string]string{"a/x.py": "import os\n\n\n" + body, "b/y.py": body})
	sn := snapshotOf(t, r)
	ctx := context.Background()
	list, err := sn.ListNodes(ctx, ListRequest{Filter: NodeFilter{Name: "f", Paths: []string{"a/x.py"}}})
	if err != nil || len(list.Nodes) != 1 {
		t.Fatalf("f: %v %v", list, err)
	}
	src, err := sn.SymbolSource(ctx, list.Nodes[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if src.Line != 4 || src.EndLine != 5 || strings.Join(src.Lines, "\n")+"\n" != body || src.Unavailable != "" {
		t.Errorf("source of f: %+v", src)
	}
	files, err := sn.ListNodes(ctx, ListRequest{Filter: NodeFilter{Kinds: []graph.NodeKind{graph.KindFile}, Paths: []string{"a/x.py"}}})
	if err != nil || len(files.Nodes) != 1 {
		t.Fatalf("file nodes: %v %v", files, err)
	}
	if src, err = sn.SymbolSource(ctx, files.Nodes[0].ID); err != nil || src.Line != 1 || len(src.Lines) != 5 {
		t.Errorf("source of the file: %+v, %v", src, err)
	}
	if _, err := sn.SymbolSource(ctx, graph.NodeID(12345)); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown node: %v, want ErrNotFound", err)
	}
	// A file that changed since it was indexed: no source, and why.
	other, err := sn.ListNodes(ctx, ListRequest{Filter: NodeFilter{Name: "f", Paths: []string{"b/y.py"}}})
	if err != nil || len(other.Nodes) != 1 {
		t.Fatalf("f in b/y.py: %v %v", other, err)
	}
	if err := os.WriteFile(filepath.Join(r.Root(), "b", "y.py"), []byte("\n\n"+body), 0o644); err != nil {
		t.Fatal(err)
	}
	if src, err = sn.SymbolSource(ctx, other.Nodes[0].ID); err != nil || len(src.Lines) != 0 || !strings.Contains(src.Unavailable, "changed") {
		t.Errorf("source of a changed file: %+v, %v", src, err)
	}
}
