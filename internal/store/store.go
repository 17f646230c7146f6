package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/bloom"
	"github.com/cockroachdb/pebble/v2/sstable"
	"github.com/cockroachdb/pebble/v2/vfs"
)

// Options configure Open. The zero value is a writer with sane defaults.
type Options struct {
	// ReadOnly opens without taking the write lock, so other processes may
	// be writing. A read-only store sees the index as it was when opened.
	ReadOnly bool
	// Logger receives diagnostics (Pebble's own at debug level); nil
	// discards them.
	Logger *slog.Logger

	// CacheSize is Pebble's block cache in bytes; 0 means 64 MiB. (Pebble
	// accounts memtables against its cache, so Open sizes the cache at
	// CacheSize plus the memtables' budget.)
	CacheSize int64
	// MemTableSize is the size of one Pebble memtable in bytes; 0 means
	// 64 MiB. Batches much larger than half of it are applied as their own
	// flushable memtable, so keep it above twice the commit size.
	MemTableSize uint64
	// ObsoleteFileGrace is how long a writer keeps Pebble files it no longer
	// needs (compacted tables, old WALs and manifests) before deleting them,
	// so that read-only openers in other processes can still read the
	// files their snapshot refers to. 0 means 30 s; negative deletes at
	// once. Pending files are deleted when the writer closes.
	ObsoleteFileGrace time.Duration
	// Recreate deletes the database's files (not the lock file, nor files
	// of other packages in the directory) once the writer lock is taken,
	// so that the store opens empty: what `codegraph index --rebuild` does
	// to a damaged store. Ignored with ReadOnly.
	Recreate bool
	// Throwaway is for a store deleted after Close (a diff's overlay):
	// Close does not flush the memtable for later readers (there are
	// none), which would write a table only to delete it.
	Throwaway bool
}

const (
	defaultCacheSize         = 64 << 20
	defaultMemTableSize      = 64 << 20
	defaultObsoleteFileGrace = 30 * time.Second

	// lockFileName is the writer's lock file; it holds the writer's pid.
	lockFileName = "LOCK.codegraph"

	// readOnlyAttempts bounds how often a read-only open is retried when a
	// concurrent writer renames or deletes a file between Pebble listing
	// the directory and reading it.
	readOnlyAttempts = 5
)

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.CacheSize <= 0 {
		o.CacheSize = defaultCacheSize
	}
	if o.MemTableSize == 0 {
		o.MemTableSize = defaultMemTableSize
	}
	if o.ObsoleteFileGrace == 0 {
		o.ObsoleteFileGrace = defaultObsoleteFileGrace
	}
	return o
}

// ErrNotFound is returned (possibly wrapped) when a node, file, metadata
// key or the store itself does not exist.
var ErrNotFound = errors.New("not found")

// ErrNoIndex is returned (wrapped, with the directory) by a read-only
// Open when there is no index there yet, or an empty one. It matches
// ErrNotFound too. Its message names no command: the front doors say how
// to build an index (service.CodeUnavailable's hint).
var ErrNoIndex error = noIndexError{}

type noIndexError struct{}

func (noIndexError) Error() string        { return "no index" }
func (noIndexError) Is(target error) bool { return target == ErrNotFound }

// noIndex is ErrNoIndex for dir, with why when it says more.
func noIndex(dir, why string) error {
	if why != "" {
		return fmt.Errorf("%w in %s (%s)", ErrNoIndex, dir, why)
	}
	return fmt.Errorf("%w in %s", ErrNoIndex, dir)
}

// ErrSchemaMismatch is returned (wrapped, with both versions) by Open when
// the store was written with a different FormatVersion.
var ErrSchemaMismatch = errors.New("index was written by an incompatible version of codegraph")

// ErrLocked is returned (wrapped, with "index is locked by pid N") by Open
// when another process holds the write lock.
var ErrLocked = errors.New("index is locked by another process")

