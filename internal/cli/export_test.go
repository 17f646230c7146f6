package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestExportFormats runs the selections and formats of codegraph export
// through the command line, as the README shows them.
func TestExportFormats(t *testing.T) {
	repo := sharedRepo(t)
	db := filepath.Join(repo, ".codegraph")
	out := mustRun(t, "export", "--db", db, "--format", "mermaid", "--root", "Server.ServeHTTP", "--depth", "2")
	if !strings.HasPrefix(out, "flowchart LR\n") || !strings.Contains(out, `["Store.Get"]`) {
		t.Errorf("mermaid:\n%s", out)
	}
	out = mustRun(t, "export", "--db", db, "--format", "svg", "--root", "Store.Get", "--direction", "callers")
	if !strings.HasPrefix(out, "<svg") || strings.Count(out, "data-node-id=") != 2 {
		t.Errorf("svg callers of Store.Get:\n%s", out)
	}
	out = mustRun(t, "export", "--db", db, "--format", "dot", "--kind", "imports")
	if !strings.HasPrefix(out, "digraph codegraph {") || !strings.Contains(out, `label="imports"`) ||
		strings.Contains(out, `label="calls"`) || strings.Contains(out, `label="Store.Get"`) {
		t.Errorf("dot of the imports:\n%s", out)
	}
	out = mustRun(t, "export", "--db", db, "--format", "mermaid", "--package", "store", "--kind", "references")
	if !strings.Contains(out, `["Store.Get"]`) || !strings.Contains(out, "|references|") || strings.Contains(out, "Server") {
		t.Errorf("mermaid references inside package store:\n%s", out)
	}
	out = mustRun(t, "export", "--db", db, "--format", "graphml", "--path", "pkg/**")
	if !strings.Contains(out, "<graphml") || strings.Contains(out, "web/") {
		t.Errorf("graphml of pkg/**:\n%s", out)
	}
	out = mustRun(t, "export", "--db", db, "--format", "ndjson", "--path", "pkg/store")
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(l, `{"type":"node"`) && !strings.Contains(l, `"file":"pkg/store/store.go"`) {
			t.Errorf("ndjson --path pkg/store: %s", l)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--format", "dot", "--max-nodes", "3"}, "--root"},
		{[]string{"--format", "png"}, "mermaid"},
		{[]string{"--kind", "calls,nope"}, "nope"},
		{[]string{"--depth", "2"}, "--depth needs --root"},
		{[]string{"--root", "Store.Get", "--direction", "up"}, "callers"},
	} {
		_, errs, code := run(t, append([]string{"export", "--db", db}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("export %v: exit %d %q, want 2 and %q", c.args, code, errs, c.want)
		}
	}
}
