package search_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/search/embed"
	"github.com/codegraph-dev/codegraph/internal/store"
	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

// copyRepo copies the shared fixture repository into a temp dir.
func copyRepo(t *testing.T) string { return testrepo.Copy(t, "") }

func indexRepo(t *testing.T, repo string, cfg search.Config) *index.Summary {
	t.Helper()
	sum, err := index.Run(context.Background(), index.Options{Root: repo, Search: cfg})
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// searcher opens the repository's index read-only, as the CLI does.
func searcher(t *testing.T, repo string, cfg search.Config) *search.Searcher {
	t.Helper()
	db := filepath.Join(repo, index.DefaultDirName)
	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	s := search.Open(st, query.New(st, query.Options{}), db, repo, cfg)
	t.Cleanup(func() { s.Close(); st.Close() })
	return s
}

func find(t *testing.T, s *search.Searcher, req search.Request) []search.Hit {
	t.Helper()
	res, err := s.Search(context.Background(), req)
	if err != nil {
		t.Fatalf("%+v: %v", req, err)
	}
	return res.Hits
}

func names(hits []search.Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.QualifiedName)
	}
	return out
}

func TestModes(t *testing.T) {
	repo := copyRepo(t)
	sum := indexRepo(t, repo, search.Config{})
	if sum.Search == nil || !sum.Search.Rebuilt || sum.Search.Symbols == 0 || sum.Search.Embedded == 0 {
		t.Fatalf("first index run did not build the search indexes: %+v", sum.Search)
	}
	s := searcher(t, repo, search.Config{})
	for _, c := range []struct {
		req  search.Request
		want string // qualified name of the first hit
	}{
		{search.Request{Query: "Store.Get"}, "Store.Get"},
		{search.Request{Query: "build report", Mode: search.Lexical}, "build_report"},
		{search.Request{Query: "formatMoney", Mode: search.Lexical}, "formatMoney"},
		{search.Request{Query: "formatMo", Mode: search.Lexical}, "formatMoney"}, // name prefix
		{search.Request{Query: "render the report totals"}, "Report.render"},
	} {
		hits := find(t, s, c.req)
		if len(hits) == 0 || hits[0].QualifiedName != c.want {
			t.Errorf("%+v: got %v, want %s first", c.req, names(hits), c.want)
		}
	}
	// Filters.
	for i, h := range find(t, s, search.Request{Query: "Report", Kinds: []string{"method"}}) {
		if h.Kind != "method" || i == 0 && !strings.HasPrefix(h.QualifiedName, "Report.") {
			t.Errorf("--kind method, hit %d: %s (%s)", i, h.QualifiedName, h.Kind)
		}
	}
	for _, h := range find(t, s, search.Request{Query: "add", Langs: []string{"python"}}) {
		if h.Language != "python" {
			t.Errorf("--lang python gave %s (%s)", h.QualifiedName, h.Language)
		}
	}
	for _, h := range find(t, s, search.Request{Query: "store", Paths: []string{"web/**"}}) {
		if !strings.HasPrefix(h.File, "web/") {
			t.Errorf("--path web/** gave %s", h.File)
		}
	}
	if hits := find(t, s, search.Request{Query: "Store", Mode: search.Lexical, Threshold: 1e9}); len(hits) != 0 {
		t.Errorf("threshold kept %v", names(hits))
	}
	// Semantic search returns symbols, scored in -1..1.
	hits := find(t, s, search.Request{Query: "shopping cart items", Mode: search.Semantic, Limit: 3})
	if len(hits) != 3 || hits[0].Score > 1 || hits[0].Score < hits[2].Score {
		t.Errorf("semantic: %+v", hits)
	}
	// Exact and regex: lines with their enclosing symbol.
	hits = find(t, s, search.Request{Query: "this.items.push", Mode: search.Exact})
	if len(hits) != 1 || hits[0].QualifiedName != "Cart.add" || hits[0].File != "web/cart.ts" || hits[0].Line != 13 || !strings.Contains(hits[0].Text, "this.items.push(item)") {
		t.Errorf("exact: %+v", hits)
	}
	hits = find(t, s, search.Request{Query: `func \(s \*Store\) (Get|Put)`, Mode: search.Regex})
	if got := names(hits); len(got) != 2 || got[0] != "Store.Get" || got[1] != "Store.Put" {
		t.Errorf("regex: %v", got)
	}
	if hits := find(t, s, search.Request{Query: "THIS.ITEMS", Mode: search.Exact, IgnoreCase: true}); len(hits) != 2 {
		t.Errorf("ignore case: %v", names(hits))
	}
	if _, err := s.Search(context.Background(), search.Request{Query: "(", Mode: search.Regex}); err == nil {
		t.Error("bad regex gave no error")
	}
	if _, err := s.Search(context.Background(), search.Request{Query: "x", Kinds: []string{"gizmo"}}); err == nil {
		t.Error("unknown kind gave no error")
	}
}

