package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/store"
	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, errs, code := run(t, args...)
	if code != 0 {
		t.Fatalf("codegraph %s: exit %d: %s", strings.Join(args, " "), code, errs)
	}
	return out
}

// shared is the fixture repository indexed once per test binary.
var shared struct {
	once sync.Once
	dir  string
	err  error
}

// sharedRepo returns the fixture repository indexed once per test binary,
// for tests that only read it (the query commands). A test that changes
// the tree or its index, or runs a watcher or a daemon over it, takes a
// copy of its own (indexedRepo). TestMain removes it.
func sharedRepo(t *testing.T) string {
	t.Helper()
	shared.once.Do(func() {
		dir, err := os.MkdirTemp("", "cgfixture")
		if err != nil {
			shared.err = err
			return
		}
		shared.dir = dir
		if err := os.CopyFS(dir, os.DirFS(testrepo.Dir())); err != nil {
			shared.err = err
			return
		}
		var out, errb bytes.Buffer
		if code := Main(context.Background(), []string{"index", dir, "--quiet", "--no-daemon"}, strings.NewReader(""), &out, &errb); code != 0 {
			shared.err = fmt.Errorf("index the shared fixture: exit %d: %s", code, errb.String())
		}
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.dir
}

// indexedRepo returns a copy of the test's own of the shared fixture
// repository and its index (copyIndexed), for a test that changes the tree
// or the index, or runs a watcher, a daemon or a server over it.
func indexedRepo(t *testing.T) string {
	t.Helper()
	return copyIndexed(t, sharedRepo(t))
}

// copyIndexed copies the indexed repository src, its index included, into
// a temporary directory of the test's and returns its path. The copy is
// the index a run there would have made: the files keep their
// modification times (a re-index finds them unchanged, as it would the
// originals) and the store records the copy as its root (which a daemon,
// a server or the source snippets of queries go by).
func copyIndexed(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.WriteFile(target, b, fi.Mode().Perm()); err != nil {
			return err
		}
		return os.Chtimes(target, fi.ModTime(), fi.ModTime())
	})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(dst, ".codegraph"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := st.NewBatch()
	err = b.SetMeta(index.MetaRoot, []byte(dst))
	if err == nil {
		err = b.Commit(true)
	}
	b.Close()
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatalf("record the copy's root: %v", err)
	}
	return dst
}

func TestIndexCreatesStoreAndSummary(t *testing.T) {
	repo := testrepo.Copy(t, filepath.Join("..", "..", "testdata", "repo"))
	out := mustRun(t, "index", repo, "--json")
	var sum struct {
		Files   int            `json:"files"`
		Added   int            `json:"added"`
		Skipped map[string]int `json:"skipped"`
		DB      string         `json:"db"`
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("--json output: %v\n%s", err, out)
	}
	// 2 Go files, 1 Python, 2 TypeScript, the text files go.mod and
	// .gitignore; generated/ is gitignored, node_modules/ skipped by
	// default, .env is a secret.
	if sum.Files != 7 || sum.Added != 7 {
		t.Errorf("files=%d added=%d, want 7 and 7", sum.Files, sum.Added)
	}
	if sum.Skipped["secret"] != 1 {
		t.Errorf("skipped = %v, want the .env counted as a secret", sum.Skipped)
	}
	if sum.DB != filepath.Join(repo, ".codegraph") {
		t.Errorf("db = %q, want PATH/.codegraph", sum.DB)
	}
	if _, err := os.Stat(filepath.Join(repo, ".codegraph")); err != nil {
		t.Fatal(err)
	}
	// Human summary mentions the counts; a re-run is incremental.
	out = mustRun(t, "index", repo)
	if !strings.Contains(out, "7 unchanged") {
		t.Errorf("second run summary:\n%s", out)
	}
}

func TestIndexDBFlag(t *testing.T) {
	repo := testrepo.Copy(t, filepath.Join("..", "..", "testdata", "repo"))
	db := filepath.Join(t.TempDir(), "elsewhere")
	mustRun(t, "index", repo, "--db", db, "-q")
	if _, err := os.Stat(filepath.Join(repo, ".codegraph")); !os.IsNotExist(err) {
		t.Errorf("--db given, but PATH/.codegraph was created")
	}
	out := mustRun(t, "status", "--db", db, "--json")
	if !strings.Contains(out, `"files": 7`) {
		t.Errorf("status via --db:\n%s", out)
	}
}

func TestStatus(t *testing.T) {
	repo := sharedRepo(t)
	t.Chdir(filepath.Join(repo, "pkg", "server")) // finds .codegraph upward
	out := mustRun(t, "status", "--json")
	var s statusJSON
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	if s.Files != 7 || s.Nodes == 0 || s.Edges == 0 || s.IndexedAt == nil || s.StoreBytes == 0 {
		t.Errorf("status = %+v", s)
	}
	if s.Languages["go"].Files != 2 || s.Languages["python"].Files != 1 || s.Languages["typescript"].Files != 2 {
		t.Errorf("languages = %+v", s.Languages)
	}
	if s.NodeKinds["method"] == 0 || s.EdgeKinds["calls"] == 0 {
		t.Errorf("kinds = %v %v", s.NodeKinds, s.EdgeKinds)
	}
	if s.Search == nil || s.Search.Files != 7 || s.Search.Symbols == 0 || s.Search.Vectors == 0 {
		t.Errorf("search = %+v (%s)", s.Search, s.SearchError)
	}
	human := mustRun(t, "status")
	for _, want := range []string{"7 files", "python", "calls", "search:", "vectors (builtin/"} {
		if !strings.Contains(human, want) {
			t.Errorf("status output lacks %q:\n%s", want, human)
		}
	}
}

