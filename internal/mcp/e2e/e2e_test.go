// Package e2e drives the codegraph binary's MCP server over stdio, as MCP
// clients do: with the official TypeScript SDK client (testdata/mcp-e2e,
// whose node_modules .ci/run installs), and with several concurrent
// servers on one repository.
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

var binary string // built by TestMain

func TestMain(m *testing.M) { os.Exit(testrepo.RunWithBinary(m, &binary)) }

func needBinary(t *testing.T) {
	t.Helper()
	if testing.Short() || binary == "" {
		t.Skip("end-to-end tests build and run the codegraph binary; skipped with -short")
	}
}

// fixture copies testdata/repo into a temp dir.
func fixture(t *testing.T) string { return testrepo.Copy(t, "") }

// TestTypeScriptClient runs testdata/mcp-e2e/e2e.mjs: the official
// TypeScript SDK client against `codegraph mcp` on the indexed fixture.
func TestTypeScriptClient(t *testing.T) {
	needBinary(t)
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "testdata", "mcp-e2e"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@modelcontextprotocol", "sdk")); err != nil {
		t.Skipf("the TypeScript MCP SDK is not installed: run `npm ci --prefix %s` (.ci/run does)", dir)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	repo := fixture(t)
	var big strings.Builder
	big.WriteString("package store\n")
	for i := 2; i <= 300; i++ {
		fmt.Fprintf(&big, "var v%d = %d // line %d of a long file\n", i, i, i)
	}
	if err := os.WriteFile(filepath.Join(repo, "pkg", "store", "big.go"), []byte(big.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(binary, "index", repo, "--quiet").CombinedOutput(); err != nil {
		t.Fatalf("index: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "e2e.mjs", binary, repo)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("e2e.mjs: %v", err)
	}
}

// session starts `codegraph mcp` in dir with args and connects a client.
func session(t *testing.T, ctx context.Context, dir string, args ...string) *mcp.ClientSession {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"mcp"}, args...)...)
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "e2e"}, nil).Connect(ctx, &mcp.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

type answer struct {
	text  string
	state string
	err   bool
	out   map[string]any
}

func call(ctx context.Context, cs *mcp.ClientSession, name string, args map[string]any) (answer, error) {
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		return answer{}, err
	}
	var a answer
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			a.text += tc.Text
		}
	}
	a.err = res.IsError
	if res.StructuredContent != nil {
		b, _ := json.Marshal(res.StructuredContent)
		json.Unmarshal(b, &a.out)
		a.state, _ = a.out["index_state"].(string)
	}
	return a, nil
}

// TestThreeServers starts three servers at once on a repository without
// an index, as three editor windows would: one builds the index in the
// background, the others wait for it; all of them answer, none reports a
// locked database. Then all three re-index at once after an edit, and all
// see the new symbol.
func TestThreeServers(t *testing.T) {
	needBinary(t)
	repo := fixture(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	const n = 3
	sessions := make([]*mcp.ClientSession, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { sessions[i] = session(t, ctx, repo) })
	}
	wg.Wait()

	// waitFor calls get_symbol on every session until it answers.
	var mu sync.Mutex
	seen := map[string]bool{} // answers' states and errors, for the log
	waitFor := func(symbol string) {
		t.Helper()
		errs := make([]error, n)
		for i, cs := range sessions {
			wg.Go(func() {
				deadline := time.Now().Add(90 * time.Second)
				for {
					a, err := call(ctx, cs, "get_symbol", map[string]any{"symbol": symbol})
					if err != nil {
						errs[i] = err
						return
					}
					mu.Lock()
					if a.err {
						seen["error: "+a.text] = true
					} else {
						seen[a.state] = true
					}
					mu.Unlock()
					if strings.Contains(strings.ToLower(a.text), "locked") {
						errs[i] = fmt.Errorf("server %d: %s", i, a.text)
						return
					}
					if !a.err && a.state == "ready" {
						return
					}
					if time.Now().After(deadline) {
						errs[i] = fmt.Errorf("server %d: no answer for %s: %s", i, symbol, a.text)
						return
					}
					time.Sleep(100 * time.Millisecond)
				}
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	waitFor("Store.Get")

	if err := os.WriteFile(filepath.Join(repo, "pkg", "store", "more.go"), []byte("package store\n\nfunc More() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// All three re-index at once: one writes; the others say so or run
	// after it. None fails.
	for i, cs := range sessions {
		wg.Go(func() {
			a, err := call(ctx, cs, "index", nil)
			if err != nil || a.err {
				t.Errorf("server %d: index: %v %s", i, err, a.text)
			}
		})
	}
	wg.Wait()
	waitFor("More")
	for s := range seen {
		t.Logf("seen: %s", s)
	}
}

// TestStartToReady measures, on the index named by
// CODEGRAPH_MCP_BENCH_DB, the time from starting `codegraph mcp` to the
// answer of initialize and of a first tool call.
func TestStartToReady(t *testing.T) {
	needBinary(t)
	db := os.Getenv("CODEGRAPH_MCP_BENCH_DB")
	if db == "" {
		t.Skip("set CODEGRAPH_MCP_BENCH_DB to the store directory of an index (e.g. of $(go env GOROOT)/src)")
	}
	ctx := context.Background()
	var inits, firsts []time.Duration
	for range 5 {
		t0 := time.Now()
		cmd := exec.Command(binary, "mcp", "--db", db, "--no-index")
		cs, err := mcp.NewClient(&mcp.Implementation{Name: "e2e"}, nil).Connect(ctx, &mcp.CommandTransport{Command: cmd}, nil)
		if err != nil {
			t.Fatal(err)
		}
		inits = append(inits, time.Since(t0))
		a, err := call(ctx, cs, "get_symbol", map[string]any{"symbol": "http.Client.Do"})
		if err != nil || a.err {
			t.Fatalf("get_symbol: %v %s", err, a.text)
		}
		firsts = append(firsts, time.Since(t0))
		cs.Close()
	}
	t.Logf("codegraph mcp on %s (%s, GOMAXPROCS %d): start to initialize answered %v; to first get_symbol answered %v",
		db, runtime.GOOS, runtime.GOMAXPROCS(0), inits, firsts)
}
