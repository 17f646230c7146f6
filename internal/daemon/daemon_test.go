package daemon

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain turns the test binary into a tiny daemon when asked, so that
// Start and Stop are tested on a real detached process.
func TestMain(m *testing.M) {
	if dir := os.Getenv("DAEMON_TEST_SERVE"); dir != "" {
		os.Exit(serveForTest(dir))
	}
	os.Exit(m.Run())
}

func serveForTest(dir string) int {
	p := PathsIn(dir)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	ln, err := Listen(ctx, p)
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		return 1
	}
	defer ln.Release()
	srv := &http.Server{Handler: health()}
	go srv.Serve(ln)
	<-ctx.Done()
	srv.Close()
	return 0
}

func health() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health/live", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) })
	return mux
}

// shortDir returns a temporary directory with a path short enough for a
// Unix socket (108 bytes).
func shortDir(t *testing.T) string {
	t.Helper()
	d, err := os.MkdirTemp("", "cgd")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

func TestListenProbeCleanup(t *testing.T) {
	ctx := context.Background()
	p := PathsIn(filepath.Join(shortDir(t), "d"))
	if st := Probe(ctx, p); st.Running || st.Stale {
		t.Fatalf("probe before start: %+v", st)
	}
	ln, err := Listen(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: health()}
	go srv.Serve(ln)
	st := Probe(ctx, p)
	if !st.Running || st.PID != os.Getpid() {
		t.Fatalf("probe while serving: %+v", st)
	}
	if fi, err := os.Stat(p.Dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("daemon directory mode: %v %v", fi.Mode(), err)
	}
	if _, err := Listen(ctx, p); err == nil {
		t.Error("a second daemon could listen on the same socket")
	}
	srv.Close()
	if st := Probe(ctx, p); st.Running || !st.Stale {
		t.Fatalf("probe after the server stopped: %+v", st)
	}
	// The daemon dies (the kernel drops its lock); a new daemon takes over
	// the stale files.
	ln.lock.Close()
	ln, err = Listen(ctx, p)
	if err != nil {
		t.Fatalf("listen over a stale socket: %v", err)
	}
	ln.Release()
	for _, f := range []string{p.PID, p.Socket} {
		if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left after Release", f)
		}
	}
}

func TestStartStop(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	ctx := context.Background()
	dir := filepath.Join(shortDir(t), "d")
	p := PathsIn(dir)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if err := Stop(ctx, p, time.Second); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("stop with no daemon: %v", err)
	}
	t.Setenv("DAEMON_TEST_SERVE", dir)
	pid, err := Start(ctx, p, exe, []string{"-test.run=^$"}, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGKILL) })
	st := Probe(ctx, p)
	if !st.Running || st.PID != pid {
		t.Fatalf("status after start: %+v (started pid %d)", st, pid)
	}
	if _, err := Start(ctx, p, exe, nil, time.Second); err == nil {
		t.Error("a second start succeeded")
	}
	if err := Stop(ctx, p, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if st := Probe(ctx, p); st.Running || st.Stale {
		t.Fatalf("status after stop: %+v", st)
	}
	if processExists(pid) {
		t.Error("the daemon process is still there")
	}
}

func TestStartFailureReportsLog(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	p := PathsIn(filepath.Join(shortDir(t), "d"))
	_, err := Start(context.Background(), p, "/bin/sh", []string{"-c", "echo cannot open the store >&2; exit 3"}, 5*time.Second)
	if err == nil || !strings.Contains(err.Error(), "cannot open the store") {
		t.Fatalf("start of a failing daemon: %v", err)
	}
}

