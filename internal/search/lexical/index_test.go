package lexical

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/codegraph-dev/codegraph/internal/indexfile"
)

var ctx = context.Background()

// corpus is a small synthetic code base.
func corpus() []Doc {
	return []Doc{
		{ID: 1, Name: "handleUserAuth", QualifiedName: "auth.handleUserAuth", Signature: "func handleUserAuth(w http.ResponseWriter, r *http.Request)",
			Body: "func handleUserAuth(w http.ResponseWriter, r *http.Request) {\n\tuser := r.FormValue(\"user\")\n\tcheckPassword(user)\n}"},
		{ID: 2, Name: "routes", QualifiedName: "auth.routes", Signature: "func routes(mux *http.ServeMux)",
			Body: "func routes(mux *http.ServeMux) {\n\tmux.HandleFunc(\"/login\", handleUserAuth)\n\tmux.HandleFunc(\"/auth\", handleUserAuth)\n\tmux.HandleFunc(\"/user\", handleUserAuth)\n\t// handleUserAuth handleUserAuth\n}"},
		{ID: 3, Name: "parseJSON", QualifiedName: "codec.parseJSON", Signature: "func parseJSON(data []byte) (Value, error)",
			Doc: "parseJSON decodes a JSON document into a Value.", Body: "func parseJSON(data []byte) (Value, error) {\n\treturn decode(data)\n}"},
		{ID: 4, Name: "parse", QualifiedName: "codec.parse", Signature: "func parse(s string) int", Body: "func parse(s string) int { return len(s) }"},
		{ID: 5, Name: "Handle", QualifiedName: "Server.Handle", Signature: "func (s *Server) Handle(pattern string, h Handler)",
			Doc: "Handle registers the handler for the given pattern.", Body: "func (s *Server) Handle(pattern string, h Handler) { s.mux.Handle(pattern, h) }"},
		{ID: 6, Name: "Handle", QualifiedName: "Client.Handle", Signature: "func (c *Client) Handle(pattern string)",
			Body: "func (c *Client) Handle(pattern string) { c.routes[pattern] = true }"},
		{ID: 7, Name: "readHeaders", QualifiedName: "readHeaders", Signature: "func readHeaders(r *bufio.Reader) (Header, error)",
			Doc: "readHeaders reads MIME headers from r.", Body: "func readHeaders(r *bufio.Reader) (Header, error) {\n\tfor {\n\t\tline, err := r.ReadLine()\n\t}\n}"},
		{ID: 8, Name: "Server", QualifiedName: "Server", Signature: "type Server struct", Body: "type Server struct {\n\tmux *ServeMux\n\tAddr string\n}"},
	}
}

func ids(hits []Hit) []uint64 {
	out := make([]uint64, len(hits))
	for i, h := range hits {
		out[i] = h.ID
	}
	return out
}

