package server

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/service"
)

// TestTextFilesREST: exact and regex search over the REST API find lines
// of YAML and Markdown files, with the Markdown section that encloses
// them, and the outline of a Markdown file is its headings.
func TestTextFilesREST(t *testing.T) {
	root := t.TempDir()
	for rel, s := range map[string]string{
		"main.go":         "package main\n\nfunc main() {}\n",
		"README.md":       "# Tool\n\n## Install\n\nRun `make install`.\n",
		"deploy/app.yaml": "server:\n  listen_addr: \":8080\"\n",
	} {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := index.Run(context.Background(), index.Options{Root: root}); err != nil {
		t.Fatal(err)
	}
	svc, err := service.New(service.Options{Repos: []service.RepoSpec{{Name: "text", Root: root}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	_, ts := newTestServer(t, Options{Service: svc})
	for _, c := range []struct {
		path     string
		contains []string
	}{
		{"/search?q=listen_%5Cw%2B&mode=regex", []string{`"file":"deploy/app.yaml"`, `"language":"yaml"`, `"line":2`, `"column":3`}},
		{"/search?q=listen_addr&mode=exact&lang=yaml", []string{`"file":"deploy/app.yaml"`}},
		{"/search?q=%5ERun+%60make&mode=regex", []string{`"file":"README.md"`, `"kind":"section"`, `"qualified_name":"Tool.Install"`}},
		{"/graph/outline?file=README.md", []string{`"qualified_name":"Tool.Install"`, `"kind":"section"`}},
	} {
		status, _, body := call(t, ts, "GET", c.path, "")
		if status != 200 {
			t.Errorf("%s: status %d: %s", c.path, status, body)
			continue
		}
		for _, want := range c.contains {
			if !strings.Contains(string(body), want) {
				t.Errorf("%s: lacks %s: %s", c.path, want, body)
			}
		}
	}
}