// ErrReadOnly is returned by write operations on a store opened ReadOnly.
var ErrReadOnly = errors.New("store is open read-only")

// Store is an open code graph. Its methods are safe for concurrent use;
// a Batch is not.
type Store struct {
	dir   string
	db    *pebble.DB
	cache *pebble.Cache // the db's block cache (DropCache); one reference
	// memTables is the cache's share reserved for memtables (see
	// openPebble and ReserveMemTables).
	memTables int64
	readOnly  bool
	// throwaway: see Options.Throwaway
	throwaway bool
	log       *slog.Logger
	unlock    func() error // releases the write lock; nil when read-only
	// unregister drops a read-only open's shared lock on the readers
	// file (see registerReader); nil for a writer.
	unregister func() error
	deleter    *delayedDeleter // nil when read-only
	closed     atomic.Bool
	// bare is set when the store had no file when it was opened (its
	// facts are written and deleted with their file's meta, in one
	// batch): a path no batch has written since (written) has no facts.
	bare    bool
	writeMu sync.Mutex
	written map[string]struct{}
	// tableOpts write the tables of a bulk load as the store's own
	// bottom level's.
	tableOpts sstable.WriterOptions
}

// firstWrite reports whether path certainly has no committed facts (see
// bare), and notes that it is written now.
func (s *Store) firstWrite(path string) bool {
	if !s.bare {
		return false
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if _, ok := s.written[path]; ok {
		return false
	}
	s.written[path] = struct{}{}
	return true
}

// Open opens the store in dir. A writer creates dir if it is missing and
// takes the exclusive lock LOCK.codegraph (ErrLocked if another process
// holds it); a ReadOnly open of a missing or empty store fails with an error
// wrapping ErrNotFound. A store with another FormatVersion fails with
// ErrSchemaMismatch.
func Open(dir string, opts Options) (*Store, error) {
	opts = opts.withDefaults()
	if opts.ReadOnly {
		return openReadOnly(dir, opts)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("open %s: %w", dir, err)
	}
	unlock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	if opts.Recreate {
		os.Remove(filepath.Join(dir, pendingList)) // a new store numbers its files anew
		if err := removePebbleFiles(dir); err != nil {
			return nil, errors.Join(fmt.Errorf("open %s: delete the old store: %w", dir, err), unlock())
		}
	} else if err := checkMarkers(dir); errors.Is(err, errCreateInterrupted) {
		// Nothing to keep: create the store again.
		os.Remove(filepath.Join(dir, pendingList))
		if err := removePebbleFiles(dir); err != nil {
			return nil, errors.Join(fmt.Errorf("open %s: delete an unfinished store: %w", dir, err), unlock())
		}
	} else if err != nil {
		return nil, errors.Join(err, unlock())
	}
	// A bulk load that did not finish left only its scratch files.
	if err := removeLoadDir(dir); err != nil {
		return nil, errors.Join(fmt.Errorf("open %s: %w", dir, err), unlock())
	}
	if err := createReadersFile(dir); err != nil {
		return nil, errors.Join(err, unlock())
	}
	deleter := &delayedDeleter{fs: vfs.Default, grace: opts.ObsoleteFileGrace, log: opts.Logger}
	deleter.loadPending(dir)
	fsys := &graceFS{FS: vfs.Default, archive: filepath.Join(filepath.Clean(dir), "archive"), deleter: deleter}
	db, cache, tableOpts, err := openPebble(dir, fsys, opts)
	if err != nil {
		if ce := classifyOpenErr(dir, err); ce != err {
			return nil, errors.Join(ce, deleter.flush(), unlock())
		}
		err = errors.Join(err, deleter.flush(), unlock())
		return nil, fmt.Errorf("open %s: %w", dir, err)
	}
	s := &Store{dir: dir, db: db, cache: cache, memTables: 2 * int64(opts.MemTableSize), log: opts.Logger, unlock: unlock, deleter: deleter, throwaway: opts.Throwaway, tableOpts: tableOpts}
	if err := s.checkSchema(true); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	hasFiles := false
	if err := s.scan([]byte{famMeta, spaceFileMeta}, func(_, _ []byte) error { hasFiles = true; return errStopScan }); err != nil && !errors.Is(err, errStopScan) {
		return nil, errors.Join(fmt.Errorf("open %s: %w", dir, err), s.Close())
	}
	s.bare, s.written = !hasFiles, map[string]struct{}{}
	opts.Logger.Debug("store opened", "dir", dir)
	return s, nil
}

func openReadOnly(dir string, opts Options) (*Store, error) {
	notFound := noIndex(dir, "")
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, notFound
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("open %s: not a directory", dir)
	}
	if err := checkMarkers(dir); errors.Is(err, errCreateInterrupted) {
		return nil, noIndex(dir, "its creation did not finish")
	} else if err != nil {
		return nil, err
	}
	// Registered before Pebble reads the manifest: a writer that closes
	// meanwhile keeps the tables this version names (see Close).
	unregister := registerReader(dir)
	var lastErr error
	for attempt := range readOnlyAttempts {
		db, cache, _, err := openPebble(dir, readOnlyFS{vfs.Default}, opts)
		if err == nil {
			s := &Store{dir: dir, db: db, cache: cache, readOnly: true, log: opts.Logger, unregister: unregister}
			if err := s.checkSchema(false); err != nil {
				return nil, errors.Join(err, s.Close())
			}
			opts.Logger.Debug("store opened read-only", "dir", dir, "attempts", attempt+1)
			return s, nil
		}
		if errors.Is(err, pebble.ErrDBDoesNotExist) {
			unregister()
			return nil, notFound
		}
		lastErr = err
		opts.Logger.Debug("read-only open failed, retrying", "dir", dir, "attempt", attempt+1, "err", err)
		time.Sleep(time.Duration(attempt+1) * 20 * time.Millisecond)
	}
	unregister()
	if ce := classifyOpenErr(dir, lastErr); ce != lastErr {
		return nil, ce
	}
	return nil, fmt.Errorf("open %s read-only: %w", dir, lastErr)
}

