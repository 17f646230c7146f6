package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"

	"github.com/cockroachdb/pebble/v2"
)

// CorruptError reports a damaged store: a Pebble file that fails its
// checksum, is truncated or missing, a manifest that cannot be read, or a
// key or value the decoders cannot read. It wraps ErrCorrupt (errors.Is)
// and the underlying error; its message names the file (the front doors
// say how to rebuild: service.CodeRebuildNeeded).
type CorruptError struct {
	Dir  string // the store directory
	File string // the damaged or missing file, when known (else Dir)
	Err  error  // what was found
}

func (e *CorruptError) Error() string {
	return "index store is damaged: " + e.Reason()
}

// Reason is the damaged file and what is wrong with it.
func (e *CorruptError) Reason() string {
	file := e.File
	if file == "" {
		file = e.Dir
	}
	return file + ": " + firstLine(e.Err)
}

// Unwrap returns the error found.
func (e *CorruptError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrCorrupt) hold for every CorruptError.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

// firstLine is the first line of err's message: Pebble's errors append
// multi-line details (stack traces with %+v; bounds and hints otherwise).
func firstLine(err error) string {
	if err == nil {
		return "damaged"
	}
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return msg
}

// pebbleFatal is the panic value of pebbleLogger.Fatalf, so that guard can
// tell Pebble's fatal errors from a panic in a caller's callback.
type pebbleFatal struct{ msg string }

func (p pebbleFatal) String() string { return "pebble: " + p.msg }

// isCorrupt reports whether err says that the store's data is damaged.
func isCorrupt(err error) bool {
	return errors.Is(err, ErrCorrupt) || pebble.IsCorruptionError(err)
}

// pebbleFileRE finds the name of a Pebble file in an error message.
var (
	pebbleFileRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?:[^\s"():]*/)?(?:\d{6,}\.(?:sst|log|blob)|MANIFEST-\d+|OPTIONS-\d+)\b`)
	})
	pebbleTableRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`file (\d{6,}) \(type sstable\)`) })
)

// corruptErr returns err as a *CorruptError when it reports damage (a
// Pebble corruption or ErrCorrupt), naming the file where Pebble says which
// it is, and err unchanged otherwise.
func (s *Store) corruptErr(err error) error {
	if err == nil || !isCorrupt(err) {
		return err
	}
	var ce *CorruptError
	if errors.As(err, &ce) {
		return err
	}
	return newCorruptError(s.dir, err)
}

func newCorruptError(dir string, err error) *CorruptError {
	ce := &CorruptError{Dir: dir, Err: err}
	if info := pebble.ExtractDataCorruptionInfo(err); info != nil && info.Path != "" {
		ce.File = info.Path
	} else if m := pebbleFileRE().FindString(err.Error()); m != "" {
		if !filepath.IsAbs(m) {
			m = filepath.Join(dir, filepath.Base(m))
		}
		ce.File = m
	} else if m := pebbleTableRE().FindStringSubmatch(err.Error()); m != nil {
		ce.File = filepath.Join(dir, m[1]+".sst")
	}
	return ce
}

// guard is deferred by every method that reads or writes Pebble: it turns
// a panic of Pebble's (its fatal log, or a corruption error it panics
// with) into a *CorruptError in *err, so that no Pebble stack trace reaches
// the user, and wraps a returned corruption error likewise. Other panics
// (a caller's callback) go on.
func (s *Store) guard(err *error) {
	if p := recover(); p != nil {
		switch v := p.(type) {
		case pebbleFatal:
			*err = &CorruptError{Dir: s.dir, Err: errors.New(v.String())}
			return
		case error:
			if pebble.IsCorruptionError(v) {
				*err = newCorruptError(s.dir, v)
				return
			}
		}
		panic(p)
	}
	*err = s.corruptErr(*err)
}

// classifyOpenErr turns an error of opening Pebble in dir that means the
// store's files are damaged or inconsistent (corruption, a truncated,
// malformed or missing manifest, a table the manifest names that is missing
// or of the wrong size) into a *CorruptError; other errors (permissions,
// resources) are returned as they are.
func classifyOpenErr(dir string, err error) error {
	if err == nil || errors.Is(err, fs.ErrPermission) || errors.Is(err, pebble.ErrDBDoesNotExist) || isResourceErr(err) {
		return err
	}
	msg := err.Error()
	switch {
	case pebble.IsCorruptionError(err),
		errors.Is(err, pebble.ErrDBNotPristine),
		errors.Is(err, fs.ErrNotExist),
		strings.Contains(msg, "manifest"),
		strings.Contains(msg, "MANIFEST"),
		strings.Contains(msg, "size mismatch"),
		strings.Contains(msg, "unknown to the objstorage provider"):
		return newCorruptError(dir, err)
	}
	return err
}

