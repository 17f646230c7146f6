package mcp

import (
	"strings"
	"testing"
)

// TestArgumentNames: one name per argument across tools (symbol, also for
// a file or directory), the old name target still accepted; list
// arguments (kinds, kind, lang) take an array or a comma-separated string
// alike.
func TestArgumentNames(t *testing.T) {
	_, cs, _ := sharedSession(t)
	for _, tool := range []string{"get_dependencies", "get_dependents", "impact_analysis"} {
		a, _, errA := callTool(t, cs, tool, map[string]any{"symbol": "pkg/server"})
		b, _, errB := callTool(t, cs, tool, map[string]any{"target": "pkg/server"})
		if errA || errB || a != b {
			t.Errorf("%s: symbol gives %v %q, target %v %q", tool, errA, a, errB, b)
		}
		if text, _, isErr := callTool(t, cs, tool, map[string]any{"symbol": "pkg/server", "target": "pkg/store"}); !isErr || !strings.Contains(text, "pass symbol only") {
			t.Errorf("%s with symbol and target: %v %q", tool, isErr, text)
		}
	}
	same := func(tool string, x, y map[string]any) {
		t.Helper()
		a, _, errA := callTool(t, cs, tool, x)
		b, _, errB := callTool(t, cs, tool, y)
		if errA || errB || a != b {
			t.Errorf("%s: %v gives %v %q; %v gives %v %q", tool, x, errA, a, y, errB, b)
		}
	}
	same("find_references", map[string]any{"symbol": "Store.Get", "kinds": []string{"calls", "references"}},
		map[string]any{"symbol": "Store.Get", "kinds": "calls, references"})
	same("search_code", map[string]any{"query": "order", "mode": "lexical", "lang": "go,python", "kind": "function,method"},
		map[string]any{"query": "order", "mode": "lexical", "lang": []string{"go", "python"}, "kind": []string{"function", "method"}})
	if text, _, isErr := callTool(t, cs, "find_references", map[string]any{"symbol": "Store.Get", "kinds": 7}); !isErr || !strings.Contains(text, "bad request") {
		t.Errorf("kinds: 7: %v %q", isErr, text)
	}
}
