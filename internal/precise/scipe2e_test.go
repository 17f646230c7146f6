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
	"github.com/codegraph-dev/codegraph/internal/store"
)

// scipE2E is the folder of the pinned SCIP indexers and their fixture
// projects (`npm ci --prefix testdata/scip-e2e`, which .ci/run does).
const scipE2E = "../../testdata/scip-e2e"

// indexer returns node and the indexer's script, skipping the test when
// they are not installed (failing it in CI, which installs them).
func indexer(t *testing.T, script string) (string, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the SCIP indexers (node, 15-30 s each); skipped with -short")
	}
	dir, err := filepath.Abs(scipE2E)
	if err != nil {
		t.Fatal(err)
	}
	missing := func(what string) {
		msg := what + ": run `npm ci --prefix " + dir + "` (.ci/run does)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node is not installed")
	}
	p := filepath.Join(dir, "node_modules", filepath.FromSlash(script))
	if _, err := os.Stat(p); err != nil {
		missing("the SCIP indexers are not installed")
	}
	return node, p
}

// importFixture indexes a copy of the fixture project, runs the indexer
// (args after the script) in it and imports the result.
func importFixture(t *testing.T, project, script string, args ...string) (*precise.Import, map[string]bool) {
	t.Helper()
	node, js := indexer(t, script)
	root := copyTree(t, filepath.Join(scipE2E, project))
	db := filepath.Join(t.TempDir(), "db")
	ctx := context.Background()
	if _, err := index.Run(ctx, index.Options{Root: root, DBDir: db, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "index.scip")
	ictx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ictx, node, append([]string{js, "index", "--output", out}, args...)...)
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", script, err, b)
	}
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	im, err := precise.ImportSCIP(ctx, st, []string{out}, precise.SCIPOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Skipped) > 0 || im.Applied == 0 {
		t.Fatalf("import: %d applied, skipped %+v", im.Applied, im.Skipped)
	}
	got := edgeLines(t, st)
	// and the inherits edges, which the Go pass does not own.
	if err := st.AllEdgesOfKinds([]graph.EdgeKind{graph.EdgeInherits}, func(e graph.Edge) error {
		src, err := st.Node(e.Src)
		if err != nil || e.Dst == 0 {
			return err
		}
		dst, err := st.Node(e.Dst)
		if err != nil {
			return err
		}
		got[fmt.Sprintf("%s %s:%s -> %s (%s)", e.Kind, src.File, src.QualifiedName, dst.QualifiedName, e.Res)] = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return im, got
}

func expectEdges(t *testing.T, got map[string]bool, want, unwanted []string) {
	t.Helper()
	for _, w := range want {
		if !got[w] {
			t.Errorf("missing %s", w)
		}
	}
	for _, u := range unwanted {
		for line := range got {
			if strings.Contains(line, u) {
				t.Errorf("unexpected %s", line)
			}
		}
	}
	if t.Failed() {
		for line := range got {
			t.Log(line)
		}
	}
}

// TestSCIPTypeScript runs scip-typescript on testdata/scip-e2e/ts and
// checks the imported edges (checked by hand against the sources).
func TestSCIPTypeScript(t *testing.T) {
	im, got := importFixture(t, "ts", "@sourcegraph/scip-typescript/dist/src/main.js")
	if im.Applied != 3 || !strings.HasPrefix(im.Tool, "scip-typescript") {
		t.Errorf("import %+v", im)
	}
	expectEdges(t, got, []string{
		// s.area() on a Shape: the interface method, its implementations
		// as dynamic candidates.
		"calls src/shapes.ts:total -> Shape.area (precise)",
		"calls src/shapes.ts:total -> Circle.area (dynamic)",
		"calls src/shapes.ts:total -> Square.area (dynamic)",
		"calls src/shapes.ts:Circle.area -> square (precise)",
		"calls src/shapes.ts:makeCircle -> Circle.constructor (precise)", // new Circle(r)
		"implements src/shapes.ts:Circle -> Shape (precise)",
		"implements src/shapes.ts:Square -> Shape (precise)",
		"references src/shapes.ts:total -> Shape (precise)",
		"calls src/main.ts:run -> makeCircle (precise)",
		"calls src/main.ts:run -> Circle.area (precise)", // c inferred from makeCircle's result
		"calls src/main.ts:run -> total (precise)",
		"calls src/main.ts:run -> Square.constructor (precise)",
		"calls src/main.ts:run -> Circle.constructor (precise)", // new Unit(1): Unit has no constructor of its own
		"inherits src/shapes.ts:Unit -> Circle (precise)",
		"calls src/main.ts:run -> run.label (precise)",      // a nested function: a local symbol of the index
		"calls src/main.ts:run.label -> describe (precise)", // imported under its own name
		"references src/main.ts:run -> square (precise)",    // const f = sq: the alias's function
		"calls src/util.ts:describe -> globalThis.Number.toFixed (precise)",
	}, []string{
		"references src/main.ts:src/main.ts ->", // import statements are imports edges
		"calls src/main.ts:run -> square",       // f(1) calls a local
	})
}

// TestSCIPPython runs scip-python on testdata/scip-e2e/py.
func TestSCIPPython(t *testing.T) {
	env := filepath.Join(t.TempDir(), "env.json")
	if err := os.WriteFile(env, []byte("[]"), 0o644); err != nil {
		t.Fatal(err)
	}
	im, got := importFixture(t, "py", "@sourcegraph/scip-python/index.js",
		"--project-name", "fixture", "--project-version", "1.0", "--environment", env, "--quiet")
	if im.Applied != 4 || !strings.HasPrefix(im.Tool, "scip-python") {
		t.Errorf("import %+v", im)
	}
	expectEdges(t, got, []string{
		"calls main.py:run -> make_circle (precise)",
		"calls main.py:run -> Circle.area (precise)", // c from make_circle's declared result
		"calls main.py:run -> describe (precise)",    // util.describe through `from pkg import util`
		"calls main.py:run -> square (precise)",
		"calls pkg/shapes.py:Circle.area -> square (precise)",
		"calls pkg/shapes.py:make_circle -> Circle (precise)",
		"references pkg/shapes.py:make_circle -> Circle (precise)",
		"inherits pkg/shapes.py:Circle -> Shape (precise)",
	}, []string{
		"references main.py:main.py ->", // import statements
		"-> builtins.",                  // references to str and float are not kept
	})
}
