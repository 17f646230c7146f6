package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/service"
	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

// fixtureService returns a service over an indexed copy of testdata/repo
// (with its search indexes), settled.
func fixtureService(t testing.TB) (*service.Service, string) {
	t.Helper()
	root := testrepo.Copy(t, filepath.Join("..", "..", "testdata", "repo"))
	if _, err := index.Run(context.Background(), index.Options{Root: root}); err != nil {
		t.Fatal(err)
	}
	return serviceOver(t, root)
}

// serviceOver returns a service over the indexed repository at root,
// settled.
func serviceOver(t testing.TB, root string) (*service.Service, string) {
	t.Helper()
	svc, err := service.New(service.Options{Repos: []service.RepoSpec{{Name: "fixture", Root: root}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := svc.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	return svc, root
}

// shared is testdata/repo indexed once per test binary (search indexes
// included), for the tests that change neither its files nor its nodes;
// each gets a service of its own over it. TestMain removes it.
var shared struct {
	once sync.Once
	dir  string
	root string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// sharedService returns a service over the shared repository, settled.
func sharedService(t testing.TB) (*service.Service, string) {
	t.Helper()
	shared.once.Do(func() {
		if shared.dir, shared.err = os.MkdirTemp("", "codegraph-server-"); shared.err != nil {
			return
		}
		shared.root = filepath.Join(shared.dir, "repo")
		if shared.err = os.CopyFS(shared.root, os.DirFS(testrepo.Dir())); shared.err != nil {
			return
		}
		_, shared.err = index.Run(context.Background(), index.Options{Root: shared.root})
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return serviceOver(t, shared.root)
}

// sharedTestServer is newTestServer over the shared repository (when
// opts.Service is nil).
func sharedTestServer(t testing.TB, opts Options) (*Server, *httptest.Server) {
	t.Helper()
	if opts.Service == nil {
		opts.Service, _ = sharedService(t)
	}
	return newTestServer(t, opts)
}

// newTestServer serves opts (Service filled in from the fixture when nil)
// through httptest.
func newTestServer(t testing.TB, opts Options) (*Server, *httptest.Server) {
	t.Helper()
	if opts.Service == nil {
		opts.Service, _ = fixtureService(t)
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		ts.Close()
		s.Close()
	})
	return s, ts
}

// call makes one request and returns the status, headers and body.
func call(t testing.TB, ts *httptest.Server, method, path, body string, hdr ...string) (int, http.Header, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// decode unmarshals a JSON body into a generic value.
func decode(t testing.TB, b []byte) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, b)
	}
	return v
}

// errorCode returns the code of an error body ("" when it is none).
func errorCode(t testing.TB, b []byte) string {
	t.Helper()
	var e errorBody
	if err := json.Unmarshal(b, &e); err != nil {
		return ""
	}
	if e.Error.Message == "" {
		t.Errorf("error body without a message: %s", b)
	}
	return e.Error.Code
}

func newHTTPTest(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts
}

// countNodes returns the number of nodes in the service's default repo.
func countNodes(t testing.TB, svc *service.Service) (int, error) {
	t.Helper()
	repo, err := svc.Repo("")
	if err != nil {
		t.Fatal(err)
	}
	sn, release, err := repo.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	st, err := sn.Store.Stats()
	return int(st.Nodes), err
}

// bigService indexes a generated Go repository of files×funcs functions
// (streams need more than a buffer's worth of items).
func bigService(t testing.TB, files, funcs int) *service.Service {
	t.Helper()
	root := t.TempDir()
	for f := range files {
		var b strings.Builder
		fmt.Fprintf(&b, "package p%d\n\n", f)
		for i := range funcs {
			fmt.Fprintf(&b, "// F%d does thing %d.\nfunc F%d(x int) int { return F%d(x + %d) }\n\n", i, i, i, (i+1)%funcs, i)
		}
		dir := filepath.Join(root, fmt.Sprintf("p%d", f))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "f.go"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := index.Run(context.Background(), index.Options{Root: root, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	svc, err := service.New(service.Options{Repos: []service.RepoSpec{{Root: root}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := svc.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	return svc
}
