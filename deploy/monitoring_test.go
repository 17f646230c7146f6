package deploy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/server"
)

// The Prometheus alert rules (prometheus/) and the Grafana dashboard
// (grafana/) are checked by loading them: the rule file decodes strictly
// into Prometheus' rule-file shape, every rule and panel has what it needs,
// every PromQL expression has balanced brackets, and every metric they name
// is one the server exports (server.MetricNames), with the labels they
// select on. promtool is not used: github.com/prometheus/prometheus is a
// large module to add for a check this file does.

type ruleFile struct {
	Groups []struct {
		Name     string `yaml:"name"`
		Interval string `yaml:"interval"`
		Rules    []struct {
			Alert       string            `yaml:"alert"`
			Record      string            `yaml:"record"`
			Expr        string            `yaml:"expr"`
			For         string            `yaml:"for"`
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

// promDuration is Prometheus' duration syntax (5m, 1h30m, 30s, 1d).
var promDuration = regexp.MustCompile(`^([0-9]+(ms|s|m|h|d|w|y))+$`)

// Names in PromQL: a series selector's metric name, optionally followed
// by its label matchers.
var (
	selectorRE = regexp.MustCompile(`\b([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?`)
	matcherRE  = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"`)
	stringRE   = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
)

// exported are the metric-name prefixes the server exports; other words
// in an expression are PromQL functions, keywords and label names.
var exported = []string{"codegraph_", "go_", "process_", "promhttp_"}

// checkExpr checks one PromQL expression against the server's metrics and
// returns the metrics it uses.
func checkExpr(t *testing.T, where, expr string, metrics map[string][]string) []string {
	t.Helper()
	if strings.TrimSpace(expr) == "" {
		t.Errorf("%s: empty expression", where)
		return nil
	}
	// Brackets balance outside strings.
	bare := stringRE.ReplaceAllString(expr, `""`)
	var stack []rune
	pairs := map[rune]rune{')': '(', ']': '[', '}': '{'}
	for _, r := range bare {
		switch r {
		case '(', '[', '{':
			stack = append(stack, r)
		case ')', ']', '}':
			if len(stack) == 0 || stack[len(stack)-1] != pairs[r] {
				t.Errorf("%s: unbalanced %q in %s", where, r, expr)
				return nil
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) > 0 {
		t.Errorf("%s: unclosed %q in %s", where, stack[len(stack)-1], expr)
	}
	var used []string
	for _, m := range selectorRE.FindAllStringSubmatch(bare, -1) {
		name := m[1]
		if !slices.ContainsFunc(exported, func(p string) bool { return strings.HasPrefix(name, p) }) {
			continue
		}
		base, labels, ok := lookup(name, metrics)
		if !ok {
			t.Errorf("%s: %s is not a metric the server exports", where, name)
			continue
		}
		used = append(used, base)
		if m[2] == "" {
			continue
		}
		// The matchers, on the original text (values are blanked in bare).
		sel := m[2]
		for _, mm := range matcherRE.FindAllStringSubmatch(sel, -1) {
			if l := mm[1]; l != "instance" && l != "job" && !slices.Contains(labels, l) {
				t.Errorf("%s: %s has no label %q (it has %v)", where, name, l, labels)
			}
		}
	}
	if len(used) == 0 {
		t.Errorf("%s: %s names no codegraph metric", where, expr)
	}
	return used
}

// lookup finds name among the metrics, as is or as a histogram's series
// (_bucket with le, _sum, _count).
func lookup(name string, metrics map[string][]string) (base string, labels []string, ok bool) {
	if l, ok := metrics[name]; ok {
		return name, l, true
	}
	for _, suf := range []string{"_bucket", "_sum", "_count"} {
		if b, found := strings.CutSuffix(name, suf); found {
			if l, ok := metrics[b]; ok {
				if suf == "_bucket" {
					l = append(slices.Clone(l), "le")
				}
				return b, l, true
			}
		}
	}
	return "", nil, false
}

func TestPrometheusRules(t *testing.T) {
	metrics := server.MetricNames()
	files, err := filepath.Glob(filepath.Join("prometheus", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no rule files under prometheus/: %v", err)
	}
	alerts := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var rf ruleFile
		decodeStrict(t, f, b, &rf)
		if len(rf.Groups) == 0 {
			t.Errorf("%s: no groups", f)
		}
		for _, g := range rf.Groups {
			if g.Name == "" || len(g.Rules) == 0 {
				t.Errorf("%s: group %q has no name or no rules", f, g.Name)
			}
			for i, r := range g.Rules {
				where := f + ": " + g.Name + "[" + r.Alert + r.Record + "]"
				if (r.Alert == "") == (r.Record == "") {
					t.Errorf("%s: rule %d needs exactly one of alert and record", where, i)
				}
				if r.For != "" && !promDuration.MatchString(r.For) {
					t.Errorf("%s: for %q is not a duration", where, r.For)
				}
				if r.Alert != "" {
					if alerts[r.Alert] {
						t.Errorf("%s: alert %s defined twice", where, r.Alert)
					}
					alerts[r.Alert] = true
					if s := r.Labels["severity"]; s != "warning" && s != "critical" && s != "info" {
						t.Errorf("%s: severity %q (want warning, critical or info)", where, s)
					}
					if r.Annotations["summary"] == "" || r.Annotations["description"] == "" {
						t.Errorf("%s: needs a summary and a description", where)
					}
				}
				checkExpr(t, where, r.Expr, metrics)
			}
		}
	}
	// The alerts the operator needs (issue 21): index not ready, update
	// lag, error rate, disk.
	for _, a := range []string{"CodegraphIndexNotReady", "CodegraphUpdateLagHigh", "CodegraphHighErrorRate", "CodegraphDiskAlmostFull"} {
		if !alerts[a] {
			t.Errorf("no alert %s", a)
		}
	}
}

type dashboard struct {
	Title      string `json:"title"`
	UID        string `json:"uid"`
	Templating struct {
		List []struct {
			Name  string `json:"name"`
			Type  string `json:"type"`
			Query any    `json:"query"`
		} `json:"list"`
	} `json:"templating"`
	Panels []panel `json:"panels"`
}

type panel struct {
	ID      int    `json:"id"`
	Type    string `json:"type"`
	Title   string `json:"title"`
	GridPos struct {
		H, W, X, Y int
	} `json:"gridPos"`
	Targets []struct {
		RefID string `json:"refId"`
		Expr  string `json:"expr"`
	} `json:"targets"`
	Panels []panel `json:"panels"` // a collapsed row's
}

func TestGrafanaDashboard(t *testing.T) {
	metrics := server.MetricNames()
	files, err := filepath.Glob(filepath.Join("grafana", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no dashboards under grafana/: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var d dashboard
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if d.Title == "" || d.UID == "" || len(d.Panels) == 0 {
			t.Fatalf("%s: needs a title, a uid and panels", f)
		}
		vars := map[string]bool{"__rate_interval": true, "__range": true, "__interval": true}
		for _, v := range d.Templating.List {
			vars[v.Name] = true
		}
		ids := map[int]bool{}
		used := map[string]bool{}
		var walk func([]panel)
		walk = func(ps []panel) {
			for _, p := range ps {
				if ids[p.ID] {
					t.Errorf("%s: panel id %d used twice", f, p.ID)
				}
				ids[p.ID] = true
				if p.GridPos.W <= 0 || p.GridPos.X+p.GridPos.W > 24 || p.GridPos.H <= 0 {
					t.Errorf("%s: panel %q: grid position %+v", f, p.Title, p.GridPos)
				}
				if p.Type != "row" && len(p.Targets) == 0 {
					t.Errorf("%s: panel %q has no queries", f, p.Title)
				}
				for _, tg := range p.Targets {
					where := f + ": " + p.Title + "/" + tg.RefID
					for _, m := range regexp.MustCompile(`\$\{?(\w+)`).FindAllStringSubmatch(tg.Expr, -1) {
						if !vars[m[1]] {
							t.Errorf("%s: unknown variable $%s", where, m[1])
						}
					}
					// Grafana's variables are not PromQL: stand in for them.
					expr := regexp.MustCompile(`\$\{?\w+\}?`).ReplaceAllString(tg.Expr, "5m")
					for _, u := range checkExpr(t, where, expr, metrics) {
						used[u] = true
					}
				}
				walk(p.Panels)
			}
		}
		walk(d.Panels)
		// The figures issue 21 asks for are on the dashboard.
		for _, m := range []string{"codegraph_index_ready", "codegraph_store_compactions_total", "codegraph_store_l0_sublevels",
			"codegraph_store_read_amplification", "codegraph_store_write_amplification", "codegraph_store_block_cache_hit_ratio",
			"codegraph_store_disk_bytes", "codegraph_index_duration_seconds", "codegraph_resolve_duration_seconds",
			"codegraph_watch_update_duration_seconds", "codegraph_mcp_tool_calls_total", "codegraph_mcp_tool_duration_seconds",
			"codegraph_vector_index_vectors"} {
			if !used[m] {
				t.Errorf("%s: no panel shows %s", f, m)
			}
		}
	}
}
