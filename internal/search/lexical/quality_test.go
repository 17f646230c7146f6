package lexical_test

import (
	"bytes"
	"context"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/search/lexical"
	"github.com/codegraph-dev/codegraph/internal/search/lexical/lextest"
)

// searchSet turns the Go tree src into a CodeSearchNet-style set the way
// gosearchset does (the first sentence of each documented function's doc
// comment is a query whose answer is that function; the tree is copied to
// dst without comments) and returns the queries.
func searchSet(t testing.TB, src, dst string) []lextest.Query {
	t.Helper()
	var qs []lextest.Query
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			if d.Name() == "testdata" || d.Name() == "vendor" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return nil
		}
		if !strings.HasSuffix(path, "_test.go") {
			for _, decl := range f.Decls {
				fd, ok := decl.(*ast.FuncDecl)
				if !ok || fd.Doc == nil {
					continue
				}
				name := fd.Name.Name
				if fd.Recv != nil && len(fd.Recv.List) == 1 {
					rt := fd.Recv.List[0].Type
					if s, ok := rt.(*ast.StarExpr); ok {
						rt = s.X
					}
					switch x := rt.(type) {
					case *ast.Ident:
						name = x.Name + "." + name
					case *ast.IndexExpr:
						if id, ok := x.X.(*ast.Ident); ok {
							name = id.Name + "." + name
						}
					}
				}
				q := strings.Join(strings.Fields(fd.Doc.Text()), " ")
				if i := strings.Index(q, ". "); i >= 0 {
					q = q[:i]
				}
				q = strings.TrimSuffix(q, ".")
				words := strings.Fields(q)
				if len(words) > 0 && strings.Trim(words[0], "*().,") == fd.Name.Name {
					words = words[1:]
				}
				if len(words) < 4 || strings.HasPrefix(q, "Deprecated") {
					continue
				}
				qs = append(qs, lextest.Query{Query: strings.Join(words, " "), File: filepath.ToSlash(rel), Name: name})
			}
		}
		// Drop every comment: the printer then prints none.
		f.Comments = nil
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.FuncDecl:
				x.Doc = nil
			case *ast.GenDecl:
				x.Doc = nil
			case *ast.TypeSpec:
				x.Doc, x.Comment = nil, nil
			case *ast.ValueSpec:
				x.Doc, x.Comment = nil, nil
			case *ast.Field:
				x.Doc, x.Comment = nil, nil
			case *ast.File:
				x.Doc = nil
			}
			return true
		})
		var buf bytes.Buffer
		if err := printer.Fprint(&buf, fset, f); err != nil {
			return err
		}
		out := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, buf.Bytes(), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return qs
}

type fixture struct {
	corpus *lextest.Corpus
	qs     []lextest.Query
	dir    string // saved index
}

var (
	httpOnce sync.Once
	httpFix  *fixture
	httpErr  error
	httpTmp  string // removed by TestMain
)

func TestMain(m *testing.M) {
	code := m.Run()
	if httpTmp != "" {
		os.RemoveAll(httpTmp)
	}
	os.Exit(code)
}

// netHTTP builds (once per test binary) the net/http search set, its
// corpus and a saved index.
func netHTTP(t testing.TB) *fixture {
	if testing.Short() {
		t.Skip("parses net/http")
	}
	httpOnce.Do(func() {
		tmp, err := os.MkdirTemp("", "lexical-nethttp")
		if err != nil {
			httpErr = err
			return
		}
		httpTmp = tmp
		src := filepath.Join(runtime.GOROOT(), "src", "net", "http")
		qs := searchSet(t, src, filepath.Join(tmp, "tree"))
		c, err := lextest.Load(context.Background(), filepath.Join(tmp, "tree"), lextest.Options{})
		if err != nil {
			httpErr = err
			return
		}
		b := lexical.NewBuilder()
		for _, d := range c.Docs {
			if err := b.Add(d); err != nil {
				httpErr = err
				return
			}
		}
		ix, err := b.Save(context.Background(), filepath.Join(tmp, "index"), nil)
		if err != nil {
			httpErr = err
			return
		}
		ix.Close()
		httpFix = &fixture{corpus: c, qs: qs, dir: filepath.Join(tmp, "index")}
	})
	if httpErr != nil {
		t.Fatal(httpErr)
	}
	return httpFix
}

