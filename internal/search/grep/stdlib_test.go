package grep

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// goCorpus loads the text files under $GOROOT/src/sub (all of src when sub
// is "").
func goCorpus(t testing.TB, sub string) (corpus, string) {
	t.Helper()
	root := filepath.Join(runtime.GOROOT(), "src")
	c := corpus{}
	err := filepath.WalkDir(filepath.Join(root, sub), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !d.Type().IsRegular() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil || strings.ContainsRune(string(data), 0) {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		c[filepath.ToSlash(rel)] = string(data)
		return nil
	})
	if err != nil {
		t.Skipf("no Go source tree: %v", err)
	}
	return c, root
}

// TestGoSourceAgainstBruteForce checks realistic queries on a real tree.
func TestGoSourceAgainstBruteForce(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a part of the Go source tree")
	}
	c, root := goCorpus(t, "net/http")
	ix, _ := buildIndex(t, c, Options{})
	for _, q := range []Query{
		{Pattern: "ServeHTTP"},
		{Pattern: "content-type", IgnoreCase: true},
		{Pattern: "unmarshal", IgnoreCase: true},
		{Pattern: `func \(\w+ \*?\w+\) Serve\w*\(`, Mode: Regex},
		{Pattern: `(?i)deprecated:`, Mode: Regex},
		{Pattern: `^\s*//\s*TODO`, Mode: Regex},
		{Pattern: `\d{3}`, Mode: Regex},
		{Pattern: `"[^"]*"`, Mode: Regex},
	} {
		res := search(t, ix, root, q)
		match, _ := bruteMatcher(q.Pattern, q.Mode, q.IgnoreCase)
		if got, want := hitsOf(res.Matches), brute(c, match); !equalHits(got, want) {
			t.Errorf("%q: %d hits, brute force %d", q.Pattern, len(got), len(want))
		}
		if q.Pattern == "ServeHTTP" && res.Stats.Candidates*2 > res.Stats.Files {
			t.Errorf("ServeHTTP: %d candidates of %d files: the index does not narrow", res.Stats.Candidates, res.Stats.Files)
		}
	}
}

func benchIndex(b *testing.B, sub string) (*Index, string, corpus) {
	c, root := goCorpus(b, sub)
	ix, _ := buildIndex(b, c, Options{})
	return ix, root, c
}

func BenchmarkBuild(b *testing.B) {
	c, _ := goCorpus(b, "net")
	var bytes int64
	for _, v := range c {
		bytes += int64(len(v))
	}
	b.SetBytes(bytes)
	dir := b.TempDir()
	for b.Loop() {
		bl := NewBuilder()
		for p, v := range c {
			bl.Add(p, []byte(v))
		}
		ix, err := bl.Write(context.Background(), dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
}

func BenchmarkUpdateOneFile(b *testing.B) {
	ix, _, c := benchIndex(b, "")
	content := []byte(c["net/http/server.go"])
	b.ResetTimer()
	i := 0
	for b.Loop() {
		i++
		content = append(content[:len(c["net/http/server.go"])], byte('a'+i%26), '\n')
		if err := ix.Update(context.Background(), []Change{{Path: "net/http/server.go", Content: content}}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSearch(b *testing.B) {
	ix, root, _ := benchIndex(b, "net")
	for _, q := range []Query{
		{Pattern: "ServeHTTP"},
		{Pattern: "return nil"},
		{Pattern: "unmarshal", IgnoreCase: true},
		{Pattern: `func \(\w+ \*?\w+\) Serve\w*\(`, Mode: Regex},
		{Pattern: `\d{4}-\d{2}`, Mode: Regex},
	} {
		b.Run(q.Pattern, func(b *testing.B) {
			for b.Loop() {
				if _, err := ix.Search(context.Background(), root, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkOpen(b *testing.B) {
	c, _ := goCorpus(b, "")
	_, dir := buildIndex(b, c, Options{})
	for b.Loop() {
		ix, err := Open(dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
}

// BenchmarkReadCandidate measures what verification pays per candidate
// file read from disk (open, fstat, read, close; warm page cache), the cost
// that storing contents in the index would save.
func BenchmarkReadCandidate(b *testing.B) {
	root := filepath.Join(runtime.GOROOT(), "src")
	paths := []string{"regexp/backtrack.go", "regexp/exec.go", "strings/strings.go", "net/http/server.go"}
	rt, err := os.OpenRoot(root)
	if err != nil {
		b.Skip(err)
	}
	defer rt.Close()
	var buf []byte
	var n int64
	for b.Loop() {
		for _, p := range paths {
			buf, err = readFile(rt, filepath.FromSlash(p), buf)
			if err != nil {
				b.Skip(err)
			}
			n += int64(len(buf))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(paths)), "µs/file")
}
