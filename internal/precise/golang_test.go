package precise_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/precise"
	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/store"
)

func needGo(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
}

// copyTree copies the fixture dir into a temporary directory.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// edgeLines renders the store's edges of the precise tier's kinds as
// "kind file:src -> dst (resolution)", dst being a qualified name.
func edgeLines(t *testing.T, st *store.Store) map[string]bool {
	t.Helper()
	nodes := map[graph.NodeID]graph.Node{}
	if err := st.AllNodes(func(n graph.Node) error { nodes[n.ID] = n; return nil }); err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	if err := st.AllEdges(func(e graph.Edge) error {
		switch e.Kind {
		case graph.EdgeCalls, graph.EdgeReferences, graph.EdgeImplements, graph.EdgeImports:
		default:
			return nil
		}
		src := nodes[e.Src]
		dst := "?" + e.Target
		if e.Dst != 0 {
			dst = nodes[e.Dst].QualifiedName
		}
		out[fmt.Sprintf("%s %s:%s -> %s (%s)", e.Kind, src.File, src.QualifiedName, dst, e.Res)] = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestGoFixture pins the edges of a hand-checked module: an interface call
// (precise to the interface method, dynamic to the implementations), a
// method promoted through embedding, a generic function, a method
// expression, a local function value, implements edges, imports, and a
// package with a type error that keeps its heuristic edges.
func TestGoFixture(t *testing.T) {
	needGo(t)
	root := copyTree(t, "../../testdata/precise/goshapes")
	db := filepath.Join(t.TempDir(), "db")
	ctx := context.Background()
	if _, err := index.Run(ctx, index.Options{Root: root, DBDir: db, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	state, err := precise.RunGo(ctx, st, precise.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if state.Last.Checked != 3 || state.Last.Precise != 2 || state.Last.Failed != 1 {
		t.Fatalf("state %+v", state.Last)
	}
	fs := state.Failures()
	if len(fs) != 1 || fs[0].Dir != "broken" || !strings.Contains(fs[0].Reason, "broken/broken.go:8:9: invalid operation") {
		t.Fatalf("failures %+v", fs)
	}
	got := edgeLines(t, st)
	for _, want := range []string{
		"calls shape/shape.go:Total -> Shape.Area (precise)",
		"calls shape/shape.go:Total -> Square.Area (dynamic)",
		"calls shape/shape.go:Total -> Circle.Area (dynamic)",
		"calls shape/shape.go:Circle.String -> fmt.Sprintf (precise)",
		"calls draw/draw.go:Describe -> Square.Area (precise)", // promoted through Canvas
		"calls draw/draw.go:Describe -> Map (precise)",
		"calls draw/draw.go:measure -> Total (precise)",
		"references draw/draw.go:Describe -> Shape.Area (precise)", // method expression
		"references draw/draw.go:Describe -> Area (precise)",       // the local function as a value
		"references draw/draw.go:Describe -> measure (precise)",
		"references draw/draw.go:Canvas -> Square (precise)",
		"implements shape/shape.go:Square -> Shape (precise)",
		"implements shape/shape.go:Circle -> Shape (precise)",
		"implements shape/shape.go:Circle -> fmt.Stringer (precise)",
		"implements draw/draw.go:Canvas -> Shape (precise)",
		"imports draw/draw.go:draw/draw.go -> shape (precise)",
		"imports shape/shape.go:shape/shape.go -> fmt (precise)",
		// The broken package keeps its heuristic edges.
		"calls broken/broken.go:Bad -> Total (exact)",
	} {
		if !got[want] {
			t.Errorf("missing %s", want)
		}
	}
	for line := range got {
		// f() calls a local variable: no static callee; the dynamic
		// candidates of s.Area are only the implementations.
		if strings.HasPrefix(line, "calls draw/draw.go:Describe -> Area ") ||
			strings.HasPrefix(line, "calls shape/shape.go:Total -> Canvas") ||
			strings.Contains(line, "-> Shape.Area (dynamic)") {
			t.Errorf("unexpected %s", line)
		}
		if !strings.HasPrefix(line, "calls broken/") && !strings.HasPrefix(line, "references broken/") && !strings.HasPrefix(line, "imports broken/") &&
			!strings.HasSuffix(line, "(precise)") && !strings.HasSuffix(line, "(dynamic)") && !strings.Contains(line, "(unresolved)") {
			t.Errorf("not precise: %s", line)
		}
	}

	// impact of Map: its only caller (Describe, which nothing calls) is
	// bound by the precise tier, so impact says the answer is
	// compiler-checked; Square.Area is also reached through dispatch.
	eng := query.New(st, query.Options{Root: root})
	for spec, wantPrecise := range map[string]bool{"shape.Map": true, "shape.Square.Area": false} {
		scope, err := eng.ResolveScope(ctx, spec)
		if err != nil {
			t.Fatal(err)
		}
		imp, err := eng.Impact(ctx, scope, query.ImpactOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if imp.Precise != wantPrecise || imp.Total == 0 {
			t.Errorf("impact of %s: precise %v (want %v), %d symbols, complete %v", spec, imp.Precise, wantPrecise, imp.Total, imp.Complete)
		}
		for _, it := range imp.Items {
			if wantPrecise && it.Confidence != 1 {
				t.Errorf("impact of %s: %s via a precise edge with confidence %v", spec, it.Symbol.QualifiedName, it.Confidence)
			}
		}
	}

	// A second pass with nothing changed checks nothing.
	state, err = precise.RunGo(ctx, st, precise.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if state.Last.Checked != 0 || state.Last.Precise != 2 {
		t.Fatalf("unchanged tree: %+v", state.Last)
	}
	loaded, err := precise.LoadState(st)
	if err != nil || loaded == nil || loaded.Packages["draw"].Status != precise.StatusPrecise || loaded.Packages["draw"].Imports[0] != "shape" {
		t.Fatalf("stored state %+v, %v", loaded, err)
	}
}

// TestGoIncremental edits a package through an Updater and checks that the
// next pass re-checks it and the package importing it only, that the
// edit's edge is precise, and that a package which stops type-checking
// gets its heuristic edges back.
func TestGoIncremental(t *testing.T) {
	needGo(t)
	root := copyTree(t, "../../testdata/precise/goshapes")
	ctx := context.Background()
	u, err := index.NewUpdater(index.Options{Root: root, DBDir: filepath.Join(t.TempDir(), "db"), NoSearch: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { u.Close() })
	if _, err := u.Full(ctx, false); err != nil {
		t.Fatal(err)
	}
	pass := func() *precise.State {
		t.Helper()
		var s *precise.State
		if err := u.Write(func(st *store.Store) error {
			var err error
			s, err = precise.RunGo(ctx, st, precise.Options{})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return s
	}
	pass()

	// shape gains a function and a call to it: shape and draw (which
	// imports it) are checked again, broken too (it imports shape).
	edit := func(rel, from, to string) {
		t.Helper()
		p := filepath.Join(root, rel)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s := strings.Replace(string(b), from, to, 1)
		if s == string(b) {
			t.Fatalf("%s: %q not found", rel, from)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := u.Update(ctx, []string{rel}); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	edit("draw/draw.go", "func measure(s shape.Shape) float64 { return shape.Total([]shape.Shape{s}) }",
		"func measure(s shape.Shape) float64 { return shape.Total([]shape.Shape{s}) + twice(s) }\n\nfunc twice(s shape.Shape) float64 { return 2 * s.Area() }")
	s := pass()
	t.Logf("edit indexed and re-checked in %s (%d packages)", time.Since(start), s.Last.Checked)
	if s.Last.Checked != 1 || s.Last.Full {
		t.Errorf("editing draw re-checked %d packages, want 1 (nothing imports draw)", s.Last.Checked)
	}
	got := edgeLines(t, u.Store())
	for _, want := range []string{
		"calls draw/draw.go:measure -> twice (precise)",
		"calls draw/draw.go:twice -> Shape.Area (precise)",
		"calls draw/draw.go:twice -> Circle.Area (dynamic)",
	} {
		if !got[want] {
			t.Errorf("after the edit: missing %s", want)
		}
	}

	edit("shape/shape.go", "func Total(shapes []Shape) float64 {", "func Total(shapes []Shape) float64 {\n\t_ = Map[int]")
	s = pass()
	if s.Last.Checked != 3 {
		t.Errorf("editing shape re-checked %d packages, want 3 (draw and broken import it)", s.Last.Checked)
	}

	// draw stops type-checking: its edges go back to the heuristic tier.
	edit("draw/draw.go", "return 2 * s.Area()", "return 2 * s.Area() + \"x\"")
	s = pass()
	if s.Packages["draw"].Status != precise.StatusFailed || s.Last.Reverted != 0 && s.Last.Reverted != 1 {
		t.Fatalf("draw: %+v, %+v", s.Packages["draw"], s.Last)
	}
	got = edgeLines(t, u.Store())
	for line := range got {
		if strings.Contains(line, " draw/draw.go:") && (strings.HasSuffix(line, "(precise)") || strings.HasSuffix(line, "(dynamic)")) {
			t.Errorf("draw failed to type-check but keeps %s", line)
		}
	}
	if !got["calls draw/draw.go:measure -> Total (exact)"] {
		t.Error("draw lost its heuristic edges")
	}
	// An edit in shape makes draw's importers ... draw has none; edit
	// shape again: draw is still broken and its unchanged files keep
	// heuristic edges (no precise edge came back through a re-check).
	edit("shape/shape.go", "\t_ = Map[int]\n", "")
	pass()
	for line := range edgeLines(t, u.Store()) {
		if strings.Contains(line, " draw/draw.go:") && strings.HasSuffix(line, "(precise)") {
			t.Errorf("broken draw got %s", line)
		}
	}
}

// TestGoSharedWriter runs a pass through RunGoShared with an index update
// landing between the type check and the write of the packages' edges:
// the changed package keeps what it had (and is marked to be checked
// again), the others get their precise edges, and the next pass checks
// the changed one.
func TestGoSharedWriter(t *testing.T) {
	needGo(t)
	root := copyTree(t, "../../testdata/precise/goshapes")
	ctx := context.Background()
	u, err := index.NewUpdater(index.Options{Root: root, DBDir: filepath.Join(t.TempDir(), "db"), NoSearch: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { u.Close() })
	if _, err := u.Full(ctx, false); err != nil {
		t.Fatal(err)
	}
	calls := 0
	write := func(fn func(*store.Store) error) error {
		calls++
		if calls == 2 { // the first batch's write: draw.go changed meanwhile
			p := filepath.Join(root, "draw", "draw.go")
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if err := os.WriteFile(p, append(b, "\n// edited while the pass type-checked\n"...), 0o644); err != nil {
				return err
			}
			if _, err := u.Update(ctx, []string{"draw/draw.go"}); err != nil {
				return err
			}
		}
		return u.Write(fn)
	}
	state, err := precise.RunGoShared(ctx, write, precise.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 3 {
		t.Errorf("%d write sections, want 3 (start, one batch, end)", calls)
	}
	draw := state.Packages["draw"]
	if draw == nil || draw.Fingerprint != 0 || !strings.Contains(draw.Reason, "changed while it was type-checked") {
		t.Fatalf("draw: %+v", draw)
	}
	if s := state.Packages["shape"]; s == nil || s.Status != precise.StatusPrecise || s.Fingerprint == 0 {
		t.Fatalf("shape: %+v", s)
	}
	var got map[string]bool
	u.Write(func(st *store.Store) error { got = edgeLines(t, st); return nil })
	for line := range got {
		if strings.Contains(line, " draw/draw.go:") && strings.HasSuffix(line, "(precise)") {
			t.Errorf("the changed file got %s", line)
		}
	}
	if !got["calls shape/shape.go:Total -> Shape.Area (precise)"] {
		t.Error("shape's edges are not precise")
	}
	// The next pass checks draw.
	state, err = precise.RunGoShared(ctx, u.Write, precise.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d := state.Packages["draw"]; d.Status != precise.StatusPrecise || d.Fingerprint == 0 || state.Last.Checked == 0 {
		t.Fatalf("next pass: draw %+v, %+v", d, state.Last)
	}
	u.Write(func(st *store.Store) error { got = edgeLines(t, st); return nil })
	if !got["calls draw/draw.go:measure -> Total (precise)"] {
		t.Error("draw's edges are not precise after the next pass")
	}
}

// A package whose file became a link out of the repository (to the same
// content) is not precise: the check of the indexed content reads inside
// the root only.
func TestGoLinkOutsideRoot(t *testing.T) {
	needGo(t)
	root := copyTree(t, "../../testdata/precise/goshapes")
	db := filepath.Join(t.TempDir(), "db")
	ctx := context.Background()
	if _, err := index.Run(ctx, index.Options{Root: root, DBDir: db, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(root, "draw", "draw.go")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "draw.go")
	if err := os.WriteFile(outside, src, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, file); err != nil {
		t.Skip("symbolic links:", err)
	}
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	state, err := precise.RunGo(ctx, st, precise.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ps := state.Packages["draw"]; ps == nil || ps.Status != precise.StatusFailed {
		t.Fatalf("draw (a file links out of the repository): %+v", ps)
	}
	if ps := state.Packages["shape"]; ps == nil || ps.Status != precise.StatusPrecise {
		t.Errorf("shape: %+v", ps)
	}
}
