// Package e2e starts the codegraph binary's HTTP server (`codegraph
// serve`) on a loopback port over the indexed fixture repository and
// drives it with independent clients: curl for REST, NDJSON and SSE
// (testdata/http-e2e/e2e.sh), and the official TypeScript MCP client over
// streamable HTTP (testdata/http-e2e/mcp-http.mjs, whose node_modules
// .ci/run installs).
package e2e

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

var binary string // built by TestMain

func TestMain(m *testing.M) { os.Exit(testrepo.RunWithBinary(m, &binary)) }

const (
	rwKey = "e2e-rw-key-0123456789"
	roKey = "e2e-ro-key-0123456789"
)

// serve indexes a copy of the fixture, starts `codegraph serve` on a free
// loopback port with a read-write and a read-only key, waits until it is
// ready, and returns its base URL and process.
func serve(t *testing.T) (string, *exec.Cmd) {
	t.Helper()
	if testing.Short() || binary == "" {
		t.Skip("end-to-end tests build and run the codegraph binary; skipped with -short")
	}
	repo := testrepo.Copy(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, binary, "index", repo).CombinedOutput(); err != nil {
		t.Fatalf("index: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(binary, "serve", "--addr", addr, "--no-index", "-q")
	cmd.Dir = repo
	cmd.Env = append(os.Environ(), "CODEGRAPH_API_KEYS="+rwKey+":rw,"+roKey+":ro")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	base := "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(base + "/health/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("codegraph serve not ready after 30 s: %v\n%s", err, stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return base, cmd
}

func testdataDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "testdata", "http-e2e")
}

// TestCurl runs testdata/http-e2e/e2e.sh against the server, then stops
// it with SIGTERM and checks that it exits cleanly.
func TestCurl(t *testing.T) {
	base, cmd := serve(t)
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed (.ci/run installs it)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "bash", filepath.Join(testdataDir(), "e2e.sh"), base, rwKey, roKey).CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("e2e.sh: %v", err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve exited with %v after SIGTERM", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve still running 30 s after SIGTERM")
	}
}

// TestTypeScriptMCPClient runs testdata/http-e2e/mcp-http.mjs: the
// official TypeScript MCP client over streamable HTTP against /mcp.
func TestTypeScriptMCPClient(t *testing.T) {
	base, _ := serve(t)
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	dir := testdataDir()
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@modelcontextprotocol", "sdk")); err != nil {
		t.Skip("testdata/http-e2e/node_modules is missing: run npm ci --prefix testdata/http-e2e (.ci/run does)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "mcp-http.mjs", base, roKey)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("mcp-http.mjs: %v", err)
	}
	if !strings.Contains(string(out), "ok:") {
		t.Fatal("mcp-http.mjs did not report success")
	}
}

// TestGraphQLClient runs testdata/graphql-e2e/e2e.mjs (the graphql-ws
// client on ws) against codegraph serve's /graphql: a parseProject job
// followed with the parseProgress subscription, nodeCreated after
// createNode, with a read-write API key.
func TestGraphQLClient(t *testing.T) {
	base, _ := serve(t)
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	dir := filepath.Join(testdataDir(), "..", "graphql-e2e")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "graphql-ws")); err != nil {
		t.Skip("testdata/graphql-e2e/node_modules is missing: run npm ci --prefix testdata/graphql-e2e (.ci/run does)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "e2e.mjs", base+"/graphql", "--key="+rwKey)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("e2e.mjs: %v", err)
	}
}