// sleeper starts an unrelated process (a stand-in for whatever reused a
// dead daemon's pid) and returns its pid.
func sleeper(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Skipf("no sleep command: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd.Process.Pid
}

// TestStopSparesUnrelatedProcess: a stale pid file naming another process
// (with or without a start time, even its true one) gets nothing signalled
// when no daemon holds the lock; and while a daemon holds it, a pid file
// edited to name another process is refused.
func TestStopSparesUnrelatedProcess(t *testing.T) {
	ctx := context.Background()
	p := PathsIn(filepath.Join(shortDir(t), "d"))
	if err := p.prepareDir(); err != nil {
		t.Fatal(err)
	}
	victim := sleeper(t)
	start, err := procStart(victim)
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range []string{fmt.Sprint(victim), fmt.Sprint(victim, " ", start)} {
		if err := os.WriteFile(p.PID, []byte(rec+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if st := Probe(ctx, p); st.Running {
			t.Fatalf("status with a stale pid file: %+v", st)
		}
		if err := Stop(ctx, p, time.Second); !errors.Is(err, ErrNotRunning) {
			t.Fatalf("stop with a stale pid file %q: %v", rec, err)
		}
		if !processExists(victim) {
			t.Fatalf("stop signalled pid %d named by a stale pid file %q", victim, rec)
		}
		if fileExists(p.PID) {
			t.Error("the stale pid file was left")
		}
	}

	// A daemon runs (this process holds the lock), but the pid file was
	// changed to name another process.
	ln, err := Listen(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ln.Release)
	if err := os.WriteFile(p.PID, []byte(fmt.Sprint(victim, " ", start+1, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Stop(ctx, p, time.Second); !errors.Is(err, ErrNotDaemon) {
		t.Fatalf("stop with a pid file naming another process: %v", err)
	}
	if !processExists(victim) {
		t.Fatal("stop signalled a process the pid file was edited to name")
	}
}

func TestCheckRoot(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	dir := t.TempDir()
	file := filepath.Join(dir, "f.go")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "slash")
	if err := os.Symlink("/", link); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ root, want string }{
		{"/", "filesystem root"},
		{link, "filesystem root"},
		{home, "home directory"},
		{home + "/", "home directory"},
		{file, "not a directory"},
		{filepath.Join(dir, "missing"), "does not exist"},
	} {
		_, err := CheckRoot(c.root)
		if !errors.Is(err, ErrBadRoot) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("CheckRoot(%q) = %v, want an error saying %q", c.root, err, c.want)
		}
	}
	repo := filepath.Join(home, "src", "repo")
	if err := os.MkdirAll(repo, 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := CheckRoot(repo); err != nil || got != repo {
		t.Errorf("CheckRoot(%q) = %q, %v", repo, got, err)
	}
}

// TestUnsafeDir: a daemon directory others may write to, or owned by
// someone else, is refused by Listen, Start and Stop; a new one is made
// 0700.
func TestUnsafeDir(t *testing.T) {
	ctx := context.Background()
	p := PathsIn(filepath.Join(shortDir(t), "d"))
	if err := os.Mkdir(p.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p.Dir, 0o777); err != nil {
		t.Fatal(err)
	}
	check := func(what string) {
		t.Helper()
		if _, err := Listen(ctx, p); !errors.Is(err, ErrUnsafeDir) || !strings.Contains(err.Error(), p.Dir) {
			t.Errorf("listen in a %s directory: %v", what, err)
		}
		if _, err := Start(ctx, p, "/bin/true", nil, time.Second); !errors.Is(err, ErrUnsafeDir) {
			t.Errorf("start in a %s directory: %v", what, err)
		}
		if err := Stop(ctx, p, time.Second); !errors.Is(err, ErrUnsafeDir) {
			t.Errorf("stop in a %s directory: %v", what, err)
		}
		if fileExists(p.Socket) || fileExists(p.Log) {
			t.Errorf("files were created in a %s directory", what)
		}
	}
	check("world-writable")

	// A server listening in the directory when it became writable by
	// others is not talked to.
	if err := os.Chmod(p.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	ln, err := Listen(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: health()}
	go srv.Serve(ln)
	if !Alive(ctx, p) {
		t.Fatal("the daemon does not answer in its private directory")
	}
	if err := os.Chmod(p.Dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if Alive(ctx, p) || Probe(ctx, p).Running {
		t.Error("a client talked to a socket in a world-writable directory")
	}
	srv.Close()
	ln.Release()
	if err := os.Chmod(p.Dir, 0o770); err != nil {
		t.Fatal(err)
	}
	check("group-writable")
	if os.Geteuid() == 0 {
		if err := os.Chmod(p.Dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(p.Dir, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		check("foreign")
	}
}

// TestNoSymlinks: the log, the lock and the pid file are never written
// through a symlink planted in their place.
func TestNoSymlinks(t *testing.T) {
	ctx := context.Background()
	p := PathsIn(filepath.Join(shortDir(t), "d"))
	if err := p.prepareDir(); err != nil {
		t.Fatal(err)
	}
	victim := filepath.Join(shortDir(t), "victim")
	if err := os.WriteFile(victim, []byte("keep\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	unchanged := func(what string) {
		t.Helper()
		if b, err := os.ReadFile(victim); err != nil || string(b) != "keep\n" {
			t.Fatalf("%s wrote through a symlink: %q %v", what, b, err)
		}
	}

	if err := os.Symlink(victim, p.Log); err != nil {
		t.Fatal(err)
	}
	_, err := Start(ctx, p, "/bin/sh", []string{"-c", "echo planted"}, time.Second)
	if !errors.Is(err, ErrUnsafeDir) || !strings.Contains(err.Error(), p.Log) {
		t.Errorf("start with a symlink as its log: %v", err)
	}
	unchanged("start")

	if err := os.Symlink(victim, p.Lock); err != nil {
		t.Fatal(err)
	}
	if _, err := Listen(ctx, p); !errors.Is(err, ErrUnsafeDir) || !strings.Contains(err.Error(), p.Lock) {
		t.Errorf("listen with a symlink as its lock: %v", err)
	}
	unchanged("listen (lock)")
	os.Remove(p.Lock)

	for _, f := range []string{p.PID, p.PID + ".tmp"} {
		if err := os.Symlink(victim, f); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := Listen(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Release()
	unchanged("listen (pid file)")
	if pid, _, err := readPID(p.PID); err != nil || pid != os.Getpid() {
		t.Errorf("pid file: %d %v", pid, err)
	}
}

// TestLongSocketPath: a socket path over the sun_path limit is named, with
// the limit, instead of the kernel's "bind: invalid argument".
func TestLongSocketPath(t *testing.T) {
	ctx := context.Background()
	base := shortDir(t)
	dir := filepath.Join(base, strings.Repeat("x", MaxSocketPath-len(base)-len("/")-len("/daemon.sock")))
	p := PathsIn(dir)
	if len(p.Socket) != MaxSocketPath {
		t.Fatalf("socket path of %d bytes", len(p.Socket))
	}
	ln, err := Listen(ctx, p)
	if err != nil {
		t.Fatalf("listen on a %d-byte socket path: %v", len(p.Socket), err)
	}
	ln.Release()

	p = PathsIn(dir + "y")
	for what, err := range map[string]error{
		"listen": func() error { _, err := Listen(ctx, p); return err }(),
		"start":  func() error { _, err := Start(ctx, p, "/bin/true", nil, time.Second); return err }(),
		"client": func() error { _, err := Client(p).Get("http://codegraph/health/live"); return err }(),
	} {
		if !errors.Is(err, ErrSocketPathTooLong) || !strings.Contains(err.Error(), p.Socket) || !strings.Contains(err.Error(), "107-byte") {
			t.Errorf("%s on a %d-byte socket path: %v", what, len(p.Socket), err)
		}
	}
}
