package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/daemon"
	"github.com/codegraph-dev/codegraph/internal/service"
	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

// TestMain keeps the tests away from a daemon the developer may run: each
// test binary has its own daemon directory.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(childMain())
	}
	dir, err := os.MkdirTemp("", "cgd")
	if err != nil {
		panic(err)
	}
	os.Setenv("CODEGRAPH_DAEMON_DIR", dir)
	code := m.Run()
	os.RemoveAll(dir)
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// TestDaemon runs `daemon run` in this process and drives it with the
// other commands: status, index through the daemon (an existing and a new
// repository), and the end of the daemon.
func TestDaemon(t *testing.T) {
	dir, err := os.MkdirTemp("", "cgd")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	t.Setenv("CODEGRAPH_DAEMON_DIR", dir)
	repo := indexedRepo(t)

	_, _, code := run(t, "daemon", "status")
	if code != 3 {
		t.Fatalf("status without a daemon: exit %d", code)
	}
	ctx, stop := context.WithCancel(context.Background())
	var derr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"daemon", "run", "--repo", "fixture=" + repo}, strings.NewReader(""), &bytes.Buffer{}, &derr)
	}()
	p := daemon.PathsIn(dir)
	deadline := time.Now().Add(20 * time.Second)
	for !daemon.Alive(context.Background(), p) {
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("the daemon did not come up: %s", derr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}

	out := mustRun(t, "daemon", "status", "--json")
	var st daemonStatus
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	if !st.Running || st.PID != os.Getpid() || len(st.Repos) != 1 || st.Repos[0].Name != "fixture" {
		t.Fatalf("status: %s", out)
	}

	// The filesystem root is refused as a repository, with a clear error.
	if err := daemonCall(context.Background(), p, http.MethodPost, "/daemon/repos", service.RepoSpec{Root: "/"}, nil); err == nil || !strings.Contains(err.Error(), "filesystem root") {
		t.Errorf("registering / with the daemon: %v", err)
	}

	// An edit, indexed through the daemon (which holds the index).
	if err := os.WriteFile(filepath.Join(repo, "extra.go"), []byte("package main\n\nfunc ThroughDaemon() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := run(t, "index", repo, "--json")
	if code != 0 {
		t.Fatalf("index through the daemon: exit %d: %s", code, stderr)
	}
	// The daemon also watches, so its watcher may have indexed the file
	// before the run: the run finds it added or unchanged, never missing.
	var sum struct {
		Files int `json:"files"`
		Added int `json:"added"`
	}
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil || sum.Files != 8 || sum.Added > 1 {
		t.Fatalf("summary %s (%v)", stdout, err)
	}
	if out := mustRun(t, "def", "ThroughDaemon", "--db", filepath.Join(repo, ".codegraph")); !strings.Contains(out, "extra.go") {
		t.Errorf("def after the daemon's run: %s", out)
	}

	// A repository the daemon does not serve yet is registered and indexed.
	other := testrepo.Copy(t, filepath.Join("..", "..", "testdata", "repo"))
	if _, stderr, code := run(t, "index", other); code != 0 || !strings.Contains(stderr, "through the codegraph daemon") {
		t.Fatalf("index of a new repository: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(other, ".codegraph")); err != nil {
		t.Errorf("the new repository has no index: %v", err)
	}
	out = mustRun(t, "daemon", "status")
	if !strings.Contains(out, "fixture") || !strings.Contains(out, other) {
		t.Errorf("status after registering: %s", out)
	}
	// The daemon watches: its index follows an edit with no index run.
	if err := os.WriteFile(filepath.Join(repo, "saved.go"), []byte("package main\n\nfunc SavedOnly() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(20 * time.Second)
	for {
		out, _, _ := run(t, "def", "SavedOnly", "--db", filepath.Join(repo, ".codegraph"))
		if strings.Contains(out, "saved.go") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the daemon's watcher did not index saved.go: %s", out)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// --no-daemon runs in this process, and meets the index the daemon
	// holds: the error names the daemon.
	if _, stderr, code := run(t, "index", other, "--no-daemon", "--quiet"); code == 0 || !strings.Contains(stderr, "codegraph daemon") {
		t.Errorf("index --no-daemon while the daemon holds the index: exit %d: %s", code, stderr)
	}

	stop()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("daemon exit %d: %s", code, derr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the daemon did not stop")
	}
	if _, err := os.Stat(p.Socket); !os.IsNotExist(err) {
		t.Errorf("socket left behind: %v", err)
	}
	// It remembers its repositories.
	b, err := os.ReadFile(filepath.Join(dir, "repos.json"))
	if err != nil || !strings.Contains(string(b), other) {
		t.Errorf("repos.json: %s %v", b, err)
	}
}

// TestDaemonRefusesRoots: / , the home directory and a file are refused
// as repositories before anything starts.
func TestDaemonRefusesRoots(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	file := filepath.Join(t.TempDir(), "main.go")
	if err := os.WriteFile(file, []byte("package main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ root, want string }{
		{"/", "filesystem root"},
		{"~", "home directory"},
		{file, "not a directory"},
	} {
		for _, sub := range []string{"start", "run"} {
			_, stderr, code := run(t, "daemon", sub, "--repo", "x="+c.root)
			if code != 2 || !strings.Contains(stderr, c.want) {
				t.Errorf("daemon %s --repo x=%s: exit %d: %s", sub, c.root, code, stderr)
			}
		}
	}
}

// TestDaemonStopStalePID: `daemon stop` with a pid file left by a dead
// daemon, naming a process that now is something else, leaves it alone.
func TestDaemonStopStalePID(t *testing.T) {
	dir, err := os.MkdirTemp("", "cgd")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	t.Setenv("CODEGRAPH_DAEMON_DIR", dir)
	other := exec.Command("sleep", "60")
	if err := other.Start(); err != nil {
		t.Skip(err)
	}
	defer func() { other.Process.Kill(); other.Wait() }()
	if err := os.WriteFile(daemon.PathsIn(dir).PID, []byte(strconv.Itoa(other.Process.Pid)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, "daemon", "stop")
	if !strings.Contains(out, "no codegraph daemon is running") {
		t.Errorf("daemon stop: %s", out)
	}
	// Signalled, it would be a zombie (this test has not reaped it).
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(other.Process.Pid) + "/stat")
	if err != nil {
		t.Skip(err)
	}
	if i := strings.LastIndexByte(string(stat), ')'); i < 0 || i+2 >= len(stat) || stat[i+2] == 'Z' {
		t.Fatalf("daemon stop signalled pid %d from a stale pid file: %s", other.Process.Pid, stat)
	}
}
