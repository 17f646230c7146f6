package embed

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/search/token"
)

var slicesSortFunc = slices.SortFunc[[]symbol, symbol]

type evalQuery struct {
	Query string `json:"query"`
	File  string `json:"file"`
	Name  string `json:"name"`
}

func readQueries(tb testing.TB, path string) []evalQuery {
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var qs []evalQuery
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var q evalQuery
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			tb.Fatal(err)
		}
		qs = append(qs, q)
	}
	return qs
}

// hit mirrors score_search.py: the file must match and the name must end
// with the answer's name.
func hit(s symbol, q evalQuery) bool {
	if s.File != q.File {
		return false
	}
	want := q.Name
	short := want[strings.LastIndex(want, ".")+1:]
	for _, n := range []string{s.QualifiedName, s.Name} {
		n = strings.ReplaceAll(strings.ReplaceAll(n, "::", "."), "#", ".")
		last := n[strings.LastIndex(n, ".")+1:]
		if n == want || strings.HasSuffix(n, "."+want) || (last == short && (!strings.Contains(want, ".") || strings.Contains(n, strings.Split(want, ".")[0]))) {
			return true
		}
		if strings.Contains(want, ".") && n == short {
			return true
		}
	}
	return false
}

type scores struct{ r1, r10, mrr float64 }

func (s scores) String() string {
	return fmt.Sprintf("R@1=%.3f R@10=%.3f MRR@10=%.3f", s.r1, s.r10, s.mrr)
}

func score(syms []symbol, qs []evalQuery, ranks [][]int) scores {
	var s scores
	for i, q := range qs {
		for r, idx := range ranks[i] {
			if r >= 10 {
				break
			}
			if hit(syms[idx], q) {
				s.mrr += 1 / float64(r+1)
				s.r10++
				if r == 0 {
					s.r1++
				}
				break
			}
		}
	}
	n := float64(len(qs))
	return scores{s.r1 / n, s.r10 / n, s.mrr / n}
}

// bm25 is the lexical baseline: BM25 over the terms of the name (×3),
// qualified name and signature (×2) and body; plain (token.Terms, as the
// lexical index uses) or stemmed (the built-in model's words).
type bm25 struct {
	terms func(text string, fn func(t string))
	post  map[string][]posting
	dl    []float32
	avgdl float32
}

type posting struct {
	doc int32
	tf  float32
}

// plainTerms are token.Terms; stemmedTerms the built-in model's words.
func plainTerms(text string, fn func(string)) { token.Terms(text, func(t string, _ bool) { fn(t) }) }
func stemmedTerms(text string, fn func(string)) {
	words(text, 0, func(w []byte) { fn(string(w)) })
}

func newBM25(syms []symbol, terms func(string, func(string))) *bm25 {
	b := &bm25{terms: terms, post: map[string][]posting{}, dl: make([]float32, len(syms))}
	tf := map[string]float32{}
	var total float32
	for i, s := range syms {
		clear(tf)
		add := func(text string, w float32) {
			b.terms(text, func(t string) { tf[t] += w })
		}
		add(s.Doc.Name, 3)
		add(s.Doc.QualifiedName, 2)
		add(s.Doc.Signature, 2)
		add(s.Doc.Doc, 1)
		add(s.Doc.Body, 1)
		for t, f := range tf {
			b.post[t] = append(b.post[t], posting{int32(i), f})
			b.dl[i] += f
		}
		total += b.dl[i]
	}
	b.avgdl = total / float32(len(syms))
	return b
}

func (b *bm25) search(q string, k int) []int {
	const k1, bb = 1.2, 0.75
	sc := map[int32]float64{}
	seen := map[string]bool{}
	n := float64(len(b.dl))
	b.terms(q, func(t string) {
		if seen[t] {
			return
		}
		seen[t] = true
		ps := b.post[t]
		if len(ps) == 0 {
			return
		}
		idf := math.Log(1 + (n-float64(len(ps))+0.5)/(float64(len(ps))+0.5))
		for _, p := range ps {
			tf := float64(p.tf)
			sc[p.doc] += idf * tf * (k1 + 1) / (tf + k1*(1-bb+bb*float64(b.dl[p.doc]/b.avgdl)))
		}
	})
	return topK(sc, k)
}

func topK(sc map[int32]float64, k int) []int {
	ids := make([]int, 0, len(sc))
	for id := range sc {
		ids = append(ids, int(id))
	}
	sort.Slice(ids, func(i, j int) bool {
		a, b := sc[int32(ids[i])], sc[int32(ids[j])]
		if a != b {
			return a > b
		}
		return ids[i] < ids[j]
	})
	if len(ids) > k {
		ids = ids[:k]
	}
	return ids
}