// TestQualityNetHTTP pins the search quality on net/http's doc-comment
// queries over the comment-free tree (measured 0.464 MRR@10 with the
// default parameters; BENCHMARKS.md has every set).
func TestQualityNetHTTP(t *testing.T) {
	fx := netHTTP(t)
	ix, err := lexical.Open(fx.dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if len(fx.qs) < 500 {
		t.Fatalf("only %d queries", len(fx.qs))
	}
	s := lextest.Score(fx.corpus, fx.qs, func(q string) []uint64 {
		var ids []uint64
		for _, h := range ix.Search(context.Background(), q, 10, nil) {
			ids = append(ids, h.ID)
		}
		return ids
	})
	t.Logf("net/http: %d queries, recall@1 %.3f, recall@10 %.3f, MRR@10 %.3f", s.Queries, s.Recall1, s.Recall10, s.MRR10)
	if s.AnswerMissing > 0 {
		t.Errorf("%d answers are not in the corpus", s.AnswerMissing)
	}
	if s.MRR10 < 0.43 || s.Recall10 < 0.65 {
		t.Errorf("quality regressed: MRR@10 %.3f (want >= 0.43), recall@10 %.3f (want >= 0.65)", s.MRR10, s.Recall10)
	}
	// Identifier queries: every function's own name finds it first among
	// the symbols of that name, and in the top 10.
	miss := 0
	for _, q := range fx.qs {
		name := q.Name[strings.LastIndexByte(q.Name, '.')+1:]
		found := false
		for _, h := range ix.Search(context.Background(), q.Name, 10, nil) {
			if lextest.Hit(fx.corpus.Symbols[h.ID], q) {
				found = true
				break
			}
		}
		if !found {
			miss++
			if miss < 5 {
				t.Logf("identifier query %q (%s) missed", q.Name, name)
			}
		}
	}
	if frac := float64(miss) / float64(len(fx.qs)); frac > 0.02 {
		t.Errorf("%d of %d identifier queries miss the top 10", miss, len(fx.qs))
	}
}

func BenchmarkSearchNetHTTP(b *testing.B) {
	fx := netHTTP(b)
	ix, err := lexical.Open(fx.dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	for _, kind := range []string{"natural", "identifier"} {
		b.Run(kind, func(b *testing.B) {
			i := 0
			for b.Loop() {
				q := fx.qs[i%len(fx.qs)]
				text := q.Query
				if kind == "identifier" {
					text = q.Name
				}
				ix.Search(context.Background(), text, 10, nil)
				i++
			}
		})
	}
}

func BenchmarkOpenNetHTTP(b *testing.B) {
	fx := netHTTP(b)
	for b.Loop() {
		ix, err := lexical.Open(fx.dir, nil)
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
}

// BenchmarkUpdateNetHTTP replaces one symbol and saves the delta.
func BenchmarkUpdateNetHTTP(b *testing.B) { benchEditSave(b, 1<<30) }

// BenchmarkMergeNetHTTP measures merging a delta into a new base (a Save
// past the merge threshold) on net/http's symbols.
func BenchmarkMergeNetHTTP(b *testing.B) { benchEditSave(b, 1) }

// benchEditSave saves net/http's symbols, then edits one per iteration and
// saves: a delta while it holds fewer than mergeDocs documents, else a
// merge into a new base.
func benchEditSave(b *testing.B, mergeDocs int) {
	fx := netHTTP(b)
	dir := b.TempDir()
	bld := lexical.NewBuilder()
	for _, d := range fx.corpus.Docs {
		bld.Add(d)
	}
	ix, err := bld.Save(context.Background(), dir, &lexical.Options{MergeDocs: mergeDocs})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	i := 0
	for b.Loop() {
		d := fx.corpus.Docs[i%len(fx.corpus.Docs)]
		d.Body += " edited"
		if err := ix.Add(context.Background(), d); err != nil {
			b.Fatal(err)
		}
		if err := ix.Save(context.Background(), dir); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkBuildNetHTTP(b *testing.B) {
	fx := netHTTP(b)
	for b.Loop() {
		bld := lexical.NewBuilder()
		for _, d := range fx.corpus.Docs {
			bld.Add(d)
		}
		ix, err := bld.Save(context.Background(), b.TempDir(), nil)
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
}