// openPebble opens the Pebble database in dir over fsys, and returns the
// options of a table written for its bottom level. The caller holds a
// reference to the returned cache (Unref after the db's Close).
func openPebble(dir string, fsys vfs.FS, opts Options) (*pebble.DB, *pebble.Cache, sstable.WriterOptions, error) {
	// Pebble reserves each memtable's size from the block cache; without
	// room for the (up to MemTableStopWritesThreshold = 2) memtables, it
	// would cache no blocks at all.
	cache := pebble.NewCache(opts.CacheSize + 2*int64(opts.MemTableSize))
	log := opts.Logger
	po := &pebble.Options{
		FS:           fsys,
		Cache:        cache,
		MemTableSize: opts.MemTableSize,
		Logger:       pebbleLogger{log},
		ReadOnly:     opts.ReadOnly,
		EventListener: &pebble.EventListener{
			BackgroundError: func(err error) { log.Error("pebble background error", "err", firstLine(err)) },
			// Pebble's default for a corrupt table is its logger's Fatalf,
			// which panics; the read that found it returns the error (a
			// CorruptError at this package's boundary).
			DataCorruption: func(info pebble.DataCorruptionInfo) {
				log.Error("store file is damaged", "path", info.Path, "err", firstLine(info.Details))
			},
		},
	}
	// Node lookups are point reads; a bloom filter spares them most table
	// probes. Set on L0, it is inherited by the other levels.
	po.Levels[0].FilterPolicy = bloom.FilterPolicy(10)
	// Every update of a source file writes keys across the whole key space
	// (nodes, edges, indexes and metas hash far apart), so each flushed L0
	// table overlaps every table below it, and an L0 compaction rewrites
	// most of the store: seconds, paid by whichever command closes the
	// store next. Letting L0 grow to many sublevels makes that rare (reads
	// pay a bloom-filtered probe per L0 table meanwhile); after a bulk load
	// the indexer compacts explicitly (Compact).
	po.L0CompactionThreshold = 48
	po.L0CompactionFileThreshold = 1000
	po.L0StopWritesThreshold = 400
	po.LBaseMaxBytes = 256 << 20
	// One compaction at a time, but the split parts of a manual one (the
	// compaction after a bulk load, whose tables are cut at loadSplits)
	// and a large backlog may use every core.
	po.CompactionConcurrencyRange = func() (int, int) { return 1, max(1, runtime.GOMAXPROCS(0)) }
	// Pebble's default scheduler wakes every 100 ms, for ever: an idle
	// watcher would never be idle.
	po.Experimental.CompactionScheduler = newScheduler()
	if !opts.ReadOnly {
		// New stores start at the newest stable Pebble format. Read-only
		// opens must not ratchet the format (that writes).
		po.FormatMajorVersion = pebble.FormatNewest
		// ArchiveCleaner marks the cleaner as needing file contents, which
		// makes Pebble delete old WALs instead of recycling (renaming and
		// overwriting) them under a concurrent reader; graceFS turns its
		// "move to archive/" into a delayed delete in place.
		po.Cleaner = pebble.ArchiveCleaner{}
	}
	db, err := pebble.Open(dir, po)
	if err != nil {
		cache.Unref()
		return nil, nil, sstable.WriterOptions{}, err
	}
	wo := po.Clone()
	wo.EnsureDefaults()
	tableOpts := wo.MakeWriterOptions(len(wo.Levels)-1, db.TableFormat())
	// The tables of a bulk load may land above the bottom level (when
	// they overlap what is there), where keys are not marked obsolete.
	tableOpts.WritingToLowestLevel = false
	return db, cache, tableOpts, nil
}

