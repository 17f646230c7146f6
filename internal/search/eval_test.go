package search

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/search/lexical"
	"github.com/codegraph-dev/codegraph/internal/search/lexical/lextest"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// TestEval scores the search modes in process on CodeSearchNet-style sets
// (bench/search.sh builds and indexes them), counting hits as
// score_search.py does, and with SEARCH_EVAL_GRID set tries variants of
// the hybrid fusion (MRR@10 of each per set, best pooled first):
//
//	SEARCH_EVAL=json=/tmp/cg-search-sets/json.ndjson:/tmp/cg-search-sets/json-nc,... \
//	  go test ./internal/search -run TestEval -v
func TestEval(t *testing.T) {
	spec := os.Getenv("SEARCH_EVAL")
	if spec == "" {
		t.Skip("SEARCH_EVAL is not set")
	}
	variants := map[string]hybridParams{"default": hybrid}
	for _, below := range []int{0, 10, 20, 50, 1000} {
		p := hybrid
		p.nearestBelow = below
		variants[fmt.Sprintf("nearest below %d", below)] = p
	}
	if os.Getenv("SEARCH_EVAL_GRID") != "" {
		for _, sem := range []float64{0, 0.05, 0.1, 0.2, 0.3} {
			for _, span := range []float64{0.2, 0.4, 2} {
				p := hybrid
				p.semantic, p.semSpan = sem, span
				variants[fmt.Sprintf("sem=%.2f span=%.1f", sem, span)] = p
			}
		}
	}
	lexVariants := lexicalVariants(t)
	total := map[string]float64{}
	perSet := map[string][]string{}
	queries := 0
	for _, set := range strings.Split(spec, ",") {
		name, rest, _ := strings.Cut(set, "=")
		qpath, root, _ := strings.Cut(rest, ":")
		qs, err := lextest.LoadQueries(qpath)
		if err != nil {
			t.Fatal(err)
		}
		db := filepath.Join(root, ".codegraph")
		st, err := store.Open(db, store.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, lv := range lexVariants {
			if lv.name == "" {
				continue
			}
			s := Open(st, query.New(st, query.Options{}), db, root, Config{})
			s.lexParams = lv.params
			if err := s.open(); err != nil {
				t.Fatal(err)
			}
			f, _ := newFilter(s, &Request{})
			sum, lex := 0.0, 0.0
			for _, q := range qs {
				sig, _, err := s.gather(context.Background(), &Request{Query: q.Query}, f, &hybrid)
				if err != nil {
					t.Fatal(err)
				}
				sum += rr(f, topIDs(s.fuse(sig, &hybrid, f, q.Query)), q)
				lex += rr(f, lexIDs(sig), q)
			}
			n := float64(len(qs))
			total[lv.name] += sum
			perSet[lv.name] = append(perSet[lv.name], fmt.Sprintf("%s %.3f", name, sum/n))
			// Lexical mode alone with the variant: ranked apart, in brackets.
			total["("+lv.name+" lexical)"] += lex
			perSet["("+lv.name+" lexical)"] = append(perSet["("+lv.name+" lexical)"], fmt.Sprintf("%s %.3f", name, lex/n))
			s.Close()
		}
		s := Open(st, query.New(st, query.Options{}), db, root, Config{})
		ctx := context.Background()
		sigs := make([]*signals, len(qs))
		f, _ := newFilter(s, &Request{})
		if err := s.open(); err != nil {
			t.Fatal(err)
		}
		lexMRR, semMRR := 0.0, 0.0
		for i, q := range qs {
			all := hybrid
			all.nearestBelow = math.MaxInt // every signal, for the variants to drop
			sig, _, err := s.gather(ctx, &Request{Query: q.Query}, f, &all)
			if err != nil {
				t.Fatal(err)
			}
			sigs[i] = sig
			lexMRR += rr(f, lexIDs(sig), q)
			semMRR += rr(f, vecIDs(sig), q)
		}
		n := float64(len(qs))
		t.Logf("%-8s %4d queries  lexical %.3f  semantic %.3f", name, len(qs), lexMRR/n, semMRR/n)
		total["(lexical)"] += lexMRR
		total["(semantic)"] += semMRR
		for vname, p := range variants {
			sum := 0.0
			for i, q := range qs {
				sig := sigs[i]
				if len(sig.lex)+len(sig.names) >= p.nearestBelow {
					sig = withoutNearest(sig)
				}
				sum += rr(f, topIDs(s.fuse(sig, &p, f, q.Query)), q)
			}
			total[vname] += sum
			perSet[vname] = append(perSet[vname], fmt.Sprintf("%s %.3f", name, sum/n))
			if vname == "default" {
				t.Logf("%-8s hybrid %.3f", name, sum/n)
			}
		}
		queries += len(qs)
		s.Close()
		st.Close()
	}
	best, bestName := 0.0, ""
	var ranked []string
	for vname, sum := range total {
		if !strings.HasPrefix(vname, "(") {
			ranked = append(ranked, vname)
		}
		if sum > best && !strings.HasPrefix(vname, "(") {
			best, bestName = sum, vname
		}
	}
	sort.Slice(ranked, func(i, j int) bool { return total[ranked[i]] > total[ranked[j]] })
	for i, v := range ranked {
		if i == 40 {
			break
		}
		t.Logf("  %.4f %s  (%s)", total[v]/float64(queries), v, strings.Join(perSet[v], ", "))
	}
	n := float64(queries)
	for _, lv := range lexVariants {
		k := "(" + lv.name + " lexical)"
		t.Logf("  lexical mode, %s: %.4f (%s)", lv.name, total[k]/n, strings.Join(perSet[k], ", "))
	}
	t.Logf("pooled: lexical %.3f semantic %.3f hybrid(default) %.3f; best %q %.3f",
		total["(lexical)"]/n, total["(semantic)"]/n, total["default"]/n, bestName, best/n)
}

// topIDs returns the ids of the 10 best candidates.
func topIDs(cands []scored) []uint64 {
	ids := make([]uint64, 0, 10)
	for _, c := range cands {
		if len(ids) == 10 {
			break
		}
		ids = append(ids, c.id)
	}
	return ids
}

// lexVariant is a variant of the lexical ranking parameters, scored with
// the default fusion.
type lexVariant struct {
	name   string
	params *lexical.Params
}

// lexicalVariants reads SEARCH_EVAL_LEX, a ;-separated list of variants,
// each a ,-separated list of lexical parameter settings
// ("coord=1,k1=2;coord=0.5").
func lexicalVariants(t *testing.T) []lexVariant {
	spec := os.Getenv("SEARCH_EVAL_LEX")
	if spec == "" {
		return nil
	}
	var out []lexVariant
	for _, v := range strings.Split(spec, ";") {
		p := lexical.DefaultParams()
		for _, kv := range strings.Split(v, ",") {
			k, val, _ := strings.Cut(kv, "=")
			x, err := strconv.ParseFloat(val, 64)
			if err != nil {
				t.Fatalf("SEARCH_EVAL_LEX %q: %v", kv, err)
			}
			switch k {
			case "coord":
				p.Coord = x
			case "k1":
				p.K1 = x
			case "word":
				p.WordBoost = x
			case "body":
				p.Weight[lexical.FieldBody] = x
			default:
				t.Fatalf("SEARCH_EVAL_LEX: unknown parameter %q", k)
			}
		}
		out = append(out, lexVariant{name: "lex:" + v, params: &p})
	}
	return out
}

// withoutNearest returns sig as gather would have without the
// nearest-neighbour scan: no vector candidates, cosines of the lexical and
// name candidates only.
func withoutNearest(sig *signals) *signals {
	c := *sig
	c.vec = nil
	c.sim = map[uint64]float32{}
	for _, h := range sig.lex {
		if v, ok := sig.sim[h.ID]; ok {
			c.sim[h.ID] = v
		}
	}
	for _, id := range sig.names {
		if v, ok := sig.sim[id]; ok {
			c.sim[id] = v
		}
	}
	return &c
}

func lexIDs(sig *signals) []uint64 {
	var ids []uint64
	for i, h := range sig.lex {
		if i == 10 {
			break
		}
		ids = append(ids, h.ID)
	}
	return ids
}

func vecIDs(sig *signals) []uint64 {
	var ids []uint64
	for i, h := range sig.vec {
		if i == 10 {
			break
		}
		ids = append(ids, h.ID)
	}
	return ids
}

// rr is the reciprocal rank of the first hit among ids (0 if none).
func rr(f *filter, ids []uint64, q lextest.Query) float64 {
	for i, id := range ids {
		n := f.node(id)
		if n == nil {
			continue
		}
		if lextest.Hit(lextest.Symbol{File: n.File, Name: n.Name, QualifiedName: n.QualifiedName, Kind: n.Kind}, q) {
			return 1 / float64(i+1)
		}
	}
	return 0
}
