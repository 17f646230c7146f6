package cli

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func gitIn(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "commit.gpgsign=false"}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// gitRepo returns a new git repository on branch main with one commit,
// "one" (a.go and a .gitignore of .codegraph/), and a function that writes
// a file in it. It skips the test when git is not installed.
func gitRepo(t *testing.T) (repo string, write func(rel, content string)) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	repo = t.TempDir()
	write = func(rel, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(repo, rel), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gitIn(t, repo, "init", "-q", "-b", "main")
	write(".gitignore", ".codegraph/\n")
	write("a.go", "package p\n\nfunc A() {}\n")
	gitIn(t, repo, "add", "-A")
	gitIn(t, repo, "commit", "-qm", "one")
	return repo, write
}

// status says how far the index is behind git; index --since updates from
// the diff.
func TestStatusGitAndIndexSince(t *testing.T) {
	repo, write := gitRepo(t)
	db := filepath.Join(repo, ".codegraph")
	if _, _, code := run(t, "index", "--since", "HEAD", repo); code == 0 {
		t.Error("--since on a missing index succeeded")
	}
	os.RemoveAll(db)
	mustRun(t, "index", repo, "-q")
	if out := mustRun(t, "status", "--db", db); !strings.Contains(out, "up to date with the work tree") {
		t.Errorf("fresh index status:\n%s", out)
	}
	write("a.go", "package p\n\nfunc A2() {}\n")
	write("b.go", "package p\n\nfunc B() {}\n")
	gitIn(t, repo, "add", "-A")
	gitIn(t, repo, "commit", "-qm", "two")
	write("c.go", "package p\n\nfunc C() {}\n")
	out := mustRun(t, "status", "--db", db)
	if !strings.Contains(out, "is 1 commits ahead; 3 source files changed since") {
		t.Errorf("status behind:\n%s", out)
	}
	var st struct {
		Git struct {
			Ahead   int      `json:"commits_ahead"`
			Changed []string `json:"changed"`
		} `json:"git"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, "status", "--db", db, "--json")), &st); err != nil {
		t.Fatal(err)
	}
	if st.Git.Ahead != 1 || strings.Join(st.Git.Changed, ",") != "a.go,b.go,c.go" {
		t.Errorf("status --json git: %+v", st.Git)
	}
	var sum struct {
		Files, Added, Changed int
	}
	if err := json.Unmarshal([]byte(mustRun(t, "index", repo, "--since", "HEAD~1", "--json")), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Files != 3 || sum.Added != 2 || sum.Changed != 1 {
		t.Errorf("index --since: %+v", sum)
	}
	if out := mustRun(t, "status", "--db", db); !strings.Contains(out, "up to date with the work tree") {
		t.Errorf("status after --since:\n%s", out)
	}
}

// A branch switch handled by a running `codegraph watch` leaves the index
// up to date with the new HEAD, and `status`, answered by the watch
// process, says so (it once reported such an index dozens of commits
// behind).
func TestStatusAfterCheckoutUnderWatch(t *testing.T) {
	repo, write := gitRepo(t)
	gitIn(t, repo, "checkout", "-qb", "topic")
	for i, f := range []string{"b.go", "c.go", "d.go"} {
		write(f, "package p\n\nfunc F"+f[:1]+"() {}\n")
		gitIn(t, repo, "add", "-A")
		gitIn(t, repo, "commit", "-qm", "topic "+string(rune('1'+i)))
	}
	gitIn(t, repo, "checkout", "-q", "main")
	db := filepath.Join(repo, ".codegraph")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"watch", repo, "--json", "--no-precise", "--no-search"}, strings.NewReader(""), &out, &errb)
	}()
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				cancel()
				t.Fatalf("%s: stdout:\n%s\nstderr:\n%s", what, out.String(), errb.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor("first update", func() bool { return strings.Contains(out.String(), `"reason":"start"`) })
	gitIn(t, repo, "checkout", "-q", "topic")
	waitFor("the branch switch's update", func() bool { return strings.Contains(out.String(), `"added":3`) })
	before := answeredByDaemon.Load()
	st := mustRun(t, "status", "--db", db)
	if answeredByDaemon.Load() == before {
		t.Error("status was not answered by the watch process")
	}
	if !strings.Contains(st, "up to date with the work tree") || !strings.Contains(st, "codegraph watch` (pid") {
		t.Errorf("status after a checkout handled by watch:\n%s", st)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("watch exit %d: %s", code, errb.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("watch did not stop")
	}
}
