package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTextFiles: a regex over a YAML or Markdown file is found through the
// CLI, Markdown headings are the file's outline, a re-index follows an
// edit and a delete, and overview counts code only.
func TestTextFiles(t *testing.T) {
	repo := t.TempDir()
	write := func(rel, s string) {
		t.Helper()
		p := filepath.Join(repo, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("main.go", "package main\n\nfunc main() {}\n")
	write("README.md", "# Tool\n\n## Install\n\n### From source\n\nRun `make install`.\n")
	write("deploy/app.yaml", "server:\n  listen_addr: \":8080\"\n")
	mustRun(t, "index", repo, "--quiet", "--no-semantic")
	db := filepath.Join(repo, ".codegraph")

	var hits []struct {
		File, Kind, Language string
		QualifiedName        string `json:"qualified_name"`
		Line, Column         int
	}
	out := mustRun(t, "search", "--db", db, "--mode", "regex", "--json", `listen_\w+:`)
	if err := json.Unmarshal([]byte(out), &hits); err != nil || len(hits) != 1 || hits[0].File != "deploy/app.yaml" ||
		hits[0].Language != "yaml" || hits[0].Line != 2 || hits[0].Column != 3 {
		t.Errorf("regex over YAML: %v %s", err, out)
	}
	out = mustRun(t, "search", "--db", db, "--mode", "exact", "--json", "make install")
	if err := json.Unmarshal([]byte(out), &hits); err != nil || len(hits) != 1 || hits[0].File != "README.md" ||
		hits[0].Kind != "section" || hits[0].QualifiedName != "Tool.Install.From source" || hits[0].Line != 7 {
		t.Errorf("exact over Markdown: %v %s", err, out)
	}
	if out := mustRun(t, "search", "--db", db, "--mode", "regex", "--lang", "go", "listen_addr"); strings.Contains(out, "app.yaml") {
		t.Errorf("--lang go found YAML: %s", out)
	}
	out = mustRun(t, "outline", "README.md", "--db", db)
	for _, want := range []string{"section\tTool\t# Tool", "section\tTool.Install\t## Install", "section\tTool.Install.From source"} {
		if !strings.Contains(out, want) {
			t.Errorf("outline lacks %q:\n%s", want, out)
		}
	}
	var ov struct {
		Files     int
		Languages map[string]int
	}
	if err := json.Unmarshal([]byte(mustRun(t, "overview", "--db", db, "--json")), &ov); err != nil || ov.Files != 1 || len(ov.Languages) != 1 {
		t.Errorf("overview counts text files: %+v %v", ov, err)
	}

	write("README.md", "# Tool\n\n## Install\n\nUse the package manager.\n")
	os.Remove(filepath.Join(repo, "deploy/app.yaml"))
	mustRun(t, "index", repo, "--quiet", "--no-semantic")
	if out := mustRun(t, "search", "--db", db, "--mode", "regex", "listen_addr|make install"); strings.TrimSpace(out) != "no results" {
		t.Errorf("deleted and edited text still found: %s", out)
	}
	if out := mustRun(t, "search", "--db", db, "--mode", "regex", `package manager\.$`); !strings.Contains(out, "README.md:5") {
		t.Errorf("edited README not found: %s", out)
	}
}
