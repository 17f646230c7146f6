package history

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/cespare/xxhash/v2"
	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/sstable"

	"github.com/codegraph-dev/codegraph/internal/bincodec"
)

// Key layout of the versions database (a Pebble database of its own in
// <store dir>/versions/db, beside the index, never inside it):
//
//	'o' | hash:8                          file facts (codec.go); hash is xxhash64 of the value
//	'b' | extractorVersion:4 | blob | 0x00 | path    hash:8 (facts of a file with that blob)
//	'v' | commit                          manifest
//	't' | name                            commit (a tag naming a version)
//	's'                                   uvarint(dbFormat)
//
// Objects are shared by every version holding the same facts, so a file
// unchanged between releases (same content, same resolution) is stored
// once. The 'b' keys let a new version reuse the extraction of a blob it
// has seen at the same path (the facts' resolution is undone and done
// again over the new version's files).
//
//	manifest  str(commit) | v(createdAt unix ns) | uv(n) | n × (str(path) | str(blob) | hash:8)
//
// blob is "" for the files resolution makes (external symbols).
const dbFormat = 1

const (
	kObject   = 'o'
	kBlob     = 'b'
	kVersion  = 'v'
	kTag      = 't'
	kDBSchema = 's'
)

// ErrNotFound is returned (wrapped) when no version has a given name.
var ErrNotFound = errors.New("no such version")

// ErrBusy is returned (wrapped) when another process has the versions
// database open.
var ErrBusy = errors.New("the versions database is in use by another process")

type manifestEntry struct {
	path string
	blob string
	hash uint64
}

// manifest is one version: the commit and its files' facts.
type manifest struct {
	commit  string
	created time.Time
	files   []manifestEntry // in path order
}

func (m *manifest) encode() []byte {
	b := appendStr(nil, m.commit)
	b = binary.AppendVarint(b, m.created.UnixNano())
	b = appendUv(b, uint64(len(m.files)))
	for _, f := range m.files {
		b = appendStr(b, f.path)
		b = appendStr(b, f.blob)
		b = append64(b, f.hash)
	}
	return b
}

func decodeManifest(b []byte) (*manifest, error) {
	d := bincodec.NewReader(b, errCodec)
	m := &manifest{commit: d.Str()}
	ns, n := binary.Varint(d.B)
	if n <= 0 {
		return nil, errCodec
	}
	d.B = d.B[n:]
	m.created = time.Unix(0, ns)
	cnt := d.Uvarint()
	if cnt > uint64(len(d.B)) {
		return nil, errCodec
	}
	m.files = make([]manifestEntry, 0, cnt)
	for i := uint64(0); i < cnt && d.Err == nil; i++ {
		m.files = append(m.files, manifestEntry{path: d.Str(), blob: d.Str(), hash: d.Fixed64()})
	}
	if d.Err != nil || len(d.B) != 0 {
		return nil, fmt.Errorf("%w: version manifest", errCodec)
	}
	return m, nil
}

// db is the versions database.
type db struct {
	dir string
	pdb *pebble.DB
}

// openDB opens (creating) the versions database in dir.
func openDB(dir string, log *slog.Logger) (*db, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// No write-ahead log: every write is flushed to a table at once
	// (d.flush), which is atomic, so a crash loses at most the version
	// being written; a log would only double the bytes written and, kept
	// for recycling, the size on disk.
	po := &pebble.Options{Logger: quietLogger{log}, FormatMajorVersion: pebble.FormatNewest, DisableWAL: true}
	// Versions are written once and read rarely: trade CPU for size (zstd
	// makes the store of 50 releases of go-chi/chi about a third smaller
	// than snappy).
	for i := range po.Levels {
		po.Levels[i].Compression = func() *sstable.CompressionProfile { return sstable.ZstdCompression }
		// Large blocks: the facts of files at different versions share most
		// of their text, and zstd finds it only within a block.
		po.Levels[i].BlockSize = 256 << 10
	}
	p, err := pebble.Open(dir, po)
	if err != nil {
		if strings.Contains(err.Error(), "lock") {
			return nil, fmt.Errorf("history: %s: %w", dir, ErrBusy)
		}
		return nil, fmt.Errorf("history: open %s: %w", dir, err)
	}
	d := &db{dir: dir, pdb: p}
	v, err := d.get([]byte{kDBSchema})
	switch {
	case errors.Is(err, pebble.ErrNotFound):
		if err := d.set([]byte{kDBSchema}, appendUv(nil, dbFormat)); err != nil {
			p.Close()
			return nil, fmt.Errorf("history: %w", err)
		}
	case err != nil:
		p.Close()
		return nil, err
	default:
		if f, n := binary.Uvarint(v); n <= 0 || f != dbFormat {
			p.Close()
			return nil, fmt.Errorf("history: %s was written by another version of codegraph (format %d, want %d); delete it to start over", dir, f, dbFormat)
		}
	}
	return d, nil
}

