// Package backup writes and restores backups of an index: a consistent
// snapshot of the store (store.Snapshot) and the search index files, each
// file stored once under its SHA-256, with a manifest naming every file,
// its size and checksum. An incremental backup stores only the files that
// no backup of its chain holds yet: Pebble's tables never change once
// written and index files are replaced whole, so a small update of the
// index adds a few small files and a new manifest. Restore follows the
// chain, verifies every checksum and publishes the index only when all of
// it is in place.
//
// A backup is a directory or an S3-compatible prefix (see Open):
//
//	manifest.json      the Manifest; written last, so its presence means
//	                   the backup is complete
//	data/<sha256>      the content of each file this backup holds
//
// It sits above store, search, index and check, below the front doors.
package backup

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/codegraph-dev/codegraph/internal/check"
	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/indexfile"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// FormatName and FormatVersion identify the manifest format.
const (
	FormatName    = "codegraph-backup"
	FormatVersion = 1
	manifestName  = "manifest.json"
	dataDir       = "data"
)

// Errors callers branch on.
var (
	// ErrNotBackup: the location holds no (complete) backup.
	ErrNotBackup = errors.New("no codegraph backup there")
	// ErrExists: the location of a new backup already holds one.
	ErrExists = errors.New("a backup already exists there")
	// ErrNotEmpty: restore's destination holds files (use Force).
	ErrNotEmpty = errors.New("destination is not empty")
	// ErrChecksum: a file of a backup does not match its manifest.
	ErrChecksum = errors.New("backup file does not match its checksum")
	// ErrChanging: the index kept changing during every attempt.
	ErrChanging = errors.New("the index kept changing while it was copied")
)

// Manifest describes one backup.
type Manifest struct {
	Format  string    `json:"format"`
	Version int       `json:"version"`
	ID      string    `json:"id"`
	Created time.Time `json:"created"`
	Source  string    `json:"source"` // the index directory backed up
	// StoreFormat is the store.FormatVersion of the backed-up store.
	StoreFormat uint32 `json:"store_format"`
	// RunGen is the generation of the last (complete) index run.
	RunGen uint64 `json:"run_gen"`
	// Parent is the backup this one is incremental from (nil: full).
	Parent *Ref `json:"parent,omitempty"`
	// Encryption is "" (none) or the age scheme of the data files.
	Encryption string `json:"encryption,omitempty"`
	Files      []File `json:"files"`
}

// Ref names another backup: where it is, and its ID, which must match.
type Ref struct {
	Location string `json:"location"`
	ID       string `json:"id"`
}

// File is one file of the index.
type File struct {
	Path   string `json:"path"` // relative to the index directory, slash-separated
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	// In is the ID of the backup whose data/ holds the content: this one
	// or one of its chain.
	In string `json:"in"`
}

// TotalSize is the size of the index the backup restores.
func (m *Manifest) TotalSize() int64 {
	var n int64
	for _, f := range m.Files {
		n += f.Size
	}
	return n
}

// Options configure Create and Restore.
type Options struct {
	// IncrementalFrom is the location of the backup to store only the
	// difference from (Create).
	IncrementalFrom string
	// Force lets Restore replace a non-empty destination.
	Force bool
	// Encryption encrypts (Create) and decrypts (Restore) the data
	// files; nil stores them as they are.
	Encryption *Encryption
	// S3 configures s3:// locations.
	S3 S3Config
	// Logger receives progress at debug level; nil discards.
	Logger *slog.Logger
	// Wait bounds how long Create keeps trying to copy the index between
	// two index runs of a writer; 0 means 2 minutes.
	Wait time.Duration
}

func (o *Options) defaults() {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Wait <= 0 {
		o.Wait = 2 * time.Minute
	}
}

// Stats say what Create wrote.
type Stats struct {
	ID           string  `json:"id"`
	Files        int     `json:"files"`        // files of the index
	IndexBytes   int64   `json:"index_bytes"`  // their total size
	StoredFiles  int     `json:"stored_files"` // files this backup stores
	StoredBytes  int64   `json:"stored_bytes"` // bytes this backup stores (after encryption)
	SharedFiles  int     `json:"shared_files"` // files held by the chain
	Incremental  bool    `json:"incremental"`  // has a parent
	Attempts     int     `json:"attempts"`     // copies made (more when runs interfered)
	DurationSecs float64 `json:"duration_secs"`
}

