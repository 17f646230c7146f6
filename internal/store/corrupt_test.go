package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

var (
	cleanStoreOnce sync.Once
	cleanStoreDir  string
	cleanStoreErr  error
)

// cleanStore returns a store directory (built once per test binary, never
// modified) with a few hundred nodes flushed into one table.
func cleanStore(t *testing.T) string {
	t.Helper()
	cleanStoreOnce.Do(func() {
		dir, err := os.MkdirTemp("", "codegraph-corrupt-*")
		if err != nil {
			cleanStoreErr = err
			return
		}
		cleanStoreDir = filepath.Join(dir, "db")
		s, err := Open(cleanStoreDir, Options{ObsoleteFileGrace: -1})
		if err != nil {
			cleanStoreErr = err
			return
		}
		b := s.NewBatch()
		for i := range 20 {
			meta, nodes, edges := genFile(fmt.Sprintf("pkg/f%02d.go", i), 1, 20)
			if err := b.ReplaceFile(meta, nodes, edges); err != nil {
				cleanStoreErr = err
			}
		}
		cleanStoreErr = errors.Join(cleanStoreErr, b.Commit(true), b.Close(), s.Compact(context.Background()), s.Close())
	})
	if cleanStoreErr != nil {
		t.Fatalf("building the clean store: %v", cleanStoreErr)
	}
	return cleanStoreDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if cleanStoreDir != "" {
		os.RemoveAll(filepath.Dir(cleanStoreDir))
	}
	os.Exit(code)
}

// copyStore copies the clean store into a new temporary directory.
func copyStore(t *testing.T) string {
	t.Helper()
	src := cleanStore(t)
	dst := filepath.Join(t.TempDir(), "db")
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

// storeFile returns the path of the one file in dir matching pattern.
func storeFile(t *testing.T, dir, pattern string) string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil || len(m) != 1 {
		t.Fatalf("glob %s in %s: %v %v", pattern, dir, m, err)
	}
	return m[0]
}

func flipBytes(t *testing.T, path string, off, n int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if off < 0 {
		off += len(b)
	}
	for i := off; i < off+n && i < len(b); i++ {
		b[i] ^= 0xff
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func truncateFile(t *testing.T, path string, frac float64) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, int64(float64(fi.Size())*frac)); err != nil {
		t.Fatal(err)
	}
}

// readAll opens dir (writer or reader) and reads every node and edge and
// checks every block: the reads a query or an export makes. A panic fails
// the test.
func readAll(dir string, readOnly bool) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("PANIC: %v", p)
		}
	}()
	// The default grace period, as in use: a writer that found orphaned
	// tables must not have deleted them before they are reported.
	s, err := Open(dir, Options{ReadOnly: readOnly})
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, s.Close()) }()
	if err := s.AllNodes(func(graph.Node) error { return nil }); err != nil {
		return err
	}
	if err := s.AllEdges(func(graph.Edge) error { return nil }); err != nil {
		return err
	}
	if err := s.Files(func(FileMeta) error { return nil }); err != nil {
		return err
	}
	return s.Check(context.Background())
}

// TestCorruptStore damages a real store in the ways disks and users do and
// checks that every open and read fails with an error that is ErrCorrupt,
// names the damaged file and says how to rebuild, never with a panic, and
// that Recreate gives a usable empty store.
func TestCorruptStore(t *testing.T) {
	cases := []struct {
		name   string
		damage func(t *testing.T, dir string) (file string)
	}{
		{"flipped block in a table", func(t *testing.T, dir string) string {
			p := storeFile(t, dir, "*.sst")
			fi, _ := os.Stat(p)
			flipBytes(t, p, int(fi.Size()/4), 64)
			return filepath.Base(p)
		}},
		{"truncated table", func(t *testing.T, dir string) string {
			p := storeFile(t, dir, "*.sst")
			truncateFile(t, p, 0.5)
			return filepath.Base(p)
		}},
		{"deleted table", func(t *testing.T, dir string) string {
			p := storeFile(t, dir, "*.sst")
			os.Remove(p)
			return strings.TrimSuffix(filepath.Base(p), ".sst")
		}},
		{"damaged manifest", func(t *testing.T, dir string) string {
			p := storeFile(t, dir, "MANIFEST-*")
			flipBytes(t, p, 20, 16)
			return filepath.Base(p)
		}},
		{"truncated manifest", func(t *testing.T, dir string) string {
			p := storeFile(t, dir, "MANIFEST-*")
			if err := os.Truncate(p, 40); err != nil {
				t.Fatal(err)
			}
			return "MANIFEST-" // a writer's open starts a new one
		}},
		{"deleted manifest", func(t *testing.T, dir string) string {
			p := storeFile(t, dir, "MANIFEST-*")
			os.Remove(p)
			return filepath.Base(p)
		}},
		{"deleted markers", func(t *testing.T, dir string) string {
			ms, _ := filepath.Glob(filepath.Join(dir, "marker.*"))
			if len(ms) == 0 {
				t.Fatal("no marker files")
			}
			for _, m := range ms {
				os.Remove(m)
			}
			return "marker.manifest"
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := copyStore(t)
			if err := readAll(dir, true); err != nil {
				t.Fatalf("clean copy: %v", err)
			}
			file := c.damage(t, dir)
			for _, ro := range []bool{true, false} {
				err := readAll(dir, ro)
				if err == nil {
					t.Fatalf("read-only %v: no error from a damaged store", ro)
				}
				msg := err.Error()
				if strings.Contains(msg, "PANIC") || strings.Contains(msg, "goroutine ") {
					t.Fatalf("read-only %v: %v", ro, err)
				}
				if !errors.Is(err, ErrCorrupt) {
					t.Errorf("read-only %v: %v is not ErrCorrupt", ro, err)
				}
				// The store names the file; the front doors say how to
				// rebuild (a lower layer names no command).
				if !strings.Contains(msg, file) || strings.Contains(msg, "`codegraph") {
					t.Errorf("read-only %v: %q does not name %s, or names a command", ro, msg, file)
				}
				if strings.Count(msg, "\n") > 0 {
					t.Errorf("read-only %v: multi-line message %q", ro, msg)
				}
			}
			s, err := Open(dir, Options{Recreate: true, ObsoleteFileGrace: -1})
			if err != nil {
				t.Fatalf("Recreate: %v", err)
			}
			replace(t, s, FileMeta{Path: "a.go", Language: "go"}, nil, nil)
			if err := errors.Join(s.Check(context.Background()), s.Close()); err != nil {
				t.Fatalf("recreated store: %v", err)
			}
			if err := readAll(dir, true); err != nil {
				t.Fatalf("recreated store: %v", err)
			}
		})
	}
}

