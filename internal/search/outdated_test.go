package search_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/search"
)

// A search index of another format version is no usable index
// (ErrNoIndex), and the error names no command: the front doors say how
// to rebuild it.
func TestOutdatedSearchIndex(t *testing.T) {
	repo := t.TempDir()
	if err := os.WriteFile(filepath.Join(repo, "a.go"), []byte("package a\n\nfunc A() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := index.Run(context.Background(), index.Options{Root: repo, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(repo, index.DefaultDirName, search.DirName)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "state.json"), []byte(`{"version": 1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	s := searcher(t, repo, search.Config{})
	_, err := s.Search(context.Background(), search.Request{Query: "A", Mode: search.Lexical})
	if !errors.Is(err, search.ErrNoIndex) || strings.Contains(err.Error(), "`codegraph") {
		t.Fatalf("search over an outdated index: %v", err)
	}
}