// Create backs up the index in dbDir to the location to (a directory, or
// s3://bucket/prefix), which must not hold a backup yet. It works while
// another process writes the index: it snapshots the store without the
// writer lock (store.Snapshot), copies the search indexes, and starts
// again when an index run began meanwhile, so the backup is the state
// after one complete run. The copy is verified (check.Run) before
// anything is stored: a damaged index is not backed up.
func Create(ctx context.Context, dbDir, to string, opts Options) (*Stats, error) {
	opts.defaults()
	start := time.Now()
	dst, err := Open(ctx, to, opts.S3)
	if err != nil {
		return nil, err
	}
	if _, err := readManifest(ctx, dst); err == nil {
		return nil, fmt.Errorf("backup %s: %w", to, ErrExists)
	} else if !errors.Is(err, ErrNotBackup) {
		return nil, err
	}
	if d, ok := dst.(*dirTarget); ok {
		if empty, err := emptyDir(d.dir); err != nil {
			return nil, err
		} else if !empty {
			return nil, fmt.Errorf("backup into %s: %w (a backup goes into a new or empty directory; remove what an interrupted backup left there)", d.dir, ErrNotEmpty)
		}
	}
	var chain *Chain
	if opts.IncrementalFrom != "" {
		chain, err = OpenChain(ctx, opts.IncrementalFrom, opts.S3)
		if err != nil {
			return nil, err
		}
		if chain.Head().Encryption != opts.Encryption.scheme() {
			return nil, fmt.Errorf("backup: an incremental backup must be encrypted as %s is (%q, not %q)",
				opts.IncrementalFrom, chain.Head().Encryption, opts.Encryption.scheme())
		}
	}

	stage, err := os.MkdirTemp(stagingParent(to), ".codegraph-backup-*")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(stage)
	snap := filepath.Join(stage, "index")
	m, attempts, err := snapshotIndex(ctx, dbDir, snap, &opts)
	if err != nil {
		return nil, err
	}
	m.Format, m.Version, m.Created = FormatName, FormatVersion, time.Now().UTC()
	m.ID = newID()
	if abs, err := filepath.Abs(dbDir); err == nil {
		m.Source = abs
	}
	m.Encryption = opts.Encryption.scheme()
	seal, err := newSealer(ctx, dst, opts.Encryption)
	if err != nil {
		return nil, err
	}
	if chain != nil {
		m.Parent = &Ref{Location: chain.Location(0), ID: chain.Head().ID}
	}

	stats := &Stats{ID: m.ID, Incremental: chain != nil, Attempts: attempts}
	stored := map[string]bool{}
	for i := range m.Files {
		f := &m.Files[i]
		stats.Files++
		stats.IndexBytes += f.Size
		if chain != nil {
			if in := chain.Holder(f.SHA256); in != "" {
				f.In = in
				stats.SharedFiles++
				continue
			}
		}
		f.In = m.ID
		if stored[f.SHA256] {
			continue
		}
		stored[f.SHA256] = true
		n, err := putData(ctx, dst, filepath.Join(snap, filepath.FromSlash(f.Path)), f.SHA256, seal)
		if err != nil {
			return nil, err
		}
		stats.StoredFiles++
		stats.StoredBytes += n
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := dst.Put(ctx, manifestName, strings.NewReader(string(b)), int64(len(b))); err != nil {
		return nil, fmt.Errorf("backup: write manifest: %w", err)
	}
	stats.StoredBytes += int64(len(b))
	stats.DurationSecs = time.Since(start).Seconds()
	opts.Logger.Debug("backup created", "to", to, "id", m.ID, "stored", stats.StoredBytes, "index", stats.IndexBytes)
	return stats, nil
}

// stagingParent is where Create stages its copy: beside a directory
// backup (so that files move in by rename), else the temporary directory.
func stagingParent(to string) string {
	if isS3(to) {
		return ""
	}
	if err := os.MkdirAll(to, 0o755); err == nil {
		return to
	}
	return ""
}

// snapshotIndex copies the index in dbDir into snap consistently and
// verifies the copy; it returns the manifest's Files (with checksums),
// StoreFormat and RunGen.
//
// Consistency without the writer lock: it reads the run marker (a
// complete run G), copies the search indexes, then snapshots the store.
// An index run writes its marker (G+1, incomplete) before it changes
// anything and marks it complete only after the search indexes are
// written, so when the store snapshot still holds run G complete, no run
// began before the store was copied and the search files are run G's too.
// Otherwise it copies again, until opts.Wait has passed.
func snapshotIndex(ctx context.Context, dbDir, snap string, opts *Options) (*Manifest, int, error) {
	deadline := time.Now().Add(opts.Wait)
	lastReason := ""
	attempts := 0
	for first := true; first || time.Now().Before(deadline); first = false {
		if !first {
			select {
			case <-ctx.Done():
				return nil, attempts, ctx.Err()
			case <-time.After(10 * time.Millisecond):
			}
		}
		before, err := liveRun(dbDir)
		if err != nil {
			return nil, attempts, err
		}
		if !before.Complete {
			lastReason = "an index run is in progress"
			continue
		}
		attempts++
		os.RemoveAll(snap)
		if err := copyOthers(dbDir, snap); err != nil {
			return nil, attempts, fmt.Errorf("backup: %w", err)
		}
		if err := store.Snapshot(ctx, dbDir, filepath.Join(snap, ".store")); err != nil {
			return nil, attempts, fmt.Errorf("backup: %w", err)
		}
		if err := mergeStore(filepath.Join(snap, ".store"), snap); err != nil {
			return nil, attempts, fmt.Errorf("backup: %w", err)
		}
		m, run, err := describe(ctx, snap)
		if err != nil {
			return nil, attempts, err
		}
		if run.Gen != before.Gen || !run.Complete {
			lastReason = fmt.Sprintf("index run %d began while it was copied", run.Gen)
			opts.Logger.Debug("backup: index changed, copying again", "attempt", attempts, "reason", lastReason)
			continue
		}
		rep, err := check.Run(ctx, snap)
		if err != nil {
			return nil, attempts, fmt.Errorf("backup: verify the copy: %w", err)
		}
		if !rep.OK() && onlySearchCounts(rep) && store.WriterActive(dbDir) {
			// Most likely a node written through the API (which writes
			// no run marker) between the search copy and the store
			// snapshot: copy again while the writer is there. Without
			// a writer the disagreement is real.
			lastReason = "the search indexes and the store were copied at different writes"
			continue
		}
		if !rep.OK() {
			var msgs []string
			for _, p := range rep.Problems {
				msgs = append(msgs, p.String())
			}
			return nil, attempts, fmt.Errorf("backup: the index is not sound, not backing it up: %s", strings.Join(msgs, "; "))
		}
		return m, attempts, nil
	}
	return nil, attempts, fmt.Errorf("backup %s: %w for %s (%s); try again when it is idle", dbDir, ErrChanging, opts.Wait, lastReason)
}

// onlySearchCounts reports whether every problem of rep is a count of the
// search indexes that disagrees with the store.
func onlySearchCounts(rep *check.Report) bool {
	for _, p := range rep.Problems {
		if p.Area != check.AreaSearch || !strings.Contains(p.What, "disagree") {
			return false
		}
	}
	return true
}

// mergeStore moves the files of the store snapshot in from into dir (the
// search files are there already) and removes from.
func mergeStore(from, dir string) error {
	entries, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.Rename(filepath.Join(from, e.Name()), filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return os.Remove(from)
}

// liveRun reads the run marker of the index in dbDir.
func liveRun(dbDir string) (index.RunState, error) {
	st, err := store.Open(dbDir, store.Options{ReadOnly: true})
	if err != nil {
		return index.RunState{}, fmt.Errorf("backup: %w", err)
	}
	defer st.Close()
	run, ok, err := index.LastRun(st)
	if err != nil {
		return run, fmt.Errorf("backup: %w", err)
	}
	if !ok {
		// Written before run markers: treat as one complete run.
		run = index.RunState{Complete: true}
	}
	return run, nil
}

// copyOthers copies the files of dbDir that are not the store's (the
// search indexes, .gitignore) into snap, skipping temporary files and the
// watcher's and writer's lock files.
func copyOthers(dbDir, snap string) error {
	return filepath.WalkDir(dbDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		rel, _ := filepath.Rel(dbDir, p)
		if rel == "." {
			return nil
		}
		top := !strings.ContainsRune(rel, filepath.Separator)
		name := d.Name()
		if top && (store.IsStoreFile(name) || strings.HasSuffix(name, ".codegraph") && strings.ToUpper(name) == name) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil // LOCK.codegraph, WATCH.codegraph and Pebble's files
		}
		if indexfile.IsTemp(name) || strings.HasPrefix(name, ".codegraph-backup-") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		out := filepath.Join(snap, rel)
		if d.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		err = copyFile(p, out)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // replaced meanwhile: the run check catches a change
		}
		return err
	})
}

