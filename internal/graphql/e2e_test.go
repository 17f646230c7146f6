package graphql

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

// TestEndToEndClient runs testdata/graphql-e2e/e2e.mjs, the graphql-ws
// client on Node, against the handler: parseProgress of a real index job
// started by parseProject, and nodeCreated after createNode. .ci/run
// installs its npm packages.
func TestEndToEndClient(t *testing.T) {
	node, dir := nodeE2E(t, "graphql-ws")
	// Enough files that the index job is still running when the client
	// subscribes to its progress.
	f := newFixture(t, Options{}, func(root string) {
		for i := range 150 {
			var b strings.Builder
			fmt.Fprintf(&b, "package p%d\n", i)
			for j := range 40 {
				fmt.Fprintf(&b, "\n// F%d calls F%d.\nfunc F%d(x int) int { return F%d(x) + %d }\n", j, (j+1)%40, j, (j+1)%40, j)
			}
			p := filepath.Join(root, "gen", fmt.Sprintf("p%d", i), "p.go")
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "e2e.mjs", f.srv.URL+"/graphql", "--require-running")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	t.Logf("e2e.mjs: %s", out)
	if err != nil {
		t.Fatalf("e2e.mjs failed: %v", err)
	}
	if !strings.Contains(string(out), `"ok":true`) {
		t.Fatal("e2e.mjs did not report success")
	}
}

// TestGraphiQLBrowser loads the GraphiQL page in headless Chromium with
// every other host refused, as on a machine without internet access, and
// runs a query from it (testdata/graphql-e2e/graphiql.mjs).
func TestGraphiQLBrowser(t *testing.T) {
	node, dir := nodeE2E(t, "playwright-core")
	browser := os.Getenv("CHROMIUM")
	if browser == "" {
		for _, name := range []string{"chromium", "chromium-browser"} {
			if p, err := exec.LookPath(name); err == nil {
				browser = p
				break
			}
		}
	}
	if browser == "" {
		t.Skip("Chromium is not installed (apt-get install chromium; .ci/run does), or set CHROMIUM")
	}
	f := newFixture(t, Options{}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "graphiql.mjs", f.srv.URL, browser)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	t.Logf("graphiql.mjs: %s", out)
	if err != nil {
		t.Fatalf("graphiql.mjs failed: %v", err)
	}
	var res struct {
		OK       bool     `json:"ok"`
		Local    []string `json:"local"`
		Response string   `json:"response"`
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil || !res.OK {
		t.Fatalf("graphiql.mjs did not report success (%v)", err)
	}
	if !strings.Contains(res.Response, `"shop"`) {
		t.Errorf("the page's answer does not name the repository: %s", res.Response)
	}
	for name := range playgroundAssets {
		if !slices.Contains(res.Local, PlaygroundAssetsPath+name) {
			t.Errorf("the page did not load %s from the server (loaded %q)", name, res.Local)
		}
	}
}

// nodeE2E returns Node.js and testdata/graphql-e2e, skipping the test with
// -short or when either or the npm package pkg is missing (.ci/run
// installs them).
func nodeE2E(t *testing.T, pkg string) (node, dir string) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test skipped with -short")
	}
	dir = filepath.Join(testrepo.Dir(), "..", "graphql-e2e")
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: the end-to-end tests need Node.js (.ci/run installs it)")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg)); err != nil {
		t.Skipf("npm packages missing: run npm ci --prefix %s (.ci/run does)", dir)
	}
	return node, dir
}
