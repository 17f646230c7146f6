package lexical

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/codegraph-dev/codegraph/internal/indexfile"
)

const (
	deltaFile  = "delta.lex"
	basePrefix = "base-"
	baseSuffix = ".lex"
)

// Options configure an Index. The zero value is usable.
type Options struct {
	// Params are the ranking parameters; zero means DefaultParams.
	Params *Params
	// MergeDocs is the delta size (added documents plus deleted base
	// documents) above which Save merges the delta into a new base;
	// 0 means max(2048, base documents / 16).
	MergeDocs int
	// Verify makes Open check every byte of the files (checksums, sorted
	// tables) instead of only their headers and table sizes. It reads the
	// whole base segment.
	Verify bool
}

// Index is a BM25F symbol index: a memory-mapped immutable base segment
// plus an in-memory delta of added documents and deleted base documents.
// Search may run concurrently with itself; Add, Delete and Save serialize.
// Any number of processes may Open a directory, but only one may Save into
// it at a time (the caller's writer lock): a delta saved over a base that
// another writer has since replaced is ignored by the next Open.
type Index struct {
	opts   Options
	params Params

	mu      sync.RWMutex
	dir     string   // directory the base came from or was saved to
	base    *segment // nil when empty
	deleted []uint64 // bitmap over base ordinals
	delIDs  map[uint64]struct{}
	delta   *segment // nil when empty
	dirty   bool

	// Collection statistics over live documents.
	numDocs int
	avgLen  [NumFields]float64

	pool sync.Pool // *scratch
}

// New returns an empty in-memory index.
func New(opts *Options) *Index {
	ix := &Index{delIDs: map[uint64]struct{}{}}
	if opts != nil {
		ix.opts = *opts
	}
	ix.params = DefaultParams()
	if ix.opts.Params != nil {
		ix.params = *ix.opts.Params
	}
	ix.refreshStats()
	return ix
}

// ErrNoIndex is returned by Open when dir holds no index.
var ErrNoIndex = fmt.Errorf("lexical: no index: %w", fs.ErrNotExist)

// Open loads the index saved in dir: the newest base segment, memory-mapped,
// and the delta that belongs to it. It returns an error wrapping
// ErrNoIndex when dir has no index and ErrCorrupt when a file is damaged or
// foreign.
func Open(dir string, opts *Options) (*Index, error) {
	ix := New(opts)
	gen, ok, err := newestBase(dir)
	if err != nil {
		return nil, err
	}
	deltaPath := filepath.Join(dir, deltaFile)
	if !ok {
		if _, err := os.Stat(deltaPath); err == nil {
			return nil, fmt.Errorf("%w: %s without a base segment", ErrCorrupt, deltaPath)
		}
		return nil, fmt.Errorf("%w in %s", ErrNoIndex, dir)
	}
	path := filepath.Join(dir, baseName(gen))
	base, err := openSegment(path, ix.opts.Verify)
	if err != nil {
		return nil, err
	}
	if base.kind != kindBase || base.gen != gen {
		base.file.Close()
		return nil, indexfile.Corruptf(path, "base segment has kind %d generation %d", base.kind, base.gen)
	}
	ix.dir, ix.base = dir, base
	ix.deleted = make([]uint64, (base.numDocs+63)/64)
	if data, err := indexfile.ReadAll(deltaPath, fileKind, segVersion); err == nil {
		d, err := decodeSegment(data, true)
		if err == nil && d.kind != kindDelta {
			err = corrupt("kind %d", d.kind)
		}
		if err == nil && d.gen > gen {
			err = corrupt("delta of generation %d over base %d", d.gen, gen)
		}
		if err != nil {
			ix.Close()
			return nil, indexfile.Corruptf(deltaPath, "%v", err)
		}
		// A delta of an older generation was merged into this base by a
		// Save that stopped before removing it.
		if d.gen == gen {
			for _, id := range d.tombstones() {
				ix.deleteBase(id)
			}
			if d.numDocs > 0 {
				ix.delta = d
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		ix.Close()
		return nil, err
	}
	ix.refreshStats()
	return ix, nil
}

func baseName(gen uint64) string {
	return fmt.Sprintf("%s%016x%s", basePrefix, gen, baseSuffix)
}

// newestBase returns the highest generation of the base files in dir.
func newestBase(dir string) (gen uint64, ok bool, err error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return 0, false, fmt.Errorf("%w: %s", ErrNoIndex, dir)
		}
		return 0, false, fmt.Errorf("lexical: %w", err)
	}
	for _, e := range ents {
		g, isBase := parseBaseName(e.Name())
		if isBase && (!ok || g > gen) {
			gen, ok = g, true
		}
	}
	return gen, ok, nil
}

