package parse

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	sitter "github.com/tree-sitter/go-tree-sitter"

	"github.com/codegraph-dev/codegraph/internal/lang"
)

// corpus loads every .go file under GOROOT/src/dir.
func corpus(b *testing.B, dir string) (paths []string, srcs [][]byte, total int64) {
	root := filepath.Join(runtime.GOROOT(), "src", dir)
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		paths = append(paths, filepath.ToSlash(rel))
		srcs = append(srcs, src)
		total += int64(len(src))
		return nil
	})
	if len(paths) == 0 {
		b.Skip("no Go sources under GOROOT")
	}
	return
}

// BenchmarkParseGo measures single-threaded parse+extract throughput on a
// GOROOT package tree (set CODEGRAPH_BENCH_DIR, default net/http).
func BenchmarkParseGo(b *testing.B) {
	dir := os.Getenv("CODEGRAPH_BENCH_DIR")
	if dir == "" {
		dir = "net/http"
	}
	paths, srcs, total := corpus(b, dir)
	x := NewExtractor()
	defer x.Close()
	p := x.NewParser(Options{})
	defer p.Close()
	b.SetBytes(total)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j, src := range srcs {
			if _, err := p.Parse(context.Background(), paths[j], "go", src); err != nil {
				b.Fatalf("%s: %v", paths[j], err)
			}
		}
	}
}

// BenchmarkTreeSitterOnly is the floor under BenchmarkParseGo: tree-sitter
// parsing of the same corpus with no extraction.
func BenchmarkTreeSitterOnly(b *testing.B) {
	_, srcs, total := corpus(b, "net/http")
	g, _ := lang.GrammarByName("go")
	p := sitter.NewParser()
	defer p.Close()
	p.SetLanguage(g.TS())
	b.SetBytes(total)
	for i := 0; i < b.N; i++ {
		for _, s := range srcs {
			t := p.Parse(s, nil)
			t.Close()
		}
	}
}
