package backup

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/check"
	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/store"
	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

var (
	fixtureOnce sync.Once
	fixtureDir  string
	fixtureErr  error
)

// fixture returns an indexed copy of the shared fixture repository, built
// once per test binary; tests copy it (testrepo.Copy) before changing it.
func fixture(t *testing.T) string {
	t.Helper()
	fixtureOnce.Do(func() {
		fixtureDir, fixtureErr = os.MkdirTemp("", "codegraph-backup-fixture-*")
		if fixtureErr != nil {
			return
		}
		src := filepath.Join("..", "..", "testdata", "repo")
		if fixtureErr = os.CopyFS(fixtureDir, os.DirFS(src)); fixtureErr != nil {
			return
		}
		_, fixtureErr = index.Run(context.Background(), index.Options{Root: fixtureDir, Search: search.Config{NoVectors: true}})
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixtureDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixtureDir != "" {
		os.RemoveAll(fixtureDir)
	}
	os.Exit(code)
}

func reindex(t *testing.T, repo string) {
	t.Helper()
	if _, err := index.Run(context.Background(), index.Options{Root: repo, Search: search.Config{NoVectors: true}}); err != nil {
		t.Fatal(err)
	}
}

func mustCheck(t *testing.T, db string) *check.Report {
	t.Helper()
	rep, err := check.Run(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("check %s: %v", db, rep.Problems)
	}
	return rep
}

func runGen(t *testing.T, db string) uint64 {
	t.Helper()
	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	run, _, err := index.LastRun(st)
	if err != nil {
		t.Fatal(err)
	}
	return run.Gen
}

// TestCreateWhileWriting backs up an index while an Updater (which holds
// the writer lock, as a watcher or server does) keeps editing and
// re-indexing a file: every backup restores to an index that passes
// check (store, graph, search agreeing) at one complete run.
func TestCreateWhileWriting(t *testing.T) {
	repo := testrepo.Copy(t, fixture(t))
	db := filepath.Join(repo, ".codegraph")
	u, err := index.NewUpdater(index.Options{Root: repo, Search: search.Config{NoVectors: true}})
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	if _, err := store.Open(db, store.Options{}); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("the updater does not hold the writer lock: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	file := filepath.Join(repo, "pkg", "store", "store.go")
	orig, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var runs int
	var writeErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ctx.Err() == nil; i++ {
			// Runs alternate between one and two more symbols, so that
			// search indexes of one run and a store of another disagree.
			src := fmt.Sprintf("%s\nfunc Written%d() int { return Written%d() }\n", orig, i, max(i-1, 0))
			if i%2 == 1 {
				src += fmt.Sprintf("func Also%d() {}\n", i)
			}
			if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
				writeErr = err
				return
			}
			if _, err := u.Update(ctx, []string{file}); err != nil {
				if ctx.Err() == nil {
					writeErr = err
				}
				return
			}
			runs++
			// A watcher's debounce: at least 20 ms between runs.
			time.Sleep(30 * time.Millisecond)
		}
	}()
	backups := t.TempDir()
	var gens []uint64
	for i := range 4 {
		to := filepath.Join(backups, fmt.Sprint(i))
		opts := Options{}
		if i > 0 {
			opts.IncrementalFrom = filepath.Join(backups, fmt.Sprint(i-1))
		}
		st, err := Create(context.Background(), db, to, opts)
		if err != nil {
			cancel()
			wg.Wait()
			t.Fatalf("backup %d while writing: %v", i, err)
		}
		m, err := Read(context.Background(), to, S3Config{})
		if err != nil {
			t.Fatal(err)
		}
		dest := filepath.Join(t.TempDir(), "db")
		if _, err := Restore(context.Background(), to, dest, Options{}); err != nil {
			t.Fatal(err)
		}
		mustCheck(t, dest)
		if g := runGen(t, dest); g != m.RunGen {
			t.Errorf("backup %d: restored run %d, manifest says %d", i, g, m.RunGen)
		}
		gens = append(gens, m.RunGen)
		t.Logf("backup %d: run %d, %d attempts, stored %d of %d bytes", i, m.RunGen, st.Attempts, st.StoredBytes, st.IndexBytes)
	}
	cancel()
	wg.Wait()
	if writeErr != nil {
		t.Fatal(writeErr)
	}
	if runs < 2 || gens[0] == gens[len(gens)-1] {
		t.Fatalf("the writer made %d runs, backups at runs %v: nothing was written during the backups", runs, gens)
	}
}

// TestRestoreRefusesDamage checks that restore verifies every file: a
// changed data file, a replaced parent, a non-empty destination.
func TestRestoreRefusesDamage(t *testing.T) {
	repo := testrepo.Copy(t, fixture(t))
	db := filepath.Join(repo, ".codegraph")
	dir := t.TempDir()
	full, incr := filepath.Join(dir, "full"), filepath.Join(dir, "incr")
	ctx := context.Background()
	if _, err := Create(ctx, db, full, Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(ctx, db, full, Options{}); !errors.Is(err, ErrExists) {
		t.Fatalf("second backup into the same directory: %v, want ErrExists", err)
	}
	if _, err := Create(ctx, db, incr, Options{IncrementalFrom: full}); err != nil {
		t.Fatal(err)
	}
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "notes.txt"), []byte("mine"), 0o644)
	if _, err := Create(ctx, db, other, Options{}); !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("backup into a directory holding other files: %v, want ErrNotEmpty", err)
	}

	// A non-empty destination needs Force.
	dest := filepath.Join(t.TempDir(), "db")
	os.MkdirAll(dest, 0o755)
	os.WriteFile(filepath.Join(dest, "x"), []byte("x"), 0o644)
	if _, err := Restore(ctx, incr, dest, Options{}); !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("restore into a non-empty directory: %v, want ErrNotEmpty", err)
	}
	if _, err := Restore(ctx, incr, dest, Options{Force: true}); err != nil {
		t.Fatal(err)
	}
	mustCheck(t, dest)
	// A locked index is never replaced.
	u, err := store.Open(dest, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Restore(ctx, incr, dest, Options{Force: true}); !errors.Is(err, store.ErrLocked) {
		t.Errorf("restore over an index held by a writer: %v, want ErrLocked", err)
	}
	u.Close()

	// A flipped byte in a data file of the full backup (the incremental
	// one shares it).
	m, err := Read(ctx, full, S3Config{})
	if err != nil {
		t.Fatal(err)
	}
	var biggest File
	for _, f := range m.Files {
		if f.Size > biggest.Size {
			biggest = f
		}
	}
	p := filepath.Join(full, dataDir, biggest.SHA256)
	b, _ := os.ReadFile(p)
	b[len(b)/2] ^= 1
	os.WriteFile(p, b, 0o644)
	dest2 := filepath.Join(t.TempDir(), "db")
	_, err = Restore(ctx, incr, dest2, Options{})
	if !errors.Is(err, ErrChecksum) || !strings.Contains(err.Error(), biggest.Path) {
		t.Fatalf("restore with a damaged file: %v, want ErrChecksum naming %s", err, biggest.Path)
	}
	if _, err := os.Stat(dest2); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed restore left %s behind", dest2)
	}

	// The parent replaced by another backup.
	os.RemoveAll(full)
	if _, err := Create(ctx, db, full, Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := Restore(ctx, incr, filepath.Join(t.TempDir(), "db"), Options{}); err == nil || !strings.Contains(err.Error(), "replaced") {
		t.Fatalf("restore with a replaced parent: %v", err)
	}
}

