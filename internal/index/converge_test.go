package index

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// fixtureFiles is a small repository in several languages with calls,
// imports and type uses across files.
var fixtureFiles = map[string]string{
	"go.mod": "module example.com/m\n\ngo 1.22\n",
	"main.go": `package main

import (
	"fmt"

	"example.com/m/lib"
)

func main() {
	t := lib.NewT()
	t.Run()
	fmt.Println(lib.Helper())
}
`,
	"lib/lib.go": `package lib

// T is a thing.
type T struct{ u *U }

// NewT makes a T.
func NewT() *T { return &T{u: &U{}} }

// Run runs it.
func (t *T) Run() { t.u.Do(); Helper() }
`,
	"lib/helper.go": "package lib\n\n// Helper helps.\nfunc Helper() int { return 1 }\n",
	"lib/u.go":      "package lib\n\n// U does.\ntype U struct{}\n\n// Do does.\nfunc (U) Do() {}\n",
	"lib/iface.go":  "package lib\n\n// Doer does.\ntype Doer interface{ Do() }\n\n// Use uses one.\nfunc Use(d Doer) { d.Do() }\n",
	"pkg/mod.py":    "def helper():\n    return 1\n\n\nclass C:\n    def m(self):\n        return helper()\n",
	"app.py":        "from pkg.mod import helper, C\n\n\ndef run():\n    helper()\n    C().m()\n",
	"web/util.js":   "export function util() {\n  return 1;\n}\n",
	"web/app.js":    "import { util } from './util';\n\nexport function app() {\n  return util();\n}\n",
	"c/f.h":         "int f(void);\n",
	"c/f.c":         "#include \"f.h\"\n\nint f(void) { return 1; }\n",
	"c/main.c":      "#include \"f.h\"\n\nint main(void) { return f(); }\n",
}

func writeFixture(t testing.TB, root string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func indexOpts(root string) Options {
	return Options{Root: root, NoSearch: true, Workers: 2, Extractor: sharedExtractor}
}

func mustRun(t testing.TB, opts Options) *Summary {
	t.Helper()
	sum, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatalf("index: %v", err)
	}
	return sum
}

// checkClean fails the test when the index of root differs from an index
// of the same tree built from scratch.
func checkClean(t testing.TB, root, what string) {
	t.Helper()
	if d := diffLines(cleanDump(t, root), dumpStore(t, DBDirFor(root))); d != "" {
		t.Fatalf("%s: the index differs from a clean one (- clean, + incremental):\n%s", what, d)
	}
}

// A kill -9 between the phases of a run (facts written, nothing resolved;
// resolved, run not marked complete) of a first index, a forced one or a
// targeted update, or a first index written as a bulk load into a store
// that held a complete run (reload: the load's tables bypass the
// write-ahead log that holds the run's marker) is completed by the next
// run: the index then equals a clean one. Before the fix, the next run said "unchanged" and left the
// edges unresolved for good.
func TestKillBetweenPhases(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns child processes")
	}
	for _, mode := range []string{"first", "index", "force", "update", "reload"} {
		phases := []string{"written", "resolved"}
		if mode == "reload" {
			phases = append(phases, "loaded")
		}
		for _, phase := range phases {
			t.Run(mode+"/"+phase, func(t *testing.T) {
				root := t.TempDir()
				writeFixture(t, root, fixtureFiles)
				db := DBDirFor(root)
				var paths []string
				childMode := mode
				switch mode {
				case "first":
					childMode = "index"
				case "index", "update":
					mustRun(t, indexOpts(root))
					writeFixture(t, root, map[string]string{"lib/helper.go": "package lib\n\nfunc Helper() int { return 2 }\n\nfunc Other() {}\n"})
					os.Remove(filepath.Join(root, "lib/u.go"))
					paths = []string{"lib/helper.go", "lib/u.go"}
				case "force", "reload":
					mustRun(t, indexOpts(root))
				}
				runChild(t, root, db, childMode, phase, paths, false)
				st, err := store.Open(db, store.Options{ReadOnly: true})
				if err != nil {
					t.Fatal(err)
				}
				if err := Incomplete(st); err == nil {
					t.Errorf("the killed run is not marked incomplete")
				}
				st.Close()
				sum := mustRun(t, indexOpts(root))
				if sum.Resolve == nil || !sum.Resolve.All {
					t.Errorf("the run after the kill did not resolve everything again: %+v", sum.Resolve)
				}
				checkClean(t, root, "after the kill and one index")
				st, err = store.Open(db, store.Options{ReadOnly: true})
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				if err := Incomplete(st); err != nil {
					t.Errorf("after a complete run: %v", err)
				}
			})
		}
	}
}

