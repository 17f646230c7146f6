package mcp

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

// detect_changes answers what the CLI's diff does, compactly.
func TestDetectChanges(t *testing.T) {
	repo := testrepo.GitHistory(t, filepath.Join("..", "..", "testdata", "history"))
	if _, err := index.Run(context.Background(), index.Options{Root: repo, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	_, cs := connect(t, Options{Repos: []RepoSpec{{Root: repo}}}, nil)
	text, out := mustCall(t, cs, "detect_changes", map[string]any{"from": "v1", "to": "v2"})
	for _, s := range []string{"~ lib/lib.go:4 function Helper [API]", "- lib/lib.go:9 function Old [API]", "+call main→New main.go:7",
		"-call main→Old main.go:7", "1 app.go:5 wrap via Helper", "2 app_test.go:5 TestWrap via wrap [test]", "tests to run: app_test.go", "(complete)"} {
		if !strings.Contains(text, s) {
			t.Errorf("detect_changes text lacks %q:\n%s", s, text)
		}
	}
	if out["complete"] != true || len(out["symbols"].([]any)) != 5 || len(out["items"].([]any)) != 2 {
		t.Errorf("detect_changes structured: %v", out)
	}
	// Default: HEAD (v2) against the working tree, the same as the index.
	if text, _ := mustCall(t, cs, "detect_changes", map[string]any{}); !strings.Contains(text, "0 symbols") {
		t.Errorf("no uncommitted work: %s", text)
	}
	if text, _, isErr := callTool(t, cs, "detect_changes", map[string]any{"from": "nosuch"}); !isErr || !strings.Contains(text, "nosuch") {
		t.Errorf("unknown revision: %v %s", isErr, text)
	}
}
