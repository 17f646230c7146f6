package search

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/search/embed"
)

// saveModel fits a small model whose vocabulary depends on word and saves
// it to path (temp file and rename, as the index does).
func saveModel(t *testing.T, path, word string) {
	t.Helper()
	var docs []embed.Doc
	for i := range 40 {
		docs = append(docs,
			embed.Doc{Name: fmt.Sprintf("%sBlock%d", word, i), Body: word + " block window huffman writer"},
			embed.Doc{Name: fmt.Sprintf("dialSocket%d", i), Body: "dial socket network address conn"})
	}
	m, err := embed.Fit(context.Background(), docs, embed.Options{Dim: 8})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
}

func TestModelsCache(t *testing.T) {
	path := filepath.Join(t.TempDir(), modelFile)
	saveModel(t, path, "deflate")
	var ms Models
	a, err := ms.load(path)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := ms.load(path); err != nil || b != a {
		t.Fatalf("second load = %p, %v; want the cached %p", b, err, a)
	}
	// A rebuild replaces the file: the next load decodes the new one.
	saveModel(t, path, "inflate")
	c, err := ms.load(path)
	if err != nil {
		t.Fatal(err)
	}
	if c == a {
		t.Fatal("the replaced model file was not reloaded")
	}
	if d, _ := ms.load(path); d != c {
		t.Fatal("the new model is not cached")
	}
	// A missing or damaged file is an error, never the stale model.
	if err := os.WriteFile(path, []byte("not a model"), 0o644); err != nil {
		t.Fatal(err)
	}
	if m, err := ms.load(path); err == nil {
		t.Fatalf("damaged file loaded as %p", m)
	}
	os.Remove(path)
	if _, err := ms.load(path); err == nil {
		t.Fatal("missing file loaded")
	}
}
