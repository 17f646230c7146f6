package precise_test

import (
	"context"
	"go/build"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/tools/go/callgraph/static"
	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/ssa"
	"golang.org/x/tools/go/ssa/ssautil"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/oracletest"
	"github.com/codegraph-dev/codegraph/internal/precise"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// oracleFn is a function as the SSA oracle names it.
type oracleFn = oracletest.Fn

// ssaOracle is ../shared/tools/gocallgraph in a test: the static calls
// of the package in dir (SSA, generic instances folded into their generic
// function, closures into their enclosing function).
func ssaOracle(t *testing.T, dir string) map[[2]oracleFn]bool {
	t.Helper()
	cfg := &packages.Config{Mode: packages.LoadAllSyntax, Dir: dir}
	pkgs, err := packages.Load(cfg, ".")
	if err != nil {
		t.Fatal(err)
	}
	prog, _ := ssautil.AllPackages(pkgs, ssa.InstantiateGenerics)
	prog.Build()
	loaded := map[string]bool{}
	for _, p := range pkgs {
		loaded[p.PkgPath] = true
	}
	outer := func(f *ssa.Function) *ssa.Function {
		for f.Parent() != nil {
			f = f.Parent()
		}
		if f.Origin() != nil {
			f = f.Origin()
		}
		return f
	}
	describe := func(f *ssa.Function) (oracleFn, bool) {
		f = outer(f)
		if f.Pkg == nil || !loaded[f.Pkg.Pkg.Path()] || !f.Pos().IsValid() {
			return oracleFn{}, false
		}
		p := prog.Fset.Position(f.Pos())
		rel, err := filepath.Rel(dir, p.Filename)
		if err != nil || strings.HasPrefix(rel, "..") {
			return oracleFn{}, false
		}
		name := f.Name()
		if recv := f.Signature.Recv(); recv != nil {
			s := recv.Type().String()
			s = strings.TrimPrefix(s[strings.LastIndex(s, ".")+1:], "*")
			if i := strings.Index(s, "["); i >= 0 {
				s = s[:i]
			}
			name = s + "." + name
		}
		return oracleFn{File: filepath.ToSlash(rel), Name: name, Line: p.Line}, true
	}
	var work []*ssa.Function
	for f := range static.CallGraph(prog).Nodes {
		if f != nil {
			work = append(work, f)
		}
	}
	for f := range ssautil.AllFunctions(prog) {
		work = append(work, f)
	}
	out := map[[2]oracleFn]bool{}
	walked := map[*ssa.Function]bool{}
	for len(work) > 0 {
		f := work[len(work)-1]
		work = work[:len(work)-1]
		if walked[f] {
			continue
		}
		walked[f] = true
		work = append(work, f.AnonFuncs...)
		for _, b := range f.Blocks {
			for _, instr := range b.Instrs {
				site, ok := instr.(ssa.CallInstruction)
				if !ok {
					continue
				}
				g := site.Common().StaticCallee()
				if g == nil {
					continue
				}
				work = append(work, g)
				if g.Synthetic != "" && g.Origin() == nil || strings.HasPrefix(f.Synthetic, "instantiation wrapper") {
					continue
				}
				a, ok1 := describe(f)
				c, ok2 := describe(g)
				if ok1 && ok2 && a != c {
					out[[2]oracleFn{a, c}] = true
				}
			}
		}
	}
	return out
}

// TestStdlibPreciseAccuracy scores the precise tier's calls edges on
// standard library packages against the SSA static call graph (the
// measurement bench/precise.sh makes on whole modules): precision ≥ 0.995
// and recall ≥ 0.99, dynamic candidates left out as the oracle has none.
func TestStdlibPreciseAccuracy(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks standard library packages")
	}
	needGo(t)
	for _, pkg := range []string{"encoding/json", "go/parser", "text/template"} {
		t.Run(pkg, func(t *testing.T) {
			dir := filepath.Join(runtime.GOROOT(), "src", filepath.FromSlash(pkg))
			oracle := ssaOracle(t, dir)
			if len(oracle) < 100 {
				t.Fatalf("oracle has only %d edges", len(oracle))
			}
			db := filepath.Join(t.TempDir(), "db")
			ctx := context.Background()
			if _, err := index.Run(ctx, index.Options{Root: dir, DBDir: db, NoSearch: true}); err != nil {
				t.Fatal(err)
			}
			st, err := store.Open(db, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			state, err := precise.RunGo(ctx, st, precise.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if state.Packages["."] == nil || state.Packages["."].Status != precise.StatusPrecise {
				t.Fatalf("the package did not check: %+v", state.Packages["."])
			}
			truth, known := oracletest.Truth(t, st, oracle)
			pred := map[[2]graph.NodeID]bool{}
			tiers := map[graph.Resolution]int{}
			if err := st.AllEdges(func(e graph.Edge) error {
				if e.Kind != graph.EdgeCalls || e.Dst == 0 {
					return nil
				}
				if ok, _ := build.Default.MatchFile(dir, e.File); ok && !strings.Contains(e.File, "/") && !strings.HasSuffix(e.File, "_test.go") {
					tiers[e.Res]++ // the package's own non-test files of the default build
				}
				if e.Res != graph.ResDynamic && known[e.Src] && known[e.Dst] && e.Src != e.Dst {
					pred[[2]graph.NodeID{e.Src, e.Dst}] = true
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			tp := 0
			for p := range pred {
				if truth[p] {
					tp++
				} else {
					a, _ := st.Node(p[0])
					b, _ := st.Node(p[1])
					t.Logf("false edge %s -> %s", a.QualifiedName, b.QualifiedName)
				}
			}
			for p := range truth {
				if !pred[p] {
					a, _ := st.Node(p[0])
					b, _ := st.Node(p[1])
					t.Logf("missed edge %s -> %s", a.QualifiedName, b.QualifiedName)
				}
			}
			precision := float64(tp) / float64(max(1, len(pred)))
			recall := float64(tp) / float64(max(1, len(truth)))
			t.Logf("%s: %d oracle edges, precision %.4f recall %.4f; calls by tier %v", pkg, len(truth), precision, recall, tiers)
			if precision < 0.995 || recall < 0.99 {
				t.Errorf("%s: precision %.4f recall %.4f, want ≥ 0.995 and ≥ 0.99", pkg, precision, recall)
			}
			if tiers[graph.ResPrecise] == 0 || tiers[graph.ResExact] != 0 {
				t.Errorf("calls edges by tier: %v (want precise ones and no heuristic exact ones)", tiers)
			}
		})
	}
}

// TestStdlibCrossPackage indexes a standard library tree in place
// (text: text/template calls text/template/parse) and checks that calls
// into another package of the tree, loaded from export data, bind to that
// package's definitions.
// The export data of standard library packages names their files
// "$GOROOT/src/...", which the pass once took for files outside the tree:
// every such call went to an external node, and precise recall on the
// whole standard library fell to 0.862 (the heuristic tier's: 0.975).
func TestStdlibCrossPackage(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks standard library packages")
	}
	needGo(t)
	// One package a load: text/template's load gets text/template/parse
	// from export data, as packages of another batch do on a larger tree.
	defer precise.SetBatchPackages(1)()
	dir := filepath.Join(runtime.GOROOT(), "src", "text")
	db := filepath.Join(t.TempDir(), "db")
	ctx := context.Background()
	if _, err := index.Run(ctx, index.Options{Root: dir, DBDir: db, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	state, err := precise.RunGo(ctx, st, precise.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"template", "template/parse"} {
		if ps := state.Packages[d]; ps == nil || ps.Status != precise.StatusPrecise {
			t.Fatalf("%s did not check: %+v", d, ps)
		}
	}
	inTree, external := 0, 0
	if err := st.AllEdges(func(e graph.Edge) error {
		if e.Kind != graph.EdgeCalls || e.Res != graph.ResPrecise || e.Dst == 0 ||
			!strings.HasPrefix(e.File, "template/") || strings.HasPrefix(e.File, "template/parse/") {
			return nil
		}
		n, err := st.Node(e.Dst)
		if err != nil {
			return err
		}
		switch {
		case strings.HasPrefix(n.File, "template/parse/"):
			inTree++
		case strings.HasPrefix(n.QualifiedName, "text/template/parse."):
			external++
			if external <= 3 {
				t.Logf("%s:%d: %s bound to the external %s", e.File, e.Line, e.Target, n.QualifiedName)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if inTree < 3 || external != 0 {
		t.Errorf("precise calls from text/template into text/template/parse: %d bound in the tree, %d to external nodes (want ≥ 3 and 0)", inTree, external)
	}
}

// TestStdlibCgoCalls indexes os/user in place: with cgo, cgo_lookup_unix.go
// calls the _C_ functions of cgo_lookup_cgo.go (import "C"), which the go
// command compiles from cgo's output in the build cache. Those calls bind
// to the tree's definitions (through the output's //line directives), not
// to external nodes (42 such misses on the whole standard library before).
func TestStdlibCgoCalls(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks standard library packages")
	}
	needGo(t)
	if out, err := exec.Command("go", "env", "CGO_ENABLED").Output(); err != nil || strings.TrimSpace(string(out)) != "1" {
		t.Skip("cgo is off")
	}
	dir := filepath.Join(runtime.GOROOT(), "src", "os", "user")
	db := filepath.Join(t.TempDir(), "db")
	ctx := context.Background()
	if _, err := index.Run(ctx, index.Options{Root: dir, DBDir: db, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	state, err := precise.RunGo(ctx, st, precise.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ps := state.Packages["."]; ps == nil || ps.Status != precise.StatusPrecise {
		t.Fatalf("os/user did not check: %+v", ps)
	}
	inTree, external := 0, 0
	if err := st.AllEdges(func(e graph.Edge) error {
		if e.Kind != graph.EdgeCalls || e.Res != graph.ResPrecise || e.Dst == 0 ||
			e.File != "cgo_lookup_unix.go" || !strings.HasPrefix(e.Target, "_C_") {
			return nil
		}
		n, err := st.Node(e.Dst)
		if err != nil {
			return err
		}
		switch {
		case n.File == "cgo_lookup_cgo.go":
			inTree++
		case n.Kind == graph.KindExternal:
			external++
			if external <= 3 {
				t.Logf("%s:%d: %s bound to the external %s", e.File, e.Line, e.Target, n.QualifiedName)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if inTree < 3 || external != 0 {
		t.Errorf("precise calls of _C_ functions: %d bound in the tree, %d to external nodes (want ≥ 3 and 0)", inTree, external)
	}
}
