package testrepo

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// GitHistory makes a git repository in a temporary directory from the
// history fixture at dir (testdata/history): dir/v1 committed and tagged
// v1, then dir/v2 copied over it, committed and tagged v2 (annotated).
// .codegraph/ is ignored. It skips the test when git is not installed.
func GitHistory(t testing.TB, dir string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	repo := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", repo, "-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "commit.gpgsign=false"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q", "-b", "main")
	if err := os.WriteFile(filepath.Join(repo, ".gitignore"), []byte(".codegraph/\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	copyInto(t, filepath.Join(dir, "v1"), repo)
	git("add", "-A")
	git("commit", "-qm", "v1")
	git("tag", "v1")
	copyInto(t, filepath.Join(dir, "v2"), repo)
	git("add", "-A")
	git("commit", "-qm", "v2")
	git("tag", "-a", "-m", "two", "v2")
	return repo
}

// copyInto copies the files under src into dst, over what is there.
func copyInto(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
