package gitinfo

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

func run(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "commit.gpgsign=false"}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

func write(t *testing.T, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestGitState(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	ctx := context.Background()
	repo := t.TempDir()
	if _, err := Read(ctx, repo); !errors.Is(err, ErrNotRepo) {
		t.Fatalf("outside a repository: %v", err)
	}
	run(t, repo, "init", "-q", "-b", "main")
	write(t, repo, ".gitignore", "*.log\n")
	write(t, repo, "a.go", "package a\n")
	write(t, repo, "sub/b.go", "package sub\n")
	s, err := Read(ctx, repo)
	if err != nil || s.Head != "" || s.Branch != "main" {
		t.Fatalf("before the first commit: %+v %v", s, err)
	}
	if d, err := Dirty(ctx, repo); err != nil || !slices.Equal(d, []string{".gitignore", "a.go", "sub/b.go"}) {
		t.Fatalf("dirty before the first commit: %q %v", d, err)
	}
	run(t, repo, "add", "-A")
	run(t, repo, "commit", "-qm", "one")
	s1, err := Read(ctx, repo)
	if err != nil || len(s1.Head) != 40 || s1.Branch != "main" || filepath.Base(s1.GitDir) != ".git" {
		t.Fatalf("after a commit: %+v %v", s1, err)
	}
	if d, _ := Dirty(ctx, repo); len(d) != 0 {
		t.Errorf("clean tree is dirty: %q", d)
	}
	write(t, repo, "a.go", "package a\n\nfunc A() {}\n")
	write(t, repo, "new.go", "package a\n")
	write(t, repo, "x.log", "ignored\n")
	run(t, repo, "mv", "sub/b.go", "sub/c.go")
	if d, _ := Dirty(ctx, repo); !slices.Equal(d, []string{"a.go", "new.go", "sub/b.go", "sub/c.go"}) {
		t.Errorf("dirty = %q", d)
	}
	// From a subdirectory, paths are relative to it and limited to it.
	if d, _ := Dirty(ctx, filepath.Join(repo, "sub")); !slices.Equal(d, []string{"b.go", "c.go"}) {
		t.Errorf("dirty in sub = %q", d)
	}
	run(t, repo, "add", "-A")
	run(t, repo, "commit", "-qm", "two")
	write(t, repo, "d.go", "package a\n")
	got, err := ChangedSince(ctx, repo, s1.Head)
	if err != nil || !slices.Equal(got, []string{"a.go", "d.go", "new.go", "sub/b.go", "sub/c.go"}) {
		t.Errorf("changed since one = %q %v", got, err)
	}
	if c, _ := ChangedSinceCommit(ctx, repo, s1.Head); !slices.Equal(c, got) {
		t.Errorf("changed since commit one = %q, want %q", c, got)
	}
	if _, err := ChangedSinceCommit(ctx, repo, "--output=/tmp/x"); err == nil {
		t.Error("an option was accepted as a commit")
	}
	if _, err := ChangedSince(ctx, repo, "no-such-rev"); err == nil {
		t.Error("an unknown revision was accepted")
	}
	if _, err := ChangedSince(ctx, repo, "--output=/tmp/x"); err == nil {
		t.Error("an option was accepted as a revision")
	}
	ahead, behind, err := CommitsSince(ctx, repo, s1.Head)
	if err != nil || ahead != 1 || behind != 0 {
		t.Errorf("commits since one: %d ahead, %d behind, %v", ahead, behind, err)
	}
	s2, _ := Read(ctx, repo)
	if d, err := DiffCommits(ctx, repo, s1.Head, s2.Head); err != nil || !slices.Equal(d, []string{"a.go", "new.go", "sub/b.go", "sub/c.go"}) {
		t.Errorf("diff one two = %q %v", d, err)
	}
	run(t, repo, "checkout", "-q", "--detach", s1.Head)
	if s, _ := Read(ctx, repo); s.Branch != "" || s.Head != s1.Head {
		t.Errorf("detached: %+v", s)
	}
	ahead, behind, _ = CommitsSince(ctx, repo, s2.Head)
	if ahead != 0 || behind != 1 {
		t.Errorf("after checking out the older commit: %d ahead, %d behind", ahead, behind)
	}
}
