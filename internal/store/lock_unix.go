//go:build unix

package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// orphanLockWait is how long lockDir waits for a lock whose recorded
// owner is dead (held by a child between its fork and exec).
const orphanLockWait = 5 * time.Second

// ownerAlive reports whether the pid recorded in the lock file at path is
// a running process (true when it cannot tell).
func ownerAlive(path string) bool {
	b, err := os.ReadFile(path)
	if err != nil {
		return true
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return true
	}
	return !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

// held lists the lock files this process holds (lockDir until release),
// by path: a lock file naming this process that it does not hold was
// released by it and is still shared by a child (see lockDir), where one
// it holds is a second open of the same store, refused at once. Process
// state, as the flocks it mirrors are.
var held = struct {
	sync.Mutex
	paths map[string]bool
}{paths: map[string]bool{}}

// releasedByUs reports whether the pid recorded in the lock file at path
// is this process's while it holds no lock on it.
func releasedByUs(path string) bool {
	held.Lock()
	h := held.paths[path]
	held.Unlock()
	if h {
		return false
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	return err == nil && pid == os.Getpid()
}

// lockDir takes the exclusive writer lock of dir: a flock(2) on
// LOCK.codegraph, which then holds our pid. The lock belongs to the open
// file description, so it conflicts with any other open of the file, in
// this process or another, and dies with the process.
func lockDir(dir string) (release func() error, err error) {
	path := filepath.Join(dir, lockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open %s: lock: %w", dir, err)
	}
	var deadline time.Time
	for {
		err = flock(f, syscall.LOCK_EX|syscall.LOCK_NB)
		// The lock belongs to an open file description, which a child
		// shares from fork until its exec closes the (close-on-exec)
		// descriptor. When the owner named in the file is dead (killed
		// while it was starting git, say), a child of it still holds the
		// lock for a moment: wait for it, briefly, instead of reporting a
		// dead process as the holder.
		//
		// Likewise when the owner named is this process: a lock it
		// released (a store it closed) is still held by a child it
		// started meanwhile, until that child's exec (a diff copies and
		// opens its overlay while it runs git).
		if errors.Is(err, syscall.EWOULDBLOCK) && (!ownerAlive(path) || releasedByUs(path)) {
			if deadline.IsZero() {
				deadline = time.Now().Add(orphanLockWait)
			}
			if time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
				continue
			}
		}
		break
	}
	if err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, lockedError(dir, path)
		}
		return nil, fmt.Errorf("open %s: lock %s: %w", dir, path, err)
	}
	pid := []byte(strconv.Itoa(os.Getpid()) + "\n")
	if err := f.Truncate(0); err != nil {
		f.Close()
		return nil, fmt.Errorf("open %s: lock: %w", dir, err)
	}
	if _, err := f.WriteAt(pid, 0); err != nil {
		f.Close()
		return nil, fmt.Errorf("open %s: lock: %w", dir, err)
	}
	held.Lock()
	held.paths[path] = true
	held.Unlock()
	// Closing the file releases the flock.
	return func() error {
		held.Lock()
		delete(held.paths, path)
		held.Unlock()
		return f.Close()
	}, nil
}

// WriterActive reports whether a process holds the writer lock of the
// store in dir (an index run, a watcher, a server). It probes with a
// shared lock it releases at once, never writing the lock file.
func WriterActive(dir string) bool {
	f, err := os.Open(filepath.Join(dir, lockFileName))
	if err != nil {
		return false
	}
	defer f.Close()
	err = flock(f, syscall.LOCK_SH|syscall.LOCK_NB)
	if err == nil {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return false
	}
	return errors.Is(err, syscall.EWOULDBLOCK)
}

// flock applies flock(2) operation how to f, again when a signal
// interrupts it.
func flock(f *os.File, how int) error {
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

// readersFileName is the file through which read-only opens tell a writer
// that they may still open tables of an older version of the store: each
// holds a shared flock(2) on it from before it reads the manifest until it
// closes. A writer creates it at Open; a reader never creates it (a
// read-only open writes nothing), so a store written before it existed
// has no registered readers, as before.
const readersFileName = "READERS.codegraph"

// createReadersFile makes sure dir's readers file exists (a writer's).
func createReadersFile(dir string) error {
	f, err := os.OpenFile(filepath.Join(dir, readersFileName), os.O_RDONLY|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("open %s: %w", dir, err)
	}
	return f.Close()
}

// registerReader takes a shared lock on dir's readers file and returns
// its release; without the file (an older store), a no-op release. It
// waits while a closing writer holds the exclusive lock (deleting the
// files no reader can need).
func registerReader(dir string) (release func() error) {
	f, err := os.Open(filepath.Join(dir, readersFileName))
	if err != nil {
		return func() error { return nil }
	}
	err = flock(f, syscall.LOCK_SH)
	if err != nil {
		f.Close()
		return func() error { return nil }
	}
	return f.Close
}

// noReaders takes the exclusive lock of dir's readers file if no reader
// holds it; ok is false when a reader does (or it cannot tell). release
// drops the lock.
func noReaders(dir string) (release func() error, ok bool) {
	f, err := os.Open(filepath.Join(dir, readersFileName))
	if err != nil {
		return nil, false
	}
	err = flock(f, syscall.LOCK_EX|syscall.LOCK_NB)
	if err != nil {
		f.Close()
		return nil, false
	}
	return f.Close, true
}
