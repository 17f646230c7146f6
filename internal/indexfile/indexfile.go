// Package indexfile is the container of every search index file codegraph
// writes (the lexical and trigram segments, the vector index, the embedding
// model): one way to publish a file atomically, to map it read-only and to
// checksum it, so that a damaged file is always reported, never read as
// data.
//
// A file is its body (the format's own bytes, untouched) followed by a
// block checksum table and a trailer:
//
//	body        n bytes
//	checksums   ceil(n / BlockSize) × u32: CRC-32C of each BlockSize block of
//	            the body (the last one shorter)
//	trailer     32 bytes:
//	  0  8  magic "CGIXFILE"
//	  8  4  kind: four bytes naming the format ("LEXS", "GREP", ...)
//	 12  4  u32 format version of the body
//	 16  8  u64 body length n
//	 24  4  u32 CRC-32C of trailer[0:24] followed by the checksum table
//	 28  4  zero
//
// (integers little-endian). Open checks the trailer, the kind, the version
// and the file size, which catches a truncated, foreign or outdated file
// without reading the body. The body's checksums are checked either all at
// once (Verify) or block by block as a reader first touches a range
// (VerifyRange), so a query that reads a few postings lists of a large
// index pays for those blocks only.
//
// Files are written to a temporary file in the same directory, synced,
// renamed over the old one and the directory synced (WriteFile), so a crash
// leaves the old file or the new one, never a mix.
//
// This package knows nothing of what the bodies hold; it must not import
// the packages whose files it carries.
package indexfile

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/bits"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/codegraph-dev/codegraph/internal/search/fileid"
)

// BlockSize is the span of body bytes each checksum covers.
const BlockSize = 64 << 10

const (
	magic       = "CGIXFILE"
	trailerSize = 32
	// maxSize bounds the files Open maps (a corrupt size must not make it
	// allocate or map absurd amounts).
	maxSize = 1 << 40
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ErrCorrupt is wrapped by the errors for files that are truncated,
// damaged, foreign, of another kind or of another format version: every
// such file is rebuilt, never trusted.
var ErrCorrupt = errors.New("damaged or outdated index file")

// CorruptError reports a damaged file. It wraps ErrCorrupt.
type CorruptError struct {
	Path   string
	Reason string
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("index file %s is damaged or outdated: %s", e.Path, e.Reason)
}

// Is makes errors.Is(err, ErrCorrupt) hold.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

// Corruptf returns a *CorruptError for path. Formats use it for damage
// they find in a body whose checksums held (a bug, or a foreign writer).
func Corruptf(path, format string, args ...any) error {
	return &CorruptError{Path: path, Reason: fmt.Sprintf(format, args...)}
}

// Writer streams a body into a new file; Commit publishes it.
type Writer struct {
	path    string
	kind    string
	version uint32
	f       *os.File
	w       *bufio.Writer
	n       uint64
	block   uint32 // CRC of the current block so far
	inBlock int    // bytes of the current block so far
	sums    []byte // the table
	err     error
	done    bool
}

// Create starts writing the file path: a temporary file in its directory
// (created if missing) that Commit syncs and renames over path and Abort
// deletes. kind is four bytes naming the format; version is the body's
// format version, which Open must be given to accept the file.
func Create(path, kind string, version uint32) (*Writer, error) {
	if len(kind) != 4 {
		return nil, fmt.Errorf("indexfile: kind %q is not four bytes", kind)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("indexfile: %w", err)
	}
	f, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return nil, fmt.Errorf("indexfile: %w", err)
	}
	return &Writer{path: path, kind: kind, version: version, f: f, w: bufio.NewWriterSize(f, 1<<20)}, nil
}

// Write appends p to the body.
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n := len(p)
	if _, err := w.w.Write(p); err != nil {
		w.err = fmt.Errorf("indexfile: write %s: %w", w.f.Name(), err)
		return 0, w.err
	}
	w.n += uint64(n)
	for len(p) > 0 {
		k := min(len(p), BlockSize-w.inBlock)
		w.block = crc32.Update(w.block, castagnoli, p[:k])
		w.inBlock += k
		p = p[k:]
		if w.inBlock == BlockSize {
			w.sums = binary.LittleEndian.AppendUint32(w.sums, w.block)
			w.block, w.inBlock = 0, 0
		}
	}
	return n, nil
}

