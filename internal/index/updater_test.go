package index

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// dumpGraph renders the nodes and resolved edges of the store in dbDir as
// sorted lines, independent of ids.
func dumpGraph(t *testing.T, dbDir string) []string {
	t.Helper()
	st, err := store.Open(dbDir, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	qn := map[graph.NodeID]string{}
	var out []string
	if err := st.AllNodes(func(n graph.Node) error {
		qn[n.ID] = n.File + ":" + n.QualifiedName + ":" + n.Kind.String()
		out = append(out, "node "+qn[n.ID])
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.AllEdges(func(e graph.Edge) error {
		out = append(out, fmt.Sprintf("edge %s -%s-> %s (%s) %s", qn[e.Src], e.Kind, e.Target, qn[e.Dst], e.Res))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func newUpdater(t *testing.T, root string) *Updater {
	t.Helper()
	u, err := NewUpdater(Options{Root: root, NoSearch: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { u.Close() })
	return u
}

// Targeted updates leave the same graph as a full index of the same tree.
func TestUpdaterMatchesFullIndex(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, ".gitignore", "gen/\n")
	writeFile(t, root, "a.go", "package p\n\nfunc A() { B() }\n")
	writeFile(t, root, "b.go", "package p\n\nfunc B() {}\n")
	writeFile(t, root, "sub/c.go", "package sub\n\nfunc C() {}\n")
	u := newUpdater(t, root)
	ctx := context.Background()
	if s, err := u.Full(ctx, false); err != nil || s.Added != 4 { // with .gitignore, a text file
		t.Fatalf("full: %+v %v", s, err)
	}
	steps := []struct {
		name  string
		do    func()
		paths []string
		check func(*Summary) bool
	}{
		{"edit", func() { writeFile(t, root, "b.go", "package p\n\nfunc B() { D() }\n\nfunc D() {}\n") }, []string{"b.go"},
			func(s *Summary) bool { return s.Changed == 1 && s.Files == 1 }},
		{"touch", func() { writeFile(t, root, "b.go", "package p\n\nfunc B() { D() }\n\nfunc D() {}\n") }, []string{"b.go"},
			func(s *Summary) bool { return s.Changed == 0 && s.Unchanged == 1 }},
		{"add", func() { writeFile(t, root, "e.go", "package p\n\nfunc E() { A() }\n") }, []string{"e.go", "e.go~"},
			func(s *Summary) bool { return s.Added == 1 }},
		{"delete", func() { os.Remove(filepath.Join(root, "a.go")) }, []string{filepath.Join(root, "a.go")},
			func(s *Summary) bool { return s.Deleted == 1 }},
		{"new dir", func() {
			writeFile(t, root, "pkg/x/x.go", "package x\n\nfunc X() {}\n")
			writeFile(t, root, "pkg/y.go", "package pkg\n\nfunc Y() {}\n")
		}, []string{"pkg"}, func(s *Summary) bool { return s.Added == 2 }},
		{"ignored", func() { writeFile(t, root, "gen/g.go", "package gen\n\nfunc G() {}\n") }, []string{"gen/g.go", "gen"},
			func(s *Summary) bool { return s.Added == 0 && s.Files == 0 }},
		{"remove dir", func() { os.RemoveAll(filepath.Join(root, "pkg")) }, []string{"pkg"},
			func(s *Summary) bool { return s.Deleted == 2 }},
		{"rename", func() { os.Rename(filepath.Join(root, "sub"), filepath.Join(root, "sub2")) }, []string{"sub", "sub2"},
			func(s *Summary) bool { return s.Deleted == 1 && s.Added == 1 }},
		{"sibling prefix", func() { writeFile(t, root, "sub2.go", "package p\n\nfunc S() {}\n") }, []string{"sub2.go"},
			func(s *Summary) bool { return s.Added == 1 && s.Deleted == 0 }},
		{"now ignored", func() { writeFile(t, root, ".gitignore", "gen/\nsub2/\n") }, []string{"sub2"},
			func(s *Summary) bool { return s.Deleted == 1 }},
		{"nothing", func() {}, nil, func(s *Summary) bool { return s.Files == 0 && s.Added+s.Changed+s.Deleted == 0 }},
	}
	for _, st := range steps {
		st.do()
		s, err := u.Update(ctx, st.paths)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if !st.check(s) {
			t.Errorf("%s: summary %+v", st.name, s)
		}
	}
	// The updater's store stays open (a writer); a read-only open sees
	// every update. A fresh full index of the same tree must agree.
	matchesFullIndex(t, root, u.DBDir(), "after updates")
	if _, err := u.Update(ctx, []string{"../outside.go"}); err == nil {
		t.Error("a path outside the root was accepted")
	}
	u.Close()
	if _, err := u.Update(ctx, []string{"b.go"}); err != ErrClosed {
		t.Errorf("update after close: %v", err)
	}
}

// A second writer is refused while an Updater is open.
func TestUpdaterHoldsTheLock(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "a.go", "package p\n")
	u := newUpdater(t, root)
	if _, err := Run(context.Background(), Options{Root: root}); err == nil {
		t.Fatal("index ran beside an open Updater")
	}
	u.Close()
	runIndex(t, root)
}

// Updates are visible to read-only opens right after they return, and
// Compact keeps them.
func TestUpdaterVisibleToReaders(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "a.go", "package p\n\nfunc A() {}\n")
	u := newUpdater(t, root)
	ctx := context.Background()
	if _, err := u.Full(ctx, false); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		name := fmt.Sprintf("F%d", i)
		writeFile(t, root, "a.go", "package p\n\nfunc "+name+"() {}\n")
		if _, err := u.Update(ctx, []string{"a.go"}); err != nil {
			t.Fatal(err)
		}
		if got := qualifiedNames(t, root, "a.go"); !slices.Equal(got, []string{name}) {
			t.Fatalf("after update %d a reader sees %v", i, got)
		}
	}
	if u.Pending() != 6 { // the first run's file and five updates
		t.Errorf("pending = %d, want 6", u.Pending())
	}
	if err := u.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	if u.Pending() != 0 {
		t.Errorf("pending after compaction = %d", u.Pending())
	}
	if got := qualifiedNames(t, root, "a.go"); !slices.Equal(got, []string{"F4"}) {
		t.Fatalf("after compaction a reader sees %v", got)
	}
}

func gitRun(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "commit.gpgsign=false"}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// The index records HEAD and the dirty files; UpdateSince re-indexes what
// changed since a revision.
func TestUpdaterGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	root := t.TempDir()
	gitRun(t, root, "init", "-q", "-b", "main")
	writeFile(t, root, "a.go", "package p\n\nfunc A() {}\n")
	writeFile(t, root, "b.go", "package p\n\nfunc B() {}\n")
	gitRun(t, root, "add", "-A")
	gitRun(t, root, "commit", "-qm", "one")
	writeFile(t, root, "b.go", "package p\n\nfunc B2() {}\n")
	runIndex(t, root)
	g := storedGit(t, root)
	if len(g.Head) != 40 || g.Branch != "main" || !slices.Equal(g.Dirty, []string{"b.go"}) {
		t.Fatalf("recorded git state: %+v", g)
	}
	one := g.Head
	gitRun(t, root, "commit", "-qam", "two")
	writeFile(t, root, "a.go", "package p\n\nfunc A2() {}\n")
	writeFile(t, root, "c.go", "package p\n\nfunc C() {}\n")
	gitRun(t, root, "add", "c.go")
	gitRun(t, root, "commit", "-qm", "three")
	writeFile(t, root, "d.go", "package p\n\nfunc D() {}\n") // untracked
	u := newUpdater(t, root)
	sum, err := u.UpdateSince(context.Background(), one)
	if err != nil {
		t.Fatal(err)
	}
	// a.go changed (not committed yet), c.go was added, d.go is untracked;
	// b.go was indexed dirty and is looked at again (unchanged since).
	if sum.Files != 4 || sum.Added != 2 || sum.Changed != 1 || sum.Unchanged != 1 {
		t.Errorf("update since one: %+v", sum)
	}
	if _, err := u.UpdateSince(context.Background(), "nope"); err == nil {
		t.Error("an unknown revision was accepted")
	}
	u.Close()
	g = storedGit(t, root)
	if g.Head == one || !slices.Equal(g.Dirty, []string{"a.go", "b.go", "c.go", "d.go"}) {
		t.Errorf("after the targeted update: %+v", g)
	}
}

func storedGit(t *testing.T, root string) *GitState {
	t.Helper()
	st, err := store.Open(DBDirFor(root), store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	g, err := StoredGit(st)
	if err != nil || g == nil {
		t.Fatalf("stored git state: %v %v", g, err)
	}
	return g
}

// A targeted update of many files (a branch switch: they read their
// stored facts ahead, see readOld) leaves the same graph as a full index
// of the same tree: definitions kept, changed, removed and added, calls
// across files and packages, files deleted in the same update.
func TestLargeUpdateMatchesFullIndex(t *testing.T) {
	root := t.TempDir()
	const n = prefetchFiles + 16
	writeFile(t, root, "go.mod", "module example.com/m\n")
	file := func(i int, v int) (string, string) {
		pkg := "a"
		if i%2 == 1 {
			pkg = "b"
		}
		var sb strings.Builder
		fmt.Fprintf(&sb, "package %s\n\nimport \"example.com/m/c\"\n\n", pkg)
		// Kept in every version: its calls were resolved before and are
		// carried.
		fmt.Fprintf(&sb, "func Keep%d() { c.C(); Keep%d() }\n\n", i, (i+2)%n)
		switch v {
		case 0:
			fmt.Fprintf(&sb, "func Old%d() int { return 1 }\n\nfunc Use%d() int { return Old%d() }\n", i, i, (i+2)%n)
		case 1:
			fmt.Fprintf(&sb, "func New%d() int { return 2 }\n\nfunc Use%d() int { c.C(); return New%d() + Old%d() }\n", i, i, (i+2)%n, (i+4)%n)
		}
		return fmt.Sprintf("%s/f%03d.go", pkg, i), sb.String()
	}
	writeFile(t, root, "c/c.go", "package c\n\nfunc C() {}\n")
	// Not in the update: its calls into removed and new definitions must
	// be repaired.
	writeFile(t, root, "d/d.go", "package d\n\nimport \"example.com/m/a\"\n\nfunc D() { a.Old0(); a.New0(); a.Keep0() }\n")
	var paths []string
	for i := range n {
		p, src := file(i, 0)
		writeFile(t, root, p, src)
		paths = append(paths, p)
	}
	u := newUpdater(t, root)
	ctx := context.Background()
	if s, err := u.Full(ctx, false); err != nil || s.Added != n+3 { // and go.mod, a text file
		t.Fatalf("full: %+v %v", s, err)
	}
	for i := range n {
		p, src := file(i, 1)
		if i%10 == 3 {
			os.Remove(filepath.Join(root, p))
			continue
		}
		writeFile(t, root, p, src)
	}
	s, err := u.Update(ctx, paths)
	if err != nil {
		t.Fatal(err)
	}
	if s.Changed+s.Deleted != n || s.Deleted == 0 {
		t.Fatalf("update: %+v", s)
	}
	got := matchesFullIndex(t, root, u.DBDir(), "after the update")
	resolved := 0
	for _, l := range got {
		if strings.Contains(l, "-calls->") && strings.HasSuffix(l, " exact") {
			resolved++
		}
	}
	if resolved < n {
		t.Errorf("only %d calls resolved exactly", resolved)
	}
}

// matchesFullIndex checks that the graph in dbDir equals a fresh full index
// of root, listing the differences, and returns dbDir's graph (dumpGraph).
func matchesFullIndex(t *testing.T, root, dbDir, what string) []string {
	t.Helper()
	got := dumpGraph(t, dbDir)
	fresh := t.TempDir()
	if _, err := Run(context.Background(), Options{Root: root, DBDir: fresh, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	want := dumpGraph(t, fresh)
	if slices.Equal(got, want) {
		return got
	}
	for _, l := range got {
		if !slices.Contains(want, l) {
			t.Errorf("only %s: %s", what, l)
		}
	}
	for _, l := range want {
		if !slices.Contains(got, l) {
			t.Errorf("only in a full index: %s", l)
		}
	}
	return got
}