// TestCreateInterrupted checks a store whose creation a kill cut short
// after Pebble wrote its first manifest and before the marker naming it
// (seen by killing `codegraph index` 30 ms after its start): it holds
// nothing, so readers say "no index" and a writer creates it anew,
// instead of both calling it damaged.
func TestCreateInterrupted(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{ObsoleteFileGrace: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	kept := false
	for _, e := range ents {
		switch n := e.Name(); {
		case n == "MANIFEST-000001":
			kept = true
		case strings.HasPrefix(n, "LOCK"):
		default:
			if err := os.RemoveAll(filepath.Join(dir, n)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if !kept {
		t.Fatal("a new store has no MANIFEST-000001")
	}
	if _, err := Open(dir, Options{ReadOnly: true}); !errors.Is(err, ErrNoIndex) {
		t.Fatalf("read-only open: %v, want ErrNoIndex", err)
	}
	s, err = Open(dir, Options{ObsoleteFileGrace: -1})
	if err != nil {
		t.Fatalf("writer open: %v", err)
	}
	replace(t, s, FileMeta{Path: "a.go", Language: "go"}, nil, nil)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := readAll(dir, true); err != nil {
		t.Fatalf("the store created again: %v", err)
	}
	// A store that held data and lost its marker is damaged.
	ms, _ := filepath.Glob(filepath.Join(dir, "marker.manifest.*"))
	for _, m := range ms {
		os.Remove(m)
	}
	if err := readAll(dir, true); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("a store with data and no marker: %v, want ErrCorrupt", err)
	}
}

// TestRecreateKeepsOtherFiles checks that Recreate deletes Pebble's files
// only: the lock file and other packages' files in the directory stay.
func TestRecreateKeepsOtherFiles(t *testing.T) {
	dir := copyStore(t)
	other := filepath.Join(dir, "WATCH.codegraph")
	if err := os.WriteFile(other, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir, Options{Recreate: true})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := s.AllNodes(func(graph.Node) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("recreated store has %d nodes", n)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("Recreate deleted another file: %v", err)
	}
}

// TestClassifyOpenErr checks which open errors mean a damaged store (and
// so may lead `index --rebuild` to delete it) and which do not.
func TestClassifyOpenErr(t *testing.T) {
	dir := "/x/db"
	for _, c := range []struct {
		err     error
		corrupt bool
	}{
		{fmt.Errorf("pebble: could not open manifest file %q: %w", "MANIFEST-000001", os.ErrNotExist), true},
		{errors.New(`pebble: malformed manifest file "MANIFEST-000001"`), true},
		{errors.New("L0: 000005: object size mismatch (/x/db/000005.sst): 8000 (disk) != 15993 (MANIFEST)"), true},
		{fmt.Errorf("pebble: could not open manifest file %q: %w", "MANIFEST-000001", syscall.EMFILE), false},
		{fmt.Errorf("open /x/db/MANIFEST-000002: %w", syscall.ENOSPC), false},
		{fmt.Errorf("open /x/db/LOCK: %w", os.ErrPermission), false},
		{errors.New("some other failure"), false},
	} {
		got := classifyOpenErr(dir, c.err)
		if errors.Is(got, ErrCorrupt) != c.corrupt {
			t.Errorf("%v: corrupt = %v, want %v", c.err, !c.corrupt, c.corrupt)
		}
	}
}
