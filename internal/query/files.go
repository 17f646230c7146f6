package query

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/store"
)

// fileInfo is what queries need of an indexed file.
type fileInfo struct {
	Path     string
	Dir      string // path.Dir(Path): the file's package or directory
	Language string
	Nodes    uint64
	Edges    uint64
}

// fileList returns every indexed file, in path order, reading the file
// metas once per Engine.
func (e *Engine) fileList(ctx context.Context) ([]fileInfo, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.files != nil {
		return e.files, nil
	}
	files := []fileInfo{}
	err := e.g.Files(func(m store.FileMeta) error {
		if len(files)%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		files = append(files, fileInfo{Path: m.Path, Dir: path.Dir(m.Path), Language: m.Language, Nodes: m.Nodes(), Edges: m.Edges()})
		return nil
	})
	if err != nil {
		return nil, err
	}
	e.files = files
	e.dirFiles = make(map[string][]int)
	for i, f := range files {
		e.dirFiles[f.Dir] = append(e.dirFiles[f.Dir], i)
	}
	return files, nil
}

// isIndexedFile reports whether p is the path of an indexed file.
func (e *Engine) isIndexedFile(p string) bool {
	if p == "" {
		return false
	}
	_, err := e.g.FileMeta(p)
	return err == nil
}

// dirFilesOf returns the indexed files of the package (directory) dir: the
// files directly in it, or if there are none, every file below it. "" or
// "." is the repository root.
func (e *Engine) dirFilesOf(ctx context.Context, dir string) ([]string, error) {
	files, err := e.fileList(ctx)
	if err != nil {
		return nil, err
	}
	dir = strings.TrimSuffix(dir, "/")
	if dir == "" {
		dir = "."
	}
	var out []string
	e.mu.Lock()
	for _, i := range e.dirFiles[dir] {
		out = append(out, files[i].Path)
	}
	e.mu.Unlock()
	if len(out) > 0 || dir == "." {
		return out, nil
	}
	prefix := dir + "/"
	i := sort.Search(len(files), func(i int) bool { return files[i].Path >= prefix })
	for ; i < len(files) && strings.HasPrefix(files[i].Path, prefix); i++ {
		out = append(out, files[i].Path)
	}
	return out, nil
}

// FilePath turns a path given by a user into the repository-relative form
// the index uses: as is if it is indexed (or names an indexed directory),
// else relative to the root after resolving it against wd (the user's
// working directory). It returns p cleaned when neither applies.
func (e *Engine) FilePath(p, wd string) string {
	clean := path.Clean(filepath.ToSlash(p))
	if e.isIndexedFile(clean) {
		return clean
	}
	if e.root != "" {
		abs := p
		if !filepath.IsAbs(abs) && wd != "" {
			abs = filepath.Join(wd, p)
		}
		if filepath.IsAbs(abs) {
			root := e.root
			if r, err := filepath.EvalSymlinks(root); err == nil {
				root = r
			}
			if a, err := filepath.EvalSymlinks(abs); err == nil {
				abs = a
			} else if _, statErr := os.Stat(abs); statErr != nil {
				// Not on disk: still map it lexically.
				abs = filepath.Clean(abs)
			}
			if rel, err := filepath.Rel(root, abs); err == nil && filepath.IsLocal(rel) {
				return filepath.ToSlash(rel)
			} else if err == nil && rel == "." {
				return "."
			}
		}
	}
	return clean
}

// IsTestFile reports whether a repository-relative path is test code by
// the conventions of the languages codegraph indexes: *_test.go,
// test_*.py, *_test.py, *.test.ts, *.spec.js (and the other JS/TS
// extensions), *Test.java, *Tests.java, *_test.c(c), conftest.py, and
// anything under a src/test/, test/, tests/ or __tests__/ directory.
func IsTestFile(p string) bool {
	base := path.Base(p)
	ext := path.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	switch ext {
	case ".go", ".c", ".cc", ".cpp", ".rs":
		if strings.HasSuffix(stem, "_test") || strings.HasPrefix(stem, "test_") {
			return true
		}
	case ".py":
		if strings.HasPrefix(stem, "test_") || strings.HasSuffix(stem, "_test") || stem == "conftest" {
			return true
		}
	case ".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts":
		if strings.HasSuffix(stem, ".test") || strings.HasSuffix(stem, ".spec") {
			return true
		}
	case ".java":
		if strings.HasSuffix(stem, "Test") || strings.HasSuffix(stem, "Tests") || strings.HasSuffix(stem, "IT") {
			return true
		}
	}
	dir := "/" + path.Dir(p) + "/"
	for _, d := range []string{"/src/test/", "/test/", "/tests/", "/__tests__/"} {
		if strings.Contains(dir, d) {
			return true
		}
	}
	return false
}
