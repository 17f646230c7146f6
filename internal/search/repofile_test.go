package search_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// The search build reads sources inside the repository: an indexed file
// swapped for a link out of it is not read into the text index.
func TestBuildDoesNotReadOutsideTheRoot(t *testing.T) {
	repo, outside := t.TempDir(), t.TempDir()
	src := []byte("package a\n\nfunc A() {}\n")
	if err := os.WriteFile(filepath.Join(repo, "a.go"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := index.Run(context.Background(), index.Options{Root: repo, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, "b.go"), []byte("package a // leakedToken\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(repo, "a.go")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "b.go"), filepath.Join(repo, "a.go")); err != nil {
		t.Skip("symbolic links:", err)
	}
	db := filepath.Join(repo, index.DefaultDirName)
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = search.Update(context.Background(), st, db, repo, search.Changes{Rebuild: true}, search.Config{})
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	s := searcher(t, repo, search.Config{})
	if hits := find(t, s, search.Request{Query: "leakedToken", Mode: search.Exact}); len(hits) != 0 {
		t.Fatalf("the text index holds a file outside the repository: %+v", hits)
	}
}