// describe lists the files of the index copy in snap with their sizes and
// checksums, and reads its format and run.
func describe(ctx context.Context, snap string) (*Manifest, index.RunState, error) {
	m := &Manifest{StoreFormat: store.FormatVersion}
	st, err := store.Open(snap, store.Options{ReadOnly: true})
	if err != nil {
		return nil, index.RunState{}, fmt.Errorf("backup: open the copy: %w", err)
	}
	run, ok, err := index.LastRun(st)
	st.Close()
	if err != nil {
		return nil, run, fmt.Errorf("backup: %w", err)
	}
	if !ok {
		run = index.RunState{Complete: true}
	}
	m.RunGen = run.Gen
	err = filepath.WalkDir(snap, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, _ := filepath.Rel(snap, p)
		// Pebble's LOCK and the store's own lock and reader files hold no
		// index data.
		if n := d.Name(); !strings.ContainsRune(rel, filepath.Separator) && (n == "LOCK" || strings.HasSuffix(n, ".codegraph") && strings.ToUpper(n) == n) {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		sum, size, err := hashFile(p)
		if err != nil {
			return err
		}
		m.Files = append(m.Files, File{Path: filepath.ToSlash(rel), Size: size, SHA256: sum})
		return nil
	})
	if err != nil {
		return nil, run, fmt.Errorf("backup: %w", err)
	}
	slices.SortFunc(m.Files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return m, run, nil
}

// putData stores the file at p as data/<sum> of dst (encrypted with c
// when set) and returns the bytes stored.
func putData(ctx context.Context, dst Target, p, sum string, c *sealer) (int64, error) {
	name := path.Join(dataDir, sum)
	if c == nil {
		if d, ok := dst.(*dirTarget); ok {
			return d.moveIn(p, name)
		}
	}
	f, err := os.Open(p)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	if c == nil {
		return fi.Size(), dst.Put(ctx, name, f, fi.Size())
	}
	// Encrypt to a temporary file first: the size must be known for
	// object stores, and a failed upload must not leave half a file.
	tmp, err := os.CreateTemp("", ".codegraph-backup-enc-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	w, err := c.encrypt(tmp)
	if err != nil {
		return 0, err
	}
	if _, err := io.Copy(w, f); err != nil {
		return 0, err
	}
	if err := w.Close(); err != nil {
		return 0, err
	}
	n, err := tmp.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	return n, dst.Put(ctx, name, tmp, n)
}

func hashFile(p string) (string, int64, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

func copyFile(src, dst string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	return errors.Join(err, out.Close())
}

func newID() string {
	var b [8]byte
	rand.Read(b[:])
	return time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// readManifest reads and validates the manifest of the backup in t.
func readManifest(ctx context.Context, t Target) (*Manifest, error) {
	rc, err := t.Get(ctx, manifestName)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", t, ErrNotBackup)
	}
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var m Manifest
	if err := json.NewDecoder(io.LimitReader(rc, 256<<20)).Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: manifest: %w", t, err)
	}
	if m.Format != FormatName {
		return nil, fmt.Errorf("%s: manifest of %q: %w", t, m.Format, ErrNotBackup)
	}
	if m.Version != FormatVersion {
		return nil, fmt.Errorf("%s: backup format %d, this codegraph reads %d", t, m.Version, FormatVersion)
	}
	if m.ID == "" {
		return nil, fmt.Errorf("%s: manifest without an id: %w", t, ErrNotBackup)
	}
	return &m, nil
}

// Read returns the manifest of the backup at location.
func Read(ctx context.Context, location string, s3 S3Config) (*Manifest, error) {
	t, err := Open(ctx, location, s3)
	if err != nil {
		return nil, err
	}
	return readManifest(ctx, t)
}
