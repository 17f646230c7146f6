package resolve

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// TestChangeLog: the changes a run writes come back from the log as they
// went in, in order, bound edges and file paths included, across chunks.
func TestChangeLog(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	files := []string{"a.go", "dir/b.go", "other/c.py"}
	var want []change
	var l changeLog
	for i := range 30000 {
		e := graph.Edge{Kind: graph.EdgeKind(rng.IntN(6)), Src: graph.NodeID(rng.Uint64()), Line: rng.Uint32(),
			Target: strings.Repeat("x", rng.IntN(40)) + ".M", File: files[rng.IntN(len(files))]}
		if i == 7 {
			e.Target = strings.Repeat("y", 3<<20) // a record larger than a chunk
		}
		grp := []graph.Edge{e}
		var old []graph.Edge
		for range rng.IntN(3) {
			o := e
			o.Dst, o.Res, o.Candidates = graph.NodeID(rng.Uint64()|1), graph.Resolution(1+rng.IntN(7)), uint16(rng.IntN(70000))
			o.File = files[rng.IntN(len(files))]
			grp = append(grp, o)
			old = append(old, o)
		}
		var dsts []graph.NodeID
		for range rng.IntN(4) {
			dsts = append(dsts, graph.NodeID(rng.Uint64()))
		}
		res := graph.Resolution(rng.IntN(8))
		l.add(&e, grp, dsts, res)
		want = append(want, change{e: e, old: old, dsts: dsts, res: res})
	}
	if l.n != len(want) {
		t.Fatalf("n = %d, want %d", l.n, len(want))
	}
	i := 0
	if err := l.each(func(c *change) error {
		w := want[i]
		if !reflect.DeepEqual(c.e, w.e) || c.res != w.res || len(c.dsts) != len(w.dsts) || len(c.old) != len(w.old) ||
			(len(w.dsts) > 0 && !reflect.DeepEqual(c.dsts, w.dsts)) || (len(w.old) > 0 && !reflect.DeepEqual(c.old, w.old)) {
			t.Fatalf("change %d: got %+v, want %+v", i, *c, w)
		}
		i++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if i != len(want) {
		t.Fatalf("read %d changes, want %d", i, len(want))
	}
	if len(l.chunks) < 3 {
		t.Errorf("%d chunks: the test should span several", len(l.chunks))
	}
}
