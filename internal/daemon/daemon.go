// Package daemon runs one always-on codegraph process per user: a lock, a
// pid file and a Unix socket in a private directory, start (a detached
// child process), stop (SIGTERM, then wait) and status, and an HTTP client
// that talks to the daemon over its socket. What the daemon serves on the
// socket is the caller's http.Handler (the codegraph HTTP API).
//
// Process safety: the running daemon holds an exclusive flock on
// daemon.lock for its whole life, and its pid file records its pid and
// its start time (/proc/PID/stat). Stop signals a pid only when the lock is
// held and the pid's start time is the recorded one, so a stale pid file
// naming a process that reused the pid is never signalled. The directory
// must be the user's own and not group- or world-writable, and the files
// in it are opened without following symlinks.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Paths are where a daemon keeps its files.
type Paths struct {
	Dir    string // private directory (0700)
	Socket string // Unix socket the API is served on
	PID    string // pid file: "PID STARTTIME\n"
	Log    string // the detached process's stdout and stderr
	Lock   string // flock held by the running daemon
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
	return Paths{Dir: dir, Socket: filepath.Join(dir, "daemon.sock"), PID: filepath.Join(dir, "daemon.pid"),
		Log: filepath.Join(dir, "daemon.log"), Lock: filepath.Join(dir, "daemon.lock")}
}

// MaxSocketPath is the longest Unix socket path Linux accepts: sun_path
// holds 108 bytes including the terminating NUL.
const MaxSocketPath = 107

// ErrSocketPathTooLong is returned when the socket's path does not fit in
// a sockaddr_un.
var ErrSocketPathTooLong = errors.New("unix socket path too long")

// ErrUnsafeDir is returned when the daemon directory belongs to another
// user or others may write into it.
var ErrUnsafeDir = errors.New("unsafe daemon directory")

// ErrNotDaemon is returned by Stop when the pid file names a process that
// is not the running daemon (the pid was reused, or the file was edited).
var ErrNotDaemon = errors.New("the pid file does not name the running codegraph daemon")

// checkSocketPath names the path and the limit when the socket's path is
// too long to bind or connect to (the kernel's own error is a bare
// "invalid argument").
func (p Paths) checkSocketPath() error {
	if n := len(p.Socket); n > MaxSocketPath {
		return fmt.Errorf("%w: %s is %d bytes, over the %d-byte limit of a Unix socket path; set CODEGRAPH_DAEMON_DIR to a shorter directory",
			ErrSocketPathTooLong, p.Socket, n, MaxSocketPath)
	}
	return nil
}

// prepareDir creates the daemon directory (0700) if it is missing and
// refuses one owned by another user or writable by group or others: files
// planted there could redirect the daemon's log or socket.
func (p Paths) prepareDir() error {
	if err := os.MkdirAll(p.Dir, 0o700); err != nil {
		return fmt.Errorf("daemon directory: %w", err)
	}
	return p.checkDir()
}

func (p Paths) checkDir() error {
	fi, err := os.Stat(p.Dir)
	if err != nil {
		return fmt.Errorf("daemon directory: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("%w: %s is not a directory", ErrUnsafeDir, p.Dir)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if ok && int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("%w: %s is owned by uid %d, not by you (uid %d); set CODEGRAPH_DAEMON_DIR to a directory of your own",
			ErrUnsafeDir, p.Dir, st.Uid, os.Geteuid())
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("%w: %s has mode %04o, writable by others; run 'chmod 700 %s'",
			ErrUnsafeDir, p.Dir, fi.Mode().Perm(), p.Dir)
	}
	return nil
}

// openNoFollow opens a file in the daemon directory, refusing a symlink
// in its place (ELOOP).
func openNoFollow(path string, flag int, perm os.FileMode) (*os.File, error) {
	f, err := os.OpenFile(path, flag|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, perm)
	if errors.Is(err, syscall.ELOOP) {
		return nil, fmt.Errorf("%w: %s is a symbolic link; remove it", ErrUnsafeDir, path)
	}
	return f, err
}

// ErrBadRoot is returned by CheckRoot for a path that cannot be a
// repository root.
var ErrBadRoot = errors.New("not a repository root")

