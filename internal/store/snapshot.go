package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// snapshotAttempts bounds how often Snapshot starts again when the copy
// does not open (a writer deleted a file the copied manifest names).
const snapshotAttempts = 5

// Snapshot writes into dst (which must not exist) a store holding the
// state of the store in dir at one moment, without taking the writer lock:
// a watcher or server may keep writing meanwhile. It copies the current
// manifest, then hard-links (or copies) the tables, which Pebble never
// changes once written and a writer keeps for ObsoleteFileGrace after it
// stops needing them, then copies the write-ahead logs; it then opens the
// copy as a writer, which replays the logs (every batch committed before
// the copy is in the snapshot, each batch whole or not at all), deletes
// the files the copied manifest does not name, and flushes. dst is then a
// store of its own whose tables keep their names and bytes, so a later
// snapshot shares every table that was not compacted away meanwhile.
func Snapshot(ctx context.Context, dir, dst string) error {
	if _, err := os.Stat(dst); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("snapshot %s: %s exists", dir, dst)
	}
	var lastErr error
	for attempt := range snapshotAttempts {
		if attempt > 0 {
			if err := os.RemoveAll(dst); err != nil {
				return err
			}
			time.Sleep(time.Duration(attempt) * 50 * time.Millisecond)
		}
		err := snapshotOnce(dir, dst)
		if err == nil || errors.Is(err, ErrNotFound) {
			return err
		}
		if cerr := ctx.Err(); cerr != nil {
			os.RemoveAll(dst)
			return cerr
		}
		lastErr = err
	}
	os.RemoveAll(dst)
	return fmt.Errorf("snapshot %s: %w", dir, lastErr)
}

func snapshotOnce(dir, dst string) error {
	if err := checkMarkers(dir); errors.Is(err, errCreateInterrupted) {
		return noIndex(dir, "its creation did not finish")
	} else if err != nil {
		return err
	}
	// A registered reader: a writer closing while the tables are linked
	// keeps those the copied manifest names.
	unregister := registerReader(dir)
	defer unregister()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	manifestMarker, manifestIter := "", -1
	formatMarker, formatIter := "", -1
	options := ""
	for _, e := range entries {
		n := e.Name()
		switch {
		case strings.HasPrefix(n, "marker.manifest."):
			if it := markerIteration(n); it > manifestIter {
				manifestMarker, manifestIter = n, it
			}
		case strings.HasPrefix(n, "marker.format-version."):
			if it := markerIteration(n); it > formatIter {
				formatMarker, formatIter = n, it
			}
		case strings.HasPrefix(n, "OPTIONS-") && n > options:
			options = n
		}
	}
	if manifestMarker == "" {
		return noIndex(dir, "")
	}
	manifest := manifestMarker[strings.Index(manifestMarker, "MANIFEST-"):]
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	// The manifest first: the tables it names exist until well after it
	// stops naming them, and the logs copied after it hold every batch it
	// does not.
	if err := copyFile(filepath.Join(dir, manifest), filepath.Join(dst, manifest)); err != nil {
		return err
	}
	for _, m := range []string{manifestMarker, formatMarker} {
		if m == "" {
			continue
		}
		if err := os.WriteFile(filepath.Join(dst, m), nil, 0o644); err != nil {
			return err
		}
	}
	if options != "" {
		if err := copyFile(filepath.Join(dir, options), filepath.Join(dst, options)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	for _, e := range entries {
		n := e.Name()
		if ext := filepath.Ext(n); (ext == ".sst" || ext == ".blob") && isPebbleFile(n) {
			err := os.Link(filepath.Join(dir, n), filepath.Join(dst, n))
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				err = copyFile(filepath.Join(dir, n), filepath.Join(dst, n))
			}
			if err != nil && !errors.Is(err, fs.ErrNotExist) { // deleted: not in the manifest copied
				return err
			}
		}
	}
	// The logs, listed again: a log started since the first listing holds
	// batches committed after it.
	entries, err = os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if n := e.Name(); filepath.Ext(n) == ".log" && isPebbleFile(n) {
			if err := copyFile(filepath.Join(dir, n), filepath.Join(dst, n)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	s, err := Open(dst, Options{ObsoleteFileGrace: -1})
	if err != nil {
		return err
	}
	return errors.Join(s.Flush(), s.Close())
}

// markerIteration is the iteration number of a Pebble marker file
// (marker.<name>.<iteration>.<value>), -1 when it has none.
func markerIteration(name string) int {
	parts := strings.SplitN(name, ".", 4)
	if len(parts) < 4 {
		return -1
	}
	n, err := strconv.Atoi(parts[2])
	if err != nil {
		return -1
	}
	return n
}

func copyFile(src, dst string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err = io.Copy(out, in); err == nil {
		err = out.Sync()
	}
	return errors.Join(err, out.Close())
}

// IsStoreFile reports whether name (an entry of a store directory) is a
// file of the store's: Pebble's files and the lock file. Files of other
// packages in the directory (the search indexes) are not.
func IsStoreFile(name string) bool {
	return isPebbleFile(name) || name == lockFileName
}