func memIndex(t testing.TB, docs []Doc, opts *Options) *Index {
	t.Helper()
	ix := New(opts)
	if err := ix.Add(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	return ix
}

func savedIndex(t testing.TB, docs []Doc, opts *Options) (*Index, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "lexical")
	b := NewBuilder()
	for _, d := range docs {
		if err := b.Add(d); err != nil {
			t.Fatal(err)
		}
	}
	ix, err := b.Save(ctx, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix, dir
}

func TestSearchRanking(t *testing.T) {
	for _, c := range []struct {
		query string
		first uint64
	}{
		{"handleUserAuth", 1},   // exact name beats a body that repeats it
		{"handleuserauth", 1},   // case-insensitive
		{"handle_user_auth", 1}, // other spelling of the same parts
		{"handleUs", 1},         // prefix of the whole identifier
		{"parseJ", 3},           // prefix of a part
		{"parse", 4},            // exact name beats names it prefixes
		{"Server.Handle", 5},    // qualified name
		{"Client.Handle", 6},
		{"the headers of a MIME message", 7}, // stop words dropped, plural folded
		{"Server", 8},
		{"json document decoding", 3},
	} {
		for _, mode := range []string{"memory", "saved"} {
			var ix *Index
			if mode == "memory" {
				ix = memIndex(t, corpus(), nil)
			} else {
				ix, _ = savedIndex(t, corpus(), nil)
			}
			hits := ix.Search(ctx, c.query, 5, nil)
			if len(hits) == 0 || hits[0].ID != c.first {
				t.Errorf("%s: Search(%q) = %v, want %d first", mode, c.query, hits, c.first)
			}
			for i := 1; i < len(hits); i++ {
				if better(hits[i], hits[i-1]) {
					t.Errorf("%s: Search(%q) not sorted: %v", mode, c.query, hits)
				}
			}
		}
	}
}

func TestSearchEdgeCases(t *testing.T) {
	ix := memIndex(t, corpus(), nil)
	for _, q := range []string{"", "   ", "!!! ???", "zzzunknownzzz"} {
		if hits := ix.Search(ctx, q, 10, nil); len(hits) != 0 {
			t.Errorf("Search(%q) = %v, want none", q, hits)
		}
	}
	if hits := ix.Search(ctx, "handle", 0, nil); hits != nil {
		t.Errorf("k=0 gave %v", hits)
	}
	// A query of stop words only still searches.
	if hits := ix.Search(ctx, "for", 10, nil); !slices.Equal(ids(hits), []uint64{5, 7}) {
		t.Errorf("Search(for) = %v, want the docs with a for loop or the word", hits)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if hits := ix.Search(cctx, "handle", 10, nil); hits != nil {
		t.Errorf("cancelled search returned %v", hits)
	}
	empty := New(nil)
	if hits := empty.Search(ctx, "handle", 10, nil); hits != nil {
		t.Errorf("empty index returned %v", hits)
	}
}

func TestSearchFilter(t *testing.T) {
	ix := memIndex(t, corpus(), nil)
	calls := 0
	hits := ix.Search(ctx, "handle", 2, func(id uint64) bool { calls++; return id != 5 })
	if slices.Contains(ids(hits), 5) || len(hits) != 2 {
		t.Errorf("filtered hits = %v", hits)
	}
	all := ix.Search(ctx, "handle", 100, nil)
	if calls > len(all) {
		t.Errorf("filter called %d times for %d matches", calls, len(all))
	}
	if hits := ix.Search(ctx, "handle", 10, func(uint64) bool { return false }); len(hits) != 0 {
		t.Errorf("reject-all filter gave %v", hits)
	}
}

func TestParseQuery(t *testing.T) {
	pq := parseQuery("Returns the HTTP request for handleUserAuth via Server.Handle", 3, false)
	var terms []string
	var prefixed []string
	for _, qt := range pq.terms {
		terms = append(terms, qt.term)
		if qt.prefix != "" {
			prefixed = append(prefixed, qt.prefix)
		}
	}
	want := []string{"http", "request", "handl", "user", "auth", "handleuserauth", "server"}
	if !slices.Equal(terms, want) {
		t.Errorf("terms = %q, want %q", terms, want)
	}
	// "Returns" (capitalised as a sentence starts), "the", "for", "via"
	// go. In a natural-language query every word is a weak candidate and,
	// without prefixAll, nothing is prefix-expanded.
	if len(pq.strong) != 0 || len(prefixed) != 0 {
		t.Errorf("natural-language query: strong %q, prefixed %q", pq.strong, prefixed)
	}
	for _, w := range []string{"http", "request", "handleuserauth", "server.handle"} {
		if !slices.Contains(pq.weak, w) {
			t.Errorf("weak = %q, want %q in it", pq.weak, w)
		}
	}
	// An identifier query.
	pq = parseQuery("http.Client.Do", 3, false)
	if !slices.Equal(pq.strong, []string{"http", "client", "do", "http.client.do"}) || len(pq.weak) != 0 {
		t.Errorf("identifier query: strong %q, weak %q", pq.strong, pq.weak)
	}
	pq = parseQuery("  handleUs ", 3, false)
	if len(pq.terms) != 3 || pq.terms[0].prefix != "handl" || pq.terms[2].prefix != "handleus" {
		t.Errorf("identifier query terms %+v", pq.terms)
	}
	// Identifier-looking capitals are not stop words.
	if !isStopWord("Return") || isStopWord("RETURN") || isStopWord("ReturnValue") || isStopWord("handle") {
		t.Error("isStopWord")
	}
	// Only stop words: kept.
	if pq := parseQuery("the of", 3, true); len(pq.terms) != 2 {
		t.Errorf("stop-word query terms = %v", pq.terms)
	}
	for w, want := range map[string]bool{"handleUser": true, "HTTP": false, "max_len": true, "utf8": true, "Server": false, "server": false, "v2": true} {
		if codeLike(w) != want {
			t.Errorf("codeLike(%q) = %v", w, !want)
		}
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"headers": "header", "bytes": "byt", "byte": "byt", "entries": "entry", "boxes": "box",
		"matches": "match", "class": "class", "status": "status", "analysis": "analysis",
		"is": "is", "has": "has", "its": "its", "read": "read", "reading": "read",
		"closed": "clos", "close": "clos", "closes": "clos", "closing": "clos",
		"parser": "parser", "string": "str", "need": "need", "use": "use",
	} {
		if got := normalize(in); got != want {
			t.Errorf("normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAnalyzeExactTerms(t *testing.T) {
	var exact []string
	analyze(&Doc{Name: "Do", QualifiedName: "http.Client.Do"}, func(term string, f int) {
		if f == fieldExact {
			exact = append(exact, term)
		}
	})
	want := []string{"\x01do", "\x02http.client.do", "\x02client.do"}
	if !slices.Equal(exact, want) {
		t.Errorf("exact terms = %q, want %q", exact, want)
	}
}

// search returns all matches of q as id → score.
func matches(ix *Index, q string) map[uint64]float64 {
	out := map[uint64]float64{}
	for _, h := range ix.Search(ctx, q, 1<<20, nil) {
		out[h.ID] = h.Score
	}
	return out
}

func TestIncrementalSaveOpen(t *testing.T) {
	docs := corpus()
	ix, dir := savedIndex(t, docs[:5], nil)
	if ix.Len() != 5 {
		t.Fatalf("Len = %d", ix.Len())
	}
	// Replace doc 1 (its name changes), delete doc 2, add 6..8.
	repl := Doc{ID: 1, Name: "authenticate", QualifiedName: "auth.authenticate", Body: "func authenticate() {}"}
	if err := ix.Add(ctx, append([]Doc{repl}, docs[5:]...)...); err != nil {
		t.Fatal(err)
	}
	if err := ix.Delete(ctx, 2, 999); err != nil {
		t.Fatal(err)
	}
	check := func(ix *Index, when string) {
		t.Helper()
		if ix.Len() != 7 {
			t.Errorf("%s: Len = %d, want 7", when, ix.Len())
		}
		for _, q := range []string{"checkPassword", "login"} {
			if m := matches(ix, q); len(m) != 0 {
				t.Errorf("%s: text of replaced/deleted docs still matches %q: %v", when, q, m)
			}
		}
		if h := ix.Search(ctx, "authenticate", 1, nil); len(h) != 1 || h[0].ID != 1 {
			t.Errorf("%s: replacement not found: %v", when, h)
		}
		if h := ix.Search(ctx, "Server", 1, nil); len(h) != 1 || h[0].ID != 8 {
			t.Errorf("%s: added doc not found: %v", when, h)
		}
	}
	check(ix, "in memory")
	if err := ix.Save(ctx, dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, deltaFile)); err != nil {
		t.Fatalf("small change did not write a delta: %v", err)
	}
	re, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
	check(re, "reopened")
	for _, q := range []string{"handle", "Server.Handle", "parse json", "headers"} {
		if a, b := matches(ix, q), matches(re, q); !sameScores(a, b) {
			t.Errorf("%q: reopened scores %v, in memory %v", q, b, a)
		}
	}
	// Delete from the delta, then merge into a new base.
	if err := re.Delete(ctx, 8); err != nil {
		t.Fatal(err)
	}
	re.opts.MergeDocs = 1
	if err := re.Save(ctx, dir); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 || !strings.HasPrefix(ents[0].Name(), basePrefix) {
		t.Errorf("after merge dir holds %v, want one base", ents)
	}
	merged, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer merged.Close()
	if merged.Len() != 6 || len(matches(merged, "Server")) == 0 {
		t.Errorf("merged: Len %d", merged.Len())
	}
	if h := merged.Search(ctx, "Server", 10, nil); slices.Contains(ids(h), 8) {
		t.Errorf("deleted delta doc survived the merge: %v", h)
	}
}

func sameScores(a, b map[uint64]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for id, s := range a {
		if t, ok := b[id]; !ok || math.Abs(s-t) > 1e-4*math.Max(1, math.Abs(s)) {
			return false
		}
	}
	return true
}

// randomDoc makes a document from a small vocabulary so that queries hit
// many documents.
func randomDoc(rng *rand.Rand, id uint64) Doc {
	vocab := []string{"read", "write", "Header", "parse", "JSON", "request", "server", "client", "buffer", "close", "error", "handleUserAuth", "token", "value", "encode", "decode"}
	word := func() string { return vocab[rng.IntN(len(vocab))] }
	name := word() + strings.Title(word())
	var body []string
	for range rng.IntN(30) {
		body = append(body, word())
	}
	return Doc{ID: id, Name: name, QualifiedName: word() + "." + name, Signature: "func " + name + "(" + word() + ")",
		Doc: strings.Join(body[:len(body)/3], " "), Body: strings.Join(body, " ")}
}

// TestIncrementalMatchesRebuild applies random adds, replaces and deletes
// through the delta (with saves and reopens between) and checks that the
// index matches one built from scratch from the same final documents: the
// same matching documents before a merge (document frequencies still count
// deleted base documents then), the same scores after it.
func TestIncrementalMatchesRebuild(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	live := map[uint64]Doc{}
	var initial []Doc
	for id := uint64(1); id <= 300; id++ {
		d := randomDoc(rng, id)
		initial = append(initial, d)
		live[id] = d
	}
	ix, dir := savedIndex(t, initial, &Options{MergeDocs: 1 << 30})
	for round := range 6 {
		var add []Doc
		var del []uint64
		for range 20 {
			id := uint64(rng.IntN(400) + 1)
			if rng.IntN(3) == 0 {
				del = append(del, id)
				delete(live, id)
			} else {
				d := randomDoc(rng, id)
				add = append(add, d)
			}
		}
		if err := ix.Delete(ctx, del...); err != nil {
			t.Fatal(err)
		}
		if err := ix.Add(ctx, add...); err != nil {
			t.Fatal(err)
		}
		for _, d := range dedupe(add) {
			live[d.ID] = d
		}
		if err := ix.Save(ctx, dir); err != nil {
			t.Fatal(err)
		}
		if round%2 == 1 {
			ix.Close()
			var err error
			if ix, err = Open(dir, &Options{MergeDocs: 1 << 30, Verify: true}); err != nil {
				t.Fatal(err)
			}
		}
	}
	defer ix.Close()
	var final []Doc
	for _, d := range live {
		final = append(final, d)
	}
	ref := memIndex(t, final, nil)
	queries := []string{"read header", "handleUserAuth", "parseJ", "encode value", "Server.Handle", "json buffer close"}
	for _, q := range queries {
		a, b := matches(ix, q), matches(ref, q)
		if len(a) != len(b) {
			t.Errorf("%q: %d matches incrementally, %d rebuilt", q, len(a), len(b))
		}
		for id := range b {
			if _, ok := a[id]; !ok {
				t.Errorf("%q: doc %d missing incrementally", q, id)
			}
		}
	}
	if ix.Len() != len(live) {
		t.Errorf("Len = %d, want %d", ix.Len(), len(live))
	}
	ix.opts.MergeDocs = 1
	if err := ix.Save(ctx, dir); err != nil {
		t.Fatal(err)
	}
	if ix.delta != nil || len(ix.delIDs) != 0 {
		t.Fatal("Save did not merge")
	}
	for _, q := range queries {
		if a, b := matches(ix, q), matches(ref, q); !sameScores(a, b) {
			t.Errorf("%q: merged scores differ from a rebuild:\n%v\n%v", q, a, b)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	if _, err := Open(filepath.Join(t.TempDir(), "missing"), nil); !errors.Is(err, ErrNoIndex) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing dir: %v", err)
	}
	if _, err := Open(t.TempDir(), nil); !errors.Is(err, ErrNoIndex) {
		t.Errorf("empty dir: %v", err)
	}
	_, dir := savedIndex(t, corpus(), nil)
	ents, _ := os.ReadDir(dir)
	basePath := filepath.Join(dir, ents[0].Name())
	good, _ := os.ReadFile(basePath)

	for _, c := range []struct {
		name   string
		mutate func([]byte) []byte
		verify bool // only a full check sees it
	}{
		{"foreign", func([]byte) []byte {
			return []byte("PK\x03\x04 this is a zip file, not an index at all, padded out to be long enough to have a header of the right size......................................................................................")
		}, false},
		{"empty", func([]byte) []byte { return nil }, false},
		{"truncated", func(b []byte) []byte { return b[:len(b)/2] }, false},
		{"header bit", func(b []byte) []byte { b[30] ^= 1; return b }, false},
		{"version", func(b []byte) []byte { b[8] = 99; return b }, false},
		// The corpus fits in one checksum block, which Open checks.
		{"body bit", func(b []byte) []byte { b[len(b)/2] ^= 0x40; return b }, false},
		{"trailer bit", func(b []byte) []byte { b[len(b)-5] ^= 0x40; return b }, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := c.mutate(slices.Clone(good))
			if err := os.WriteFile(basePath, data, 0o644); err != nil {
				t.Fatal(err)
			}
			ix, err := Open(dir, &Options{Verify: c.verify})
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("Open = %v, want ErrCorrupt", err)
			}
			if ix != nil {
				ix.Close()
			}
			if !c.verify {
				return
			}
			// Without Verify the damage is not seen, but searching the
			// damaged file must not crash.
			ix, err = Open(dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{"handleUserAuth", "Server.Handle", "parse"} {
				ix.Search(ctx, q, 10, nil)
			}
			ix.Close()
		})
	}
	os.WriteFile(basePath, good, 0o644)

	// A corrupt delta is an error too, even without Verify.
	if err := os.WriteFile(filepath.Join(dir, deltaFile), []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, nil); !errors.Is(err, ErrCorrupt) {
		t.Errorf("corrupt delta: %v", err)
	}
	// A delta without a base.
	os.Remove(basePath)
	if _, err := Open(dir, nil); !errors.Is(err, ErrCorrupt) {
		t.Errorf("delta without base: %v", err)
	}
}

// TestLazyChecksums damages one block of a base segment larger than a
// checksum block: Open (without Verify) only checks the header's block, a
// search that reads the damaged block finds nothing there and Err reports
// it naming the file, and Verify finds it too.
func TestLazyChecksums(t *testing.T) {
	var docs []Doc
	for i := range 6000 {
		docs = append(docs, Doc{ID: uint64(i + 1), Name: fmt.Sprintf("handler%dServe", i),
			QualifiedName: fmt.Sprintf("pkg%d.Server.handler%dServe", i%50, i),
			Body:          fmt.Sprintf("func handler%dServe(w Writer) { parseHeader%d(w); common() }", i, i%300)})
	}
	ix, dir := savedIndex(t, docs, nil)
	ix.Close()
	ents, _ := os.ReadDir(dir)
	path := filepath.Join(dir, ents[0].Name())
	clean, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer clean.Close()
	want := clean.Search(ctx, "common", 10, nil)
	if len(want) == 0 || clean.Err() != nil {
		t.Fatalf("clean index: %d hits, err %v", len(want), clean.Err())
	}
	if clean.base.file.BlocksChecked() >= (len(clean.base.data)+indexfile.BlockSize-1)/indexfile.BlockSize {
		t.Errorf("a query checked every block of a %d-byte segment", len(clean.base.data))
	}
	// Damage the postings of "common" (in every document: a long list).
	i, ok := clean.base.lookup("common")
	if !ok {
		t.Fatal("no term common")
	}
	post, _, _ := clean.base.termInfo(i)
	off := clean.base.secOff[secPostings] + int(uintptr(unsafe.Pointer(&post[0]))-uintptr(unsafe.Pointer(&clean.base.sec[secPostings][0]))) + len(post)/2
	if off < indexfile.BlockSize {
		t.Fatalf("postings at %d lie in the header's block", off)
	}
	data, _ := os.ReadFile(path)
	data[off] ^= 0x10
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	bad, err := Open(dir, nil)
	if err != nil {
		t.Fatalf("Open without Verify read the damaged block: %v", err)
	}
	defer bad.Close()
	if bad.Err() != nil {
		t.Fatalf("damage reported before any read: %v", bad.Err())
	}
	bad.Search(ctx, "common", 10, nil)
	if err := bad.Err(); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), path) {
		t.Errorf("after searching the damaged postings: Err = %v, want ErrCorrupt naming %s", err, path)
	}
	if _, err := Open(dir, &Options{Verify: true}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Open with Verify = %v, want ErrCorrupt", err)
	}
}

// TestCrashLeftovers covers the states a crash during Save can leave: a
// temp file, a stale delta of the previous generation next to a merged
// base, and the previous base not yet removed.
func TestCrashLeftovers(t *testing.T) {
	docs := corpus()
	ix, dir := savedIndex(t, docs[:6], nil)
	if err := ix.Add(ctx, docs[6]); err != nil {
		t.Fatal(err)
	}
	if err := ix.Save(ctx, dir); err != nil {
		t.Fatal(err)
	}
	oldDelta, _ := os.ReadFile(filepath.Join(dir, deltaFile))
	ents, _ := os.ReadDir(dir)
	var oldBase []byte
	var oldBaseName string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), basePrefix) {
			oldBaseName = e.Name()
			oldBase, _ = os.ReadFile(filepath.Join(dir, e.Name()))
		}
	}
	// Merge: new base (gen+1) holds doc 7; then put the old files back as
	// a crash before removal would have left them, plus a temp file.
	ix.opts.MergeDocs = 1
	if err := ix.Add(ctx, docs[7]); err != nil {
		t.Fatal(err)
	}
	if err := ix.Save(ctx, dir); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, deltaFile), oldDelta, 0o644)
	os.WriteFile(filepath.Join(dir, oldBaseName), oldBase, 0o644)
	os.WriteFile(filepath.Join(dir, baseName(99)+".tmp123"), []byte("half"), 0o644)
	re, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
	if re.Len() != 8 {
		t.Errorf("Len = %d, want 8 (newest base, stale delta ignored)", re.Len())
	}
	// The next merge cleans up.
	re.opts.MergeDocs = 1
	re.Add(ctx, docs[0])
	if err := re.Save(ctx, dir); err != nil {
		t.Fatal(err)
	}
	ents, _ = os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if len(names) != 2 || !strings.HasPrefix(names[0], basePrefix) {
		t.Errorf("after cleanup: %v, want the new base and the leftover temp file", names)
	}
}

