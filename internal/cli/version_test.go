package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func TestBuildVersionFromBuildInfo(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/codegraph-dev/codegraph", Version: "v1.2.3"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123"},
			{Key: "vcs.time", Value: "2026-12-07T01:00:00Z"},
			{Key: "vcs.modified", Value: "true"},
			{Key: "CGO_ENABLED", Value: "1"},
			{Key: "-tags", Value: "purego,netgo"},
		}}
	v := buildVersion(bi, "portable", "amd64")
	if v.Version != "v1.2.3" || v.Commit != "0123456789abcdef0123" || !v.Modified || v.CommitDate != "2026-12-07T01:00:00Z" || !v.CGO || v.GoVersion != "go1.26.8" {
		t.Errorf("version facts = %+v", v)
	}
	if len(v.Features) != 1 || !strings.Contains(v.Features[0], "purego") {
		t.Errorf("features = %q, want the portable kernels put down to -tags purego", v.Features)
	}
	line := v.oneLine()
	for _, want := range []string{"codegraph v1.2.3", "commit 0123456789ab+dirty", "committed 2026-12-07", "go1.26.8", "vector kernels portable"} {
		if !strings.Contains(line, want) {
			t.Errorf("one line %q lacks %q", line, want)
		}
	}
	bi.Settings = bi.Settings[:4]
	if got := buildVersion(bi, "portable", "arm64").Features[0]; !strings.Contains(got, "arm64") {
		t.Errorf("arm64 feature = %q", got)
	}
	if got := buildVersion(bi, "portable", "amd64").Features[0]; !strings.Contains(got, "AVX2") {
		t.Errorf("amd64 without purego feature = %q, want the CPU blamed", got)
	}
	if got := buildVersion(bi, "avx2+fma", "amd64").Features[0]; got != "vector kernels: avx2+fma" {
		t.Errorf("simd feature = %q", got)
	}
	// -ldflags wins over the module version; "(devel)" is no version.
	old := Version
	t.Cleanup(func() { Version = old })
	Version = "v9.9.9"
	if got := buildVersion(bi, "portable", "amd64").Version; got != "v9.9.9" {
		t.Errorf("ldflags version lost: %q", got)
	}
	Version = "dev"
	bi.Main.Version = "(devel)"
	if got := buildVersion(bi, "portable", "amd64").Version; got != "dev" {
		t.Errorf("(devel) taken as a version: %q", got)
	}
}

func TestVersionCommand(t *testing.T) {
	out := mustRun(t, "version", "--json")
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("version --json: %v\n%s", err, out)
	}
	for _, k := range []string{"version", "commit", "modified", "commit_date", "build_date", "go_version", "platform", "cgo", "tags", "vector_kernels", "features"} {
		if _, ok := v[k]; !ok {
			t.Errorf("version --json lacks %q: %s", k, out)
		}
	}
	if v["version"] == "" || !strings.HasPrefix(v["go_version"].(string), "go") {
		t.Errorf("version --json = %s", out)
	}
	out = mustRun(t, "version")
	if !strings.Contains(out, "vector kernels:") || !strings.Contains(out, "commit:") {
		t.Errorf("version:\n%s", out)
	}
	one := mustRun(t, "--version")
	if strings.Count(one, "\n") != 1 || !strings.HasPrefix(one, "codegraph ") || !strings.Contains(one, "vector kernels") {
		t.Errorf("--version = %q, want one line", one)
	}
}

// The ldflags variables reach the binary, as make release sets them.
func TestVersionLdflags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "codegraph")
	pkg := "github.com/codegraph-dev/codegraph/internal/cli"
	cmd := exec.Command("go", "build", "-ldflags", "-X "+pkg+".Version=v0.42.0 -X "+pkg+".Commit=abc123 -X "+pkg+".BuildDate=2026-12-07T00:00:00Z", "-o", bin, "../../cmd/codegraph")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := string(out); !strings.HasPrefix(got, "codegraph v0.42.0 (commit abc123, built 2026-12-07T00:00:00Z, go") {
		t.Errorf("--version = %q", got)
	}
}

func TestCompletionScripts(t *testing.T) {
	dir := t.TempDir()
	for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
		out := mustRun(t, "completion", sh)
		if !strings.Contains(out, "codegraph") || len(out) < 500 {
			t.Errorf("completion %s: %d bytes", sh, len(out))
		}
		p := filepath.Join(dir, "codegraph."+sh)
		if err := os.WriteFile(p, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		checker := map[string][]string{"bash": {"bash", "-n", p}, "zsh": {"zsh", "-n", p}, "fish": {"fish", "--no-execute", p}}[sh]
		if checker == nil {
			continue
		}
		if _, err := exec.LookPath(checker[0]); err != nil {
			t.Logf("no %s: %s script not checked", checker[0], sh)
			continue
		}
		if out, err := exec.Command(checker[0], checker[1:]...).CombinedOutput(); err != nil {
			t.Errorf("%s rejects the script: %v\n%s", sh, err, out)
		}
	}
	// Loaded into bash, it registers a completion for codegraph.
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	out, err := exec.Command("bash", "--norc", "-c", "source "+filepath.Join(dir, "codegraph.bash")+" && complete -p codegraph").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "codegraph") {
		t.Errorf("bash: complete -p codegraph: %v\n%s", err, out)
	}
}

func TestIndexIgnoresItsStoreInGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	repo := t.TempDir()
	gitIn(t, repo, "init", "-q")
	if err := os.WriteFile(filepath.Join(repo, "a.go"), []byte("package p\n\nfunc A() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "index", repo, "-q")
	b, err := os.ReadFile(filepath.Join(repo, ".codegraph", ".gitignore"))
	if err != nil || !strings.Contains(string(b), "\n*\n") {
		t.Fatalf(".codegraph/.gitignore = %q, %v", b, err)
	}
	out, err := exec.Command("git", "-C", repo, "status", "--porcelain", "--untracked-files=all").Output()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), ".codegraph") {
		t.Errorf("git status shows the index:\n%s", out)
	}
	// A user's own .gitignore there is kept.
	if err := os.WriteFile(filepath.Join(repo, ".codegraph", ".gitignore"), []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "index", repo, "-q")
	if b, _ := os.ReadFile(filepath.Join(repo, ".codegraph", ".gitignore")); string(b) != "mine\n" {
		t.Errorf(".gitignore replaced: %q", b)
	}

	// --db naming a new directory: codegraph created it, so it is ignored.
	fresh := filepath.Join(t.TempDir(), "idx")
	mustRun(t, "index", repo, "--db", fresh, "-q")
	if _, err := os.Stat(filepath.Join(fresh, ".gitignore")); err != nil {
		t.Errorf("no .gitignore in a store directory codegraph created: %v", err)
	}
	// --db naming a directory that existed (and is not called .codegraph):
	// not codegraph's to hide.
	existing := t.TempDir()
	mustRun(t, "index", repo, "--db", existing, "-q")
	if _, err := os.Stat(filepath.Join(existing, ".gitignore")); !os.IsNotExist(err) {
		t.Errorf(".gitignore written into a directory codegraph did not create: %v", err)
	}
}
