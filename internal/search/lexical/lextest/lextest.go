// Package lextest is the quality and speed harness of the lexical index: it
// turns a source tree into lexical documents with internal/parse (every
// symbol of the chosen kinds; body text = the source lines of the symbol's
// range) and scores search results on CodeSearchNet-style query sets (the
// NDJSON that gosearchset and pysearchset.py print), counting a hit exactly
// as score_search.py does. It is used by the package's tests and by
// bench/lexical; it is not part of the product.
package lextest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
	"github.com/codegraph-dev/codegraph/internal/parse"
	"github.com/codegraph-dev/codegraph/internal/search/lexical"
	"github.com/codegraph-dev/codegraph/internal/walk"
)

// Symbol is what a hit is scored on.
type Symbol struct {
	File, Name, QualifiedName string
	Kind                      graph.NodeKind
}

// Corpus is a tree's documents and the symbols they stand for.
type Corpus struct {
	Docs    []lexical.Doc
	Symbols map[uint64]Symbol
	Files   int
	Bytes   int64
}

// Kinds selects the node kinds to index.
type Kinds func(graph.NodeKind) bool

// CodeKinds keeps functions, methods, constructors and types.
func CodeKinds(k graph.NodeKind) bool { return k.IsCallable() || k.IsType() }

// SymbolKinds keeps every definition: CodeKinds plus variables, constants,
// fields, macros, namespaces and modules (not files, imports, packages or
// external symbols).
func SymbolKinds(k graph.NodeKind) bool {
	switch k {
	case graph.KindFile, graph.KindImport, graph.KindPackage, graph.KindExternal, graph.KindUnknown:
		return false
	}
	return true
}

// Options tune Load.
type Options struct {
	Kinds Kinds // nil: CodeKinds
	// NoDoc leaves the Doc field empty (for trees whose comments were
	// stripped it is empty anyway).
	NoDoc bool
}

// Load walks root with the index's file discovery, parses every source
// file and returns one document per symbol of the selected kinds.
func Load(ctx context.Context, root string, opts Options) (*Corpus, error) {
	if opts.Kinds == nil {
		opts.Kinds = CodeKinds
	}
	var files []walk.File
	if _, err := walk.Walk(ctx, walk.Options{Root: root}, func(f walk.File) error {
		files = append(files, f)
		return nil
	}); err != nil {
		return nil, err
	}
	x := parse.NewExtractor()
	defer x.Close()
	c := &Corpus{Symbols: map[uint64]Symbol{}, Files: len(files)}
	var mu sync.Mutex
	work := make(chan walk.File)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		defer close(work)
		for _, f := range files {
			select {
			case work <- f:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	})
	for range runtime.GOMAXPROCS(0) {
		g.Go(func() error {
			p := x.NewParser(parse.Options{})
			defer p.Close()
			for f := range work {
				src, err := os.ReadFile(f.AbsPath)
				if err != nil {
					continue
				}
				res, err := p.Parse(gctx, f.Path, lang.Refine(f.Language, src), src)
				if err != nil {
					if gctx.Err() != nil {
						return gctx.Err()
					}
					continue
				}
				var docs []lexical.Doc
				var syms []Symbol
				for _, n := range res.Nodes {
					if !opts.Kinds(n.Kind) {
						continue
					}
					d := lexical.Doc{ID: uint64(n.ID), Name: n.Name, QualifiedName: n.QualifiedName,
						Signature: n.Signature, Body: lines(src, n.StartByte, n.EndByte)}
					if !opts.NoDoc {
						d.Doc = n.Doc
					}
					docs = append(docs, d)
					syms = append(syms, Symbol{File: n.File, Name: n.Name, QualifiedName: n.QualifiedName, Kind: n.Kind})
				}
				mu.Lock()
				c.Bytes += int64(len(src))
				for i, d := range docs {
					if _, dup := c.Symbols[d.ID]; dup {
						continue
					}
					c.Docs = append(c.Docs, d)
					c.Symbols[d.ID] = syms[i]
				}
				mu.Unlock()
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return c, nil
}

// lines returns src's whole lines spanning [start, end).
func lines(src []byte, start, end uint32) string {
	s, e := int(start), int(end)
	if s > len(src) {
		s = len(src)
	}
	if e > len(src) || e < s {
		e = len(src)
	}
	for s > 0 && src[s-1] != '\n' {
		s--
	}
	for e < len(src) && src[e] != '\n' {
		e++
	}
	return string(src[s:e])
}

// Query is one line of a query set.
type Query struct {
	Query string `json:"query"`
	File  string `json:"file"`
	Name  string `json:"name"`
	Lang  string `json:"lang"`
}

// LoadQueries reads an NDJSON query set.
func LoadQueries(path string) ([]Query, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var qs []Query
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var q Query
		if err := json.Unmarshal([]byte(line), &q); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		qs = append(qs, q)
	}
	return qs, sc.Err()
}

// Hit reports whether s answers q, with score_search.py's rule: same file,
// and a name or qualified name equal to the answer, ending in "."+answer,
// or with the same last component (and, for a dotted answer, containing
// its first component, or being its bare last component).
func Hit(s Symbol, q Query) bool {
	if strings.TrimLeft(s.File, "./") != q.File {
		return false
	}
	want := q.Name
	short := want[strings.LastIndexByte(want, '.')+1:]
	first, _, dotted := strings.Cut(want, ".")
	for _, n := range []string{s.QualifiedName, s.Name} {
		n = strings.ReplaceAll(strings.ReplaceAll(n, "::", "."), "#", ".")
		last := n[strings.LastIndexByte(n, '.')+1:]
		if n == want || strings.HasSuffix(n, "."+want) || (last == short && (!dotted || strings.Contains(n, first))) {
			return true
		}
		if dotted && n == short {
			return true
		}
	}
	return false
}

// Scores are the quality figures of one run.
type Scores struct {
	Queries       int
	Recall1       float64
	Recall10      float64
	MRR10         float64
	FirstHitRanks []int // per query: 1-based rank of the first hit, 0 = none in the top 10
	AnswerMissing int   // queries whose answer is not in the corpus
}

// Score runs every query through search (which returns ids, best first)
// and computes recall@1, recall@10 and MRR@10 over the top 10.
func Score(c *Corpus, qs []Query, search func(q string) []uint64) Scores {
	var s Scores
	s.Queries = len(qs)
	answers := map[string]bool{}
	for _, sym := range c.Symbols {
		answers[sym.File] = true
	}
	for _, q := range qs {
		if !answers[q.File] {
			s.AnswerMissing++
		}
		ids := search(q.Query)
		rank := 0
		for i, id := range ids {
			if i == 10 {
				break
			}
			if Hit(c.Symbols[id], q) {
				rank = i + 1
				break
			}
		}
		s.FirstHitRanks = append(s.FirstHitRanks, rank)
		if rank > 0 {
			s.MRR10 += 1 / float64(rank)
			s.Recall10++
			if rank == 1 {
				s.Recall1++
			}
		}
	}
	if n := float64(len(qs)); n > 0 {
		s.Recall1 /= n
		s.Recall10 /= n
		s.MRR10 /= n
	}
	return s
}
