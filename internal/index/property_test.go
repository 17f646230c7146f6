package index

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// variants are the contents each fixture file takes in the property test
// ("" means absent): renamed, moved and duplicated definitions, changed
// field types, module paths and imports, across Go, Python, JS, C and
// Java.
var variants = map[string][]string{
	"go.mod": {fixtureFiles["go.mod"], "module example.com/other\n\ngo 1.22\n"},
	"main.go": {fixtureFiles["main.go"], `package main

import "example.com/m/lib"

func main() {
	var t lib.T
	t.Run()
	lib.Helper2()
	lib.NewV().Do()
}
`, ""},
	"lib/lib.go": {fixtureFiles["lib/lib.go"], `package lib

// T is a thing.
type T struct{ u *V }

// NewT makes a T.
func NewT() *T { return &T{u: NewV()} }

// Run runs it.
func (t *T) Run() { t.u.Do(); Helper2() }
`, ""},
	"lib/helper.go": {fixtureFiles["lib/helper.go"], "package lib\n\n// Helper2 helps more.\nfunc Helper2() int { return Helper() + 1 }\n", ""},
	"lib/u.go":      {fixtureFiles["lib/u.go"], "package lib\n\n// U does.\ntype U struct{}\n\n// Do does.\nfunc (U) Do() {}\n\n// Undo undoes.\nfunc (U) Undo() {}\n", ""},
	"lib/v.go": {"", `package lib

// V does too.
type V struct{ U }

// NewV makes a V.
func NewV() *V { return &V{} }

// Helper is defined twice.
func Helper() int { return 3 }
`},
	// Go interfaces: a method added to the interface, an interface made
	// only of embedded ones, a type whose methods live in another file;
	// implements edges of unchanged files must follow.
	"lib/iface.go": {fixtureFiles["lib/iface.go"],
		"package lib\n\n// Doer does and undoes.\ntype Doer interface {\n\tDo()\n\tUndo()\n}\n",
		"package lib\n\n// Doer is made of others.\ntype Doer interface {\n\tDoOnly\n\tUndoer\n}\n\n// DoOnly does.\ntype DoOnly interface{ Do() }\n\n// Undoer undoes.\ntype Undoer interface{ Undo() }\n", ""},
	"lib/w.go":  {"", "package lib\n\n// W is declared here, its methods elsewhere.\ntype W struct{}\n"},
	"lib/wm.go": {"", "package lib\n\n// Do does.\nfunc (W) Do() {}\n", "package lib\n\n// Do does.\nfunc (W) Do() {}\n\n// Undo undoes.\nfunc (W) Undo() {}\n"},
	// A generic function calling through its type parameter: its edges
	// follow the instantiations other files add, change and remove.
	"lib/gen.go":   {"package lib\n\n// Sizer sizes.\ntype Sizer interface{ Size() int }\n\n// G sizes p.\nfunc G[P Sizer](p P) int { return p.Size() }\n", ""},
	"lib/sizes.go": {"package lib\n\n// S1 is sized.\ntype S1 struct{}\n\n// Size sizes S1.\nfunc (*S1) Size() int { return 1 }\n\n// S2 is sized.\ntype S2 struct{}\n\n// Size sizes S2.\nfunc (S2) Size() int { return 2 }\n"},
	"inst/inst.go": {"", "package inst\n\nimport \"example.com/m/lib\"\n\n// Inst sizes an S1.\nfunc Inst() int { return lib.G(&lib.S1{}) }\n", "package inst\n\nimport \"example.com/m/lib\"\n\n// Inst sizes an S2.\nfunc Inst() int { return lib.G[lib.S2](lib.S2{}) }\n"},
	"pkg/mod.py":   {fixtureFiles["pkg/mod.py"], "def helper2():\n    return 2\n\n\nclass C:\n    def m(self):\n        return helper2()\n", ""},
	"pkg/other.py": {"", "from pkg.mod import C\n\n\ndef helper():\n    return C().m()\n"},
	"app.py":       {fixtureFiles["app.py"], "from pkg.other import helper\nfrom pkg import mod\n\n\ndef run():\n    helper()\n    mod.helper2()\n"},
	"web/util.js":  {fixtureFiles["web/util.js"], "export function util2() {\n  return 2;\n}\n\nexport function util() {\n  return util2();\n}\n", ""},
	"web/app.js":   {fixtureFiles["web/app.js"], "import { util2 } from './util';\nimport { more } from './more';\n\nexport function app() {\n  return util2() + more();\n}\n"},
	"web/more.js":  {"", "export function more() {\n  return 3;\n}\n"},
	"c/f.h":        {fixtureFiles["c/f.h"], "int f(void);\nint g(int);\n", ""},
	"c/f.c":        {fixtureFiles["c/f.c"], "#include \"f.h\"\n\nint f(void) { return g(1); }\n\nint g(int x) { return x; }\n", ""},
	"c/main.c":     {fixtureFiles["c/main.c"], "#include \"f.h\"\n\nint main(void) { return f() + g(2); }\n"},
	"java/a/A.java": {"", "package a;\n\npublic class A {\n  public int run() { return new B().go(); }\n}\n",
		"package a;\n\npublic class A extends B {\n  public int run() { return go(); }\n}\n"},
	"java/a/B.java": {"", "package a;\n\npublic class B {\n  public int go() { return 1; }\n}\n"},
}