// isResourceErr reports an error of the machine, not of the store's files
// (no descriptors, memory or space, a read-only file system): never a
// reason to delete a store.
func isResourceErr(err error) bool {
	for _, e := range []syscall.Errno{syscall.EMFILE, syscall.ENFILE, syscall.ENOSPC, syscall.ENOMEM, syscall.EROFS, syscall.EAGAIN} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// checkMarkers reports a store whose Pebble files are present but whose
// manifest marker (marker.manifest.*, which names the current MANIFEST) is
// gone: Pebble would take the directory for a new database, answer "no
// index" to readers and replay stray write-ahead logs into a fresh one for
// a writer. It returns nil for a healthy, new or missing store.
//
// A store whose creation was cut short (a kill after Pebble wrote its
// first MANIFEST, before the marker naming it) holds no data: no table,
// no write-ahead log (Pebble creates the first log after the marker), no
// later manifest. checkMarkers returns errCreateInterrupted for it, which
// a writer answers by creating the store anew and a reader as "no index".
func checkMarkers(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil // Open reports it
	}
	var data, marker, first bool
	for _, e := range entries {
		n := e.Name()
		switch {
		case strings.HasPrefix(n, "marker.manifest."):
			marker = true
		case n == "MANIFEST-000001":
			first = true
		case strings.HasPrefix(n, "MANIFEST-"), strings.HasSuffix(n, ".sst"), strings.HasSuffix(n, ".blob"),
			strings.HasSuffix(n, ".log") && isPebbleFile(n):
			data = true
		}
	}
	if first && !data && !marker {
		return errCreateInterrupted
	}
	if (data || first) && !marker {
		return &CorruptError{Dir: dir, File: filepath.Join(dir, "marker.manifest.*"),
			Err: errors.New("the marker naming the current MANIFEST is missing")}
	}
	return nil
}

// errCreateInterrupted is checkMarkers' answer for a store whose creation
// was cut short before it held anything.
var errCreateInterrupted = errors.New("the store's creation did not finish")

// isPebbleFile reports whether name (an entry of a store directory) is a
// file of Pebble's, which Recreate deletes.
func isPebbleFile(name string) bool {
	switch {
	case name == "LOCK", name == "archive", name == loadDirName, strings.HasPrefix(name, "marker."),
		strings.HasPrefix(name, "MANIFEST-"), strings.HasPrefix(name, "OPTIONS-"),
		strings.HasSuffix(name, ".dbtmp"):
		return true
	}
	ext := filepath.Ext(name)
	if ext != ".sst" && ext != ".log" && ext != ".blob" {
		return false
	}
	for _, c := range strings.TrimSuffix(name, ext) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// removePebbleFiles deletes Pebble's files in dir (the caller holds the
// writer lock), leaving the lock file and files of other packages.
func removePebbleFiles(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		if isPebbleFile(e.Name()) {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// checkOrphanTables is called for a store that reads as empty: tables in
// its directory then mean a manifest that lost them (truncated or
// rewritten), not a new store.
func checkOrphanTables(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	// Tables a writer left for readers are not the manifest's to list.
	obsolete := readPendingList(dir)
	tables, manifest := 0, ""
	for _, e := range entries {
		n := e.Name()
		_, listed := obsolete[n]
		switch {
		case strings.HasSuffix(n, ".sst") && isPebbleFile(n) && !listed:
			tables++
		case strings.HasPrefix(n, "marker.manifest."):
			if i := strings.Index(n, "MANIFEST-"); i >= 0 {
				manifest = n[i:]
			}
		}
	}
	if tables == 0 {
		return nil
	}
	file := dir
	if manifest != "" {
		file = filepath.Join(dir, manifest)
	}
	return &CorruptError{Dir: dir, File: file,
		Err: fmt.Errorf("the manifest lists no tables but the directory holds %d (truncated manifest?)", tables)}
}