// CheckRoot returns the absolute form of root after refusing what the
// daemon must never index: the filesystem root, the home directory itself
// (each would have the daemon index and watch everything below it), and
// anything that is not an existing directory. Symbolic links are resolved
// first, so a link to / is refused too.
func CheckRoot(root string) (string, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("%w: %s does not exist", ErrBadRoot, abs)
		}
		return "", fmt.Errorf("%w: %v", ErrBadRoot, err)
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("%w: %s is not a directory", ErrBadRoot, abs)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrBadRoot, err)
	}
	if real == filepath.Dir(real) {
		return "", fmt.Errorf("%w: refusing %s (the filesystem root): the daemon would index and watch every file on the machine; pass the repository's own directory", ErrBadRoot, abs)
	}
	if home, err := os.UserHomeDir(); err == nil && home != "" {
		if h, err := filepath.EvalSymlinks(home); err == nil && h == real {
			return "", fmt.Errorf("%w: refusing %s (your home directory): the daemon would index and watch all of it; pass the repository's own directory", ErrBadRoot, abs)
		}
	}
	return abs, nil
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
	pid, _, _ := readPID(p.PID)
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
// socket (use any host in URLs, e.g. http://codegraph/health/live). It
// refuses to connect to a socket in a directory another user owns or may
// write to: whoever answers there is not to be trusted with requests.
func Client(p Paths) *http.Client {
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			if err := p.checkSocketPath(); err != nil {
				return nil, err
			}
			if err := p.checkDir(); err != nil {
				return nil, err
			}
			var d net.Dialer
			return d.DialContext(ctx, "unix", p.Socket)
		},
		MaxIdleConns:    4,
		IdleConnTimeout: 30 * time.Second,
	}
	return &http.Client{Transport: tr}
}

// Listener is the daemon's socket. From Listen to Release it holds the
// daemon lock, which is what marks this process as the running daemon.
type Listener struct {
	net.Listener
	p    Paths
	lock *os.File
	once sync.Once
}

// Listen prepares the daemon's directory, takes the daemon lock and
// listens on the socket, refusing when another daemon runs and removing a
// socket left by one that died. It writes the pid file; Release removes
// it and the socket and drops the lock. Call Listen before opening
// anything a second daemon must not open, and Release after closing it.
func Listen(ctx context.Context, p Paths) (*Listener, error) {
	if err := p.checkSocketPath(); err != nil {
		return nil, err
	}
	if err := p.prepareDir(); err != nil {
		return nil, err
	}
	lock, err := takeLock(ctx, p.Lock)
	if errors.Is(err, errLocked) {
		pid, _, _ := readPID(p.PID)
		return nil, fmt.Errorf("a codegraph daemon is already running (pid %d, socket %s)", pid, p.Socket)
	}
	if err != nil {
		return nil, err
	}
	l := &Listener{p: p, lock: lock}
	if Alive(ctx, p) {
		lock.Close()
		return nil, fmt.Errorf("a server already answers on %s (a daemon of an older codegraph?); stop it first", p.Socket)
	}
	// Holding the lock, any socket here is a dead daemon's.
	if err := os.Remove(p.Socket); err != nil && !errors.Is(err, os.ErrNotExist) {
		lock.Close()
		return nil, err
	}
	ln, err := net.Listen("unix", p.Socket)
	if err != nil {
		lock.Close()
		return nil, fmt.Errorf("listen on %s: %w", p.Socket, err)
	}
	l.Listener = ln
	// The directory is private, so nothing can swap the socket for a
	// link between bind and chmod; check anyway rather than follow one.
	if fi, err := os.Lstat(p.Socket); err != nil || fi.Mode()&os.ModeSocket == 0 {
		l.Release()
		return nil, fmt.Errorf("%w: %s was replaced after bind", ErrUnsafeDir, p.Socket)
	}
	if err := os.Chmod(p.Socket, 0o600); err != nil {
		l.Release()
		return nil, err
	}
	rec := strconv.Itoa(os.Getpid())
	if start, err := procStart(os.Getpid()); err == nil {
		rec += " " + strconv.FormatUint(start, 10)
	}
	if err := writeFileAtomic(p.PID, []byte(rec+"\n")); err != nil {
		l.Release()
		return nil, err
	}
	return l, nil
}

// Release closes the socket, removes it and the pid file, and drops the
// daemon lock. It is safe to call more than once.
func (l *Listener) Release() {
	l.once.Do(func() {
		if l.Listener != nil {
			l.Listener.Close()
		}
		if pid, _, _ := readPID(l.p.PID); pid == os.Getpid() {
			os.Remove(l.p.PID)
		}
		os.Remove(l.p.Socket)
		// The lock file stays: removing it would let a second daemon lock
		// a new file while a prober still holds the old one.
		l.lock.Close()
	})
}

// errLocked means another process holds the daemon lock.
var errLocked = errors.New("daemon lock held")

