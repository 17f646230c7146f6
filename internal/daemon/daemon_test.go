package daemon

import (
	"context"
	"errors"
	"net/http"
	"os"
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
	defer Cleanup(p)
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
	// A new daemon takes over the stale socket.
	ln, err = Listen(ctx, p)
	if err != nil {
		t.Fatalf("listen over a stale socket: %v", err)
	}
	ln.Close()
	Cleanup(p)
	for _, f := range []string{p.PID, p.Socket} {
		if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left after Cleanup", f)
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
