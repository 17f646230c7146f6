package precise

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/store"
)

const (
	tsA = `export function helper(): number {
  return 1;
}
export function other(): number {
  return 2;
}
`
	tsB = `import { helper } from "./a";
export function main(): number {
  const h = helper;
  return helper() + h();
}
`
	tsC = `export function real(): number {
  return 3;
}
`
)

// sym is a symbol of the hand-built index's package.
func sym(desc string) string { return "scip-typescript npm fixture 1.0 " + desc }

// docA, docB and docC are hand-built SCIP documents of the files above
// (0-based lines, UTF-16 columns). bTarget is the symbol the call
// helper() in b.ts binds to.
func docA() pbDoc {
	return pbDoc{path: "a.ts", language: "TypeScript", occs: []pbOcc{
		{rng: []int32{0, 16, 22}, symbol: sym("`a.ts`/helper()."), roles: roleDefinition},
		{rng: []int32{3, 16, 21}, symbol: sym("`a.ts`/other()."), roles: roleDefinition},
	}}
}

func docB(bTarget string) pbDoc {
	return pbDoc{path: "b.ts", language: "TypeScript", occs: []pbOcc{
		{rng: []int32{0, 9, 15}, symbol: sym("`a.ts`/helper()."), roles: roleImport},
		{rng: []int32{1, 16, 20}, symbol: sym("`b.ts`/main()."), roles: roleDefinition},
		{rng: []int32{2, 8, 9}, symbol: "local 0", roles: roleDefinition},
		{rng: []int32{2, 12, 18}, symbol: sym("`a.ts`/helper()."), roles: roleReadAccess},
		{rng: []int32{3, 9, 15}, symbol: bTarget},
		{rng: []int32{3, 20, 21}, symbol: "local 0"},
	}}
}

// docC claims a definition where c.ts has another name: an index of
// another version of the file.
func docC() pbDoc {
	return pbDoc{path: "c.ts", language: "TypeScript", occs: []pbOcc{
		{rng: []int32{0, 16, 20}, symbol: sym("`c.ts`/fake()."), roles: roleDefinition},
	}}
}

