package store

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Tests that need a second process re-execute the test binary with
// -test.run=TestHelperProcess and these variables set (the os/exec pattern).
const (
	helperModeEnv = "CODEGRAPH_STORE_HELPER"
	helperDirEnv  = "CODEGRAPH_STORE_HELPER_DIR"
	helperFiles   = 24
)

// TestHelperProcess is not a test: it is the child process of the tests
// below. Modes: "hold" opens the store as writer and sleeps; "write" opens
// it and writes new versions of helperFiles files forever, batch after
// batch, never closing. Both print "ready" once the store is open (and,
// for "write", the first version is committed).
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(helperModeEnv)
	if mode == "" {
		t.Skip("child process of other tests")
	}
	if err := runHelper(mode, os.Getenv(helperDirEnv)); err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(2)
	}
	os.Exit(0)
}

func runHelper(mode, dir string) error {
	switch mode {
	case "hold":
		s, err := Open(dir, Options{})
		if err != nil {
			return err
		}
		defer s.Close()
		fmt.Println("ready")
		time.Sleep(time.Minute)
		return errors.New("not killed")
	case "lock-fork":
		// Take the writer lock as a store does, then start a child that
		// shares the lock's open file description for a second, as a
		// child does between fork and exec.
		f, err := os.OpenFile(filepath.Join(dir, lockFileName), os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return err
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			return err
		}
		if _, err := f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0); err != nil {
			return err
		}
		child := exec.Command("sleep", "1")
		child.ExtraFiles = []*os.File{f}
		if err := child.Start(); err != nil {
			return err
		}
		fmt.Println("ready")
		time.Sleep(time.Minute)
		return errors.New("not killed")
	case "write":
		// A small memtable, so that the writer flushes and compacts often
		// and the tests see sstables come and go.
		s, err := Open(dir, Options{MemTableSize: 1 << 20})
		if err != nil {
			return err
		}
		v := 1
		if b, err := s.Meta("version"); err == nil {
			last, _ := strconv.Atoi(string(b))
			v = last + 1
		}
		for first := true; ; v++ {
			if err := writeVersion(s, v); err != nil {
				return err
			}
			if first {
				fmt.Println("ready")
				first = false
			}
		}
	}
	return fmt.Errorf("unknown mode %q", mode)
}

// writeVersion writes version v of every helper file, five files to a
// batch; some files are deleted instead, and their node count varies with v,
// so that replacements both grow and shrink files.
func writeVersion(s *Store, v int) error {
	b := s.NewBatch()
	defer b.Close()
	for f := range helperFiles {
		path := fmt.Sprintf("pkg%d/f%02d.go", f%3, f)
		if (v+f)%13 == 0 {
			if err := b.DeleteFile(path); err != nil {
				return err
			}
		} else {
			meta, nodes, edges := genFile(path, v, 2+(v*7+f*5)%30)
			if err := b.ReplaceFile(meta, nodes, edges); err != nil {
				return err
			}
		}
		if f%5 == 4 {
			if err := b.Commit(f%10 == 9); err != nil {
				return err
			}
		}
	}
	if err := b.SetMeta("version", []byte(strconv.Itoa(v))); err != nil {
		return err
	}
	return b.Commit(false)
}

// readySignal is a child's stdout: it closes ready at the first "ready"
// line.
type readySignal struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	ready chan struct{}
	once  sync.Once
}

func (r *readySignal) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buf.Write(p)
	if strings.Contains(r.buf.String(), "ready\n") {
		r.once.Do(func() { close(r.ready) })
	}
	return len(p), nil
}

// helper is a running child process.
type helper struct {
	cmd  *exec.Cmd
	done chan struct{} // closed once the child has been reaped
}

func (h *helper) pid() int { return h.cmd.Process.Pid }

// startHelper starts a child in mode on dir and waits until it is ready.
// The child is killed at cleanup if still running.
func startHelper(t *testing.T, mode, dir string) *helper {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), helperModeEnv+"="+mode, helperDirEnv+"="+dir)
	out := &readySignal{ready: make(chan struct{})}
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = out, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h := &helper{cmd: cmd, done: make(chan struct{})}
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(h.done)
	}()
	t.Cleanup(func() { h.kill(t) })
	select {
	case <-out.ready:
		return h
	case <-h.done:
		t.Fatalf("helper %s exited before ready: %v\n%s", mode, waitErr, stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("helper %s not ready after 30s\n%s", mode, stderr.String())
	}
	return nil
}

