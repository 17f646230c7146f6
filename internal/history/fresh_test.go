package history

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// An indexed file that became a link out of the repository, to the same
// content, is not the working tree's version (the working tree is read
// inside the root): the index is stale.
func TestCheckFreshLinkOutsideRoot(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	src := []byte("package a\n\nfunc A() {}\n")
	if err := os.WriteFile(filepath.Join(root, "a.go"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "db")
	if _, err := index.Run(context.Background(), index.Options{Root: root, DBDir: db, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := checkFresh(root, st, []string{"a.go"}); err != nil {
		t.Fatalf("fresh index: %v", err)
	}
	if err := os.WriteFile(filepath.Join(outside, "a.go"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(root, "a.go")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "a.go"), filepath.Join(root, "a.go")); err != nil {
		t.Skip("symbolic links:", err)
	}
	if err := checkFresh(root, st, []string{"a.go"}); !errors.Is(err, ErrStale) {
		t.Fatalf("a.go links out of the repository: %v, want ErrStale", err)
	}
}
