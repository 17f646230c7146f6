// Package oracletest maps a compiler-grade call graph (an oracle naming
// functions by file, name and line, as ../shared/tools/gocallgraph and
// score_calls.py do) onto the nodes of an index, for the accuracy tests of
// resolve and precise. It is imported by tests only.
package oracletest

import (
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// Fn is a function or method as an oracle names it.
type Fn struct {
	File string // relative to the indexed root, slash-separated
	Name string // "F" or "Recv.M"
	Line int
}

// Truth maps the oracle's edges onto the nodes of st: each function goes
// to the callable node of its file with the same bare name whose span
// holds its line (two lines of slack above, for doc comments and
// decorators), the smallest such span. It returns the mapped edges and the
// nodes they touch; an oracle function with no node fails the test.
func Truth[E ~[2]Fn](t testing.TB, st *store.Store, oracle map[E]bool) (truth map[[2]graph.NodeID]bool, known map[graph.NodeID]bool) {
	t.Helper()
	byFile := map[string][]graph.Node{}
	if err := st.AllNodes(func(n graph.Node) error {
		if n.Kind.IsCallable() {
			byFile[n.File] = append(byFile[n.File], n)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	locate := func(f Fn) graph.NodeID {
		short := f.Name[strings.LastIndexByte(f.Name, '.')+1:]
		var best *graph.Node
		for i, n := range byFile[f.File] {
			if n.Name == short && int(n.StartLine)-2 <= f.Line && f.Line <= int(n.EndLine) {
				if best == nil || n.EndLine-n.StartLine < best.EndLine-best.StartLine {
					best = &byFile[f.File][i]
				}
			}
		}
		if best == nil {
			return 0
		}
		return best.ID
	}
	truth, known = map[[2]graph.NodeID]bool{}, map[graph.NodeID]bool{}
	for e := range oracle {
		a, b := locate(e[0]), locate(e[1])
		if a == 0 || b == 0 {
			t.Errorf("oracle function not indexed: %v or %v", e[0], e[1])
			continue
		}
		truth[[2]graph.NodeID{a, b}] = true
		known[a], known[b] = true, true
	}
	return truth, known
}
