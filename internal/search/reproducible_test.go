package search_test

import (
	"bytes"
	"context"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/index"
)

// TestIndexReproducible indexes a repository three times, each into a new
// store, and wants the same search index files byte for byte: the lexical
// segment's ordinals and the embedding model's sums once followed the
// order the parse workers (and the readers of a rebuild) finished in.
// The fixture repository goes through the small run's search build, the
// generated one (unless -short) through a Bulk fed as files are written.
//
// Not compared: the Pebble store's files (its tables hold the run's times:
// indexed_at, each file's indexed_at, last_duration_ms; its manifest and
// log follow from them) and LOCK.codegraph (the writer's pid).
func TestIndexReproducible(t *testing.T) {
	repos := map[string]func(t *testing.T) string{"fixture": copyRepo}
	if !testing.Short() {
		repos["bulk"] = bulkRepo
	}
	for name, mk := range repos {
		t.Run(name, func(t *testing.T) {
			repo := mk(t)
			db := filepath.Join(repo, index.DefaultDirName)
			var first map[string][]byte
			for i := range 3 {
				if _, err := index.Run(context.Background(), index.Options{Root: repo}); err != nil {
					t.Fatal(err)
				}
				files := searchFiles(t, db)
				if len(files) < 5 {
					t.Fatalf("run %d: only %d search files: %v", i, len(files), slices.Sorted(maps.Keys(files)))
				}
				if err := os.RemoveAll(db); err != nil {
					t.Fatal(err)
				}
				if first == nil {
					first = files
					continue
				}
				for p, b := range files {
					if a, ok := first[p]; !ok {
						t.Errorf("run %d wrote %s, the first did not", i, p)
					} else if !bytes.Equal(a, b) {
						t.Errorf("run %d: %s differs from the first run's", i, p)
					}
				}
				for p := range first {
					if _, ok := files[p]; !ok {
						t.Errorf("run %d did not write %s", i, p)
					}
				}
			}
		})
	}
}

// searchFiles reads every file under db/search, and db/.gitignore, by
// path relative to db.
func searchFiles(t *testing.T, db string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	b, err := os.ReadFile(filepath.Join(db, ".gitignore"))
	if err != nil {
		t.Fatal(err)
	}
	out[".gitignore"] = b
	err = filepath.WalkDir(filepath.Join(db, "search"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(db, p)
		out[rel] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