func parseBaseName(name string) (uint64, bool) {
	if !strings.HasPrefix(name, basePrefix) || !strings.HasSuffix(name, baseSuffix) {
		return 0, false
	}
	hex := name[len(basePrefix) : len(name)-len(baseSuffix)]
	if len(hex) != 16 {
		return 0, false
	}
	g, err := strconv.ParseUint(hex, 16, 64)
	return g, err == nil
}

// Close releases the memory-mapped base. The index must not be used after.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	var err error
	if ix.base != nil {
		err = ix.base.file.Close()
	}
	ix.base, ix.delta = nil, nil
	ix.deleted, ix.delIDs = nil, map[uint64]struct{}{}
	ix.refreshStats()
	return err
}

// VerifyChecksums checks every block of the base segment's file (the delta
// is checked whenever it is read), once per file version in a process.
func (ix *Index) VerifyChecksums() error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.base == nil || ix.base.file == nil {
		return nil
	}
	return ix.base.file.Verify()
}

// Err returns the damage that reads of the base segment found (a block
// whose checksum failed), if any: Search skips damaged data, so callers
// check Err after searching and rebuild the index.
func (ix *Index) Err() error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.base.err()
}

// Len returns the number of live documents.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.numDocs
}

func (ix *Index) baseLive(ord uint32) bool {
	return ix.deleted[ord/64]&(1<<(ord%64)) == 0
}

func (ix *Index) deleteBase(id uint64) bool {
	if ix.base == nil {
		return false
	}
	o, ok := ix.base.ordOf(id)
	if !ok || !ix.baseLive(o) {
		return false
	}
	ix.deleted[o/64] |= 1 << (o % 64)
	ix.delIDs[id] = struct{}{}
	return true
}

// refreshStats recomputes the live document count and average field
// lengths.
func (ix *Index) refreshStats() {
	var n int
	var sum [NumFields]float64
	if ix.base != nil {
		n += int(ix.base.numDocs)
		for f := range sum {
			sum[f] += float64(ix.base.sumLen[f])
		}
		for o := uint32(0); o < ix.base.numDocs; o++ {
			if ix.deleted[o/64] == 0 {
				o |= 63
				continue
			}
			if !ix.baseLive(o) {
				n--
				for f := range sum {
					sum[f] -= float64(decodeLen(ix.base.lenCode(o, f)))
				}
			}
		}
	}
	if ix.delta != nil {
		n += int(ix.delta.numDocs)
		for f := range sum {
			sum[f] += float64(ix.delta.sumLen[f])
		}
	}
	ix.numDocs = n
	for f := range sum {
		ix.avgLen[f] = 1
		if n > 0 && sum[f] > 0 {
			ix.avgLen[f] = sum[f] / float64(n)
		}
	}
}

// dedupe keeps the last of documents with the same id.
func dedupe(docs []Doc) []Doc {
	seen := make(map[uint64]int, len(docs))
	out := make([]Doc, 0, len(docs))
	for _, d := range docs {
		if i, ok := seen[d.ID]; ok {
			out[i] = d
			continue
		}
		seen[d.ID] = len(out)
		out = append(out, d)
	}
	return out
}