// Commit writes the checksums and the trailer, syncs the file, renames it
// over the path and syncs the directory.
func (w *Writer) Commit() error {
	if w.done {
		return errors.New("indexfile: writer already finished")
	}
	if w.err != nil {
		w.Abort()
		return w.err
	}
	if w.inBlock > 0 {
		w.sums = binary.LittleEndian.AppendUint32(w.sums, w.block)
	}
	tr := trailer(w.kind, w.version, w.n, w.sums)
	tmp := w.f.Name()
	_, err := w.w.Write(w.sums)
	if err == nil {
		_, err = w.w.Write(tr)
	}
	if err == nil {
		err = w.w.Flush()
	}
	if err == nil {
		err = w.f.Sync()
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	w.done = true
	if err == nil {
		err = os.Rename(tmp, w.path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("indexfile: write %s: %w", w.path, err)
	}
	return syncDir(filepath.Dir(w.path))
}

// Abort deletes the temporary file; it does nothing after Commit.
func (w *Writer) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.f.Close()
	os.Remove(w.f.Name())
}

func trailer(kind string, version uint32, n uint64, sums []byte) []byte {
	tr := make([]byte, trailerSize)
	copy(tr, magic)
	copy(tr[8:], kind)
	binary.LittleEndian.PutUint32(tr[12:], version)
	binary.LittleEndian.PutUint64(tr[16:], n)
	crc := crc32.Update(crc32.Checksum(tr[:24], castagnoli), castagnoli, sums)
	binary.LittleEndian.PutUint32(tr[24:], crc)
	return tr
}

// WriteFile publishes body as the file path (see Create).
func WriteFile(path, kind string, version uint32, body []byte) error {
	w, err := Create(path, kind, version)
	if err != nil {
		return err
	}
	if _, err := w.Write(body); err != nil {
		w.Abort()
		return err
	}
	return w.Commit()
}

// WriteRaw publishes data as path with the same temp-sync-rename-sync
// sequence but no container: for small text files (manifests, state) that
// carry their own checksum or none.
func WriteRaw(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return fmt.Errorf("indexfile: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("indexfile: write %s: %w", path, err)
	}
	return syncDir(dir)
}

// SyncDir syncs the directory dir, making renames and removals in it
// durable.
func SyncDir(dir string) error { return syncDir(dir) }

// IsTemp reports whether name (a directory entry) is a temporary file of
// a write that did not finish (a crash): its owner may delete it.
func IsTemp(name string) bool { return strings.HasPrefix(name, ".tmp-") }

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("indexfile: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("indexfile: sync %s: %w", dir, err)
	}
	return nil
}

// File is an opened index file: its body, memory-mapped read-only where
// the platform allows (else read into memory). It is safe for concurrent
// use; Close must not race with readers of Body.
type File struct {
	path    string
	id      fileid.ID
	sum     uint64 // the trailer's checksum, which identifies this content
	body    []byte
	sums    []byte
	checked []atomic.Uint64 // bitmap over blocks whose checksum held
	all     atomic.Bool     // every block checked
	unmap   func() error
}

// verified holds the file versions whose every block this process has
// checked: a long-running server reopens the same files for each store
// snapshot, and an unchanged file need not be checked again. A file
// rewritten or replaced is another version (fileid.ID, or the checksum its
// trailer records) and is checked again.
var verified fileid.Verified

// ForgetVerified makes the process check every file's blocks again at its
// next Verify, as if it had never verified one (for tests that damage
// files in place).
func ForgetVerified() { verified.Clear() }

// Open maps the file at path and checks its trailer: the magic, kind,
// version and size. A missing file gives an error wrapping fs.ErrNotExist;
// every other problem a *CorruptError. The body is not read: call Verify
// or VerifyRange before trusting bytes of it.
func Open(path, kind string, version uint32) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("indexfile: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("indexfile: %w", err)
	}
	size := fi.Size()
	if size < trailerSize {
		return nil, Corruptf(path, "%d bytes, shorter than a trailer (truncated?)", size)
	}
	if size > maxSize {
		return nil, Corruptf(path, "%d bytes is too large", size)
	}
	data, unmap, err := mapFile(f, size)
	if err != nil {
		return nil, fmt.Errorf("indexfile: map %s: %w", path, err)
	}
	file, err := parse(path, data, kind, version)
	if err != nil {
		if unmap != nil {
			unmap()
		}
		return nil, err
	}
	file.unmap = unmap
	file.id = fileid.Of(fi)
	if verified.Has(file.id, file.sum) {
		file.all.Store(true)
	}
	return file, nil
}

// Parse returns a File over data (a whole file's bytes, which must stay
// unchanged while the File is used), checking its trailer as Open does.
func Parse(name string, data []byte, kind string, version uint32) (*File, error) {
	return parse(name, data, kind, version)
}

