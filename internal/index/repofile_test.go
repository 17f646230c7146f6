package index

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/repofile"
	"github.com/codegraph-dev/codegraph/internal/walk"
)

// A file the walk admits is read through the repository's root-confined
// reader: a link into .git (which the walk does not see as a secret) is
// not indexed.
func TestIndexDoesNotReadThroughLinksIntoGit(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "main.go", "package main\n\nfunc Main() {}\n")
	writeFile(t, root, ".git/hooks.go", "package leak\n\nfunc Leaked() {}\n")
	if err := os.Symlink(filepath.Join(".git", "hooks.go"), filepath.Join(root, "leak.go")); err != nil {
		t.Skip("symbolic links:", err)
	}
	sum := runIndex(t, root)
	if got := qualifiedNames(t, root, "leak.go"); len(got) != 0 {
		t.Fatalf("leak.go (a link into .git) was indexed: %v", got)
	}
	if got := qualifiedNames(t, root, "main.go"); len(got) == 0 {
		t.Fatal("main.go was not indexed")
	}
	var refused bool
	for _, e := range sum.Errors {
		refused = refused || e.Path == "leak.go"
	}
	if !refused {
		t.Errorf("leak.go is not reported: %+v", sum.Errors)
	}
}

// A file swapped for a link out of the repository after the walk saw it
// is refused, not read.
func TestIndexReadStaysInsideTheRoot(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	writeFile(t, outside, "secret.go", "package secret\n")
	if err := os.Symlink(filepath.Join(outside, "secret.go"), filepath.Join(root, "a.go")); err != nil {
		t.Skip("symbolic links:", err)
	}
	files, err := repofile.Open(root, repofile.Options{AllowBinary: true})
	if err != nil {
		t.Fatal(err)
	}
	defer files.Close()
	r := &run{root: root, files: files}
	src, err := r.read(walk.File{Path: "a.go", AbsPath: filepath.Join(root, "a.go")})
	if !errors.Is(err, repofile.ErrOutsideRoot) {
		t.Fatalf("read a link out of the root: %q, %v", src, err)
	}
}