func TestIncremental(t *testing.T) {
	repo := copyRepo(t)
	indexRepo(t, repo, search.Config{})
	path := filepath.Join(repo, "web", "money.ts")
	src, _ := os.ReadFile(path)
	src = append(src, []byte("\nexport function parseInvoiceNumber(s: string): number {\n  return Number(s.replace(/^INV-/, \"\"));\n}\n")...)
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(repo, "tools", "report.py"))
	sum := indexRepo(t, repo, search.Config{})
	if sum.Search == nil || sum.Search.Rebuilt || sum.Search.Embedded != 1 {
		t.Fatalf("incremental update: %+v (want one symbol embedded, no rebuild)", sum.Search)
	}
	s := searcher(t, repo, search.Config{})
	for _, mode := range []search.Mode{search.Lexical, search.Hybrid, search.Semantic} {
		hits := find(t, s, search.Request{Query: "parseInvoiceNumber", Mode: mode, Limit: 1})
		if len(hits) != 1 || hits[0].Name != "parseInvoiceNumber" {
			t.Errorf("%s: new function not found: %v", mode, names(hits))
		}
		for _, h := range find(t, s, search.Request{Query: "build report", Mode: mode}) {
			if h.File == "tools/report.py" {
				t.Errorf("%s: deleted file still found: %s", mode, h.QualifiedName)
			}
		}
	}
	if hits := find(t, s, search.Request{Query: "INV-", Mode: search.Exact}); len(hits) != 1 || hits[0].Name != "parseInvoiceNumber" {
		t.Errorf("exact after update: %+v", hits)
	}
	if hits := find(t, s, search.Request{Query: "sort_keys", Mode: search.Exact}); len(hits) != 0 {
		t.Errorf("exact finds a deleted file: %+v", hits)
	}

	// A damaged search index is rebuilt by the next run, not trusted.
	os.WriteFile(filepath.Join(repo, index.DefaultDirName, search.DirName, "state.json"), []byte("{"), 0o644)
	sum = indexRepo(t, repo, search.Config{})
	if sum.Search == nil || !sum.Search.Rebuilt {
		t.Fatalf("damaged state: %+v", sum.Search)
	}
}

// TestNoSemantic: without vectors, semantic search says why and hybrid
// still answers from the other signals.
func TestNoSemantic(t *testing.T) {
	repo := copyRepo(t)
	indexRepo(t, repo, search.Config{NoVectors: true})
	s := searcher(t, repo, search.Config{})
	if _, err := s.Search(context.Background(), search.Request{Query: "cart", Mode: search.Semantic}); err == nil || !strings.Contains(err.Error(), "semantic") {
		t.Errorf("semantic without vectors: %v", err)
	}
	res, err := s.Search(context.Background(), search.Request{Query: "Cart"})
	if err != nil || len(res.Hits) == 0 || res.Hits[0].QualifiedName != "Cart" || res.Note == "" {
		t.Errorf("hybrid without vectors: %+v %v", res, err)
	}
}

