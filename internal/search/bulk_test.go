package search_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/search"
)

// syncBuffer is a bytes.Buffer safe for concurrent writes (log handlers).
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// bulkRepo writes a repository of 1,200 Go files (more than an index run
// builds a Bulk from) and a Python file into a temporary directory.
func bulkRepo(t *testing.T) string {
	t.Helper()
	repo := t.TempDir()
	words := []string{"parse", "render", "invoice", "ledger", "socket", "buffer", "token", "cache", "retry", "schema", "vector", "report"}
	for i := range 1200 {
		a, b := words[i%len(words)], words[(i/len(words))%len(words)]
		src := fmt.Sprintf(`package p%d

// %s%d %ss the %s of a request (file %d).
func %s%d(n int) int { return n + %d }

// Type%d holds a %s and a %s.
type Type%d struct {
	%sField int
	%sCount int
}

// Method %s on Type%d.
func (t *Type%d) %sIt() string { return "%s %s %d" }
`, i/100, strings.ToUpper(a[:1])+a[1:], i, a, b, i, strings.ToUpper(a[:1])+a[1:], i, i,
			i, a, b, i, a, b, b, i, i, strings.ToUpper(b[:1])+b[1:], a, b, i)
		dir := filepath.Join(repo, fmt.Sprintf("p%d", i/100))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%d.go", i)), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A file that is not Go source: only in the trigram index.
	if err := os.WriteFile(filepath.Join(repo, "notes.py"), []byte("# ledger notes\nLEDGER = 'socket'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return repo
}

// TestBulkRebuildMatchesScan: the first index run of a large repository
// builds the search indexes from the files as it writes them (a Bulk); a
// forced re-index rebuilds them from the store. Both must answer every
// kind of search alike.
func TestBulkRebuildMatchesScan(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes 1,200 files twice")
	}
	repo := bulkRepo(t)
	reqs := []search.Request{
		{Query: "invoice ledger", Mode: search.Lexical, Limit: 20},
		{Query: "Render5", Mode: search.Lexical},
		{Query: "socketField", Mode: search.Lexical},
		{Query: "retry the schema", Mode: search.Semantic, Limit: 5},
		{Query: "token cache", Limit: 15},
		{Query: "return n + 77", Mode: search.Exact},
		{Query: `ledger \d+"`, Mode: search.Regex},
		{Query: "LEDGER", Mode: search.Exact},
	}
	run := func(force bool) (*index.Summary, string, [][]string) {
		var logs syncBuffer
		lg := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		sum, err := index.Run(context.Background(), index.Options{Root: repo, Force: force, Logger: lg})
		if err != nil {
			t.Fatal(err)
		}
		s := searcher(t, repo, search.Config{})
		var got [][]string
		for _, r := range reqs {
			got = append(got, hitKeys(find(t, s, r)))
		}
		return sum, logs.String(), got
	}
	// The model and the vectors too, byte for byte: the Bulk's vector
	// build reads the symbols back from the store, in the order the fit
	// saw them, as the rebuild from the store does.
	db := filepath.Join(repo, index.DefaultDirName)
	sum1, logs1, bulk := run(false)
	files1 := searchFiles(t, db)
	sum2, logs2, scan := run(true)
	files2 := searchFiles(t, db)
	for _, f := range []string{"search/model.bin", "search/vectors.cgv"} {
		if a, b := files1[f], files2[f]; len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s: bulk %d bytes, scan %d bytes, not the same", f, len(a), len(b))
		}
	}
	if !strings.Contains(logs1, "rebuilding from the index run's documents") || strings.Contains(logs1, "do not cover") {
		t.Errorf("the first run did not build the search indexes as it wrote the files; log:\n%s", logs1)
	}
	if strings.Contains(logs2, "rebuilding from the index run's documents") {
		t.Errorf("the forced run (not a new store) used the run's documents; log:\n%s", logs2)
	}
	if sum1.Search == nil || sum2.Search == nil || !sum1.Search.Rebuilt || !sum2.Search.Rebuilt {
		t.Fatalf("search not rebuilt: %+v, %+v", sum1.Search, sum2.Search)
	}
	s1, s2 := *sum1.Search, *sum2.Search
	s1.Duration, s2.Duration, s1.Reason, s2.Reason = 0, 0, "", ""
	if s1 != s2 {
		t.Errorf("search statistics: bulk %+v, scan %+v", s1, s2)
	}
	for i := range reqs {
		if len(scan[i]) == 0 {
			t.Errorf("%+v: no hits (the fixture should match)", reqs[i])
		}
		if !reflect.DeepEqual(bulk[i], scan[i]) {
			t.Errorf("%+v:\nbulk %q\nscan %q", reqs[i], bulk[i], scan[i])
		}
	}
}

// hitKeys describes hits for comparison: score and symbol, equal scores
// in name order (the order of ties is the order the indexes were filled
// in, which no build fixes), and the hits tied with the last one only
// counted (which of them make the limit is as arbitrary).
func hitKeys(hits []search.Hit) []string {
	type key struct {
		score string
		text  string
	}
	var ks []key
	for _, h := range hits {
		ks = append(ks, key{fmt.Sprintf("%.4f", h.Score), fmt.Sprintf("%s %s:%d %s", h.QualifiedName, h.File, h.Line, h.Text)})
	}
	// Hits come ranked: sort each run of equal scores by name.
	for i := 0; i < len(ks); {
		j := i
		for j < len(ks) && ks[j].score == ks[i].score {
			j++
		}
		sort.Slice(ks[i:j], func(a, b int) bool { return ks[i+a].text < ks[i+b].text })
		i = j
	}
	var out []string
	for _, k := range ks {
		if k.score == ks[len(ks)-1].score {
			k.text = "(tied with the last)"
		}
		out = append(out, k.score+" "+k.text)
	}
	return out
}