// Add indexes docs, replacing documents with the same ids. The documents
// go to the delta; Save persists them.
func (ix *Index) Add(ctx context.Context, docs ...Doc) error {
	if len(docs) == 0 {
		return nil
	}
	docs = dedupe(docs)
	b := newBuilder()
	for i := range docs {
		if i&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		b.add(&docs[i])
	}
	secs, err := b.finish(ctx, kindDelta, 0)
	if err != nil {
		return err
	}
	added, err := decodeSegment(secs.encode(), false)
	if err != nil {
		return fmt.Errorf("lexical: internal: %w", err)
	}
	ids := make(map[uint64]struct{}, len(docs))
	for _, d := range docs {
		ids[d.ID] = struct{}{}
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if err := ix.rebuildDelta(ctx, ids, added); err != nil {
		return err
	}
	for id := range ids {
		ix.deleteBase(id)
	}
	ix.dirty = true
	ix.refreshStats()
	return nil
}

// Delete removes the documents with these ids; unknown ids are ignored.
func (ix *Index) Delete(ctx context.Context, ids ...uint64) error {
	set := make(map[uint64]struct{}, len(ids))
	for _, id := range ids {
		set[id] = struct{}{}
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	changed := false
	for id := range set {
		if ix.deleteBase(id) {
			changed = true
		}
	}
	if ix.delta != nil {
		inDelta := false
		for id := range set {
			if _, ok := ix.delta.ordOf(id); ok {
				inDelta = true
				break
			}
		}
		if inDelta {
			if err := ix.rebuildDelta(ctx, set, nil); err != nil {
				return err
			}
			changed = true
		}
	}
	if changed {
		ix.dirty = true
		ix.refreshStats()
	}
	return nil
}

// rebuildDelta replaces the delta with its documents not in drop, followed
// by added's. Called with mu held.
func (ix *Index) rebuildDelta(ctx context.Context, drop map[uint64]struct{}, added *segment) error {
	var in []mergeInput
	if d := ix.delta; d != nil {
		in = append(in, mergeInput{seg: d, live: func(o uint32) bool {
			_, gone := drop[d.id(o)]
			return !gone
		}})
	}
	if added != nil {
		in = append(in, mergeInput{seg: added})
	}
	if len(in) == 0 {
		return nil
	}
	secs, err := merge(ctx, in, kindDelta, 0)
	if err != nil {
		return err
	}
	if secs.numDocs == 0 {
		ix.delta = nil
		return nil
	}
	d, err := decodeSegment(secs.encode(), false)
	if err != nil {
		return fmt.Errorf("lexical: internal: %w", err)
	}
	ix.delta = d
	return nil
}

func (ix *Index) mergeThreshold() int {
	if ix.opts.MergeDocs > 0 {
		return ix.opts.MergeDocs
	}
	t := 2048
	if ix.base != nil && int(ix.base.numDocs)/16 > t {
		t = int(ix.base.numDocs) / 16
	}
	return t
}

// Save persists the index in dir (created if missing). While the delta is
// small only the delta file is rewritten; past Options.MergeDocs, or when
// dir is not where the base lives, the base and delta are merged into a new
// base segment and the old files removed.
func (ix *Index) Save(ctx context.Context, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("lexical: %w", err)
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	same := ix.dir != "" && sameDir(ix.dir, dir)
	pending := len(ix.delIDs)
	if ix.delta != nil {
		pending += int(ix.delta.numDocs)
	}
	if same && ix.base != nil && pending <= ix.mergeThreshold() {
		if !ix.dirty {
			return nil
		}
		return ix.saveDelta(dir)
	}
	return ix.saveMerged(ctx, dir)
}

// SaveDelta persists the index in dir as Save does, except that it never
// merges the delta into a new base because of its size: when the base
// already lives in dir, only the delta file is rewritten, however large
// (readers see base and delta, as after any Save). It is for an owner
// that merges later, at a quieter moment (MergeDue, then Save), so that a
// large update does not pay for rewriting the whole index. Otherwise it
// is Save.
func (ix *Index) SaveDelta(ctx context.Context, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("lexical: %w", err)
	}
	ix.mu.Lock()
	if ix.dir != "" && sameDir(ix.dir, dir) && ix.base != nil {
		defer ix.mu.Unlock()
		if !ix.dirty {
			return nil
		}
		return ix.saveDelta(dir)
	}
	ix.mu.Unlock()
	return ix.Save(ctx, dir)
}

// MergeDue reports whether the delta has outgrown the merge threshold
// (Options.MergeDocs), so that the next Save merges it into a new base.
func (ix *Index) MergeDue() bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	pending := len(ix.delIDs)
	if ix.delta != nil {
		pending += int(ix.delta.numDocs)
	}
	return ix.base != nil && pending > ix.mergeThreshold()
}

func sameDir(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

func (ix *Index) saveDelta(dir string) error {
	s := sections{kind: kindDelta, gen: ix.base.gen}
	if ix.delta != nil {
		s = ix.delta.sections
		s.kind, s.gen = kindDelta, ix.base.gen
	} else {
		// An empty segment.
		s.sec[secTermOffs] = make([]byte, 4)
	}
	tombs := make([]uint64, 0, len(ix.delIDs))
	for id := range ix.delIDs {
		tombs = append(tombs, id)
	}
	slices.Sort(tombs)
	tb := make([]byte, 0, 8*len(tombs))
	for _, id := range tombs {
		tb = appendU64(tb, id)
	}
	s.sec[secTombs] = tb
	if err := writeSegment(dir, deltaFile, &s); err != nil {
		return err
	}
	ix.dirty = false
	return nil
}

func appendU64(b []byte, v uint64) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24), byte(v>>32), byte(v>>40), byte(v>>48), byte(v>>56))
}