func parse(path string, data []byte, kind string, version uint32) (*File, error) {
	if len(data) < trailerSize {
		return nil, Corruptf(path, "%d bytes, shorter than a trailer (truncated?)", len(data))
	}
	tr := data[len(data)-trailerSize:]
	if string(tr[:8]) != magic {
		return nil, Corruptf(path, "no index file trailer (truncated, or written by an older codegraph)")
	}
	if string(tr[8:12]) != kind {
		return nil, Corruptf(path, "holds %q, not %q", tr[8:12], kind)
	}
	le := binary.LittleEndian
	if v := le.Uint32(tr[12:]); v != version {
		return nil, Corruptf(path, "format version %d, this codegraph reads %d", v, version)
	}
	n := le.Uint64(tr[16:])
	nblocks := (n + BlockSize - 1) / BlockSize
	if n > uint64(len(data)) || n+4*nblocks+trailerSize != uint64(len(data)) {
		return nil, Corruptf(path, "file is %d bytes, its trailer says %d (truncated?)", len(data), n+4*nblocks+trailerSize)
	}
	sums := data[n : n+4*nblocks]
	crc := crc32.Update(crc32.Checksum(tr[:24], castagnoli), castagnoli, sums)
	if crc != le.Uint32(tr[24:]) {
		return nil, Corruptf(path, "trailer checksum mismatch")
	}
	f := &File{path: path, body: data[:n:n], sums: sums, sum: uint64(crc)<<32 | n&0xffffffff,
		checked: make([]atomic.Uint64, (nblocks+63)/64)}
	return f, nil
}

// Path returns the file's path.
func (f *File) Path() string { return f.path }

// Body returns the body bytes. They are valid until Close; bytes not yet
// verified (Verify, VerifyRange) may be damaged.
func (f *File) Body() []byte { return f.body }

// Verify checks the checksum of every block not yet checked and returns a
// *CorruptError naming the file and the first damaged block.
func (f *File) Verify() error {
	if f.all.Load() {
		return nil
	}
	if err := f.VerifyRange(0, len(f.body)); err != nil {
		verified.Forget(f.id, f.sum)
		return err
	}
	f.all.Store(true)
	if f.unmap != nil || f.id != (fileid.ID{}) {
		verified.Add(f.id, f.sum)
	}
	return nil
}

// VerifyRange checks the blocks covering body[off:off+n] that were not
// checked yet.
func (f *File) VerifyRange(off, n int) error {
	if f.all.Load() || n <= 0 {
		return nil
	}
	if off < 0 || off+n > len(f.body) {
		return Corruptf(f.path, "range %d+%d beyond the body's %d bytes", off, n, len(f.body))
	}
	for b := off / BlockSize; b <= (off+n-1)/BlockSize; b++ {
		word, bit := &f.checked[b/64], uint64(1)<<(b%64)
		if word.Load()&bit != 0 {
			continue
		}
		end := min((b+1)*BlockSize, len(f.body))
		if crc32.Checksum(f.body[b*BlockSize:end], castagnoli) != binary.LittleEndian.Uint32(f.sums[4*b:]) {
			return Corruptf(f.path, "checksum mismatch in bytes %d-%d", b*BlockSize, end)
		}
		word.Or(bit)
	}
	return nil
}

// Checked reports, cheaply (it inlines), whether the n > 0 bytes at off lie
// in one block already checked (or every block is): the fast path before
// VerifyRange.
func (f *File) Checked(off, n int) bool {
	b := off / BlockSize
	return f.all.Load() || b == (off+n-1)/BlockSize && f.checked[b/64].Load()&(1<<(b%64)) != 0
}

// Verified reports whether every block has been checked.
func (f *File) Verified() bool { return f.all.Load() }

// Close releases the mapping; the body must not be used after.
func (f *File) Close() error {
	if f == nil || f.unmap == nil {
		return nil
	}
	err := f.unmap()
	f.unmap, f.body = nil, nil
	return err
}

// BlocksChecked returns how many blocks have been checked (for tests and
// measurements).
func (f *File) BlocksChecked() int {
	if f.all.Load() {
		return (len(f.body) + BlockSize - 1) / BlockSize
	}
	n := 0
	for i := range f.checked {
		n += bits.OnesCount64(f.checked[i].Load())
	}
	return n
}

// ReadAll reads the whole file at path and checks it (trailer and every
// block): for small files that are decoded at once.
func ReadAll(path, kind string, version uint32) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("indexfile: %w", err)
	}
	f, err := parse(path, data, kind, version)
	if err != nil {
		return nil, err
	}
	if err := f.Verify(); err != nil {
		return nil, err
	}
	return f.body, nil
}

var _ io.Writer = (*Writer)(nil)