// takeLock opens the lock file and takes an exclusive flock on it,
// retrying briefly (a Stop or status probe holds it shared for an instant).
func takeLock(ctx context.Context, path string) (*os.File, error) {
	f, err := openNoFollow(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	for i := 0; ; i++ {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if i == 10 {
			f.Close()
			return nil, errLocked
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// lockHeld reports whether some process (a running daemon) holds the
// daemon lock.
func lockHeld(path string) (bool, error) {
	f, err := openNoFollow(path, os.O_RDONLY, 0)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
	if err == nil {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return false, nil
	}
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return true, nil
	}
	return false, fmt.Errorf("probe lock %s: %w", path, err)
}

// Start launches `exe args...` as a detached daemon process (its own
// session, output to p.Log) and waits until it answers on the socket or
// timeout passes. It returns the child's pid.
func Start(ctx context.Context, p Paths, exe string, args []string, timeout time.Duration) (int, error) {
	if err := p.checkSocketPath(); err != nil {
		return 0, err
	}
	if err := p.prepareDir(); err != nil {
		return 0, err
	}
	if st := Probe(ctx, p); st.Running {
		return st.PID, fmt.Errorf("a codegraph daemon is already running (pid %d)", st.PID)
	}
	logf, err := openNoFollow(p.Log, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
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
// removes files a dead daemon left. It signals only the process the pid
// file names while the daemon lock is held and whose start time is the one
// the daemon recorded (ErrNotDaemon otherwise): a stale pid file never
// gets an unrelated process killed.
func Stop(ctx context.Context, p Paths, timeout time.Duration) error {
	if err := p.checkDir(); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return ErrNotRunning
		}
		return err
	}
	pid, start, perr := readPID(p.PID)
	held, err := lockHeld(p.Lock)
	if err != nil {
		return err
	}
	if !held {
		if Alive(ctx, p) {
			return fmt.Errorf("a server answers on %s but holds no daemon lock (a daemon of an older codegraph?): not signalling pid %d; stop it yourself", p.Socket, pid)
		}
		// Whatever the pid file names is not our daemon.
		os.Remove(p.PID)
		os.Remove(p.Socket)
		return ErrNotRunning
	}
	if perr != nil || pid <= 0 {
		return fmt.Errorf("%w: a daemon holds %s but the pid file %s is unreadable (%v)", ErrNotDaemon, p.Lock, p.PID, perr)
	}
	if !sameProcess(pid, start) {
		return fmt.Errorf("%w: pid %d was not started at the time %s records; not signalling it", ErrNotDaemon, pid, p.PID)
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		return fmt.Errorf("stop daemon pid %d: %w", pid, err)
	}
	deadline := time.Now().Add(timeout)
	for processExists(pid) && sameProcess(pid, start) {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
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

// sameProcess reports whether pid is the process that started at start
// (clock ticks after boot, /proc/PID/stat field 22). Without /proc (start
// is then unknown to both sides) the lock alone vouches for the pid.
func sameProcess(pid int, start uint64) bool {
	got, err := procStart(pid)
	if err != nil {
		if _, serr := procStart(os.Getpid()); serr != nil {
			return start == 0 // no /proc here: nothing recorded either
		}
		return false // the process is gone
	}
	return start != 0 && got == start
}

// procStart returns a process's start time in clock ticks after boot.
func procStart(pid int) (uint64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces and parentheses: fields
	// are counted after its last ')'. State is field 3, start time 22.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 20 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	return strconv.ParseUint(f[19], 10, 64)
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

// readPID reads the pid file: "PID STARTTIME" (STARTTIME 0 when absent).
func readPID(path string) (pid int, start uint64, err error) {
	f, err := openNoFollow(path, os.O_RDONLY, 0)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 256))
	if err != nil {
		return 0, 0, err
	}
	fields := strings.Fields(string(b))
	if len(fields) == 0 {
		return 0, 0, fmt.Errorf("%s: empty", path)
	}
	if pid, err = strconv.Atoi(fields[0]); err != nil {
		return 0, 0, fmt.Errorf("%s: %w", path, err)
	}
	if len(fields) > 1 {
		if start, err = strconv.ParseUint(fields[1], 10, 64); err != nil {
			return 0, 0, fmt.Errorf("%s: %w", path, err)
		}
	}
	return pid, start, nil
}

func fileExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// writeFileAtomic writes a new file beside path and renames it over path
// (a rename replaces a symlink there, it never writes through one).
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.Remove(tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	f, err := openNoFollow(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// tail returns the last n bytes of a file (for error messages).
func tail(path string, n int64) string {
	f, err := openNoFollow(path, os.O_RDONLY, 0)
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

// ForStore returns the paths a `codegraph watch` of the store db serves
// its queries on: the daemon directory (private, checked like the
// daemon's), with a socket named by a hash of db's absolute path, so that
// a command finds the watcher of the index it opened without reading
// anything from the store directory.
func (p Paths) ForStore(db string) Paths {
	if abs, err := filepath.Abs(db); err == nil {
		db = abs
	}
	h := fnv.New64a()
	h.Write([]byte(filepath.Clean(db)))
	q := p
	q.Socket = filepath.Join(p.Dir, fmt.Sprintf("watch-%016x.sock", h.Sum64()))
	return q
}

// ListenStore listens on the socket of p (ForStore) for a watcher: the
// directory is prepared and checked as the daemon's, a socket left by a
// watcher that is gone is replaced, and one that answers is refused (two
// watchers of one store cannot run: the second cannot take the writer
// lock). Close the listener to remove the socket.
func ListenStore(ctx context.Context, p Paths) (net.Listener, error) {
	if err := p.checkSocketPath(); err != nil {
		return nil, err
	}
	if err := p.prepareDir(); err != nil {
		return nil, err
	}
	if Alive(ctx, p) {
		return nil, fmt.Errorf("a server already answers on %s", p.Socket)
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
	return ln, nil
}