// writeIndex writes a SCIP file and returns its path.
func writeIndex(t *testing.T, docs ...pbDoc) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "index.scip")
	if err := os.WriteFile(p, encodeIndex("scip-typescript", "", docs, nil), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// edges renders the calls, references and implements edges of the store
// as "kind srcQN -> dstQN (resolution)".
func edges(t *testing.T, st *store.Store) map[string]bool {
	t.Helper()
	nodes := map[graph.NodeID]graph.Node{}
	if err := st.AllNodes(func(n graph.Node) error { nodes[n.ID] = n; return nil }); err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	if err := st.AllEdgesOfKinds([]graph.EdgeKind{graph.EdgeCalls, graph.EdgeReferences, graph.EdgeImplements}, func(e graph.Edge) error {
		dst := "?" + e.Target
		if e.Dst != 0 {
			dst = nodes[e.Dst].QualifiedName
		}
		out[fmt.Sprintf("%s %s -> %s (%s)", e.Kind, nodes[e.Src].QualifiedName, dst, e.Res)] = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func openIndexed(t *testing.T, root string) (string, *store.Store) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "db")
	if _, err := index.Run(context.Background(), index.Options{Root: root, DBDir: db, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return db, st
}

func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(root, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestImportSCIP(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"a.ts": tsA, "b.ts": tsB, "c.ts": tsC})
	db, st := openIndexed(t, root)
	before := edges(t, st)
	if !before["calls main -> helper (exact)"] {
		t.Fatalf("the heuristic pass binds helper() already: %v", before)
	}

	// A first import, one document of which is stale and one of which
	// names a file outside the index.
	im, err := ImportSCIP(ctx, st, []string{writeIndex(t, docA(), docB(sym("`a.ts`/helper().")), docC()),
		writeIndex(t, pbDoc{path: "gone.ts", occs: []pbOcc{{rng: []int32{0, 0, 1}, symbol: sym("`gone.ts`/x.")}}})}, SCIPOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if im.Documents != 4 || im.Applied != 2 || len(im.Skipped) != 2 {
		t.Fatalf("import %+v", im)
	}
	if s := im.Skipped[0]; s.Path != "c.ts" || !strings.Contains(s.Reason, `definition of fake at 1:17 reads "real"`) {
		t.Errorf("skipped %+v", s)
	}
	if s := im.Skipped[1]; s.Path != "gone.ts" || s.Reason != "not in the index" {
		t.Errorf("skipped %+v", s)
	}
	got := edges(t, st)
	for _, want := range []string{
		"calls main -> helper (precise)",
		"references main -> helper (precise)", // `const h = helper`: extraction did not see it
	} {
		if !got[want] {
			t.Errorf("missing %s in %v", want, got)
		}
	}
	for line := range got {
		if strings.HasPrefix(line, "references b.ts") || strings.Contains(line, "-> other") {
			t.Errorf("unexpected %s (an import statement, or a wrong binding)", line)
		}
	}

	// Importing again replaces the first import: helper() now binds to
	// other (a deliberately different answer) and the reference is gone.
	im2, err := ImportSCIP(ctx, st, []string{writeIndex(t, docA(), docB(sym("`a.ts`/other().")))}, SCIPOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if im2.Stats.Restored != 2 || im2.Applied != 2 {
		t.Fatalf("second import %+v", im2)
	}
	got = edges(t, st)
	if !got["calls main -> other (precise)"] || got["calls main -> helper (precise)"] || got["calls main -> helper (exact)"] {
		t.Errorf("after the second import: %v", got)
	}
	// An index without b.ts gives b.ts its heuristic edges back.
	if _, err := ImportSCIP(ctx, st, []string{writeIndex(t, docA())}, SCIPOptions{}); err != nil {
		t.Fatal(err)
	}
	got = edges(t, st)
	for line := range got {
		if strings.HasSuffix(line, "(precise)") {
			t.Errorf("b.ts keeps %s", line)
		}
	}
	if !got["calls main -> helper (exact)"] {
		t.Errorf("heuristic edge not restored: %v", got)
	}

	// An incremental index run drops the imported edges of a changed file.
	if _, err := ImportSCIP(ctx, st, []string{writeIndex(t, docA(), docB(sym("`a.ts`/other().")))}, SCIPOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, root, map[string]string{"b.ts": tsB + "// edited\n"})
	if _, err := index.Run(ctx, index.Options{Root: root, DBDir: db, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	st2, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st2.Close() })
	got = edges(t, st2)
	if got["calls main -> other (precise)"] || !got["calls main -> helper (exact)"] {
		t.Errorf("after editing b.ts: %v", got)
	}
	last, err := LoadImport(st2)
	if err != nil || last == nil {
		t.Fatal(last, err)
	}
	if n, err := last.Stale(st2); err != nil || n != 1 {
		t.Errorf("stale %d %v, want b.ts", n, err)
	}
	// A document whose file changed on disk since it was indexed is
	// skipped.
	writeFiles(t, root, map[string]string{"a.ts": "// moved\n" + tsA})
	im3, err := ImportSCIP(ctx, st2, []string{writeIndex(t, docA())}, SCIPOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(im3.Skipped) != 1 || !strings.Contains(im3.Skipped[0].Reason, "changed since it was indexed") {
		t.Errorf("skipped %+v", im3.Skipped)
	}
}

func TestImportSCIPBadFile(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"a.ts": tsA})
	_, st := openIndexed(t, root)
	p := filepath.Join(t.TempDir(), "bad.scip")
	os.WriteFile(p, []byte{0x12, 0x09, 0x0a}, 0o644)
	if _, err := ImportSCIP(context.Background(), st, []string{p}, SCIPOptions{}); err == nil || !strings.Contains(err.Error(), "not a valid SCIP index") {
		t.Fatalf("err %v", err)
	}
	if _, err := ImportSCIP(context.Background(), st, []string{filepath.Join(root, "missing.scip")}, SCIPOptions{}); err == nil {
		t.Fatal("a missing file imports")
	}
	if im, err := LoadImport(st); err != nil || im != nil {
		t.Fatalf("a failed import left a record: %+v %v", im, err)
	}
}

// tsOverloads has overload signatures before the implementation (the
// second wider than it, as rxjs's Observable.pipe signatures are) and a
// local class whose constructor and method are called.
const tsOverloads = `export function pick(x: number): number;
export function pick(
  x: string,
  y?: string,
  z?: string,
  w?: string,
): string;
export function pick(x: any, y?: any, z?: any, w?: any): any {
  return x;
}

export function outer(): number {
  class Local {
    constructor(private n: number) {}
    twice(): number {
      return this.n * 2;
    }
  }
  const l = new Local(pick(2));
  return l.twice();
}
`

// TestImportSCIPOverloadsAndLocals imports the occurrences scip-typescript
// 0.4.0 writes for tsOverloads (as it wrote them for this source without
// the extra parameters): pick is defined three times, and new Local()
// references "local 0`<constructor>`().", a member of a local symbol.
func TestImportSCIPOverloadsAndLocals(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"a.ts": tsOverloads})
	_, st := openIndexed(t, root)
	pick := sym("`a.ts`/pick().")
	doc := pbDoc{path: "a.ts", language: "TypeScript", occs: []pbOcc{
		{rng: []int32{0, 16, 20}, symbol: pick, roles: roleDefinition},
		{rng: []int32{1, 16, 20}, symbol: pick, roles: roleDefinition},
		{rng: []int32{7, 16, 20}, symbol: pick, roles: roleDefinition},
		{rng: []int32{11, 16, 21}, symbol: sym("`a.ts`/outer()."), roles: roleDefinition},
		{rng: []int32{12, 8, 13}, symbol: "local 0", roles: roleDefinition},
		{rng: []int32{13, 4, 15}, symbol: "local 1", roles: roleDefinition},
		{rng: []int32{13, 24, 25}, symbol: "local 2", roles: roleDefinition},
		{rng: []int32{14, 4, 9}, symbol: "local 3", roles: roleDefinition},
		{rng: []int32{15, 18, 19}, symbol: "local 2"},
		{rng: []int32{18, 8, 9}, symbol: "local 6", roles: roleDefinition},
		{rng: []int32{18, 16, 21}, symbol: "local 0`<constructor>`()."},
		{rng: []int32{18, 22, 26}, symbol: pick},
		{rng: []int32{19, 9, 10}, symbol: "local 6"},
		{rng: []int32{19, 11, 16}, symbol: "local 3"},
	}}
	im, err := ImportSCIP(context.Background(), st, []string{writeIndex(t, doc)}, SCIPOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if im.Applied != 1 || len(im.Skipped) != 0 {
		t.Fatalf("import %+v", im)
	}
	// The edges' targets by name and line: pick must be the
	// implementation (line 8), not an overload signature.
	nodes := map[graph.NodeID]graph.Node{}
	if err := st.AllNodes(func(n graph.Node) error { nodes[n.ID] = n; return nil }); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	if err := st.AllEdgesOfKinds([]graph.EdgeKind{graph.EdgeCalls}, func(e graph.Edge) error {
		if e.Res == graph.ResPrecise && e.Dst != 0 {
			d := nodes[e.Dst]
			got[fmt.Sprintf("%s -> %s:%d", nodes[e.Src].QualifiedName, d.QualifiedName, d.StartLine)] = true
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"outer -> pick:8",
		"outer -> outer.Local.constructor:14",
		"outer -> outer.Local.twice:15",
	} {
		if !got[want] {
			t.Errorf("missing %s in %v", want, got)
		}
	}
	for line := range got {
		if strings.HasPrefix(line, "outer -> pick:") && line != "outer -> pick:8" {
			t.Errorf("%s: bound to an overload signature", line)
		}
	}
}

// A document whose file became a link out of the repository (to the same
// content) is skipped: the file is read inside the root only.
func TestImportSCIPLinkOutsideRoot(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	writeFiles(t, root, map[string]string{"a.ts": tsA, "b.ts": tsB})
	_, st := openIndexed(t, root)
	writeFiles(t, outside, map[string]string{"a.ts": tsA})
	if err := os.Remove(filepath.Join(root, "a.ts")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "a.ts"), filepath.Join(root, "a.ts")); err != nil {
		t.Skip("symbolic links:", err)
	}
	im, err := ImportSCIP(context.Background(), st, []string{writeIndex(t, docA())}, SCIPOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Skipped) != 1 || !strings.Contains(im.Skipped[0].Reason, "outside the repository root") {
		t.Errorf("skipped %+v, want a.ts (outside the root)", im.Skipped)
	}
}
