// Package testrepo gives tests their own copy of the shared fixture
// repository (testdata/repo), so that indexing never writes into the source
// tree. It is imported by tests only.
package testrepo

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Dir is the absolute path of testdata/repo in this module.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "repo")
}

// Copy copies the tree at src (Dir() when src is "") into a new temporary
// directory that the test removes when it ends, and returns its path.
func Copy(t testing.TB, src string) string {
	t.Helper()
	if src == "" {
		src = Dir()
	}
	dst := t.TempDir()
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if fi.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}