// checkSchema verifies the stored FormatVersion; a writer stamps a new
// (empty) store with it.
func (s *Store) checkSchema(create bool) error {
	var stored uint32
	err := s.get(schemaKey, func(v []byte) error {
		var err error
		stored, err = decodeSchemaValue(v)
		return err
	})
	switch {
	case err == nil:
		if stored != FormatVersion {
			return fmt.Errorf("open %s: index format version %d, this codegraph uses %d: %w",
				s.dir, stored, FormatVersion, ErrSchemaMismatch)
		}
		return nil
	case errors.Is(err, ErrCorrupt) && !pebble.IsCorruptionError(err):
		return fmt.Errorf("open %s: unreadable format version (%v): %w", s.dir, err, ErrSchemaMismatch)
	case !errors.Is(err, ErrNotFound):
		return s.corruptErr(fmt.Errorf("open %s: %w", s.dir, err))
	}
	empty, err := s.empty()
	if err != nil {
		return fmt.Errorf("open %s: %w", s.dir, err)
	}
	if !empty {
		return fmt.Errorf("open %s: index has no format version, this codegraph uses %d: %w",
			s.dir, FormatVersion, ErrSchemaMismatch)
	}
	// Every store holds its format version from its creation on, so an
	// empty one beside tables is one whose manifest lost them (truncated).
	if err := checkOrphanTables(s.dir); err != nil {
		return err
	}
	if !create {
		return noIndex(s.dir, "it is empty")
	}
	if err := s.db.Set(schemaKey, appendUvarint(nil, uint64(FormatVersion)), pebble.Sync); err != nil {
		return fmt.Errorf("open %s: write format version: %w", s.dir, err)
	}
	return nil
}

// empty reports whether the database holds no keys at all.
func (s *Store) empty() (_ bool, err error) {
	defer s.guard(&err)
	it, err := s.db.NewIter(nil)
	if err != nil {
		return false, err
	}
	defer closeIter(it, &err)
	return !it.First(), it.Error()
}

