package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/parse"
	"github.com/codegraph-dev/codegraph/internal/resolve"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// sharedExtractor holds the compiled queries of the convergence tests'
// runs (compiling them is most of the cost of indexing a small fixture).
var sharedExtractor *parse.Extractor

func TestMain(m *testing.M) {
	sharedExtractor = parse.NewExtractor()
	code := m.Run()
	sharedExtractor.Close()
	os.Exit(code)
}

// dumpStore returns every file meta, node and edge of the store at db as
// sorted lines, as `export --format ndjson` would list them (resolution
// included; times of indexing left out): two indexes of the same tree must
// give the same lines.
func dumpStore(t testing.TB, db string) []string {
	t.Helper()
	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open %s: %v", db, err)
	}
	defer st.Close()
	var out []string
	err = st.Files(func(m store.FileMeta) error {
		out = append(out, fmt.Sprintf("F %s lang=%s size=%d hash=%x err=%q nodes=%v edges=%v",
			m.Path, m.Language, m.Size, m.Hash, m.Error, m.NodeCounts, m.EdgeCounts))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	names := map[graph.NodeID]string{}
	err = st.AllNodes(func(n graph.Node) error {
		names[n.ID] = n.File + ":" + n.QualifiedName
		out = append(out, fmt.Sprintf("N %s %s:%s kind=%s lines=%d-%d bytes=%d-%d sig=%q vis=%d hash=%x parent=%s locals=%q",
			n.ID, n.File, n.QualifiedName, n.Kind, n.StartLine, n.EndLine, n.StartByte, n.EndByte, n.Signature, n.Visibility, n.ContentHash, n.Parent, n.Locals))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = st.AllEdges(func(e graph.Edge) error {
		dst := "-"
		if e.Dst != 0 {
			dst = names[e.Dst]
			if dst == "" {
				dst = "DANGLING:" + e.Dst.String()
			}
		}
		out = append(out, fmt.Sprintf("E %s %s:%s -%s-> %s target=%q line=%d res=%s cand=%d",
			e.File, names[e.Src], e.Src, e.Kind, dst, e.Target, e.Line, e.Res, e.Candidates))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Incoming keys must mirror the outgoing ones.
	for id := range names {
		err := st.InEdges(id, nil, func(e graph.Edge) error {
			out = append(out, fmt.Sprintf("I %s <-%s- %s line=%d", names[id], e.Kind, names[e.Src], e.Line))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// Resolution's Go interface table (resolve.GoIfaceTable).
	ifaces, err := resolve.GoIfaceTable(st)
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, ifaces...)
	slices.Sort(out)
	return out
}

// cleanDump indexes root from scratch into a new store and dumps it.
func cleanDump(t testing.TB, root string) []string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "clean")
	if _, err := Run(context.Background(), Options{Root: root, DBDir: db, NoSearch: true, Workers: 2, Extractor: sharedExtractor}); err != nil {
		t.Fatalf("clean index: %v", err)
	}
	d := dumpStore(t, db)
	os.RemoveAll(db)
	return d
}

// diffLines returns a short unified-style difference of two sorted dumps
// ("" when equal).
func diffLines(want, got []string) string {
	var b strings.Builder
	i, j, n := 0, 0, 0
	for (i < len(want) || j < len(got)) && n < 40 {
		switch {
		case j >= len(got) || i < len(want) && want[i] < got[j]:
			fmt.Fprintf(&b, "- %s\n", want[i])
			i++
			n++
		case i >= len(want) || got[j] < want[i]:
			fmt.Fprintf(&b, "+ %s\n", got[j])
			j++
			n++
		default:
			i++
			j++
		}
	}
	return b.String()
}

// childEnv names the environment of TestConvergeChild.
const (
	envChildRoot  = "CODEGRAPH_CONVERGE_ROOT"
	envChildMode  = "CODEGRAPH_CONVERGE_MODE"  // index, force, update, reload
	envChildPaths = "CODEGRAPH_CONVERGE_PATHS" // for update: newline-separated
	envChildKill  = "CODEGRAPH_CONVERGE_KILL"  // phase at which the child SIGKILLs itself
	envChildDB    = "CODEGRAPH_CONVERGE_DB"
	envChildSrch  = "CODEGRAPH_CONVERGE_SEARCH"
)

// TestConvergeChild is the child process of the convergence tests: one
// index run (or one Updater.Update) that kills itself with SIGKILL at the
// named phase, or that its parent kills at a random moment.
func TestConvergeChild(t *testing.T) {
	root := os.Getenv(envChildRoot)
	if root == "" {
		t.Skip("helper process for the convergence tests")
	}
	if phase := os.Getenv(envChildKill); phase != "" {
		testHook = func(p string) {
			if p == phase {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
				select {}
			}
		}
	}
	opts := Options{Root: root, DBDir: os.Getenv(envChildDB), NoSearch: os.Getenv(envChildSrch) == "", Workers: 2}
	ctx := context.Background()
	var err error
	switch os.Getenv(envChildMode) {
	case "index":
		_, err = Run(ctx, opts)
	case "force":
		opts.Force = true
		_, err = Run(ctx, opts)
	case "reload":
		// Empty the index of its files (the store keeps its run marker)
		// and index again as a bulk load.
		loadFiles = 1
		if err = dropFiles(DBDirFor(root)); err == nil {
			_, err = Run(ctx, opts)
		}
	case "update":
		var u *Updater
		if u, err = NewUpdater(opts); err == nil {
			_, err = u.Update(ctx, strings.Split(os.Getenv(envChildPaths), "\n"))
			err = errorsJoin(err, u.Close())
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	// A phase that never came (nothing to resolve): exit as if killed, so
	// that the parent's expectations do not depend on it.
	os.Exit(3)
}

// dropFiles deletes every file's facts from the store in dir, in one
// synced batch.
func dropFiles(dir string) (err error) {
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, st.Close()) }()
	var paths []string
	if err := st.Files(func(m store.FileMeta) error { paths = append(paths, m.Path); return nil }); err != nil {
		return err
	}
	b := st.NewBatch()
	defer b.Close()
	for _, p := range paths {
		if err := b.DeleteFile(p); err != nil {
			return err
		}
	}
	return b.Commit(true)
}

func errorsJoin(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// runChild runs TestConvergeChild with the given mode, killing it at
// phase (or, with phase "", letting it finish).
func runChild(t testing.TB, root, db, mode, phase string, paths []string, search bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestConvergeChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), envChildRoot+"="+root, envChildMode+"="+mode, envChildKill+"="+phase,
		envChildPaths+"="+strings.Join(paths, "\n"), envChildDB+"="+db)
	if search {
		cmd.Env = append(cmd.Env, envChildSrch+"=1")
	}
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("child did not run: %v\n%s", err, out)
	}
	if st, ok := ee.Sys().(syscall.WaitStatus); phase != "" && !(ok && st.Signaled()) && ee.ExitCode() != 3 {
		t.Fatalf("child was not killed: %v\n%s", err, out)
	}
}