// propTree is the property test's view of the work tree.
type propTree struct {
	root  string
	files map[string]string // path → content
	stash map[string]string // deleted files, for restores
	rng   *rand.Rand
	log   []string
}

func (p *propTree) write(rel, content string) {
	abs := filepath.Join(p.root, filepath.FromSlash(rel))
	if content == "" {
		os.Remove(abs)
		if old, ok := p.files[rel]; ok {
			p.stash[rel] = old
		}
		delete(p.files, rel)
		return
	}
	os.MkdirAll(filepath.Dir(abs), 0o755)
	if err := os.WriteFile(abs, []byte(content), 0o644); err != nil {
		panic(err)
	}
	p.files[rel] = content
}

func (p *propTree) pick(paths []string) string { return paths[p.rng.IntN(len(paths))] }

// mutate applies one random change and returns the paths it touched.
func (p *propTree) mutate() []string {
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range variants {
			if !yield(k) {
				return
			}
		}
	})
	existing := slices.Sorted(func(yield func(string) bool) {
		for k := range p.files {
			if !yield(k) {
				return
			}
		}
	})
	setVariant := func(rel string) {
		vs := variants[rel]
		if vs == nil { // a renamed file: its original's variants
			vs = variants[unrenamed(rel)]
		}
		p.write(rel, vs[p.rng.IntN(len(vs))])
	}
	switch op := p.rng.IntN(10); {
	case op < 3: // edit one file
		rel := p.pick(keys)
		setVariant(rel)
		p.log = append(p.log, "edit "+rel)
		return []string{rel}
	case op < 5 && len(existing) > 0: // delete
		rel := p.pick(existing)
		p.write(rel, "")
		p.log = append(p.log, "delete "+rel)
		return []string{rel}
	case op < 7 && len(p.stash) > 0: // restore what a delete removed
		stashed := slices.Sorted(func(yield func(string) bool) {
			for k := range p.stash {
				if !yield(k) {
					return
				}
			}
		})
		rel := p.pick(stashed)
		content := p.stash[rel]
		delete(p.stash, rel)
		if _, ok := p.files[rel]; !ok {
			p.write(rel, content)
		}
		p.log = append(p.log, "restore "+rel)
		return []string{rel}
	case op < 8 && len(existing) > 0: // rename (and back)
		rel := p.pick(existing)
		to := renamed(rel)
		if _, ok := p.files[to]; ok {
			to = unrenamed(rel)
		}
		content := p.files[rel]
		p.write(rel, "")
		delete(p.stash, rel)
		p.write(to, content)
		p.log = append(p.log, "rename "+rel+" "+to)
		return []string{rel, to}
	default: // a branch switch: several files at once
		n := 2 + p.rng.IntN(5)
		var touched []string
		for i := 0; i < n; i++ {
			rel := p.pick(keys)
			setVariant(rel)
			touched = append(touched, rel)
		}
		p.log = append(p.log, "switch "+strings.Join(touched, ","))
		return touched
	}
}

// renamed is rel with "_r" before its extension; unrenamed undoes it.
func renamed(rel string) string {
	if strings.Contains(path.Base(rel), "_r.") || path.Base(rel) == "go.mod" {
		return unrenamed(rel)
	}
	ext := path.Ext(rel)
	return strings.TrimSuffix(rel, ext) + "_r" + ext
}

func unrenamed(rel string) string { return strings.Replace(rel, "_r.", ".", 1) }

// TestConvergence is the property "incremental equals clean": seeded
// random sequences of edits, deletes, restores, renames and branch
// switches, each followed by an index run, an Updater update (watch), a
// forced run or a kill -9 of a child process at a phase boundary or at a
// random moment; after every run that finished, the index must equal one
// built from scratch from the same tree, line for line.
//
// It runs for CODEGRAPH_CONVERGE_BUDGET (a duration; default 3 s with
// -short, 20 s otherwise) from seed CODEGRAPH_CONVERGE_SEED (default: the
// time). bench/converge.sh runs it for minutes.
func TestConvergence(t *testing.T) {
	budget := 20 * time.Second
	if testing.Short() {
		budget = 3 * time.Second
	}
	if v := os.Getenv("CODEGRAPH_CONVERGE_BUDGET"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("CODEGRAPH_CONVERGE_BUDGET: %v", err)
		}
		budget = d
	}
	seed := uint64(time.Now().UnixNano())
	whole := false // run each sequence to its end (when reproducing one)
	if v := os.Getenv("CODEGRAPH_CONVERGE_SEED"); v != "" {
		s, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("CODEGRAPH_CONVERGE_SEED: %v", err)
		}
		seed, whole = s, true
	}
	t.Logf("seed %d, budget %s", seed, budget)
	deadline := time.Now().Add(budget)
	cut := deadline
	if whole {
		cut = time.Time{}
	}
	var seqs, steps, compared, kills, phaseKills, divergences int
	for seq := 0; seq == 0 || time.Now().Before(deadline); seq++ {
		seqSeed := seed + uint64(seq)
		s, k, pk, c, div := convergeSequence(t, seqSeed, cut)
		seqs++
		steps += s
		kills += k
		phaseKills += pk
		compared += c
		if div != "" {
			divergences++
			if divergences <= 3 {
				t.Errorf("divergence in sequence seed %d (rerun with CODEGRAPH_CONVERGE_SEED=%d):\n%s", seqSeed, seqSeed, div)
			}
		}
	}
	t.Logf("converge: %d sequences, %d steps, %d comparisons with a clean index, %d kills (%d at a phase boundary, %d at a random moment), %d divergences",
		seqs, steps, compared, kills, phaseKills, kills-phaseKills, divergences)
	if divergences > 0 {
		t.Errorf("%d divergences", divergences)
	}
}