func (ix *Index) saveMerged(ctx context.Context, dir string) error {
	gen, ok, err := newestBase(dir)
	if err != nil && !errors.Is(err, ErrNoIndex) {
		return err
	}
	if ix.base != nil && ix.base.gen > gen {
		gen = ix.base.gen
	}
	if ok || ix.base != nil {
		gen++
	}
	// A merge reads every posting: check the whole base first, so that
	// damage is an error rather than documents silently dropped.
	if ix.base != nil && ix.base.file != nil {
		if err := ix.base.file.Verify(); err != nil {
			return err
		}
	}
	var in []mergeInput
	if ix.base != nil {
		in = append(in, mergeInput{seg: ix.base, live: ix.baseLive})
	}
	if ix.delta != nil {
		in = append(in, mergeInput{seg: ix.delta})
	}
	var secs *sections
	if len(in) == 0 {
		secs = &sections{}
		secs.sec[secTermOffs] = make([]byte, 4)
	} else if secs, err = merge(ctx, in, kindBase, gen); err != nil {
		return err
	}
	secs.kind, secs.gen = kindBase, gen
	return ix.publishBase(dir, secs)
}

// publishBase writes secs as the base of dir, removes the files it
// replaces and switches the index to it. Called with mu held.
func (ix *Index) publishBase(dir string, secs *sections) error {
	name := baseName(secs.gen)
	if err := writeSegment(dir, name, secs); err != nil {
		return err
	}
	if err := removeStale(dir, secs.gen); err != nil {
		return err
	}
	base, err := openSegment(filepath.Join(dir, name), false)
	if err != nil {
		return fmt.Errorf("lexical: reopen %s: %w", name, err)
	}
	var old *indexfile.File
	if ix.base != nil {
		old = ix.base.file
	}
	ix.dir, ix.base, ix.delta = dir, base, nil
	ix.deleted = make([]uint64, (base.numDocs+63)/64)
	ix.delIDs = map[uint64]struct{}{}
	ix.dirty = false
	ix.refreshStats()
	return old.Close()
}

// removeStale removes the delta and every base of dir but generation keep.
func removeStale(dir string, keep uint64) error {
	if err := os.Remove(filepath.Join(dir, deltaFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("lexical: %w", err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("lexical: %w", err)
	}
	for _, e := range ents {
		if g, ok := parseBaseName(e.Name()); ok && g != keep || indexfile.IsTemp(e.Name()) {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("lexical: %w", err)
			}
		}
	}
	return indexfile.SyncDir(dir)
}

// Builder builds a base segment from a stream of documents, for a full
// (re)index: cheaper than Index.Add for many documents.
type Builder struct {
	b   *builder
	ids map[uint64]struct{}
}

// NewBuilder returns an empty Builder.
func NewBuilder() *Builder {
	return &Builder{b: newBuilder(), ids: map[uint64]struct{}{}}
}

// Add indexes d. Ids must be distinct.
func (b *Builder) Add(d Doc) error {
	if b.b == nil {
		return errSaved
	}
	if _, dup := b.ids[d.ID]; dup {
		return fmt.Errorf("lexical: duplicate document id %d", d.ID)
	}
	b.ids[d.ID] = struct{}{}
	b.b.add(&d)
	return nil
}

// Len returns the number of documents added.
func (b *Builder) Len() int { return len(b.ids) }

// Reorder sets the order Save lays the documents out in (their ordinals,
// which break ties between equal scores), whatever the order they were
// added in: order[i] is the number, from 0 in the order of Add, of the
// document that gets ordinal i. It must name every document once (Save
// fails otherwise). Documents added later are not in it.
func (b *Builder) Reorder(order []uint32) error {
	if b.b == nil {
		return errSaved
	}
	if len(order) != len(b.ids) {
		return fmt.Errorf("lexical: document order of %d documents for %d", len(order), len(b.ids))
	}
	b.b.order = order
	return nil
}

// errSaved is returned by a Builder used after Save.
var errSaved = errors.New("lexical: builder already saved")

// Save writes the documents as the index in dir, replacing whatever index
// dir held, and returns it opened. The builder lets go of its postings as
// it lays them out: it cannot be used again.
func (b *Builder) Save(ctx context.Context, dir string, opts *Options) (*Index, error) {
	if b.b == nil {
		return nil, errSaved
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("lexical: %w", err)
	}
	gen, ok, err := newestBase(dir)
	if err != nil && !errors.Is(err, ErrNoIndex) {
		return nil, err
	}
	if ok {
		gen++
	}
	secs, err := b.b.finish(ctx, kindBase, gen)
	b.b = nil
	if err != nil {
		return nil, err
	}
	ix := New(opts)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if err := ix.publishBase(dir, secs); err != nil {
		return nil, err
	}
	return ix, nil
}
