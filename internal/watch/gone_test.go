package watch

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/index"
)

// Deleting the index directory under a running watch stops it with
// index.ErrStoreGone, whether the directory is in the tree (its removal is
// an event) or elsewhere (the next update finds it gone). Before, watch
// went on reporting successful updates into deleted files.
func TestWatchStoreDeleted(t *testing.T) {
	for _, where := range []string{"in the tree", "elsewhere"} {
		t.Run(where, func(t *testing.T) {
			root := t.TempDir()
			writeFile(t, root, "a.go", "package p\n\nfunc A() {}\n")
			opts := Options{Index: index.Options{Root: root, NoSearch: true}}
			db := index.DBDirFor(root)
			if where == "elsewhere" {
				db = filepath.Join(t.TempDir(), "db")
				opts.Index.DBDir = db
			}
			started := make(chan struct{}, 1)
			opts.OnUpdate = func(u Update) {
				select {
				case started <- struct{}{}:
				default:
				}
			}
			w, err := New(opts)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			done := make(chan error, 1)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go func() { done <- w.Run(ctx) }()
			select {
			case <-started:
			case err := <-done:
				t.Fatalf("watch stopped: %v", err)
			case <-time.After(20 * time.Second):
				t.Fatal("no first reconciliation")
			}
			if err := os.RemoveAll(db); err != nil {
				t.Fatal(err)
			}
			writeFile(t, root, "b.go", "package p\n\nfunc B() {}\n")
			select {
			case err := <-done:
				if !errors.Is(err, index.ErrStoreGone) {
					t.Fatalf("Run returned %v, want ErrStoreGone", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("watch goes on with its index deleted")
			}
		})
	}
}