func TestNoIndexFound(t *testing.T) {
	t.Chdir(t.TempDir())
	_, errs, code := run(t, "status")
	if code == 0 || !strings.Contains(errs, "codegraph index") {
		t.Errorf("exit %d, stderr %q: want a hint to run codegraph index", code, errs)
	}
}

func TestSymbols(t *testing.T) {
	repo := sharedRepo(t)
	db := filepath.Join(repo, ".codegraph")
	out := mustRun(t, "symbols", "--db", db, "--kind", "method", "--file", "pkg/store/store.go", "--json")
	var syms []symbolJSON
	if err := json.Unmarshal([]byte(out), &syms); err != nil {
		t.Fatal(err)
	}
	var qns []string
	for _, s := range syms {
		qns = append(qns, s.QualifiedName)
		if s.Kind != "method" || s.File != "pkg/store/store.go" || s.Language != "go" || s.Line == 0 || s.EndLine < s.Line {
			t.Errorf("bad symbol %+v", s)
		}
	}
	if strings.Join(qns, ",") != "Store.Get,Store.Put" {
		t.Errorf("methods = %v", qns)
	}
	out = mustRun(t, "symbols", "--db", db, "--name", "Report.render")
	if !strings.Contains(out, "tools/report.py:") || !strings.Contains(out, "method") {
		t.Errorf("by qualified name:\n%s", out)
	}
	out = mustRun(t, "symbols", "--db", db, "--kind", "class", "--lang", "typescript")
	if !strings.Contains(out, "Cart") || strings.Contains(out, "Report") {
		t.Errorf("kind+lang filter:\n%s", out)
	}
	if _, errs, code := run(t, "symbols", "--db", db, "--kind", "widget"); code != 2 || !strings.Contains(errs, "kinds:") {
		t.Errorf("unknown kind: exit %d %q", code, errs)
	}
}

// TestExportContract pins the NDJSON export format other tools rely on.
func TestExportContract(t *testing.T) {
	repo := sharedRepo(t)
	out := mustRun(t, "export", "--db", filepath.Join(repo, ".codegraph"), "--format", "ndjson")
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	seenEdge := false
	ids := map[string]bool{}
	kinds := map[string]int{}
	var nodes, edges int
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		switch m["type"] {
		case "node":
			if seenEdge {
				t.Fatal("node after edges: nodes must come first")
			}
			nodes++
			for _, f := range []string{"id", "kind", "name", "qualified_name", "file", "line", "end_line", "language"} {
				if _, ok := m[f]; !ok {
					t.Fatalf("node lacks %q: %s", f, sc.Text())
				}
			}
			if f := m["file"].(string); strings.HasPrefix(f, "/") || strings.Contains(f, "\\") {
				t.Errorf("file not repository-relative: %q", f)
			}
			ids[m["id"].(string)] = true
		case "edge":
			seenEdge = true
			edges++
			for _, f := range []string{"kind", "src", "dst", "file", "line"} {
				if _, ok := m[f]; !ok {
					t.Fatalf("edge lacks %q: %s", f, sc.Text())
				}
			}
			k := m["kind"].(string)
			if k != strings.ToLower(k) {
				t.Errorf("edge kind %q not lower case", k)
			}
			kinds[k]++
			if !ids[m["src"].(string)] {
				t.Errorf("edge src %v is not an exported node", m["src"])
			}
			if d, ok := m["dst"].(string); ok && !ids[d] {
				t.Errorf("edge dst %v is not an exported node", d)
			}
		default:
			t.Fatalf("unknown line type: %s", sc.Text())
		}
	}
	if nodes == 0 || edges == 0 {
		t.Fatalf("nodes=%d edges=%d", nodes, edges)
	}
	for _, k := range []string{"calls", "imports", "contains", "defines", "references"} {
		if kinds[k] == 0 {
			t.Errorf("no %s edges exported (have %v)", k, kinds)
		}
	}
	if _, errs, code := run(t, "export", "--db", filepath.Join(repo, ".codegraph"), "--format", "xml"); code != 2 || !strings.Contains(errs, "ndjson") {
		t.Errorf("bad format: exit %d %q", code, errs)
	}
}

func TestIndexLocked(t *testing.T) {
	repo := indexedRepo(t)
	st, err := store.Open(filepath.Join(repo, ".codegraph"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, errs, code := run(t, "index", repo)
	if code == 0 || !strings.Contains(errs, "locked by pid") {
		t.Errorf("second writer: exit %d, stderr %q", code, errs)
	}
	// Readers still work while the writer holds the lock.
	mustRun(t, "status", "--db", filepath.Join(repo, ".codegraph"))
}

func TestBadArgs(t *testing.T) {
	if _, errs, code := run(t, "index", "/does/not/exist"); code == 0 || !strings.Contains(errs, "no such file") {
		t.Errorf("missing path: exit %d %q", code, errs)
	}
	if _, _, code := run(t, "index", ".", "--max-file-size", "huge"); code != 2 {
		t.Errorf("bad size: exit %d", code)
	}
	if _, errs, code := run(t, "frobnicate"); code == 0 || !strings.Contains(errs, "unknown command") {
		t.Errorf("unknown command: exit %d %q", code, errs)
	}
	out, _, code := run(t, "--help")
	if code != 0 || !strings.Contains(out, "codegraph index") {
		t.Errorf("--help: %d %q", code, out)
	}
}