// TestCreateRefusesDamagedIndex: a backup of a damaged index fails.
func TestCreateRefusesDamagedIndex(t *testing.T) {
	repo := testrepo.Copy(t, fixture(t))
	db := filepath.Join(repo, ".codegraph")
	m, _ := filepath.Glob(filepath.Join(db, "search", "lexical", "base-*.lex"))
	if len(m) == 0 {
		t.Fatal("no lexical index")
	}
	b, _ := os.ReadFile(m[0])
	b[len(b)/3] ^= 0xff
	os.WriteFile(m[0], b, 0o644)
	_, err := Create(context.Background(), db, filepath.Join(t.TempDir(), "b"), Options{})
	if err == nil || !strings.Contains(err.Error(), "not sound") {
		t.Fatalf("backup of a damaged index: %v", err)
	}
}

// TestCreateWhileAPIWrites backs up while nodes are written through the
// API path (Updater.WriteSearch: no index run, so no run marker), with
// the number of nodes alternating: every backup restores to an index
// whose search indexes agree with its store.
func TestCreateWhileAPIWrites(t *testing.T) {
	repo := testrepo.Copy(t, fixture(t))
	db := filepath.Join(repo, ".codegraph")
	u, err := index.NewUpdater(index.Options{Root: repo, Search: search.Config{NoVectors: true}})
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const file = graph.APIPrefix + "notes"
	var wg sync.WaitGroup
	var writes int
	var writeErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ctx.Err() == nil; i++ {
			err := u.WriteSearch(ctx, func(st *store.Store) (search.Changes, error) {
				var old []graph.Node
				if err := st.NodesInFile(file, func(n graph.Node) error { old = append(old, n); return nil }); err != nil {
					return search.Changes{}, err
				}
				var nodes []graph.Node
				for j := range 1 + i%2 {
					name := fmt.Sprintf("Note%d_%d", i, j)
					nodes = append(nodes, graph.Node{ID: graph.MakeNodeID(file, name, graph.KindFunction, 0), Kind: graph.KindFunction,
						Name: name, QualifiedName: name, File: file, Language: "go", StartLine: 1, EndLine: 1})
				}
				b := st.NewBatch()
				defer b.Close()
				if err := b.ReplaceFile(store.FileMeta{Path: file, Language: "go"}, nodes, nil); err != nil {
					return search.Changes{}, err
				}
				if err := b.Commit(true); err != nil {
					return search.Changes{}, err
				}
				ch := search.Changes{Files: []string{file}, Nodes: map[string][]graph.Node{file: search.DocNodes(nodes)}}
				for _, n := range old {
					ch.Removed = append(ch.Removed, n.ID)
				}
				return ch, nil
			})
			if err != nil {
				if ctx.Err() == nil {
					writeErr = err
				}
				return
			}
			writes++
			time.Sleep(time.Millisecond)
		}
	}()
	dir := t.TempDir()
	for i := range 3 {
		to := filepath.Join(dir, fmt.Sprint(i))
		if _, err := Create(context.Background(), db, to, Options{}); err != nil {
			cancel()
			wg.Wait()
			t.Fatalf("backup %d during API writes: %v", i, err)
		}
		dest := filepath.Join(t.TempDir(), "db")
		if _, err := Restore(context.Background(), to, dest, Options{}); err != nil {
			t.Fatal(err)
		}
		mustCheck(t, dest)
	}
	cancel()
	wg.Wait()
	if writeErr != nil {
		t.Fatal(writeErr)
	}
	if writes < 3 {
		t.Fatalf("only %d API writes during the backups", writes)
	}
}