// The Updater (watch) completes an interrupted run too, at its first
// update.
func TestKillThenUpdaterRecovers(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns child processes")
	}
	root := t.TempDir()
	writeFixture(t, root, fixtureFiles)
	mustRun(t, indexOpts(root))
	writeFixture(t, root, map[string]string{"lib/u.go": "package lib\n\ntype U struct{}\n\nfunc (U) Do() {}\n\nfunc (U) Undo() {}\n"})
	runChild(t, root, DBDirFor(root), "update", "written", []string{"lib/u.go"}, false)
	u, err := NewUpdater(indexOpts(root))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.Update(context.Background(), []string{"lib/u.go"}); err != nil {
		t.Fatal(err)
	}
	u.Close()
	checkClean(t, root, "after the kill and one update")
}

// Deleting a file, re-indexing, restoring it and re-indexing (git stash,
// stash pop) gives back every edge into it, through index and through the
// Updater. Before the fix, the qualified calls into the restored file
// (lib.Helper()) stayed unresolved for good, even after --force.
func TestDeleteRestore(t *testing.T) {
	for _, via := range []string{"index", "update"} {
		t.Run(via, func(t *testing.T) {
			root := t.TempDir()
			writeFixture(t, root, fixtureFiles)
			mustRun(t, indexOpts(root))
			u, err := NewUpdater(indexOpts(root))
			if err != nil {
				t.Fatal(err)
			}
			defer u.Close()
			step := func(paths ...string) {
				t.Helper()
				if via == "update" {
					if _, err := u.Update(context.Background(), paths); err != nil {
						t.Fatal(err)
					}
				} else if _, err := u.Full(context.Background(), false); err != nil {
					t.Fatal(err)
				}
			}
			deleted := []string{"lib/helper.go", "pkg/mod.py", "web/util.js", "c/f.c"}
			for _, p := range deleted {
				os.Remove(filepath.Join(root, p))
			}
			step(deleted...)
			checkClean(t, root, "after deleting")
			writeFixture(t, root, fixtureFiles)
			step(deleted...)
			checkClean(t, root, "after restoring")
		})
	}
}

// A changed Go module path re-resolves the imports that depend on it,
// with index and with --force (before the fix, even --force kept them).
func TestModulePathChange(t *testing.T) {
	root := t.TempDir()
	writeFixture(t, root, fixtureFiles)
	mustRun(t, indexOpts(root))
	writeFixture(t, root, map[string]string{"go.mod": "module example.com/other\n\ngo 1.22\n"})
	mustRun(t, indexOpts(root))
	checkClean(t, root, "after changing the module path")
	writeFixture(t, root, map[string]string{"go.mod": "module example.com/m\n\ngo 1.22\n"})
	o := indexOpts(root)
	o.Force = true
	mustRun(t, o)
	checkClean(t, root, "after changing it back, with --force")

	// Through the Updater, as watch sees it.
	u, err := NewUpdater(indexOpts(root))
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	writeFixture(t, root, map[string]string{"go.mod": "module example.com/other\n\ngo 1.22\n"})
	if sum, err := u.Update(context.Background(), []string{"go.mod"}); err != nil {
		t.Fatal(err)
	} else if sum.Resolve == nil || !sum.Resolve.All {
		t.Errorf("go.mod changed, not re-resolved: %+v", sum)
	}
	checkClean(t, root, "after changing the module path, through the Updater")
}

