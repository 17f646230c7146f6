package embed

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
	"github.com/codegraph-dev/codegraph/internal/parse"
)

// symbol is one searchable definition of a corpus: where it is and the Doc
// the embedders see.
type symbol struct {
	File, Name, QualifiedName string
	Doc                       Doc
}

// searchable reports whether a node kind is a symbol search returns.
func searchable(k graph.NodeKind) bool {
	switch k {
	case graph.KindFunction, graph.KindMethod, graph.KindConstructor, graph.KindClass, graph.KindStruct,
		graph.KindInterface, graph.KindTrait, graph.KindEnum, graph.KindTypeAlias, graph.KindUnion:
		return true
	}
	return false
}

// loadCorpus walks root, parses every file of a language we index and
// returns its functions, methods and types, the body cut to 8 KiB.
func loadCorpus(tb testing.TB, root string) []symbol {
	tb.Helper()
	ctx := context.Background()
	var files []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if n := d.Name(); n == "testdata" || n == ".git" || n == "vendor" || n == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		files = append(files, p)
		return nil
	})
	x := parse.NewExtractor()
	defer x.Close()
	var mu sync.Mutex
	var out []symbol
	var wg sync.WaitGroup
	ch := make(chan string)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := x.NewParser(parse.Options{})
			defer p.Close()
			for path := range ch {
				rel, _ := filepath.Rel(root, path)
				rel = filepath.ToSlash(rel)
				g := lang.Detect(rel, nil)
				if g == "" {
					continue
				}
				src, err := os.ReadFile(path)
				if err != nil || len(src) > 1<<20 {
					continue
				}
				g = lang.Refine(g, src)
				res, err := p.Parse(ctx, rel, g, src)
				if err != nil {
					continue
				}
				var local []symbol
				for _, n := range res.Nodes {
					if !searchable(n.Kind) {
						continue
					}
					local = append(local, symbol{File: rel, Name: n.Name, QualifiedName: n.QualifiedName, Doc: NodeDoc(&n, src)})
				}
				mu.Lock()
				out = append(out, local...)
				mu.Unlock()
			}
		}()
	}
	for _, f := range files {
		ch <- f
	}
	close(ch)
	wg.Wait()
	// Deterministic order regardless of worker scheduling.
	sortSymbols(out)
	return out
}

func sortSymbols(s []symbol) {
	slicesSortFunc(s, func(a, b symbol) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		if c := strings.Compare(a.QualifiedName, b.QualifiedName); c != 0 {
			return c
		}
		return strings.Compare(a.Doc.Body, b.Doc.Body)
	})
}
