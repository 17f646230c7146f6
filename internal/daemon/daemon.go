// Package daemon runs one always-on codegraph process per user: a pid file
// and a Unix socket in a private directory, start (a detached child
// process), stop (SIGTERM, then wait) and status, and an HTTP client that
// talks to the daemon over its socket. What the daemon serves on the
// socket is the caller's http.Handler (the codegraph HTTP API).
package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Paths are where a daemon keeps its files.
type Paths struct {
	Dir    string // private directory (0700)
	Socket string // Unix socket the API is served on
	PID    string // pid file
	Log    string // the detached process's stdout and stderr
}

// DefaultPaths returns the paths under $CODEGRAPH_DAEMON_DIR, else
// $XDG_RUNTIME_DIR/codegraph, else the user cache directory's codegraph/.
func DefaultPaths() (Paths, error) {
	dir := os.Getenv("CODEGRAPH_DAEMON_DIR")
	if dir == "" {
		if rt := os.Getenv("XDG_RUNTIME_DIR"); rt != "" {
			dir = filepath.Join(rt, "codegraph")
		}
	}
	if dir == "" {
		c, err := os.UserCacheDir()
		if err != nil {
			return Paths{}, fmt.Errorf("daemon directory: %w (set CODEGRAPH_DAEMON_DIR)", err)
		}
		dir = filepath.Join(c, "codegraph")
	}
	return PathsIn(dir), nil
}

// PathsIn returns the paths of a daemon kept in dir.
func PathsIn(dir string) Paths {
	return Paths{Dir: dir, Socket: filepath.Join(dir, "daemon.sock"), PID: filepath.Join(dir, "daemon.pid"), Log: filepath.Join(dir, "daemon.log")}
}

// ErrNotRunning is returned when no daemon answers.
var ErrNotRunning = errors.New("no codegraph daemon is running")

// Status is what a probe found.
type Status struct {
	Running bool   `json:"running"`
	PID     int    `json:"pid,omitempty"`
	Socket  string `json:"socket"`
	// Stale is set when a pid file or socket was left by a daemon that is
	// gone (Probe leaves them; Serve and Stop clean them up).
	Stale bool `json:"stale,omitempty"`
}

// Probe reports whether a daemon answers on p.Socket.
func Probe(ctx context.Context, p Paths) Status {
	st := Status{Socket: p.Socket}
	pid, _ := readPID(p.PID)
	st.PID = pid
	if Alive(ctx, p) {
		st.Running = true
		return st
	}
	if pid != 0 || fileExists(p.Socket) {
		st.Stale, st.PID = true, 0
	}
	return st
}

// Alive reports whether something answers HTTP on the socket.
func Alive(ctx context.Context, p Paths) bool {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://codegraph/health/live", nil)
	if err != nil {
		return false
	}
	resp, err := Client(p).Do(req)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// Client returns an HTTP client whose every request goes to the daemon's
// socket (use any host in URLs, e.g. http://codegraph/health/live).
func Client(p Paths) *http.Client {
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", p.Socket)
		},
		MaxIdleConns:    4,
		IdleConnTimeout: 30 * time.Second,
	}
	return &http.Client{Transport: tr}
}

// Listen prepares the daemon's directory and listens on its socket,
// refusing when another daemon answers there and removing a socket left by
// one that died. It writes the pid file; Cleanup removes both.
func Listen(ctx context.Context, p Paths) (net.Listener, error) {
	if err := os.MkdirAll(p.Dir, 0o700); err != nil {
		return nil, err
	}
	if Alive(ctx, p) {
		pid, _ := readPID(p.PID)
		return nil, fmt.Errorf("a codegraph daemon is already running (pid %d, socket %s)", pid, p.Socket)
	}
	if err := os.Remove(p.Socket); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	ln, err := net.Listen("unix", p.Socket)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", p.Socket, err)
	}
	if err := os.Chmod(p.Socket, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	if err := writeFileAtomic(p.PID, []byte(strconv.Itoa(os.Getpid())+"\n")); err != nil {
		ln.Close()
		return nil, err
	}
	return ln, nil
}

// Cleanup removes the socket and the pid file if they are this process's.
func Cleanup(p Paths) {
	if pid, _ := readPID(p.PID); pid == os.Getpid() {
		os.Remove(p.PID)
		os.Remove(p.Socket)
	}
}

// Start launches `exe args...` as a detached daemon process (its own
// session, output to p.Log) and waits until it answers on the socket or
// timeout passes. It returns the child's pid.
func Start(ctx context.Context, p Paths, exe string, args []string, timeout time.Duration) (int, error) {
	if st := Probe(ctx, p); st.Running {
		return st.PID, fmt.Errorf("a codegraph daemon is already running (pid %d)", st.PID)
	}
	if err := os.MkdirAll(p.Dir, 0o700); err != nil {
		return 0, err
	}
	logf, err := os.OpenFile(p.Log, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return 0, err
	}
	defer logf.Close()
	cmd := exec.Command(exe, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	cmd.Env = append(os.Environ(), "CODEGRAPH_DAEMON_DIR="+p.Dir)
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	pid := cmd.Process.Pid
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(timeout)
	for {
		if Alive(ctx, p) {
			return pid, nil
		}
		select {
		case err := <-exited:
			return 0, fmt.Errorf("the daemon exited at start (%v); see %s:\n%s", err, p.Log, tail(p.Log, 2048))
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return pid, fmt.Errorf("the daemon (pid %d) did not answer within %s; see %s", pid, timeout, p.Log)
		}
	}
}

// Stop sends SIGTERM to the daemon and waits until it has exited (then
// SIGKILL after timeout). It returns ErrNotRunning when there is none, and
// removes files a dead daemon left.
func Stop(ctx context.Context, p Paths, timeout time.Duration) error {
	pid, err := readPID(p.PID)
	if err != nil || pid == 0 || !processExists(pid) {
		os.Remove(p.PID)
		if !Alive(ctx, p) {
			os.Remove(p.Socket)
		}
		return ErrNotRunning
	}
	proc, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	if err := proc.Signal(syscall.SIGTERM); err != nil {
		return fmt.Errorf("stop daemon pid %d: %w", pid, err)
	}
	deadline := time.Now().Add(timeout)
	for processExists(pid) {
		if time.Now().After(deadline) {
			proc.Signal(syscall.SIGKILL)
			time.Sleep(100 * time.Millisecond)
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	os.Remove(p.PID)
	os.Remove(p.Socket)
	return nil
}

func processExists(pid int) bool {
	err := syscall.Kill(pid, 0)
	if err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	// A zombie (exited, not yet reaped by its parent) is gone for us.
	b, rerr := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if rerr == nil {
		if i := strings.LastIndexByte(string(b), ')'); i > 0 && i+2 < len(b) && b[i+2] == 'Z' {
			return false
		}
	}
	return true
}

func readPID(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}

func fileExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// tail returns the last n bytes of a file (for error messages).
func tail(path string, n int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > n {
		f.Seek(fi.Size()-n, io.SeekStart)
	}
	b, _ := io.ReadAll(f)
	return strings.TrimSpace(string(b))
}
