package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/codegraph-dev/codegraph/internal/index"
	cgmcp "github.com/codegraph-dev/codegraph/internal/mcp"
	"github.com/codegraph-dev/codegraph/internal/service"
	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

// metricValue finds the sample of name whose labels include every
// label="value" pair given, in a text exposition; ok is false when there
// is none.
func metricValue(body, name string, labels ...string) (float64, bool) {
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `(\{[^}]*\})? (\S+)$`)
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		all := true
		for i := 0; i+1 < len(labels); i += 2 {
			all = all && strings.Contains(m[1], labels[i]+`="`+labels[i+1]+`"`)
		}
		if all {
			v, err := strconv.ParseFloat(m[2], 64)
			return v, err == nil
		}
	}
	return 0, false
}

func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	if _, err := io.Copy(&b, resp.Body); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestOperatorMetrics checks the operator's metrics over a watched
// repository: the store engine's figures, disk and vector index sizes,
// index runs and watched updates (counts and durations) and MCP tool
// calls by tool.
func TestOperatorMetrics(t *testing.T) {
	root := testrepo.Copy(t, "")
	if _, err := index.Run(context.Background(), index.Options{Root: root}); err != nil {
		t.Fatal(err)
	}
	svc, err := service.New(service.Options{Repos: []service.RepoSpec{{Name: "w", Root: root}}, Watch: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := svc.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	m, err := cgmcp.New(cgmcp.Options{Service: svc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	_, ts := newTestServer(t, Options{Service: svc, Mount: map[string]http.Handler{"/mcp": m.Handler()}, StreamMounts: []string{"/mcp"}})

	body := scrape(t, ts.URL)
	for _, name := range []string{"codegraph_store_disk_bytes", "codegraph_store_tables", "codegraph_index_disk_bytes",
		"codegraph_store_read_amplification", "codegraph_index_filesystem_size_bytes", "codegraph_index_filesystem_free_bytes"} {
		if v, ok := metricValue(body, name, "repo", "w"); !ok || v <= 0 {
			t.Errorf("%s{repo=w} = %v, %v; want > 0", name, v, ok)
		}
	}
	for _, name := range []string{"codegraph_store_compactions_total", "codegraph_store_l0_sublevels", "codegraph_store_write_amplification",
		"codegraph_store_block_cache_hits_total", "codegraph_store_compaction_debt_bytes"} {
		if _, ok := metricValue(body, name, "repo", "w"); !ok {
			t.Errorf("%s{repo=w} missing", name)
		}
	}
	if v, ok := metricValue(body, "codegraph_vector_index_vectors", "repo", "w", "kind", "flat"); !ok || v <= 0 {
		t.Errorf("codegraph_vector_index_vectors{kind=flat} = %v, %v; want > 0\n%s", v, ok, body)
	}
	if v, ok := metricValue(body, "codegraph_vector_index_bytes", "repo", "w", "kind", "flat"); !ok || v <= 0 {
		t.Errorf("codegraph_vector_index_bytes{kind=flat} = %v, %v", v, ok)
	}

	// A tool call over MCP is counted and timed by tool.
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "t"}, nil).Connect(ctx,
		&mcp.StreamableClientTransport{Endpoint: ts.URL + "/mcp", MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	if _, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "search_code", Arguments: map[string]any{"query": "Store"}}); err != nil {
		t.Fatal(err)
	}
	if res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "get_callers", Arguments: map[string]any{"symbol": "NoSuchSymbolAnywhere"}}); err != nil || !res.IsError {
		t.Fatalf("callers of an unknown symbol: %v, %+v", err, res)
	}

	// A watched update: change a file and wait for its run.
	f := filepath.Join(root, "pkg", "store", "store.go")
	src, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f, append(src, "\n// Extra is new.\nfunc Extra() {}\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		body = scrape(t, ts.URL)
		if v, _ := metricValue(body, "codegraph_watch_update_duration_seconds_count", "repo", "w"); v >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no watched update recorded after 30 s:\n%s", grepLines(body, "codegraph_index_runs_total"))
		}
		time.Sleep(100 * time.Millisecond)
	}

	// An index job.
	resp, err := http.Post(ts.URL+"/index?force=true", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	var job struct{ ID string }
	json.NewDecoder(resp.Body).Decode(&job)
	resp.Body.Close()
	if job.ID == "" {
		t.Fatalf("POST /index: %s", resp.Status)
	}
	if err := svc.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	body = scrape(t, ts.URL)
	checks := []struct {
		name   string
		labels []string
		min    float64
	}{
		{"codegraph_index_runs_total", []string{"repo", "w", "kind", "watch", "result", "ok"}, 1},
		{"codegraph_index_runs_total", []string{"repo", "w", "kind", "index", "result", "ok"}, 1},
		{"codegraph_index_duration_seconds_count", []string{"repo", "w"}, 1},
		{"codegraph_resolve_duration_seconds_count", []string{"repo", "w"}, 1},
		{"codegraph_index_last_success_timestamp_seconds", []string{"repo", "w"}, float64(time.Now().Add(-time.Minute).Unix())},
		{"codegraph_mcp_tool_calls_total", []string{"tool", "search_code", "result", "ok"}, 1},
		{"codegraph_mcp_tool_calls_total", []string{"tool", "get_callers", "result", "error"}, 1},
		{"codegraph_mcp_tool_duration_seconds_count", []string{"tool", "search_code"}, 1},
	}
	for _, c := range checks {
		if v, ok := metricValue(body, c.name, c.labels...); !ok || v < c.min {
			t.Errorf("%s%v = %v, %v; want >= %v", c.name, c.labels, v, ok, c.min)
		}
	}
	if t.Failed() {
		t.Logf("%s", grepLines(body, "codegraph_index_runs_total", "codegraph_mcp_tool_calls_total", "_count"))
	}
}

func grepLines(body string, subs ...string) string {
	var out []string
	for _, l := range strings.Split(body, "\n") {
		for _, s := range subs {
			if strings.Contains(l, s) {
				out = append(out, l)
				break
			}
		}
	}
	return strings.Join(out, "\n")
}

// TestMetricNames checks MetricNames against a scrape: every family a
// scrape shows is listed (with its labels), and the listing holds the
// operator's metrics even before they have samples.
func TestMetricNames(t *testing.T) {
	names := MetricNames()
	for _, n := range []string{"codegraph_http_requests_total", "codegraph_index_ready", "codegraph_store_l0_sublevels",
		"codegraph_watch_update_duration_seconds", "codegraph_mcp_tool_calls_total", "codegraph_vector_index_bytes", "go_goroutines"} {
		if _, ok := names[n]; !ok {
			t.Errorf("MetricNames lacks %s", n)
		}
	}
	if got := strings.Join(names["codegraph_index_runs_total"], ","); got != "repo,kind,result" {
		t.Errorf("labels of codegraph_index_runs_total = %q", got)
	}
	if got := strings.Join(names["codegraph_vector_index_vectors"], ","); got != "repo,kind" {
		t.Errorf("labels of codegraph_vector_index_vectors = %q", got)
	}
	_, ts := sharedTestServer(t, Options{})
	body := scrape(t, ts.URL)
	for _, m := range regexp.MustCompile(`(?m)^# TYPE (\S+) `).FindAllStringSubmatch(body, -1) {
		if _, ok := names[m[1]]; !ok {
			t.Errorf("/metrics exports %s, which MetricNames does not list", m[1])
		}
	}
}
