// Package clients runs the Python and TypeScript client libraries' own
// tests (clients/python/tests, clients/typescript/test) against a real
// `codegraph serve` over the indexed fixture repository (testdata/repo),
// so that `make test` covers them. The Go client (pkg/client) has its own
// tests.
package clients

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

var binary string // built by TestMain

func TestMain(m *testing.M) {
	code := testrepo.RunWithBinary(m, &binary)
	// Stop the servers and remove their directories.
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	os.Exit(code)
}

const (
	rwKey = "clients-rw-key-0123456789"
	roKey = "clients-ro-key-0123456789"
)

// server is one running `codegraph serve`.
type server struct {
	url string
	err error
}

var (
	fixtureOnce, emptyOnce sync.Once
	fixture, empty         server
)

// fixtureServer starts, once per package run, `codegraph serve` over an
// indexed copy of testdata/repo with a read-write and a read-only key.
func fixtureServer(t *testing.T) string {
	t.Helper()
	if testing.Short() || binary == "" {
		t.Skip("the client tests build and run the codegraph binary; skipped with -short")
	}
	fixtureOnce.Do(func() {
		repo, err := os.MkdirTemp("", "codegraph-clients-repo")
		if err != nil {
			fixture.err = err
			return
		}
		cleanups = append(cleanups, func() { os.RemoveAll(repo) })
		if err := os.CopyFS(repo, os.DirFS(testrepo.Dir())); err != nil {
			fixture.err = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if out, err := exec.CommandContext(ctx, binary, "index", repo).CombinedOutput(); err != nil {
			fixture.err = &cmdError{"codegraph index", err, string(out)}
			return
		}
		fixture.url, fixture.err = startServe(repo, "CODEGRAPH_API_KEYS="+rwKey+":rw,"+roKey+":ro")
	})
	if fixture.err != nil {
		t.Fatal(fixture.err)
	}
	return fixture.url
}

// emptyServer starts `codegraph serve` over a repository without an
// index (open, loopback): not ready.
func emptyServer(t *testing.T) string {
	t.Helper()
	emptyOnce.Do(func() {
		repo, err := os.MkdirTemp("", "codegraph-clients-empty")
		if err != nil {
			empty.err = err
			return
		}
		cleanups = append(cleanups, func() { os.RemoveAll(repo) })
		empty.url, empty.err = startServe(repo)
	})
	if empty.err != nil {
		t.Fatal(empty.err)
	}
	return empty.url
}

// cleanups stop the servers and remove their directories when the
// package's tests end (TestMain).
var cleanups []func()

type cmdError struct {
	what string
	err  error
	out  string
}

func (e *cmdError) Error() string { return e.what + ": " + e.err.Error() + "\n" + e.out }

// startServe runs `codegraph serve --no-index` in dir on a free loopback
// port and waits until it answers /health/live.
func startServe(dir string, env ...string) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(binary, "serve", "--addr", addr, "--no-index", "-q")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return "", err
	}
	cleanups = append(cleanups, func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	base := "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(base + "/health/live")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return base, nil
			}
		}
		if time.Now().After(deadline) {
			return "", &cmdError{"codegraph serve not live after 30 s", err, stderr.String()}
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}
