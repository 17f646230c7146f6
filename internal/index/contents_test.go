package index

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// UpdateContents gives the index the same facts as an index of a tree
// holding those contents, without reading them from the disk: edited,
// added and deleted files, an unchanged content, an empty file and a file
// the language selection does not take.
func TestUpdateContentsMatchesIndexOfThatTree(t *testing.T) {
	root := t.TempDir()
	writeFixture(t, root, fixtureFiles)
	mustRun(t, indexOpts(root))
	u, err := NewUpdater(indexOpts(root))
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	contents := map[string][]byte{
		"lib/helper.go": []byte("package lib\n\n// Helper2 helps more.\nfunc Helper2() int { return 2 }\n"),
		"lib/u.go":      nil, // deleted: NewT and Run's callees lose their definition
		"lib/new.go":    []byte("package lib\n\nfunc Helper() int { return New() }\n\nfunc New() int { return 3 }\n"),
		"app.py":        []byte(fixtureFiles["app.py"]), // unchanged
		"empty.go":      {},
		"notes.bin":     {0, 1, 2},
		"gone.go":       nil, // neither indexed nor given
	}
	sum, err := u.UpdateContents(context.Background(), contents)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Added != 2 || sum.Changed != 1 || sum.Deleted != 1 || sum.Unchanged != 1 {
		t.Errorf("summary: added %d changed %d deleted %d unchanged %d", sum.Added, sum.Changed, sum.Deleted, sum.Unchanged)
	}
	// The disk was not read: lib/u.go is still there.
	if _, err := os.Stat(filepath.Join(root, "lib", "u.go")); err != nil {
		t.Fatal(err)
	}
	if err := u.Close(); err != nil {
		t.Fatal(err)
	}

	other := t.TempDir()
	writeFixture(t, other, fixtureFiles)
	for p, src := range contents {
		f := filepath.Join(other, filepath.FromSlash(p))
		if src == nil {
			os.Remove(f)
			continue
		}
		if err := os.WriteFile(f, src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if d := diffLines(cleanDump(t, other), dumpStore(t, DBDirFor(root))); d != "" {
		t.Fatalf("the index differs from one of the tree with those contents (- that tree, + UpdateContents):\n%s", d)
	}
}
