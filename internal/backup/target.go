package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/indexfile"
)

// Target is where a backup's files live: a directory or an S3-compatible
// prefix. Names are slash-separated and relative to the backup.
type Target interface {
	// Put stores the size bytes of r as name, replacing it.
	Put(ctx context.Context, name string, r io.Reader, size int64) error
	// Get opens name; an error wrapping fs.ErrNotExist when it is missing.
	Get(ctx context.Context, name string) (io.ReadCloser, error)
	// String is the location, as Open takes it.
	String() string
}

// Open returns the target at location: s3://bucket/prefix (see S3Config)
// or a directory path (created by the first Put).
func Open(ctx context.Context, location string, s3 S3Config) (Target, error) {
	if location == "" {
		return nil, errors.New("backup: no location given")
	}
	if isS3(location) {
		return openS3(ctx, location, s3)
	}
	abs, err := filepath.Abs(location)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if fi, err := os.Stat(abs); err == nil && !fi.IsDir() {
		return nil, fmt.Errorf("backup: %s is not a directory", abs)
	}
	return &dirTarget{dir: abs}, nil
}

func isS3(location string) bool { return strings.HasPrefix(location, "s3://") }

// dirTarget is a backup in a local directory.
type dirTarget struct{ dir string }

func (d *dirTarget) String() string { return d.dir }

func (d *dirTarget) path(name string) string { return filepath.Join(d.dir, filepath.FromSlash(name)) }

// Put writes name through a temporary file, syncs and renames it.
func (d *dirTarget) Put(ctx context.Context, name string, r io.Reader, size int64) error {
	p := d.path(name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".tmp-"+filepath.Base(p)+"-*")
	if err != nil {
		return err
	}
	n, err := io.Copy(f, r)
	if err == nil && n != size {
		err = fmt.Errorf("wrote %d bytes of %d", n, size)
	}
	if err == nil {
		err = f.Sync()
	}
	err = errors.Join(err, f.Close())
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("backup: write %s: %w", p, err)
	}
	return indexfile.SyncDir(filepath.Dir(p))
}

// moveIn moves the local file src in as name (renamed when on the same
// file system, else copied) and returns its size.
func (d *dirTarget) moveIn(src, name string) (int64, error) {
	fi, err := os.Stat(src)
	if err != nil {
		return 0, err
	}
	p := d.path(name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return 0, err
	}
	// A hard link of a store table shares the live store's inode: copy
	// those, so that the backup owns its bytes. (Pebble never writes a
	// table in place, but a backup must not depend on that.)
	if st, ok := nlink(fi); !ok || st <= 1 {
		if err := os.Rename(src, p); err == nil {
			f, err := os.Open(p)
			if err == nil {
				err = errors.Join(f.Sync(), f.Close())
			}
			return fi.Size(), errors.Join(err, indexfile.SyncDir(filepath.Dir(p)))
		}
	}
	f, err := os.Open(src)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return fi.Size(), d.Put(context.Background(), name, f, fi.Size())
}

// Get opens name.
func (d *dirTarget) Get(ctx context.Context, name string) (io.ReadCloser, error) {
	f, err := os.Open(d.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("backup: %s: %w", d.path(name), fs.ErrNotExist)
	}
	return f, err
}
