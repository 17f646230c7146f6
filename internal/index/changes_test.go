package index

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// changeLines renders recorded node changes as "op kind qualified-name".
func changeLines(c *Changes) []string {
	var out []string
	for _, nc := range c.Nodes {
		out = append(out, nc.Op.String()+" "+nc.Node.Kind.String()+" "+nc.Node.QualifiedName)
	}
	slices.Sort(out)
	return out
}

// A run with Options.Changes records the nodes it created, updated and
// deleted, the files it wrote, and the edge counts, both on the paths that
// read the old facts file by file and on the read-ahead of large runs.
func TestUpdaterRecordsChanges(t *testing.T) {
	for _, many := range []bool{false, true} {
		t.Run(fmt.Sprint("readAhead=", many), func(t *testing.T) {
			root := t.TempDir()
			writeFile(t, root, "a.go", "package p\n\nfunc A() { B() }\n\nfunc B() {}\n\nfunc Gone() {}\n")
			files := 1
			if many {
				// Enough changed files for the run to read their facts ahead.
				for i := range prefetchFiles {
					writeFile(t, root, fmt.Sprintf("f/f%d.go", i), fmt.Sprintf("package f\n\nfunc F%d() {}\n", i))
				}
				files += prefetchFiles
			}
			u, err := NewUpdater(Options{Root: root, NoSearch: true, Changes: 1000})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { u.Close() })
			ctx := context.Background()
			s, err := u.Full(ctx, false)
			if err != nil {
				t.Fatal(err)
			}
			if c := s.Changes; c == nil || c.Created == 0 || len(c.Files) != files || c.Truncated {
				t.Fatalf("first run: %+v", c)
			}
			writeFile(t, root, "a.go", "package p\n\nfunc A() { B() }\n\nfunc B() { C() }\n\nfunc C() {}\n")
			paths := []string{"a.go"}
			if many {
				for i := range prefetchFiles {
					writeFile(t, root, fmt.Sprintf("f/f%d.go", i), fmt.Sprintf("package f\n\nfunc F%d() { F%d() }\n", i, i))
				}
				paths = append(paths, "f")
			}
			s, err = u.Update(ctx, paths)
			if err != nil {
				t.Fatal(err)
			}
			c := s.Changes
			got := changeLines(c)
			for _, want := range []string{"created function C", "updated function B", "deleted function Gone", "updated file a.go"} {
				if !slices.Contains(got, want) {
					t.Errorf("missing %q in %q", want, got)
				}
			}
			for _, l := range got {
				if strings.HasSuffix(l, "function A") {
					t.Errorf("unchanged A reported: %q", l)
				}
			}
			for _, nc := range c.Nodes {
				if nc.Node.QualifiedName == "Gone" && (nc.Node.File != "a.go" || nc.Node.StartLine != 7 || nc.Node.Language != "go") {
					t.Errorf("deleted node lacks its stored facts: %+v", nc.Node)
				}
			}
			wantUpdated := 2
			if many {
				wantUpdated += 2 * prefetchFiles // each F and its file node
			}
			if c.Created != 1 || c.Deleted != 1 || c.Updated != wantUpdated || c.Truncated {
				t.Errorf("counts: created %d updated %d deleted %d truncated %v, want 1 %d 1 false", c.Created, c.Updated, c.Deleted, c.Truncated, wantUpdated)
			}
			// B gained a call, C's edges replace Gone's: +1 edge in a.go
			// (and +1 in each f file).
			wantEdges := int64(1)
			if many {
				wantEdges += prefetchFiles
			}
			if c.EdgesAdded != wantEdges || c.EdgesRemoved != 0 || len(c.Files) != files {
				t.Errorf("edges +%d -%d files %d, want +%d -0 files %d", c.EdgesAdded, c.EdgesRemoved, len(c.Files), wantEdges, files)
			}
			if err := os.Remove(filepath.Join(root, "a.go")); err != nil {
				t.Fatal(err)
			}
			s, err = u.Update(ctx, []string{"a.go"})
			if err != nil {
				t.Fatal(err)
			}
			if c := s.Changes; c.Deleted != 5 || c.Created+c.Updated != 0 || c.EdgesRemoved != 6 || !slices.Equal(c.Files, []string{"a.go"}) {
				t.Errorf("delete: %+v", c)
			}
		})
	}
}

// A run that changes more nodes than the limit records the first ones,
// says it stopped, and still counts them all.
func TestUpdaterChangesTruncated(t *testing.T) {
	root := t.TempDir()
	for i := range 20 {
		writeFile(t, root, fmt.Sprintf("f%d.go", i), fmt.Sprintf("package p\n\nfunc F%d() {}\n", i))
	}
	u, err := NewUpdater(Options{Root: root, NoSearch: true, Changes: 5})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { u.Close() })
	s, err := u.Full(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Changes
	if !c.Truncated || len(c.Nodes) != 5 || len(c.Files) != 5 || c.Created != 60 {
		t.Errorf("got truncated %v, %d nodes, %d files, %d created; want true 5 5 60 (a file, a package and a function per file)", c.Truncated, len(c.Nodes), len(c.Files), c.Created)
	}
	// Without Options.Changes nothing is recorded.
	u2 := newUpdater(t, t.TempDir())
	if s, err := u2.Full(context.Background(), false); err != nil || s.Changes != nil {
		t.Errorf("changes without the option: %+v %v", s.Changes, err)
	}
}

// With RecordChanges, each run records its changes only when it says so
// at the run's start: nothing while no one listens, all of it after.
func TestUpdaterRecordChangesWhenAsked(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "a.go", "package p\n\nfunc A() {}\n")
	listening := false
	asked := 0
	u, err := NewUpdater(Options{Root: root, NoSearch: true, Changes: 100, RecordChanges: func() bool { asked++; return listening }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { u.Close() })
	s, err := u.Full(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	if s.Changes != nil || asked == 0 {
		t.Errorf("no listener: changes %+v (asked %d times), want none recorded", s.Changes, asked)
	}
	listening = true
	writeFile(t, root, "b.go", "package p\n\nfunc B() {}\n")
	s, err = u.Full(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	if c := s.Changes; c == nil || c.Created != 3 || len(c.Files) != 1 || c.Files[0] != "b.go" {
		t.Errorf("listened: changes %+v, want b.go, its package and its function created", c)
	}
}