// convergeSequence runs one sequence and returns its counts and the first
// divergence ("" when none).
func convergeSequence(t *testing.T, seed uint64, deadline time.Time) (steps, kills, phaseKills, compared int, div string) {
	// Each sequence removes its tree and index when it ends: a t.TempDir
	// would keep every sequence's until the test ends (a 22-minute run
	// left 56 GB behind).
	root, err := os.MkdirTemp(t.TempDir(), "seq-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(root)
	p := &propTree{root: root, files: map[string]string{}, stash: map[string]string{}, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	for rel, vs := range variants {
		p.write(rel, vs[0])
	}
	clear(p.stash)
	ctx := context.Background()
	opts := indexOpts(root)
	if _, err := Run(ctx, opts); err != nil {
		return 0, 0, 0, 0, fmt.Sprintf("first index: %v", err)
	}
	var u *Updater
	closeU := func() {
		if u != nil {
			u.Close()
			u = nil
		}
	}
	defer closeU()
	killed := false
	n := 4 + p.rng.IntN(12)
	for i := 0; i < n; i++ {
		touched := p.mutate()
		steps++
		var err error
		switch how := p.rng.IntN(20); {
		case how < 7: // index
			closeU()
			_, err = Run(ctx, opts)
			p.log = append(p.log, "  index")
			killed = false
		case how < 14: // watch: the Updater's targeted update
			if u == nil {
				if u, err = NewUpdater(opts); err == nil {
					_, err = u.Full(ctx, false) // what watch does when it starts
				}
			}
			if err == nil {
				_, err = u.Update(ctx, touched)
			}
			p.log = append(p.log, "  update")
			killed = false
		case how < 15: // index --force
			closeU()
			o := opts
			o.Force = true
			_, err = Run(ctx, o)
			p.log = append(p.log, "  index --force")
			killed = false
		default: // kill -9 a child running index, --force or an update
			closeU()
			mode := []string{"index", "force", "update"}[p.rng.IntN(3)]
			kills++
			if p.rng.IntN(2) == 0 {
				phase := []string{"written", "resolved"}[p.rng.IntN(2)]
				phaseKills++
				runChild(t, root, DBDirFor(root), mode, phase, touched, false)
				p.log = append(p.log, "  kill "+mode+" at "+phase)
			} else {
				delay := time.Duration(p.rng.IntN(400)) * time.Millisecond
				killChildAfter(t, root, mode, touched, delay)
				p.log = append(p.log, fmt.Sprintf("  kill %s after %s", mode, delay))
			}
			killed = true
		}
		if err != nil {
			return steps, kills, phaseKills, compared, fmt.Sprintf("%s\nrun failed: %v", strings.Join(p.log, "\n"), err)
		}
		if killed {
			continue
		}
		compared++
		if d := diffLines(cleanDump(t, root), dumpStore(t, DBDirFor(root))); d != "" {
			return steps, kills, phaseKills, compared, fmt.Sprintf("%s\n(- clean, + incremental):\n%s", strings.Join(p.log, "\n"), d)
		}
		if !deadline.IsZero() && time.Now().After(deadline) {
			break
		}
	}
	if killed {
		closeU()
		if _, err := Run(ctx, opts); err != nil {
			return steps, kills, phaseKills, compared, fmt.Sprintf("%s\nrun after kill failed: %v", strings.Join(p.log, "\n"), err)
		}
		p.log = append(p.log, "  index")
		compared++
		if d := diffLines(cleanDump(t, root), dumpStore(t, DBDirFor(root))); d != "" {
			return steps, kills, phaseKills, compared, fmt.Sprintf("%s\n(- clean, + incremental):\n%s", strings.Join(p.log, "\n"), d)
		}
	}
	return steps, kills, phaseKills, compared, ""
}

// killChildAfter starts TestConvergeChild and SIGKILLs it after delay
// (it may have finished by then).
func killChildAfter(t *testing.T, root, mode string, paths []string, delay time.Duration) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestConvergeChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), envChildRoot+"="+root, envChildMode+"="+mode,
		envChildPaths+"="+strings.Join(paths, "\n"), envChildDB+"="+DBDirFor(root))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(delay, func() { cmd.Process.Signal(syscall.SIGKILL) })
	cmd.Wait()
	timer.Stop()
}