func TestSaveElsewhereWritesFullBase(t *testing.T) {
	ix, _ := savedIndex(t, corpus()[:4], nil)
	if err := ix.Add(ctx, corpus()[4]); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(t.TempDir(), "copy")
	if err := ix.Save(ctx, other); err != nil {
		t.Fatal(err)
	}
	re, err := Open(other, &Options{Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
	if re.Len() != 5 {
		t.Errorf("copy has %d docs, want 5", re.Len())
	}
	// An in-memory index saves as a base.
	mem := memIndex(t, corpus(), nil)
	d := filepath.Join(t.TempDir(), "mem")
	if err := mem.Save(ctx, d); err != nil {
		t.Fatal(err)
	}
	re2, err := Open(d, &Options{Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer re2.Close()
	if a, b := matches(mem, "handle"), matches(re2, "handle"); !sameScores(a, b) {
		t.Errorf("saved scores %v, in memory %v", b, a)
	}
}

func TestBuilderDuplicate(t *testing.T) {
	b := NewBuilder()
	if err := b.Add(Doc{ID: 1, Name: "a"}); err != nil {
		t.Fatal(err)
	}
	if err := b.Add(Doc{ID: 1, Name: "b"}); err == nil {
		t.Error("duplicate id accepted")
	}
	if b.Len() != 1 {
		t.Errorf("Len = %d", b.Len())
	}
}

func TestConcurrentSearch(t *testing.T) {
	ix, _ := savedIndex(t, corpus(), nil)
	done := make(chan struct{})
	for g := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 200 {
				q := []string{"handle", "parseJ", "Server.Handle", "headers"}[(g+i)%4]
				if len(ix.Search(ctx, q, 3, nil)) == 0 {
					t.Errorf("no hits for %q", q)
					return
				}
			}
		}()
	}
	for i := range 20 {
		if err := ix.Add(ctx, Doc{ID: uint64(100 + i), Name: fmt.Sprintf("handleX%d", i)}); err != nil {
			t.Error(err)
		}
	}
	for range 4 {
		<-done
	}
}

func TestLenCodes(t *testing.T) {
	prev := uint8(0)
	for l := uint64(0); l < 100000; l++ {
		c := encodeLen(l)
		if c < prev {
			t.Fatalf("encodeLen not monotonic at %d", l)
		}
		prev = c
		d := decodeLen(c)
		if l < lenExact && d != l {
			t.Fatalf("length %d decodes to %d", l, d)
		}
		if l >= lenExact && l < 15000 && math.Abs(float64(d)-float64(l)) > 0.03*float64(l) {
			t.Fatalf("length %d decodes to %d", l, d)
		}
	}
	if encodeLen(1<<40) != 255 {
		t.Error("huge length does not saturate")
	}
}

// TestCoord checks the query-coverage factor: the more weight it has, the
// better a symbol matching both words of a query does against one that
// repeats a single word, which plain BM25F (Coord 0) ranks first.
func TestCoord(t *testing.T) {
	docs := []Doc{
		{ID: 1, Name: "flush", Body: "func flush() { buffer.write(frame) }"},
		{ID: 2, Name: "encode", Body: "func encode() { frame frame frame frame }"},
		{ID: 3, Name: "other", Body: "func other() { buffer buffer buffer }"},
		{ID: 4, Name: "more", Body: "func more() { buffer }"},
	}
	prev := 0.0
	for _, c := range []float64{0, 0.25, 0.5, 1, 2} {
		p := DefaultParams()
		p.Coord = c
		hits := memIndex(t, docs, &Options{Params: &p}).Search(ctx, "the frame buffer", 4, nil)
		score := map[uint64]float64{}
		for _, h := range hits {
			score[h.ID] = h.Score
		}
		if score[1] == 0 || score[2] == 0 {
			t.Fatalf("Coord %v: hits %v, want 1 and 2", c, hits)
		}
		ratio := score[1] / score[2]
		if ratio <= prev {
			t.Errorf("Coord %v: score(both words)/score(one word) = %.3f, not above %.3f at less coverage weight", c, ratio, prev)
		}
		prev = ratio
		if want, ok := map[float64]uint64{0: 2, 2: 1}[c]; ok && hits[0].ID != want {
			t.Errorf("Coord %v: %v, want %d first", c, hits, want)
		}
	}
}

// SaveDelta writes only the delta however large it is; MergeDue then
// says so, and Save merges.
func TestSaveDeltaDefersMerge(t *testing.T) {
	docs := corpus()
	ix, dir := savedIndex(t, docs[:5], &Options{MergeDocs: 2})
	if ix.MergeDue() {
		t.Error("a fresh base is due a merge")
	}
	if err := ix.Add(ctx, docs[5:]...); err != nil {
		t.Fatal(err)
	}
	if err := ix.Delete(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if !ix.MergeDue() {
		t.Fatal("a delta over MergeDocs is not due a merge")
	}
	if err := ix.SaveDelta(ctx, dir); err != nil {
		t.Fatal(err)
	}
	bases := func() int {
		ents, _ := os.ReadDir(dir)
		n := 0
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), basePrefix) {
				n++
			}
		}
		return n
	}
	if _, err := os.Stat(filepath.Join(dir, deltaFile)); err != nil || bases() != 1 {
		t.Fatalf("SaveDelta: delta %v, %d bases", err, bases())
	}
	re, err := Open(dir, &Options{MergeDocs: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
	if re.Len() != ix.Len() || !re.MergeDue() {
		t.Errorf("reopened: Len %d, want %d; MergeDue %v", re.Len(), ix.Len(), re.MergeDue())
	}
	for _, q := range []string{"handle", "Server.Handle", "parse json", "headers"} {
		if a, b := matches(ix, q), matches(re, q); !sameScores(a, b) {
			t.Errorf("%q: reopened scores %v, in memory %v", q, b, a)
		}
	}
	if err := ix.Save(ctx, dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, deltaFile)); err == nil || bases() != 1 || ix.MergeDue() {
		t.Errorf("Save after SaveDelta did not merge: delta %v, %d bases, due %v", err, bases(), ix.MergeDue())
	}
	// Elsewhere, SaveDelta writes a whole base as Save does.
	other := filepath.Join(t.TempDir(), "lexical")
	if err := ix.SaveDelta(ctx, other); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(other); len(ents) != 1 || !strings.HasPrefix(ents[0].Name(), basePrefix) {
		t.Errorf("SaveDelta elsewhere wrote %v, want one base", ents)
	}
}

// TestBuilderSpentAfterSave: Save lets go of the builder's postings, so a
// second Save or an Add after it is refused instead of writing an empty or
// partial index.
func TestBuilderSpentAfterSave(t *testing.T) {
	b := NewBuilder()
	if err := b.Add(Doc{ID: 1, Name: "handleUserAuth"}); err != nil {
		t.Fatal(err)
	}
	ix, err := b.Save(ctx, filepath.Join(t.TempDir(), "lexical"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, err := b.Save(ctx, filepath.Join(t.TempDir(), "again"), nil); !errors.Is(err, errSaved) {
		t.Errorf("second Save: %v, want errSaved", err)
	}
	if err := b.Add(Doc{ID: 2, Name: "x"}); !errors.Is(err, errSaved) {
		t.Errorf("Add after Save: %v, want errSaved", err)
	}
}

// A Builder given its documents in another order and told their order
// (Reorder) saves the segment of the original order, byte for byte; an
// order that is not a permutation fails Save.
func TestBuilderReorder(t *testing.T) {
	docs := corpus()
	for i := range 3000 { // more than a batch of the builder's
		docs = append(docs, Doc{ID: uint64(100 + i), Name: fmt.Sprintf("fn%d", i%97), Body: fmt.Sprintf("handle user %d parse %d", i%13, i%7)})
	}
	_, want := savedIndex(t, docs, nil)
	b := NewBuilder()
	order := make([]uint32, len(docs))
	for i := range docs {
		if err := b.Add(docs[len(docs)-1-i]); err != nil {
			t.Fatal(err)
		}
		order[i] = uint32(len(docs) - 1 - i)
	}
	if err := b.Reorder(order[1:]); err == nil {
		t.Error("an order of too few documents accepted")
	}
	if err := b.Reorder(order); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "lexical")
	ix, err := b.Save(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	for _, d := range []string{want, dir} {
		ents, _ := os.ReadDir(d)
		if len(ents) != 1 {
			t.Fatalf("%s holds %d files, want the base segment only", d, len(ents))
		}
	}
	wb, err := os.ReadFile(filepath.Join(want, "base-0000000000000000.lex"))
	if err != nil {
		t.Fatal(err)
	}
	gb, err := os.ReadFile(filepath.Join(dir, "base-0000000000000000.lex"))
	if err != nil {
		t.Fatal(err)
	}
	if string(wb) != string(gb) {
		t.Error("the reordered builder's segment differs from the one built in order")
	}

	// Documents moved in blocks (a Bulk's files), two of them by the same
	// offset with another between them in the new order only: the
	// postings of "shared" come in runs that interleave.
	blocks := []Doc{
		{ID: 1, Name: "alpha", Body: "shared one"},
		{ID: 2, Name: "beta", Body: "other"},
		{ID: 3, Name: "gamma", Body: "shared three"},
		{ID: 4, Name: "delta", Body: "shared four"},
	}
	reorder := []uint32{0, 3, 2, 1}
	var inOrder []Doc
	for _, o := range reorder {
		inOrder = append(inOrder, blocks[o])
	}
	_, want = savedIndex(t, inOrder, nil)
	b = NewBuilder()
	for _, d := range blocks {
		if err := b.Add(d); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Reorder(reorder); err != nil {
		t.Fatal(err)
	}
	dir = filepath.Join(t.TempDir(), "lexical")
	if ix, err = b.Save(ctx, dir, nil); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	wb, _ = os.ReadFile(filepath.Join(want, "base-0000000000000000.lex"))
	gb, _ = os.ReadFile(filepath.Join(dir, "base-0000000000000000.lex"))
	if len(wb) == 0 || string(wb) != string(gb) {
		t.Error("blocks moved by one offset with another between: the segment differs from the one built in order")
	}

	b = NewBuilder()
	for _, d := range docs[:3] {
		if err := b.Add(d); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Reorder([]uint32{0, 0, 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Save(ctx, filepath.Join(t.TempDir(), "lexical"), nil); err == nil || !strings.Contains(err.Error(), "permutation") {
		t.Errorf("save with a repeated document in the order: %v", err)
	}
}
