package dashboard_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/dashboard"
	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/server"
	"github.com/codegraph-dev/codegraph/internal/service"
	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

// bigRepo writes a repository whose Hub calls 500 functions (a 501-node
// call graph) and whose Python packages a and b import each other (a
// dependency cycle).
func bigRepo(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	var b strings.Builder
	b.WriteString("module example.com/big\n")
	write := func(name, text string) {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", b.String())
	b.Reset()
	b.WriteString("package big\n\n// Hub calls every leaf.\nfunc Hub() {\n")
	for i := range 500 {
		fmt.Fprintf(&b, "\tLeaf%d()\n", i)
	}
	b.WriteString("}\n")
	for i := range 500 {
		fmt.Fprintf(&b, "\n// Leaf%d does nothing.\nfunc Leaf%d() {}\n", i, i)
	}
	write("big/hub.go", b.String())
	write("cyc/a/x.py", "from cyc.b.y import g\n\n\ndef f():\n    return g()\n")
	write("cyc/b/y.py", "from cyc.a.x import f\n\n\ndef g():\n    return f()\n")
	return root
}

// TestDashboardBrowser drives the dashboard in headless Chromium with
// every other host refused (testdata/dashboard-e2e/dashboard.mjs): with an
// API key, over two repositories, it searches, opens a symbol, expands
// its call graph, draws a 500-node graph, opens the repository map and
// follows an index job; no console errors, no request elsewhere, the key
// in no URL.
func TestDashboardBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped with -short")
	}
	dir := filepath.Join(testrepo.Dir(), "..", "dashboard-e2e")
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: the end-to-end tests need Node.js (.ci/run installs it)")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "playwright-core")); err != nil {
		t.Skipf("npm packages missing: run npm ci --prefix %s (.ci/run does)", dir)
	}
	browser := os.Getenv("CHROMIUM")
	for _, name := range []string{"chromium", "chromium-browser"} {
		if browser == "" {
			browser, _ = exec.LookPath(name)
		}
	}
	if browser == "" {
		t.Skip("Chromium is not installed (apt-get install chromium; .ci/run does), or set CHROMIUM")
	}

	shop := testrepo.Copy(t, testrepo.Dir())
	big := bigRepo(t)
	hist := testrepo.GitHistory(t, filepath.Join(testrepo.Dir(), "..", "history"))
	for _, root := range []string{shop, big, hist} {
		if _, err := index.Run(context.Background(), index.Options{Root: root}); err != nil {
			t.Fatal(err)
		}
	}
	svc, err := service.New(service.Options{Repos: []service.RepoSpec{{Name: "shop", Root: shop}, {Name: "big", Root: big}, {Name: "hist", Root: hist}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	const key = "dashboard-e2e-key-0123456789"
	h := dashboard.Handler()
	srv, err := server.New(server.Options{Service: svc, Keys: []server.Key{{Name: "e2e", Key: key, Scope: "rw"}},
		Mount: map[string]http.Handler{"GET /{$}": h, dashboard.AssetsPath: h}, PublicMounts: []string{"GET /{$}", dashboard.AssetsPath}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		ts.Close()
		srv.Close()
	})

	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "dashboard.mjs", ts.URL, browser, "--key", key, "--big", "big", "--hist", "hist")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	t.Logf("dashboard.mjs: %s", out)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	var res struct {
		OK    bool   `json:"ok"`
		Error string `json:"error"`
		Local int    `json:"local"`
		Steps []struct {
			Name          string   `json:"name"`
			Verdict       string   `json:"verdict"`
			Before        int      `json:"before"`
			After         int      `json:"after"`
			Nodes         int      `json:"nodes"`
			CyclePackages int      `json:"cycle_packages"`
			States        []string `json:"states"`
			EdgeStyles    []string `json:"edge_styles"`
		} `json:"steps"`
	}
	if jerr := json.Unmarshal([]byte(lines[len(lines)-1]), &res); jerr != nil || err != nil || !res.OK {
		t.Fatalf("dashboard.mjs failed (%v, %v): %s", err, jerr, res.Error)
	}
	steps := map[string]int{}
	for i, s := range res.Steps {
		steps[s.Name] = i
	}
	for _, want := range []string{"search", "open", "symbol", "expand", "link", "big-graph", "map", "job", "changes"} {
		if _, ok := steps[want]; !ok {
			t.Errorf("step %s missing", want)
		}
	}
	if s := res.Steps[steps["symbol"]]; s.Verdict != "complete" {
		t.Errorf("impact verdict %q, want complete", s.Verdict)
	}
	if s := res.Steps[steps["big-graph"]]; s.Nodes < 501 {
		t.Errorf("the big graph has %d nodes, want 501", s.Nodes)
	}
	if s := res.Steps[steps["map"]]; s.CyclePackages != 2 {
		t.Errorf("%d packages drawn in a cycle, want 2 (cyc/a, cyc/b)", s.CyclePackages)
	}
}