// Close releases the store: it closes Pebble, deletes the obsolete files a
// writer was keeping for readers (or, while a reader is open, those whose
// grace period has passed, listing the others for the next writer) and
// releases the write lock.
func (s *Store) Close() error {
	if !s.closed.CompareAndSwap(false, true) {
		return nil
	}
	var err error
	if !s.readOnly && !s.throwaway {
		err = s.flushForReaders()
	}
	err = errors.Join(err, s.db.Close())
	if s.cache != nil {
		s.cache.Unref()
	}
	if s.deleter != nil {
		err = errors.Join(err, s.retireObsolete())
	}
	if s.unregister != nil {
		err = errors.Join(err, s.unregister())
	}
	if s.unlock != nil {
		err = errors.Join(err, s.unlock())
	}
	if err != nil {
		return fmt.Errorf("close %s: %w", s.dir, err)
	}
	return nil
}

// retireObsolete disposes of the obsolete files a closed writer was
// keeping for readers. With no reader registered (a one-shot index, say),
// none can need them: all are deleted now, under the readers file's
// exclusive lock, which a reader opening meanwhile waits for. Otherwise
// only those whose grace period has passed go; the others are listed for
// the next writer (pendingList), so that a reader's snapshot can still
// open them.
func (s *Store) retireObsolete() error {
	if s.throwaway {
		return s.deleter.flush()
	}
	release, ok := noReaders(s.dir)
	if !ok {
		return s.deleter.retire(s.dir)
	}
	// With nothing pending, retire removes an earlier writer's list.
	err := s.deleter.flush()
	if err == nil {
		err = s.deleter.retire(s.dir)
	}
	return errors.Join(err, release())
}

// DropCache empties Pebble's block cache, but for the blocks open
// iterators hold. Its blocks are C memory (up to CacheSize plus a
// memtable's size), which a long-lived writer that has gone idle (a
// watcher between edits) need not keep resident; later reads fill it
// again.
func (s *Store) DropCache() {
	if s.cache == nil || s.closed.Load() {
		return
	}
	// A reservation of the whole cache evicts every unreferenced block;
	// released at once, it leaves the capacity as it was.
	s.cache.Reserve(int(s.cache.MaxSize()))()
}

// ReserveMemTables reserves, until release is called, the block cache's
// share that Pebble keeps for memtables, so that the cache holds no more
// blocks than Options.CacheSize. A bulk load (NewLoadBatch) writes its
// facts without memtables, and the share would otherwise fill with blocks
// as the load's readers (resolution, the search build) go: on a first
// index of the JDK's sources, 128 MiB more C memory at the peak.
func (s *Store) ReserveMemTables() (release func()) {
	if s.cache == nil || s.closed.Load() || s.memTables <= 0 {
		return func() {}
	}
	return s.cache.Reserve(int(s.memTables))
}

// closeFlushBytes is the write-ahead log a writer leaves behind when it
// closes without flushing: every read-only open replays the log (about
// 14 ms of CPU per MiB), and after a long-lived writer (a watcher, the
// daemon) stops, the command-line queries that open the store each pay it.
const closeFlushBytes = 64 << 10

// flushForReaders flushes the memtable when the log a reader would replay
// is over closeFlushBytes (a long-lived writer syncs after updates and
// flushes only past 4 MiB: see Sync).
func (s *Store) flushForReaders() (err error) {
	defer s.guard(&err)
	if s.db.Metrics().WAL.Size <= closeFlushBytes {
		return nil
	}
	if err := s.db.Flush(); err != nil {
		return fmt.Errorf("store: flush before close: %w", err)
	}
	return nil
}

// Dir returns the directory the store lives in.
func (s *Store) Dir() string { return s.dir }

// ReadOnly reports whether the store was opened read-only.
func (s *Store) ReadOnly() bool { return s.readOnly }