// TestProviderChange: switching the embedding provider rebuilds the
// vectors (never a mix), and a query with the other provider is refused.
func TestProviderChange(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Input []string `json:"input"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		calls++
		out := struct {
			Embeddings [][]float32 `json:"embeddings"`
		}{}
		for _, s := range req.Input {
			v := make([]float32, 8)
			for i, c := range s {
				v[(i+int(c))%8] += 1
			}
			v[0] += 0.01
			out.Embeddings = append(out.Embeddings, v)
		}
		json.NewEncoder(w).Encode(out)
	}))
	defer srv.Close()
	repo := copyRepo(t)
	indexRepo(t, repo, search.Config{})
	ollama := search.Config{Embedding: embed.Config{Provider: "ollama", Model: "test", URL: srv.URL}}
	sum := indexRepo(t, repo, ollama)
	if sum.Search == nil || !sum.Search.Rebuilt || !strings.Contains(sum.Search.Reason, "provider") || calls == 0 {
		t.Fatalf("provider change: %+v (%d calls)", sum.Search, calls)
	}
	s := searcher(t, repo, ollama)
	if hits := find(t, s, search.Request{Query: "cart", Mode: search.Semantic}); len(hits) == 0 {
		t.Error("no semantic hits with the HTTP provider")
	}
	if _, err := searcher(t, repo, search.Config{}).Search(context.Background(), search.Request{Query: "cart", Mode: search.Semantic}); err == nil {
		t.Error("a query with the built-in model over Ollama vectors was not refused")
	}
}

// TestAPINodes: nodes created through the API (an "@api:" pseudo-file with
// no source) are searched by name and doc comment after UpdateReady and
// after a full rebuild, and are gone once deleted; without search indexes
// UpdateReady does nothing.
func TestAPINodes(t *testing.T) {
	repo := copyRepo(t)
	indexRepo(t, repo, search.Config{})
	db := filepath.Join(repo, index.DefaultDirName)
	ctx := context.Background()
	const file = graph.APIPrefix + "notes"
	n := graph.Node{Kind: graph.KindFunction, Name: "reconcileLedgerEntries", QualifiedName: "reconcileLedgerEntries",
		File: file, Language: "api", Signature: "reconcileLedgerEntries(ledger, statement)",
		Doc: "Matches ledger entries against the lines of a bank statement."}
	n.ID = graph.MakeNodeID(file, n.QualifiedName, n.Kind, 0)
	write := func(fn func(b *store.Batch) error, ch search.Changes) bool {
		t.Helper()
		st, err := store.Open(db, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		b := st.NewBatch()
		defer b.Close()
		if err := fn(b); err != nil {
			t.Fatal(err)
		}
		if err := b.Commit(true); err != nil {
			t.Fatal(err)
		}
		ok, err := search.UpdateReady(ctx, st, db, repo, ch, search.Config{})
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	found := func(when string) {
		t.Helper()
		s := searcher(t, repo, search.Config{})
		for _, q := range []struct {
			mode  search.Mode
			query string
		}{{search.Lexical, "reconcileLedgerEntries"}, {search.Hybrid, "reconcileLedgerEntries"}, {search.Hybrid, "match ledger entries with a bank statement"}} {
			hits := find(t, s, search.Request{Query: q.query, Mode: q.mode, Limit: 3})
			if len(hits) == 0 || hits[0].Name != n.Name || hits[0].File != file {
				t.Errorf("%s: %s %q: %v", when, q.mode, q.query, names(hits))
			}
		}
	}
	if !write(func(b *store.Batch) error {
		return b.ReplaceFile(store.FileMeta{Path: file, Language: "api"}, []graph.Node{n}, nil)
	}, search.Changes{Files: []string{file}}) {
		t.Fatal("UpdateReady skipped usable indexes")
	}
	found("after UpdateReady")

	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if stats, err := search.Update(ctx, st, db, repo, search.Changes{Rebuild: true}, search.Config{}); err != nil || !stats.Rebuilt {
		t.Fatalf("rebuild: %+v %v", stats, err)
	}
	st.Close()
	found("after a rebuild")

	write(func(b *store.Batch) error { return b.DeleteFile(file) },
		search.Changes{Deleted: []string{file}, Removed: []graph.NodeID{n.ID}})
	s := searcher(t, repo, search.Config{})
	for _, mode := range []search.Mode{search.Lexical, search.Hybrid} {
		for _, h := range find(t, s, search.Request{Query: "reconcileLedgerEntries", Mode: mode}) {
			if h.File == file {
				t.Errorf("%s: deleted API node still found", mode)
			}
		}
	}

	// An index without search indexes stays without.
	bare := copyRepo(t)
	if _, err := index.Run(ctx, index.Options{Root: bare, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	bdb := filepath.Join(bare, index.DefaultDirName)
	bst, err := store.Open(bdb, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer bst.Close()
	if ok, err := search.UpdateReady(ctx, bst, bdb, bare, search.Changes{Files: []string{file}}, search.Config{}); ok || err != nil {
		t.Errorf("UpdateReady without search indexes: %v %v", ok, err)
	}
	if _, err := os.Stat(filepath.Join(bdb, search.DirName)); !os.IsNotExist(err) {
		t.Errorf("UpdateReady created search indexes: %v", err)
	}
}
