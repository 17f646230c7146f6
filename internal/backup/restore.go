package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"filippo.io/age"

	"github.com/codegraph-dev/codegraph/internal/indexfile"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// Restore writes the index of the backup at from (following its chain of
// incremental backups) into dbDir. Every file is checked against its
// size and SHA-256 before the index is published: it is assembled in a
// temporary directory beside dbDir and renamed into place, so a failed
// restore leaves dbDir as it was. dbDir must be missing or empty unless
// opts.Force; an index a writer holds open is never replaced.
func Restore(ctx context.Context, from, dbDir string, opts Options) (*Manifest, error) {
	opts.defaults()
	chain, err := OpenChain(ctx, from, opts.S3)
	if err != nil {
		return nil, err
	}
	m := chain.Head()
	keys, err := openers(ctx, chain, opts.Encryption)
	if err != nil {
		return nil, err
	}
	if m.StoreFormat != store.FormatVersion {
		return nil, fmt.Errorf("backup %s holds an index of store format %d, this codegraph uses %d: restore it with the codegraph that made it, or index the source again",
			from, m.StoreFormat, store.FormatVersion)
	}
	dbDir, err = filepath.Abs(dbDir)
	if err != nil {
		return nil, err
	}
	empty, err := emptyDir(dbDir)
	if err != nil {
		return nil, err
	}
	if !empty {
		if !opts.Force {
			return nil, fmt.Errorf("restore into %s: %w (use --force to replace it)", dbDir, ErrNotEmpty)
		}
		if err := notInUse(dbDir); err != nil {
			return nil, err
		}
	}
	parent := filepath.Dir(dbDir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dbDir)+".restore-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	for _, f := range m.Files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := restoreFile(ctx, chain, f, tmp, keys[f.In]); err != nil {
			return nil, err
		}
	}
	// The copy must open as a store before it replaces anything.
	st, err := store.Open(tmp, store.Options{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("restore: the restored store does not open: %w", err)
	}
	st.Close()
	if err := publish(tmp, dbDir); err != nil {
		return nil, err
	}
	return m, nil
}

// restoreFile writes f into dir, checking its size and checksum.
func restoreFile(ctx context.Context, chain *Chain, f File, dir string, ids []age.Identity) error {
	clean := path.Clean(f.Path)
	if clean != f.Path || path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
		return fmt.Errorf("restore: manifest names the file %q outside the index", f.Path)
	}
	holder := chain.target(f.In)
	rc, err := holder.Get(ctx, path.Join(dataDir, f.SHA256))
	if err != nil {
		return fmt.Errorf("restore %s: %w", f.Path, err)
	}
	defer rc.Close()
	var r io.Reader = rc
	if ids != nil {
		if r, err = age.Decrypt(rc, ids...); err != nil {
			return fmt.Errorf("restore %s from %s: %w: %v", f.Path, holder, ErrDecrypt, err)
		}
	}
	out := filepath.Join(dir, filepath.FromSlash(f.Path))
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	w, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), io.LimitReader(r, f.Size+1))
	if err == nil {
		err = w.Sync()
	}
	if err = errors.Join(err, w.Close()); err != nil {
		return fmt.Errorf("restore %s: %w", f.Path, err)
	}
	if n != f.Size || hex.EncodeToString(h.Sum(nil)) != f.SHA256 {
		return fmt.Errorf("restore %s from %s: %w (%d bytes, want %d)", f.Path, holder, ErrChecksum, n, f.Size)
	}
	return nil
}

func emptyDir(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return len(entries) == 0, nil
}

// notInUse fails when dir is an index whose writer lock another process
// holds (a watcher or server would go on writing into the replaced one).
func notInUse(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, "LOCK.codegraph")); err != nil {
		return nil
	}
	st, err := store.Open(dir, store.Options{})
	if errors.Is(err, store.ErrLocked) {
		return fmt.Errorf("restore into %s: %w; stop it first", dir, err)
	}
	if err == nil {
		st.Close()
	}
	return nil
}

// publish replaces dbDir by tmp.
func publish(tmp, dbDir string) error {
	old := ""
	if _, err := os.Stat(dbDir); err == nil {
		old = tmp + ".old"
		if err := os.Rename(dbDir, old); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
	}
	if err := os.Rename(tmp, dbDir); err != nil {
		if old != "" {
			os.Rename(old, dbDir)
		}
		return fmt.Errorf("restore: %w", err)
	}
	if old != "" {
		os.RemoveAll(old)
	}
	return indexfile.SyncDir(filepath.Dir(dbDir))
}