type quietLogger struct{ l *slog.Logger }

func (q quietLogger) Infof(format string, args ...any)  { q.l.Debug(fmt.Sprintf(format, args...)) }
func (q quietLogger) Errorf(format string, args ...any) { q.l.Error(fmt.Sprintf(format, args...)) }
func (q quietLogger) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

func (d *db) close() error { return d.pdb.Close() }

func (d *db) get(key []byte) ([]byte, error) {
	v, c, err := d.pdb.Get(key)
	if err != nil {
		return nil, err
	}
	out := bytes.Clone(v)
	c.Close()
	return out, nil
}

func objectKey(h uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte{kObject}, h)
}

func blobKey(extVer uint32, blob, path string) []byte {
	k := binary.BigEndian.AppendUint32([]byte{kBlob}, extVer)
	k = append(k, blob...)
	k = append(k, 0)
	return append(k, path...)
}

// facts reads the object with hash h.
func (d *db) facts(h uint64) (*fileFacts, error) {
	v, err := d.get(objectKey(h))
	if err != nil {
		return nil, fmt.Errorf("history: object %016x: %w", h, err)
	}
	return decodeFacts(v)
}

// blobFacts returns the object holding facts of blob at path, if any.
func (d *db) blobFacts(extVer uint32, blob, path string) (uint64, bool) {
	v, err := d.get(blobKey(extVer, blob, path))
	if err != nil || len(v) != 8 {
		return 0, false
	}
	return binary.LittleEndian.Uint64(v), true
}

// manifest reads the version of commit.
func (d *db) manifest(commit string) (*manifest, error) {
	v, err := d.get(append([]byte{kVersion}, commit...))
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, fmt.Errorf("history: %s: %w", commit, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	return decodeManifest(v)
}

// scan calls fn for each key/value under prefix.
func (d *db) scan(prefix []byte, fn func(k, v []byte) error) error {
	upper := append(bytes.Clone(prefix[:len(prefix)-1]), prefix[len(prefix)-1]+1)
	it, err := d.pdb.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: upper})
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	defer it.Close()
	for it.First(); it.Valid(); it.Next() {
		if err := fn(it.Key(), it.Value()); err != nil {
			return err
		}
	}
	return it.Error()
}

// tags returns the tags by commit.
func (d *db) tags() (map[string][]string, error) {
	out := map[string][]string{}
	err := d.scan([]byte{kTag}, func(k, v []byte) error {
		out[string(v)] = append(out[string(v)], string(k[1:]))
		return nil
	})
	for _, t := range out {
		sort.Strings(t)
	}
	return out, err
}

// put writes a version: its new objects, its blob keys, its manifest
// and its tag, in one synced batch.
func (d *db) put(m *manifest, objects map[uint64][]byte, extVer uint32, tag string) error {
	b := d.pdb.NewBatch()
	defer b.Close()
	for h, v := range objects {
		if err := b.Set(objectKey(h), v, nil); err != nil {
			return err
		}
	}
	for _, f := range m.files {
		if f.blob == "" {
			continue
		}
		if err := b.Set(blobKey(extVer, f.blob, f.path), append64(nil, f.hash), nil); err != nil {
			return err
		}
	}
	if err := b.Set(append([]byte{kVersion}, m.commit...), m.encode(), nil); err != nil {
		return err
	}
	if tag != "" {
		if err := b.Set(append([]byte{kTag}, tag...), []byte(m.commit), nil); err != nil {
			return err
		}
	}
	if err := b.Commit(pebble.NoSync); err != nil {
		return fmt.Errorf("history: write version %s: %w", m.commit, err)
	}
	if err := d.pdb.Flush(); err != nil {
		return fmt.Errorf("history: write version %s: %w", m.commit, err)
	}
	return nil
}

// set writes one key durably.
func (d *db) set(k, v []byte) error {
	if err := d.pdb.Set(k, v, pebble.NoSync); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	if err := d.pdb.Flush(); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	return nil
}

// hashObject is the content address of an encoded object.
func hashObject(v []byte) uint64 { return xxhash.Sum64(v) }

// size is the versions database's size on disk.
func (d *db) size() int64 {
	var n int64
	filepath.WalkDir(d.dir, func(_ string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			if fi, err := e.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}