// An index resolved by another resolve.Version is resolved again.
func TestResolverVersionChange(t *testing.T) {
	root := t.TempDir()
	writeFixture(t, root, fixtureFiles)
	mustRun(t, indexOpts(root))
	// What an older resolver left: an edge unbound, another version.
	st, err := store.Open(DBDirFor(root), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := st.NewBatch()
	var bound []graph.Edge
	if err := st.AllEdges(func(e graph.Edge) error {
		if e.Kind == graph.EdgeCalls && e.Dst != 0 {
			bound = append(bound, e)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(bound) == 0 {
		t.Fatal("no bound call in the fixture")
	}
	for _, e := range bound {
		if err := b.UnresolveEdge(e); err != nil {
			t.Fatal(err)
		}
	}
	b.SetMeta(MetaResolver, []byte("0"))
	if err := b.Commit(true); err != nil {
		t.Fatal(err)
	}
	b.Close()
	st.Close()
	sum := mustRun(t, indexOpts(root))
	if sum.Resolve == nil || !sum.Resolve.All {
		t.Fatalf("not resolved again: %+v", sum.Resolve)
	}
	checkClean(t, root, "after a resolver version change")
}

// External nodes leave the store with the last edge into them.
func TestExternalsCollected(t *testing.T) {
	root := t.TempDir()
	writeFixture(t, root, fixtureFiles)
	mustRun(t, indexOpts(root))
	externals := func() int {
		st, err := store.Open(DBDirFor(root), store.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		n := 0
		st.NodesByKind(graph.KindExternal, func(nd graph.Node) error {
			if strings.HasPrefix(nd.File, graph.ExternalPrefix+"go/") {
				n++
			}
			return nil
		})
		return n
	}
	if externals() == 0 {
		t.Fatal("no external node for fmt.Println")
	}
	writeFixture(t, root, map[string]string{"main.go": "package main\n\nimport \"example.com/m/lib\"\n\nfunc main() { lib.NewT().Run() }\n"})
	mustRun(t, indexOpts(root))
	if n := externals(); n != 0 {
		t.Errorf("%d external nodes left after the last call into fmt went", n)
	}
	checkClean(t, root, "after the last external call went")
}

// A binary file with a source file's name is recorded as skipped, so the
// next run finds nothing changed (before: "changed" at every run, which
// kept background re-indexing going).
func TestBinarySourceFile(t *testing.T) {
	root := t.TempDir()
	writeFixture(t, root, fixtureFiles)
	writeFixture(t, root, map[string]string{"blob.go": "package main\x00\x01\x02binary"})
	s1 := mustRun(t, indexOpts(root))
	if s1.Skipped["binary"] != 1 {
		t.Errorf("skipped: %v", s1.Skipped)
	}
	st, err := store.Open(DBDirFor(root), store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	m, err := st.FileMeta("blob.go")
	st.Close()
	if err != nil || m.Error != ErrBinaryFile {
		t.Fatalf("blob.go meta: %+v, %v", m, err)
	}
	for i := 0; i < 2; i++ { // racy (just written), then settled
		s2 := mustRun(t, indexOpts(root))
		if s2.Added+s2.Changed+s2.Deleted != 0 || s2.Unchanged != s2.Files || len(s2.Skipped) != 0 {
			t.Errorf("run %d changed something: %+v", i+2, s2)
		}
	}
	checkClean(t, root, "with a binary file")
}

// A file whose re-parse fails keeps the facts it had, and is reported.
func TestFailedParseKeepsFacts(t *testing.T) {
	root := t.TempDir()
	writeFixture(t, root, fixtureFiles)
	mustRun(t, indexOpts(root))
	before := qualifiedNames(t, root, "lib/lib.go")
	writeFixture(t, root, map[string]string{"lib/lib.go": fixtureFiles["lib/lib.go"] + "\nfunc More() {}\n"})
	o := indexOpts(root)
	o.ParseTimeout = time.Nanosecond
	sum := mustRun(t, o)
	if sum.ErrorN == 0 {
		t.Fatalf("the failed parse was not reported: %+v", sum)
	}
	if after := qualifiedNames(t, root, "lib/lib.go"); len(after) != len(before) {
		t.Fatalf("facts lost: %v, were %v", after, before)
	}
	// The next run retries it.
	mustRun(t, indexOpts(root))
	checkClean(t, root, "after the retry")
}

// Found by TestConvergence: deleting a Python module makes a call through
// it (from pkg import mod; mod.f()), unresolved while the module lacked
// f, a call into the library "pkg", as a clean index says. Before the
// fix, the caller's file was not looked at again (it had no edge into the
// deleted file), nor was the external node made while trying it removed.
func TestDeletedModuleBecomesExternal(t *testing.T) {
	for _, via := range []string{"index", "update"} {
		t.Run(via, func(t *testing.T) {
			root := t.TempDir()
			writeFixture(t, root, map[string]string{
				"app.py":     "from pkg import mod\n\n\ndef run():\n    mod.helper2()\n",
				"pkg/mod.py": "def helper():\n    return 1\n",
			})
			mustRun(t, indexOpts(root))
			os.Remove(filepath.Join(root, "pkg/mod.py"))
			if via == "index" {
				mustRun(t, indexOpts(root))
			} else {
				u, err := NewUpdater(indexOpts(root))
				if err != nil {
					t.Fatal(err)
				}
				defer u.Close()
				if _, err := u.Update(context.Background(), []string{"pkg/mod.py"}); err != nil {
					t.Fatal(err)
				}
			}
			checkClean(t, root, "after deleting the module")
		})
	}
}

// A file whose name the indexes cannot hold (back\slash.js) is skipped
// and reported; the run, its search build included, succeeds. Before, the
// search build failed on it and every index run exited with an error.
func TestHostileFileNameSkipped(t *testing.T) {
	root := t.TempDir()
	writeFixture(t, root, map[string]string{"ok.js": "export function ok() {}\n", `back\slash.js`: "export function bad() {}\n"})
	sum, err := Run(context.Background(), Options{Root: root, Workers: 2, Extractor: sharedExtractor})
	if err != nil {
		t.Fatalf("index failed because of one file: %v", err)
	}
	// The walk skips such names ("bad-name"); the pipeline's own check
	// ("name") catches any that reach it another way.
	if sum.Skipped["bad-name"]+sum.Skipped["name"] != 1 || sum.Search == nil {
		t.Errorf("skipped %v, search %+v", sum.Skipped, sum.Search)
	}
	st, err := store.Open(DBDirFor(root), store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := Incomplete(st); err != nil {
		t.Error(err)
	}
	if _, err := st.FileMeta(`back\slash.js`); err == nil {
		t.Error("the file was indexed")
	}
}

// Found by TestConvergence: an external package node made while trying an
// edge that did not bind to it, and left with no symbol and no edge, is
// removed, as a clean index never has it.
func TestEmptyExternalPackageCollected(t *testing.T) {
	root := t.TempDir()
	writeFixture(t, root, map[string]string{"app.py": variants["app.py"][1], "pkg/mod.py": fixtureFiles["pkg/mod.py"]})
	mustRun(t, indexOpts(root))
	u, err := NewUpdater(indexOpts(root))
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	writeFixture(t, root, map[string]string{"app.py": variants["app.py"][0]})
	if _, err := u.Update(context.Background(), []string{"app.py"}); err != nil {
		t.Fatal(err)
	}
	checkClean(t, root, "after the edit")
}

// Found by TestConvergence: re-indexing a file with an ambiguous call (two
// definitions of Helper) gives the file the edge counts a clean index
// gives it. Before the fix, the resolutions carried from the previous
// version made one edge per candidate before counting.
func TestAmbiguousEdgeCounts(t *testing.T) {
	root := t.TempDir()
	writeFixture(t, root, fixtureFiles)
	writeFixture(t, root, map[string]string{"lib/v.go": variants["lib/v.go"][1]})
	mustRun(t, indexOpts(root))
	writeFixture(t, root, map[string]string{"lib/lib.go": "// Edited.\n" + fixtureFiles["lib/lib.go"]})
	mustRun(t, indexOpts(root))
	checkClean(t, root, "after editing the file with the ambiguous call")
}

// A file rewritten with the same size within the file system's timestamp
// granularity of its indexing (same modification time) is read again:
// its size and time cannot tell the write apart ("racy" files).
func TestRacyFileReread(t *testing.T) {
	root := t.TempDir()
	writeFixture(t, root, map[string]string{"a.go": "package p\n\nfunc A() {}\n"})
	// The file's time is within racyWindow of its indexing whatever the
	// machine's load (a write then an index more than 2 s apart, as on a
	// loaded machine, would make the same-time rewrite below undetectable
	// by design): a minute ahead.
	p := filepath.Join(root, "a.go")
	mt := time.Now().Add(time.Minute)
	if err := os.Chtimes(p, mt, mt); err != nil {
		t.Fatal(err)
	}
	mustRun(t, indexOpts(root))
	writeFixture(t, root, map[string]string{"a.go": "package p\n\nfunc B() {}\n"})
	if err := os.Chtimes(p, mt, mt); err != nil {
		t.Fatal(err)
	}
	mustRun(t, indexOpts(root))
	if got := qualifiedNames(t, root, "a.go"); len(got) != 1 || got[0] != "B" {
		t.Fatalf("after a same-size rewrite at the same time: %v, want [B]", got)
	}
}

// Calls through a generic function's type parameter bind to the method of
// each type argument the function is instantiated with anywhere in the
// repository: adding an instantiation in another file, or deleting the
// last one with a type, changes the generic function's edges although its
// file did not change. A targeted update must give what a clean index
// gives; before the fix the new F[*Y] bound nothing until gen.go was
// resolved again, and deleting x.go's F(&X{}) left gen.go's call bound to
// X.Name.
func TestGenericInstantiationConverges(t *testing.T) {
	files := map[string]string{
		"go.mod":     "module example.com/m\n\ngo 1.22\n",
		"gen/gen.go": "package gen\n\n// Namer names.\ntype Namer interface{ Name() string }\n\n// F names p.\nfunc F[P Namer](p P) string { return p.Name() }\n",
		"gen/x.go":   "package gen\n\n// X is named.\ntype X struct{}\n\n// Name names X.\nfunc (*X) Name() string { return \"x\" }\n\n// UseX instantiates F with *X.\nfunc UseX() string { return F(&X{}) }\n",
		"gen/y.go":   "package gen\n\n// Y is named.\ntype Y struct{}\n\n// Name names Y.\nfunc (*Y) Name() string { return \"y\" }\n",
	}
	for _, via := range []string{"index", "update"} {
		t.Run(via, func(t *testing.T) {
			root := t.TempDir()
			writeFixture(t, root, files)
			mustRun(t, indexOpts(root))
			u, err := NewUpdater(indexOpts(root))
			if err != nil {
				t.Fatal(err)
			}
			defer u.Close()
			step := func(paths ...string) {
				t.Helper()
				if via == "update" {
					if _, err := u.Update(context.Background(), paths); err != nil {
						t.Fatal(err)
					}
				} else if _, err := u.Full(context.Background(), false); err != nil {
					t.Fatal(err)
				}
			}
			writeFixture(t, root, map[string]string{"main.go": "package main\n\nimport \"example.com/m/gen\"\n\nfunc main() { gen.F[*gen.Y](&gen.Y{}) }\n"})
			step("main.go")
			checkClean(t, root, "after adding F[*Y] in another package")
			os.Remove(filepath.Join(root, "gen/x.go"))
			step("gen/x.go")
			checkClean(t, root, "after deleting the instantiation with *X")
			writeFixture(t, root, map[string]string{"gen/y.go": files["gen/y.go"] + "\n// UseY instantiates F with *Y too.\nfunc UseY() string { return F(&Y{}) }\n"})
			os.Remove(filepath.Join(root, "main.go"))
			step("gen/y.go", "main.go")
			checkClean(t, root, "after moving the instantiation with *Y")
		})
	}
}

// A targeted update of a type checks it against the interfaces of other
// packages (read without loading their directories whole), those declared
// with their methods and those that only embed others: it binds the
// type's implements edges as a clean index does.
func TestInterfacesOfOtherPackagesConverge(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"go.mod":          "module example.com/m\n\ngo 1.22\n",
		"iface/iface.go":  "package iface\n\n// Sizer sizes.\ntype Sizer interface {\n\tSize() int\n}\n\n// Namer names.\ntype Namer interface{ Name() string }\n\n// Both embeds both.\ntype Both interface {\n\tSizer\n\tNamer\n}\n",
		"iface/other.go":  "package iface\n\n// Size is a function, not Sizer's method.\nfunc Size() int { return 0 }\n\n// Box has a Size method of another signature.\ntype Box struct{}\n\n// Size of a box.\nfunc (Box) Size() int64 { return 0 }\n",
		"impl/impl.go":    "package impl\n\n// T has both methods.\ntype T struct{}\n\n// Size sizes.\nfunc (T) Size() int { return 1 }\n\n// Name names.\nfunc (T) Name() string { return \"t\" }\n",
		"impl/partial.go": "package impl\n\n// P only sizes.\ntype P struct{}\n\n// Size sizes.\nfunc (P) Size() int { return 2 }\n",
	}
	writeFixture(t, root, files)
	mustRun(t, indexOpts(root))
	u, err := NewUpdater(indexOpts(root))
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	writeFixture(t, root, map[string]string{"impl/impl.go": files["impl/impl.go"] + "\n// edited\n", "impl/partial.go": files["impl/partial.go"] + "\n// edited\n"})
	if _, err := u.Update(context.Background(), []string{"impl/impl.go", "impl/partial.go"}); err != nil {
		t.Fatal(err)
	}
	checkClean(t, root, "after a targeted update")
	// The clean index has them: T implements Sizer, Namer and Both; P Sizer.
	n := 0
	for _, l := range dumpStore(t, DBDirFor(root)) {
		if strings.Contains(l, "-implements-> iface/") {
			n++
		}
	}
	if n != 4 {
		t.Errorf("%d implements edges into iface/, want 4", n)
	}
}

// The stored Go interface table (resolve's go_ifaces) is brought up to
// date by targeted runs: a change of an interface, of one it embeds in
// another package, or of a same-name declaration in its package (a build
// variant, which lookupType merges), gives the table and the implements
// edges a clean index gives.
func TestInterfaceTableConverges(t *testing.T) {
	files := map[string]string{
		"go.mod":       "module example.com/m\n\ngo 1.22\n",
		"a/a.go":       "package a\n\n// Sizer sizes.\ntype Sizer interface {\n\tSize() int\n}\n",
		"b/b.go":       "package b\n\nimport \"example.com/m/a\"\n\n// Both sizes and names.\ntype Both interface {\n\ta.Sizer\n\tName() string\n}\n\n// Only sizes, through a.\ntype Only interface{ a.Sizer }\n\n// Deeper embeds Only.\ntype Deeper interface{ Only }\n",
		"impl/impl.go": "package impl\n\n// T sizes in ints.\ntype T struct{}\n\n// Size sizes.\nfunc (T) Size() int { return 1 }\n\n// Name names.\nfunc (T) Name() string { return \"t\" }\n\n// U sizes in int64s.\ntype U struct{}\n\n// Size sizes.\nfunc (U) Size() int64 { return 1 }\n\n// Name names.\nfunc (U) Name() string { return \"u\" }\n",
	}
	root := t.TempDir()
	writeFixture(t, root, files)
	mustRun(t, indexOpts(root))
	u, err := NewUpdater(indexOpts(root))
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	implements := func() []string {
		var out []string
		for _, l := range dumpStore(t, DBDirFor(root)) {
			if strings.Contains(l, "-implements-> ") && strings.HasPrefix(l, "E impl/") {
				out = append(out, l[strings.Index(l, "impl/impl.go:"):strings.Index(l, " target=")])
			}
		}
		return out
	}
	step := func(what string, write map[string]string, remove ...string) []string {
		t.Helper()
		writeFixture(t, root, write)
		paths := slices.Collect(maps.Keys(write))
		for _, p := range remove {
			os.Remove(filepath.Join(root, p))
			paths = append(paths, p)
		}
		if _, err := u.Update(context.Background(), paths); err != nil {
			t.Fatal(err)
		}
		checkClean(t, root, what)
		return implements()
	}
	has := func(got []string, want ...string) bool {
		for _, w := range want {
			if !slices.ContainsFunc(got, func(l string) bool { return strings.Contains(l, w) }) {
				return false
			}
		}
		return true
	}
	if got := implements(); !has(got, "T:", "-> a/a.go:Sizer", "-> b/b.go:Deeper") {
		t.Fatalf("the first index: implements edges %q", got)
	}
	// Sizer's method changes signature: T satisfies none of the three
	// embedding interfaces any more, U all of them.
	got := step("after Sizer's Size became int64", map[string]string{"a/a.go": strings.Replace(files["a/a.go"], "Size() int", "Size() int64", 1)})
	for _, l := range got {
		if strings.Contains(l, "impl/impl.go:T:") && strings.Contains(l, "b/b.go:") {
			t.Errorf("T still implements %s", l)
		}
	}
	if !has(got, "impl/impl.go:U:", "b/b.go:Deeper", "b/b.go:Both") {
		t.Errorf("U does not implement b's interfaces: %q", got)
	}
	// A second declaration of Sizer in package a (another file) adds a
	// method to its merged method set.
	step("after a second declaration of Sizer", map[string]string{"a/z.go": "package a\n\n// Sizer again.\ntype Sizer interface {\n\tExtra()\n}\n"})
	// And back: the embedding interfaces' sets shrink again.
	step("after removing it", nil, "a/z.go")
	// b stops embedding a.Sizer.
	step("after b embeds nothing", map[string]string{"b/b.go": "package b\n\n// Both names.\ntype Both interface {\n\tName() string\n}\n\n// Only is empty.\ntype Only interface{}\n\n// Deeper embeds Only.\ntype Deeper interface{ Only }\n"})
	// The table lists Both under Name.
	var table []string
	for _, l := range dumpStore(t, DBDirFor(root)) {
		if strings.HasPrefix(l, "iface ") {
			table = append(table, l)
		}
	}
	if !slices.ContainsFunc(table, func(l string) bool {
		return strings.Contains(l, "b/b.go") && strings.Contains(l, `names=["Name"]`)
	}) {
		t.Errorf("no table entry for b.Both under Name:\n%s", strings.Join(table, "\n"))
	}
}
