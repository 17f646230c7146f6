package mcp

import (
	"strings"
	"testing"
)

func TestExportGraph(t *testing.T) {
	_, cs, _ := sharedSession(t)
	text, out := mustCall(t, cs, "export_graph", map[string]any{"symbol": "Store.Get", "direction": "callers"})
	m, _ := out["mermaid"].(string)
	if !strings.HasPrefix(m, "flowchart LR\n") || !strings.Contains(m, `["Server.ServeHTTP"]`) || !strings.Contains(text, "```mermaid\n") {
		t.Errorf("callers of Store.Get:\n%s\n%v", text, out)
	}
	if !strings.Contains(text, "2 nodes, 1 edges") {
		t.Errorf("counts: %s", text)
	}
	_, out = mustCall(t, cs, "export_graph", map[string]any{"path_glob": "tools/**"})
	if m, _ := out["mermaid"].(string); !strings.Contains(m, `["build_report"]`) || !strings.Contains(m, "|calls|") || strings.Contains(m, "Server") || strings.Contains(m, "|contains|") {
		t.Errorf("calls in tools/**:\n%s", m)
	}
	for _, c := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"depth": 2}, "depth needs a symbol"},
		{map[string]any{"symbol": "Store.Get", "direction": "up"}, "direction"},
		{map[string]any{"symbol": "NoSuchSymbolAnywhere"}, "not found"},
	} {
		text, _, isErr := callTool(t, cs, "export_graph", c.args)
		if !isErr || !strings.Contains(text, c.want) {
			t.Errorf("export_graph(%v): error %v %q, want %q", c.args, isErr, text, c.want)
		}
	}
}
