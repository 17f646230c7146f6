package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMCPInstallMergesJSON(t *testing.T) {
	repo := t.TempDir()
	if err := os.Mkdir(filepath.Join(repo, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(repo, "pkg", "x")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(sub) // the repository root is found upward
	existing := `{
  "mcpServers": {
    "other": {"command": "npx", "args": ["-y", "other-mcp"], "env": {"TOKEN": "x"}},
    "codegraph": {"command": "old-codegraph", "env": {"CODEGRAPH_EMBEDDING_PROVIDER": "ollama"}}
  },
  "zzz": 1.50
}
`
	mcpJSON := filepath.Join(repo, ".mcp.json")
	writeFile(t, mcpJSON, existing)

	out := mustRun(t, "mcp", "install", "--client", "claude-code", "--command", "codegraph", "--dry-run")
	if readFile(t, mcpJSON) != existing {
		t.Fatal("--dry-run wrote the file")
	}
	if !strings.Contains(out, "would change "+mcpJSON) || !strings.Contains(out, `-    "codegraph": {`) && !strings.Contains(out, `+        "mcp"`) {
		t.Errorf("dry run output:\n%s", out)
	}

	mustRun(t, "mcp", "install", "--client", "claude-code", "--command", "codegraph")
	got := readFile(t, mcpJSON)
	var doc struct {
		MCPServers map[string]struct {
			Type    string            `json:"type"`
			Command string            `json:"command"`
			Args    []string          `json:"args"`
			Env     map[string]string `json:"env"`
		} `json:"mcpServers"`
		ZZZ json.Number `json:"zzz"`
	}
	if err := json.Unmarshal([]byte(got), &doc); err != nil {
		t.Fatalf("%v\n%s", err, got)
	}
	if o := doc.MCPServers["other"]; o.Command != "npx" || o.Env["TOKEN"] != "x" || len(o.Args) != 2 {
		t.Errorf("other server changed: %+v", o)
	}
	cg := doc.MCPServers["codegraph"]
	if cg.Command != "codegraph" || strings.Join(cg.Args, " ") != "mcp" || cg.Type != "stdio" || cg.Env["CODEGRAPH_EMBEDDING_PROVIDER"] != "ollama" {
		t.Errorf("codegraph entry = %+v (env must be kept)", cg)
	}
	if doc.ZZZ != "1.50" || strings.Index(got, `"other"`) > strings.Index(got, `"codegraph"`) || strings.Index(got, `"zzz"`) < strings.Index(got, `"mcpServers"`) {
		t.Errorf("keys reordered or numbers changed:\n%s", got)
	}
	out = mustRun(t, "mcp", "install", "--client", "claude-code", "--command", "codegraph")
	if !strings.Contains(out, "nothing to change") {
		t.Errorf("second install: %s", out)
	}

	// VS Code: a new file, under "servers", pinned to the workspace.
	mustRun(t, "mcp", "install", "--client", "vscode", "--command", "codegraph")
	var vs struct {
		Servers map[string]struct {
			Type, Command string
			Args          []string
		} `json:"servers"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(repo, ".vscode", "mcp.json"))), &vs); err != nil {
		t.Fatal(err)
	}
	if s := vs.Servers["codegraph"]; s.Type != "stdio" || s.Command != "codegraph" || strings.Join(s.Args, " ") != "mcp --db ${workspaceFolder}/.codegraph" {
		t.Errorf("vscode entry = %+v", s)
	}
	// Cursor: mcpServers in .cursor/mcp.json.
	mustRun(t, "mcp", "install", "--client", "cursor", "--command", "/opt/codegraph")
	if got := readFile(t, filepath.Join(repo, ".cursor", "mcp.json")); !strings.Contains(got, `"mcpServers"`) || !strings.Contains(got, `"/opt/codegraph"`) {
		t.Errorf("cursor file:\n%s", got)
	}

	// A file with comments (VS Code allows them) is not rewritten.
	commented := "{\n  // mine\n  \"servers\": {}\n}\n"
	writeFile(t, filepath.Join(repo, ".vscode", "mcp.json"), commented)
	_, errs, code := run(t, "mcp", "install", "--client", "vscode", "--command", "codegraph")
	if code == 0 || !strings.Contains(errs, "not plain JSON") || !strings.Contains(errs, `"servers"`) {
		t.Errorf("commented file: exit %d: %s", code, errs)
	}
	if readFile(t, filepath.Join(repo, ".vscode", "mcp.json")) != commented {
		t.Error("commented file rewritten")
	}
	if _, errs, code := run(t, "mcp", "install", "--client", "emacs"); code != 2 || !strings.Contains(errs, "claude-code, cursor, vscode, codex") {
		t.Errorf("unknown client: exit %d: %s", code, errs)
	}
}

func TestMCPInstallMergesCodexTOML(t *testing.T) {
	home := t.TempDir()
	t.Setenv("CODEX_HOME", home)
	t.Chdir(t.TempDir())
	cfg := filepath.Join(home, "config.toml")
	existing := `model = "o4"   # keep me

[mcp_servers.docs]
command = "npx"
args = [
  "-y",
  "docs-mcp",
]

[mcp_servers.codegraph]
command = "/old/codegraph"
args = [
  "mcp",
  "--verbose",
]
startup_timeout_sec = 30

[mcp_servers.codegraph.env]
CODEGRAPH_EMBEDDING_PROVIDER = "ollama"

[profiles.fast]
model = "mini"
`
	writeFile(t, cfg, existing)
	mustRun(t, "mcp", "install", "--client", "codex", "--command", "codegraph")
	got := readFile(t, cfg)
	want := strings.Replace(existing, "command = \"/old/codegraph\"\nargs = [\n  \"mcp\",\n  \"--verbose\",\n]\n", "command = \"codegraph\"\nargs = [\"mcp\"]\n", 1)
	if got != want {
		t.Errorf("config.toml:\n%s\nwant:\n%s", got, want)
	}

	// A file without the server gets a table at the end.
	writeFile(t, cfg, "model = \"o4\"\n[mcp_servers.docs]\ncommand = \"npx\"")
	mustRun(t, "mcp", "install", "--client", "codex", "--command", `C:\bin\codegraph`, "--name", "cg")
	if got := readFile(t, cfg); got != "model = \"o4\"\n[mcp_servers.docs]\ncommand = \"npx\"\n\n[mcp_servers.cg]\ncommand = \"C:\\\\bin\\\\codegraph\"\nargs = [\"mcp\"]\n" {
		t.Errorf("appended:\n%s", got)
	}
	// An inline table is not rewritten.
	writeFile(t, cfg, "[mcp_servers]\ncodegraph = { command = \"x\" }\n")
	if _, errs, code := run(t, "mcp", "install", "--client", "codex"); code == 0 || !strings.Contains(errs, "line 2") {
		t.Errorf("inline table: exit %d: %s", code, errs)
	}
	// No file yet: created, private.
	os.Remove(cfg)
	mustRun(t, "mcp", "install", "--client", "codex", "--command", "codegraph")
	if fi, err := os.Stat(cfg); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("new config.toml: %v %v", fi, err)
	}
}

func TestLineDiff(t *testing.T) {
	var b strings.Builder
	writeLineDiff(&b, "/x/f.json", "a\nb\nc\n", "a\nB\nc\nd\n")
	if got := b.String(); got != "--- a/f.json\n+++ b/f.json\n a\n-b\n+B\n c\n+d\n" {
		t.Errorf("diff:\n%s", got)
	}
}
