package index

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/store"
)

const crashFiles, crashFuncs = 60, 40

// writeVersion rewrites every fixture file so that each function name
// carries version v.
func writeVersion(root string, v int) error {
	for i := 0; i < crashFiles; i++ {
		var b strings.Builder
		fmt.Fprintf(&b, "package p\n\n")
		for j := 0; j < crashFuncs; j++ {
			fmt.Fprintf(&b, "func F%d_%d_v%d() { F%d_%d_v%d() }\n\n", i, j, v, i, (j+1)%crashFuncs, v)
		}
		if err := os.WriteFile(filepath.Join(root, fmt.Sprintf("f%03d.go", i)), []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// killChild starts the test named test of this binary as a child process
// with env added to its environment and kills it with SIGKILL after d.
func killChild(t *testing.T, test, env string, d time.Duration) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(d)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
}

// TestCrashChild is the child process of TestKillDuringIndex: it rewrites
// and re-indexes the tree in a loop until it is killed.
func TestCrashChild(t *testing.T) {
	root := os.Getenv("CODEGRAPH_CRASH_ROOT")
	if root == "" {
		t.Skip("helper process for TestKillDuringIndex")
	}
	for v := 2; ; v++ {
		if err := writeVersion(root, v); err != nil {
			t.Fatal(err)
		}
		if _, err := Run(context.Background(), Options{Root: root, Workers: 2}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestKillDuringIndex kills `index` with SIGKILL mid-run and checks that the
// store opens and holds, for every file, one complete version.
func TestKillDuringIndex(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns and kills child processes")
	}
	root := t.TempDir()
	if err := writeVersion(root, 1); err != nil {
		t.Fatal(err)
	}
	runIndex(t, root)
	for round := 0; round < 3; round++ {
		killChild(t, "TestCrashChild", "CODEGRAPH_CRASH_ROOT="+root, time.Duration(300+200*round)*time.Millisecond)
		checkWholeVersions(t, root)
	}
	// A normal run afterwards brings the index to the files' current state.
	// The kill may have cut the child's rewrite of a file short, leaving it
	// truncated on disk (and indexed faithfully as such): write a whole
	// version first.
	if err := writeVersion(root, 1000); err != nil {
		t.Fatal(err)
	}
	runIndex(t, root)
	checkWholeVersions(t, root)
}

// TestCrashFreshChild is the child process of TestKillDuringFreshIndex:
// in a loop until it is killed, it deletes every file from the index (so
// that the store opens without files: a first index) and indexes the tree
// again. (It does not delete the store itself: a kill while Pebble creates
// a new store is another matter.)
func TestCrashFreshChild(t *testing.T) {
	root := os.Getenv("CODEGRAPH_CRASH_FRESH_ROOT")
	if root == "" {
		t.Skip("helper process for TestKillDuringFreshIndex")
	}
	loadFiles = 1
	for {
		if err := dropFiles(DBDirFor(root)); err != nil {
			t.Fatal(err)
		}
		if _, err := Run(context.Background(), Options{Root: root, Workers: 2}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestKillDuringFreshIndex kills the first index of a tree (a bulk load,
// then its resolution) with SIGKILL at different points and checks that
// the store opens with whole files only, and that the next run completes
// it to the facts of an index written by batches without a kill, leaving
// no bulk load files behind.
func TestKillDuringFreshIndex(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns and kills child processes")
	}
	clean := t.TempDir()
	if err := writeVersion(clean, 1); err != nil {
		t.Fatal(err)
	}
	runIndex(t, clean) // written by batches: fewer files than loadFiles
	want := exportAll(t, clean)
	loadFiles = 1
	t.Cleanup(func() { loadFiles = bulkFiles })
	root := t.TempDir()
	if err := writeVersion(root, 1); err != nil {
		t.Fatal(err)
	}
	runIndex(t, root)
	for round := range 4 {
		killChild(t, "TestCrashFreshChild", "CODEGRAPH_CRASH_FRESH_ROOT="+root, time.Duration(250+150*round)*time.Millisecond)
		checkWholeVersions(t, root, true)
		runIndex(t, root)
		checkWholeVersions(t, root, false)
		st, err := store.Open(DBDirFor(root), store.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := Incomplete(st); err != nil {
			t.Errorf("round %d: after a full run: %v", round, err)
		}
		st.Close()
		if got := exportAll(t, root); got != want {
			t.Errorf("round %d: the index completed after a kill differs from one built without:\n%s", round, firstDiff(want, got))
		}
		if ents, _ := filepath.Glob(filepath.Join(DBDirFor(root), "load.*")); len(ents) > 0 {
			t.Errorf("round %d: bulk load files left: %v", round, ents)
		}
	}
}

// firstDiff shows the first lines where two exports differ.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 6; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want %s\n  got  %s\n", i+1, wl, gl)
			shown++
		}
	}
	fmt.Fprintf(&b, "(%d lines wanted, %d got)", len(w), len(g))
	return b.String()
}

// exportAll is every node and edge of the index of root, without the
// times and absolute paths that differ between two indexes of one tree.
func exportAll(t *testing.T, root string) string {
	t.Helper()
	st, err := store.Open(DBDirFor(root), store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var b strings.Builder
	var ids []graph.NodeID
	err = st.Files(func(m store.FileMeta) error {
		fmt.Fprintf(&b, "file %s %s %d %v %v\n", m.Path, m.Language, m.Hash, m.NodeCounts, m.EdgeCounts)
		return st.NodesInFile(m.Path, func(n graph.Node) error {
			fmt.Fprintf(&b, "node %+v\n", n)
			ids = append(ids, n.ID)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if err := st.OutEdges(id, nil, func(e graph.Edge) error {
			fmt.Fprintf(&b, "edge %+v\n", e)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

func checkWholeVersions(t *testing.T, root string, partial ...bool) {
	t.Helper()
	st, err := store.Open(DBDirFor(root), store.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("store does not open after kill: %v", err)
	}
	defer st.Close()
	files := 0
	err = st.Files(func(m store.FileMeta) error {
		files++
		versions := map[string]int{}
		err := st.NodesInFile(m.Path, func(n graph.Node) error {
			if n.Kind == graph.KindFunction {
				versions[n.Name[strings.LastIndexByte(n.Name, '_'):]]++
			}
			return nil
		})
		if err != nil {
			return err
		}
		if len(versions) != 1 {
			t.Errorf("%s holds a mix of versions: %v", m.Path, versions)
		}
		for v, n := range versions {
			if n != crashFuncs {
				t.Errorf("%s: %d functions of version %s, want %d", m.Path, n, v, crashFuncs)
			}
		}
		if m.Nodes() != uint64(crashFuncs+2) { // functions, file, package
			t.Errorf("%s: meta counts %d nodes", m.Path, m.Nodes())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files != crashFiles && (len(partial) == 0 || !partial[0] || files != 0) {
		t.Errorf("%d files indexed, want %d", files, crashFiles)
	}
}
