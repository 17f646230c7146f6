package store

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// readOnlyFS is the file system of read-only opens. Pebble locks its
// directory even when opened ReadOnly (an fcntl write lock on its LOCK file,
// see vfs/file_lock_unix.go in pebble v2.1.7), which would make every query
// fail while an indexer runs; a read-only open never writes, so it skips the
// lock and never touches the LOCK file (closing any descriptor of it would
// drop a same-process writer's fcntl lock).
type readOnlyFS struct{ vfs.FS }

func (readOnlyFS) Lock(string) (io.Closer, error) { return nopCloser{}, nil }
func (f readOnlyFS) Unwrap() vfs.FS               { return f.FS }

type nopCloser struct{}

func (nopCloser) Close() error { return nil }

// graceFS is the file system of writers. Together with
// pebble.ArchiveCleaner it delays the deletion of obsolete files: the
// cleaner moves an obsolete table, blob, WAL or manifest into
// <dir>/archive, and graceFS turns that move into "delete in place after
// the grace period", so a read-only opener whose snapshot still refers to
// the file can open it.
type graceFS struct {
	vfs.FS
	archive string // <dir>/archive, cleaned
	deleter *delayedDeleter
}

func (f *graceFS) Unwrap() vfs.FS { return f.FS }

func (f *graceFS) MkdirAll(dir string, perm os.FileMode) error {
	if filepath.Clean(dir) == f.archive {
		return nil
	}
	return f.FS.MkdirAll(dir, perm)
}

func (f *graceFS) Rename(oldname, newname string) error {
	if filepath.Clean(filepath.Dir(newname)) == f.archive {
		f.deleter.add(oldname)
		return nil
	}
	return f.FS.Rename(oldname, newname)
}

// delayedDeleter deletes files some time after they were handed to it.
type delayedDeleter struct {
	fs    vfs.FS
	grace time.Duration
	log   *slog.Logger
	// since holds, by base name, when a file that an earlier writer left
	// pending became obsolete (see loadPending): its grace period runs
	// from then, not from this writer's discovery of it.
	since map[string]time.Time

	mu      sync.Mutex
	pending []pendingFile // oldest first
}

// pendingList is the file, in a store's directory, where a closing writer
// lists the obsolete files whose grace period has not passed, with the
// time each became obsolete: deleting them at Close would pull tables
// from under the snapshots of readers (other processes, or the service's
// read-only snapshots beside its short write sessions). The next writer
// deletes them once their period has passed.
const pendingList = "OBSOLETE.codegraph"

// loadPending reads the list of a previous writer. It only dates files:
// a file is deleted only when Pebble reports it obsolete to this writer.
func (d *delayedDeleter) loadPending(dir string) {
	d.since = readPendingList(dir)
}

// readPendingList reads dir's pendingList: when each listed file became
// obsolete, by base name (nil without a list).
func readPendingList(dir string) map[string]time.Time {
	b, err := os.ReadFile(filepath.Join(dir, pendingList))
	if err != nil {
		return nil
	}
	since := map[string]time.Time{}
	for _, line := range strings.Split(string(b), "\n") {
		name, ns, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		if n, err := strconv.ParseInt(ns, 10, 64); err == nil && name == filepath.Base(name) {
			since[name] = time.Unix(0, n)
		}
	}
	return since
}

// retire deletes the pending files whose grace period has passed and
// lists the others in dir's pendingList for the next writer.
func (d *delayedDeleter) retire(dir string) error {
	d.purge()
	d.mu.Lock()
	left := d.pending
	d.pending = nil
	d.mu.Unlock()
	list := filepath.Join(dir, pendingList)
	if len(left) == 0 {
		if err := os.Remove(list); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return nil
	}
	var b strings.Builder
	for _, p := range left {
		fmt.Fprintf(&b, "%s %d\n", filepath.Base(p.path), p.at.UnixNano())
	}
	// The list only dates the files: without it (a full disk, say) the
	// next writer finds them obsolete all the same and keeps them for a
	// whole grace period from then, so a failure to write it is not the
	// close's.
	tmp := list + ".tmp"
	err := os.WriteFile(tmp, []byte(b.String()), 0o644)
	if err == nil {
		err = os.Rename(tmp, list)
	}
	if err != nil {
		os.Remove(tmp)
		d.log.Warn("cannot list the obsolete store files kept for readers", "path", list, "err", err)
	}
	return nil
}

type pendingFile struct {
	path string
	at   time.Time
}

// add schedules path for deletion after the grace period and deletes the
// files whose period has passed.
func (d *delayedDeleter) add(path string) {
	if d.grace < 0 {
		d.remove(path)
		return
	}
	now := time.Now()
	at := now
	if t, ok := d.since[filepath.Base(path)]; ok && t.Before(now) {
		at = t
	}
	d.mu.Lock()
	// Oldest first: a file dated by an earlier writer goes before the
	// files of this one.
	i := len(d.pending)
	for i > 0 && d.pending[i-1].at.After(at) {
		i--
	}
	d.pending = slices.Insert(d.pending, i, pendingFile{path, at})
	due := d.takeDueLocked(now)
	d.mu.Unlock()
	for _, p := range due {
		d.remove(p.path)
	}
}

// purge deletes the files whose grace period has passed.
func (d *delayedDeleter) purge() {
	d.mu.Lock()
	due := d.takeDueLocked(time.Now())
	d.mu.Unlock()
	for _, p := range due {
		d.remove(p.path)
	}
}

func (d *delayedDeleter) takeDueLocked(now time.Time) []pendingFile {
	n := 0
	for n < len(d.pending) && now.Sub(d.pending[n].at) >= d.grace {
		n++
	}
	if n == 0 {
		return nil
	}
	due := append([]pendingFile(nil), d.pending[:n]...)
	d.pending = append(d.pending[:0], d.pending[n:]...)
	return due
}

// flush deletes every pending file now.
func (d *delayedDeleter) flush() error {
	d.mu.Lock()
	all := d.pending
	d.pending = nil
	d.mu.Unlock()
	var errs []error
	for _, p := range all {
		errs = append(errs, d.remove(p.path))
	}
	return errors.Join(errs...)
}

func (d *delayedDeleter) remove(path string) error {
	err := d.fs.Remove(path)
	if err == nil || errors.Is(err, os.ErrNotExist) {
		return nil
	}
	d.log.Warn("cannot delete obsolete store file", "path", path, "err", err)
	return err
}