// DiskSize returns the bytes used by the files in the store directory.
func (s *Store) DiskSize() (int64, error) {
	var total int64
	err := filepath.WalkDir(s.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) { // deleted by a compaction meanwhile
				return nil
			}
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		total += info.Size()
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("disk size of %s: %w", s.dir, err)
	}
	return total, nil
}

// get calls fn with the value of key, or returns an error wrapping
// ErrNotFound. The value is only valid during fn.
func (s *Store) get(key []byte, fn func(v []byte) error) (err error) {
	defer s.guard(&err)
	v, closer, err := s.db.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	err = fn(v)
	return errors.Join(err, closer.Close())
}

// errStopScan ends a scan early.
var errStopScan = errors.New("store: stop scan")

// closeIter closes it, reporting its error into *err unless one is set.
func closeIter(it *pebble.Iterator, err *error) {
	if cerr := it.Close(); *err == nil {
		*err = cerr
	}
}

// pebbleLogger routes Pebble's log lines into slog: its chatty info lines at
// debug level.
type pebbleLogger struct{ l *slog.Logger }

func (p pebbleLogger) Infof(format string, args ...any) {
	if p.l.Enabled(context.Background(), slog.LevelDebug) {
		p.l.Debug(fmt.Sprintf(format, args...), "component", "pebble")
	}
}

func (p pebbleLogger) Errorf(format string, args ...any) {
	p.l.Error(fmt.Sprintf(format, args...), "component", "pebble")
}

// Fatalf logs and panics: Pebble calls it for broken invariants and does not
// expect it to return.
func (p pebbleLogger) Fatalf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	p.l.Error(msg, "component", "pebble")
	panic(pebbleFatal{msg})
}

// Flush writes the memtable to disk so that the next open (a reader's
// too) does not replay the write-ahead log. Call it after large writes.
func (s *Store) Flush() (err error) {
	if s.readOnly {
		return ErrReadOnly
	}
	defer s.guard(&err)
	return s.db.Flush()
}

// Sync makes every committed batch durable and visible to read-only opens
// in other processes (which replay the write-ahead log) without flushing
// the memtable, and returns the size of the log such an open replays. A
// long-lived writer syncs after each small update and flushes (Flush) only
// when that size grows, so that updates do not each leave a table that
// reads must probe.
func (s *Store) Sync() (walBytes uint64, err error) {
	if s.readOnly {
		return 0, ErrReadOnly
	}
	defer s.guard(&err)
	if err := s.db.LogData(nil, pebble.Sync); err != nil {
		return 0, fmt.Errorf("store: sync: %w", err)
	}
	return s.db.Metrics().WAL.Size, nil
}

// Compact compacts the whole key space. After a bulk load it leaves a store
// whose later opens and small updates do not pay for compaction debt.
func (s *Store) Compact(ctx context.Context) (err error) {
	if s.readOnly {
		return ErrReadOnly
	}
	defer s.guard(&err)
	if err := s.db.Flush(); err != nil {
		return err
	}
	return s.db.Compact(ctx, []byte{0}, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, true)
}

// Check verifies the checksum of every block of every table
// (VerifyTables) and reads every key and value of the store (so the
// memtable's and every level's data are read as queries would), and
// returns a *CorruptError (wrapping ErrCorrupt) for the first damage found.
// It reads the whole store: `codegraph index --rebuild` runs it to decide
// whether the store must be rebuilt too; `codegraph check` and `status
// --check` run it.
func (s *Store) Check(ctx context.Context) (err error) {
	if err := s.VerifyTables(ctx); err != nil {
		return err
	}
	defer s.guard(&err)
	it, err := s.db.NewIter(nil)
	if err != nil {
		return err
	}
	defer closeIter(it, &err)
	n := 0
	for ok := it.First(); ok; ok = it.Next() {
		if _, err := it.ValueAndErr(); err != nil {
			return err
		}
		if n++; n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	return it.Error()
}
