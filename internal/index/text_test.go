package index

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// regexFiles returns the files with a line matching pattern, through the
// search indexes the Updater keeps (a fresh read-only open each time, as
// a reader after a watcher's update would).
func regexFiles(t *testing.T, u *Updater, root, pattern string, langs ...string) []string {
	t.Helper()
	st, err := store.Open(u.DBDir(), store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := search.Open(st, query.New(st, query.Options{}), u.DBDir(), root, search.Config{NoVectors: true})
	defer s.Close()
	res, err := s.Search(context.Background(), search.Request{Query: pattern, Mode: search.Regex, Langs: langs, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, h := range res.Hits {
		if !slices.Contains(files, h.File) {
			files = append(files, h.File)
		}
	}
	slices.Sort(files)
	return files
}

// TestTextFilesSearched: text files (Markdown, YAML, plain text) are in
// the exact/regex corpus, and targeted updates (what the watcher runs)
// keep it current: an edit changes what a regex finds, a deleted file
// disappears, a binary file is never indexed.
func TestTextFilesSearched(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "main.go", "package main\n\nfunc main() {}\n")
	writeFile(t, root, "README.md", "# Tool\n\n## Install\n\nRun the installer.\n")
	writeFile(t, root, "deploy/app.yaml", "server:\n  listen_addr: \":8080\"\n")
	writeFile(t, root, "NOTES", "listen_addr is documented here\n")
	writeFile(t, root, "blob.dat", "listen_addr\x00binary")
	writeFile(t, root, ".env", "listen_addr=secret\n")
	u, err := NewUpdater(Options{Root: root, Search: search.Config{NoVectors: true}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { u.Close() })
	ctx := context.Background()
	s, err := u.Full(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if s.Skipped["binary"] != 1 || s.Skipped["secret"] != 1 || s.Files != 5 {
		t.Errorf("summary: files %d skipped %v", s.Files, s.Skipped)
	}
	if got := regexFiles(t, u, root, `listen_addr`); !slices.Equal(got, []string{"NOTES", "deploy/app.yaml"}) {
		t.Errorf("listen_addr in %v", got)
	}
	if got := regexFiles(t, u, root, `listen_addr`, "yaml"); !slices.Equal(got, []string{"deploy/app.yaml"}) {
		t.Errorf("listen_addr in yaml: %v", got)
	}
	if got := regexFiles(t, u, root, `^Run the \w+`); !slices.Equal(got, []string{"README.md"}) {
		t.Errorf("README sentence in %v", got)
	}

	writeFile(t, root, "README.md", "# Tool\n\n## Install\n\nUse the package manager.\n")
	os.Remove(filepath.Join(root, "deploy/app.yaml"))
	if _, err := u.Update(ctx, []string{"README.md", "deploy/app.yaml"}); err != nil {
		t.Fatal(err)
	}
	if got := regexFiles(t, u, root, `^Run the \w+`); len(got) != 0 {
		t.Errorf("old README text still found in %v", got)
	}
	if got := regexFiles(t, u, root, `package manager\.$`); !slices.Equal(got, []string{"README.md"}) {
		t.Errorf("new README text in %v", got)
	}
	if got := regexFiles(t, u, root, `listen_addr`); !slices.Equal(got, []string{"NOTES"}) {
		t.Errorf("after deleting app.yaml: listen_addr in %v", got)
	}

	// A text file that becomes binary leaves the index.
	writeFile(t, root, "NOTES", "listen_addr\x00now binary")
	if _, err := u.Update(ctx, []string{"NOTES"}); err != nil {
		t.Fatal(err)
	}
	if got := regexFiles(t, u, root, `listen_addr`); len(got) != 0 {
		t.Errorf("binary NOTES still found: %v", got)
	}
}