// kill SIGKILLs the child and waits until it has been reaped.
func (h *helper) kill(t *testing.T) {
	select {
	case <-h.done:
		return
	default:
	}
	if err := h.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Error(err)
	}
	<-h.done
}

// TestCrashAtomicity kills a writer with SIGKILL in the middle of indexing,
// several times, and checks after each kill that the store opens and every
// file is exactly one complete version, with no stray keys anywhere.
func TestCrashAtomicity(t *testing.T) {
	dir := t.TempDir()
	rounds := 3
	if testing.Short() {
		rounds = 1
	}
	for round := range rounds {
		h := startHelper(t, "write", dir)
		time.Sleep(time.Duration(100+rand.IntN(300)) * time.Millisecond)
		h.kill(t)

		s, err := Open(dir, Options{})
		if err != nil {
			t.Fatalf("round %d: open after kill: %v", round, err)
		}
		version, _ := s.Meta("version")
		files := 0
		err = s.Files(func(FileMeta) error { files++; return nil })
		if err == nil {
			err = verifyStore(s)
		}
		if cerr := s.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatalf("round %d (last complete version %s): %v", round, version, err)
		}
		if files == 0 {
			t.Fatalf("round %d: no files", round)
		}
		t.Logf("round %d: killed after version %s, %d files consistent", round, version, files)
	}
}

// TestOtherProcess covers a writer in another process: a second writer
// gets ErrLocked naming its pid, read-only opens work and each sees one
// consistent snapshot while it writes, and the lock dies with the process.
func TestOtherProcess(t *testing.T) {
	dir := t.TempDir()
	h := startHelper(t, "write", dir)

	_, err := Open(dir, Options{})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("writer open while another process writes: %v", err)
	}
	if want := fmt.Sprintf("index is locked by pid %d", h.pid()); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}

	opens := 0
	for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); {
		r, err := Open(dir, Options{ReadOnly: true})
		if err != nil {
			t.Fatalf("read-only open #%d: %v", opens+1, err)
		}
		err = verifyStore(r)
		if cerr := r.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatalf("read-only open #%d: %v", opens+1, err)
		}
		opens++
	}
	t.Logf("%d consistent read-only opens while the other process wrote", opens)

	h.kill(t)
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatalf("writer open after the other writer died: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestErrLockedIdle checks ErrLocked against a writer that holds the store
// without writing.
func TestErrLockedIdle(t *testing.T) {
	dir := t.TempDir()
	h := startHelper(t, "hold", dir)
	_, err := Open(dir, Options{})
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", h.pid())) {
		t.Fatalf("Open = %v, want ErrLocked naming pid %d", err, h.pid())
	}
	r, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open beside an idle writer: %v", err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestLockOfDeadOwner kills a writer while a child of it still shares its
// lock (as between fork and exec of git): the next writer waits for the
// child instead of failing with "locked by pid N" for a dead N.
func TestLockOfDeadOwner(t *testing.T) {
	dir := t.TempDir()
	h := startHelper(t, "lock-fork", dir)
	h.kill(t)
	start := time.Now()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatalf("Open after the owner died, its child still holding the lock: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("waited %s for the orphaned lock", time.Since(start).Round(time.Millisecond))
}

// TestLockOfOurOwnClosedStore: a store this process closed is still
// locked by another open file description of its lock file (a child
// started meanwhile, between its fork and exec, shares the one the store
// held): the next open waits for it instead of failing with "locked by
// pid N", N being this process.
func TestLockOfOurOwnClosedStore(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// The child's share of the old description, simulated: another
	// description of the lock file holding the lock, released later.
	f, err := os.Open(filepath.Join(dir, lockFileName))
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(200 * time.Millisecond)
		f.Close()
	}()
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatalf("Open while a description of ours still held the lock: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}