func cosineTop(vecs [][]float32, q []float32, k int) []int {
	sc := make(map[int32]float64, len(vecs))
	type cand struct {
		i int
		s float32
	}
	top := make([]cand, 0, k+1)
	for i, v := range vecs {
		s := dot(q, v)
		if len(top) < k || s > top[len(top)-1].s {
			top = append(top, cand{i, s})
			sort.Slice(top, func(a, b int) bool { return top[a].s > top[b].s })
			if len(top) > k {
				top = top[:k]
			}
		}
	}
	_ = sc
	out := make([]int, len(top))
	for i, c := range top {
		out[i] = c.i
	}
	return out
}

// rrf fuses rankings by reciprocal rank fusion (k=60).
func rrf(k int, lists ...[]int) []int {
	sc := map[int32]float64{}
	for _, l := range lists {
		for r, id := range l {
			sc[int32(id)] += 1 / float64(60+r+1)
		}
	}
	return topK(sc, k)
}

// TestEval scores the built-in model, the BM25 baseline and their fusion on
// search test sets. It runs only when EMBED_EVAL lists sets as
// name=queries.ndjson:comment-free-root, comma separated:
//
//	EMBED_EVAL=http=/tmp/embedeval/http.ndjson:/tmp/embedeval/http-nc go test ./internal/search/embed -run TestEval -v
func TestEval(t *testing.T) {
	spec := os.Getenv("EMBED_EVAL")
	if spec == "" || testing.Short() {
		t.Skip("set EMBED_EVAL=name=queries.ndjson:root,... to run")
	}
	ctx := context.Background()
	opts := Options{}
	if v := os.Getenv("EMBED_EVAL_HASHWEIGHT"); v != "" {
		fmt.Sscan(v, &opts.HashWeight)
	}
	if v := os.Getenv("EMBED_EVAL_DIM"); v != "" {
		fmt.Sscan(v, &opts.Dim)
	}
	if v := os.Getenv("EMBED_EVAL_WINDOW"); v != "" {
		fmt.Sscan(v, &opts.Window)
	}
	for _, set := range strings.Split(spec, ",") {
		name, rest, _ := strings.Cut(set, "=")
		qpath, root, _ := strings.Cut(rest, ":")
		syms := loadCorpus(t, root)
		if os.Getenv("EMBED_EVAL_NOTESTS") != "" {
			// What a "definitions over tests" rule in the search layer
			// would gain: test code is dropped from the candidates.
			kept := syms[:0]
			for _, s := range syms {
				base := s.File[strings.LastIndex(s.File, "/")+1:]
				if !strings.HasSuffix(base, "_test.go") && !strings.HasPrefix(base, "test_") && !strings.Contains("/"+s.File, "/tests/") {
					kept = append(kept, s)
				}
			}
			syms = kept
		}
		qs := readQueries(t, qpath)
		docs := make([]Doc, len(syms))
		for i, s := range syms {
			docs[i] = s.Doc
		}
		t0 := time.Now()
		m, err := Fit(ctx, docs, opts)
		if err != nil {
			t.Fatal(err)
		}
		fit := time.Since(t0)
		vecs, err := m.EmbedDocs(ctx, docs)
		if err != nil {
			t.Fatal(err)
		}
		texts := make([]string, len(qs))
		for i, q := range qs {
			texts[i] = q.Query
		}
		qv, err := m.Embed(ctx, texts)
		if err != nil {
			t.Fatal(err)
		}
		b := newBM25(syms, plainTerms)
		bs := newBM25(syms, stemmedTerms)
		sem := make([][]int, len(qs))
		lex := make([][]int, len(qs))
		lexs := make([][]int, len(qs))
		fused := make([][]int, len(qs))
		fuseds := make([][]int, len(qs))
		for i, q := range qs {
			sem[i] = cosineTop(vecs, qv[i], 100)
			lex[i] = b.search(q.Query, 100)
			lexs[i] = bs.search(q.Query, 100)
			fused[i] = rrf(10, lex[i], sem[i])
			fuseds[i] = rrf(10, lexs[i], sem[i])
		}
		t.Logf("%s: %d symbols, %d queries, vocab %d, fit %v", name, len(syms), len(qs), m.VocabSize(), fit.Round(time.Millisecond))
		t.Logf("%s: semantic %v", name, score(syms, qs, sem))
		t.Logf("%s: bm25     %v", name, score(syms, qs, lex))
		t.Logf("%s: rrf      %v", name, score(syms, qs, fused))
		t.Logf("%s: bm25stem %v", name, score(syms, qs, lexs))
		t.Logf("%s: rrfstem  %v", name, score(syms, qs, fuseds))
	}
}
