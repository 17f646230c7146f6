package grep

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/codegraph-dev/codegraph/internal/indexfile"
)

// Options configures an Index.
type Options struct {
	// MergeFraction: when the delta segment's files plus tombstones exceed
	// this fraction of the base's files (or its postings this fraction of
	// the base's postings), Update merges everything into a new base.
	// Default 0.1.
	MergeFraction float64
	// MinMerge is the delta size (files plus tombstones) below which Update
	// never merges. Default 64.
	MinMerge int
}

func (o *Options) ensureDefaults() {
	if o.MergeFraction <= 0 {
		o.MergeFraction = 0.1
	}
	if o.MinMerge <= 0 {
		o.MinMerge = 64
	}
}

// ErrNoIndex is returned by Open when the directory holds no index.
var ErrNoIndex = errors.New("no grep index")

// Index is an opened trigram index. Search may run concurrently with
// itself and with Update; Update, Compact and Builder.Write on the same
// directory must not run concurrently with each other (the index pipeline
// serialises writers with its store lock).
type Index struct {
	dir  string
	opts Options

	mu    sync.RWMutex
	gen   uint64
	base  *segment
	delta *segment // nil when there is none
	dead  []uint64 // bitset over base ids removed by the delta
	nDead int
}

const manifestName = "MANIFEST"
const manifestHeader = "codegraph-grep-manifest 1"

// Open opens the index in dir. It returns an error wrapping ErrNoIndex
// when there is none and ErrCorrupt when its files are damaged or foreign.
func Open(dir string, opts Options) (*Index, error) {
	opts.ensureDefaults()
	var lastErr error
	// A writer may replace the segments between our reading the manifest and
	// opening them; then the manifest names newer files: read it again.
	for range 3 {
		ix, err := openOnce(dir, opts)
		if err == nil || !errors.Is(err, fs.ErrNotExist) || errors.Is(err, ErrNoIndex) {
			return ix, err
		}
		lastErr = err
	}
	return nil, lastErr
}

func openOnce(dir string, opts Options) (*Index, error) {
	m, err := readManifest(dir)
	if err != nil {
		return nil, err
	}
	ix := &Index{dir: dir, opts: opts, gen: m.gen}
	if ix.base, err = openSegment(filepath.Join(dir, m.base)); err != nil {
		return nil, err
	}
	if ix.base.kind != kindBase {
		ix.base.close()
		return nil, corruptf(m.base, "is not a base segment")
	}
	if m.delta != "" {
		d, err := openSegment(filepath.Join(dir, m.delta))
		if err != nil {
			ix.base.close()
			return nil, err
		}
		if err := ix.setDelta(d); err != nil {
			d.close()
			ix.base.close()
			return nil, err
		}
	}
	return ix, nil
}

// setDelta installs d as the delta and computes the dead bitset.
func (ix *Index) setDelta(d *segment) error {
	if d != nil && d.kind != kindDelta {
		return corruptf(d.name, "is not a delta segment")
	}
	ix.delta, ix.dead, ix.nDead = d, nil, 0
	if d == nil {
		return nil
	}
	ix.dead = make([]uint64, (ix.base.nDocs+63)/64)
	for _, t := range d.tombstones() {
		if t >= ix.base.nDocs {
			return corruptf(d.name, "tombstone %d beyond the base's %d files", t, ix.base.nDocs)
		}
		ix.dead[t/64] |= 1 << (t % 64)
		ix.nDead++
	}
	return nil
}

func (ix *Index) isDead(id uint32) bool {
	return ix.dead != nil && ix.dead[id/64]&(1<<(id%64)) != 0
}

// Close unmaps the index files.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	var errs []error
	if ix.base != nil {
		errs = append(errs, ix.base.close())
	}
	if ix.delta != nil {
		errs = append(errs, ix.delta.close())
	}
	ix.base, ix.delta = nil, nil
	return errors.Join(errs...)
}

// VerifyChecksums checks every block of the index's segment files (Open
// checks all but the posting lists, which a search checks as it reads
// them).
func (ix *Index) VerifyChecksums() error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	for _, s := range []*segment{ix.base, ix.delta} {
		if s != nil {
			if err := s.verifyAll(); err != nil {
				return err
			}
		}
	}
	return nil
}

// Len returns the number of files in the index.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.lenLocked()
}

func (ix *Index) lenLocked() int {
	n := int(ix.base.nDocs) - ix.nDead
	if ix.delta != nil {
		n += int(ix.delta.nDocs)
	}
	return n
}

// FileInfo describes an indexed file.
type FileInfo struct {
	Path string
	Size int64
	Hash uint64 // xxhash64 of the content
}

// File returns what the index holds for path.
func (ix *Index) File(path string) (FileInfo, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.delta != nil {
		if i, ok := ix.delta.find(path); ok {
			m := ix.delta.docMetaAt(i)
			return FileInfo{m.path, int64(m.size), m.hash}, true
		}
	}
	if i, ok := ix.base.find(path); ok && !ix.isDead(uint32(i)) {
		m := ix.base.docMetaAt(i)
		return FileInfo{m.path, int64(m.size), m.hash}, true
	}
	return FileInfo{}, false
}

// Files returns every indexed file in path order.
func (ix *Index) Files() []FileInfo {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := make([]FileInfo, 0, ix.lenLocked())
	add := func(m docMeta) { out = append(out, FileInfo{m.path, int64(m.size), m.hash}) }
	i, j := 0, 0
	nd := 0
	if ix.delta != nil {
		nd = int(ix.delta.nDocs)
	}
	for i < int(ix.base.nDocs) || j < nd {
		if i < int(ix.base.nDocs) && ix.isDead(uint32(i)) {
			i++
			continue
		}
		if j == nd || (i < int(ix.base.nDocs) && bytes.Compare(ix.base.pathBytes(i), ix.delta.pathBytes(j)) < 0) {
			add(ix.base.docMetaAt(i))
			i++
		} else {
			add(ix.delta.docMetaAt(j))
			j++
		}
	}
	return out
}

// SizeInfo reports the on-disk size of the index.
type SizeInfo struct {
	BaseFiles, DeltaFiles, Tombstones int
	BaseBytes, DeltaBytes             int64
	Trigrams                          int
}

// Size returns the index's segment sizes.
func (ix *Index) Size() SizeInfo {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	s := SizeInfo{BaseFiles: int(ix.base.nDocs), BaseBytes: int64(len(ix.base.data)), Trigrams: int(ix.base.nTris), Tombstones: ix.nDead}
	if ix.delta != nil {
		s.DeltaFiles, s.DeltaBytes = int(ix.delta.nDocs), int64(len(ix.delta.data))
	}
	return s
}

// Change is one file's new state for Update: its content, or its deletion.
type Change struct {
	Path    string
	Content []byte // ignored when Deleted
	Deleted bool
}

// Update applies changes (added, modified and deleted files) and persists
// them: the changed files go into a new delta segment together with the
// still-live files of the old delta, and the replaced base files are
// tombstoned; when the delta has grown past Options.MergeFraction of the
// base, everything is merged into a new base instead. Deleting a file that
// is not indexed is not an error. On error the index is unchanged on disk
// and in memory.
func (ix *Index) Update(ctx context.Context, changes []Change) error {
	if len(changes) == 0 {
		return nil
	}
	byPath := make(map[string]int, len(changes))
	for i, c := range changes {
		if err := checkPath(c.Path); err != nil {
			return fmt.Errorf("grep: update: %w", err)
		}
		byPath[c.Path] = i // the last change of a path wins
	}
	ix.mu.RLock()
	base, delta := ix.base, ix.delta
	var docs []docEntry
	var err error
	if delta != nil {
		docs, err = invert(delta, func(p string) bool { _, changed := byPath[p]; return !changed })
	}
	tombs := make(map[uint32]struct{}, ix.nDead+len(changes))
	if delta != nil {
		for _, t := range delta.tombstones() {
			tombs[t] = struct{}{}
		}
	}
	for p := range byPath {
		if id, ok := base.find(p); ok {
			tombs[uint32(id)] = struct{}{}
		}
	}
	ix.mu.RUnlock()
	if err != nil {
		return err
	}
	for i, c := range changes {
		if byPath[c.Path] != i || c.Deleted {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		docs = append(docs, newDocEntry(c.Path, c.Content))
	}
	tombList := make([]uint32, 0, len(tombs))
	for t := range tombs {
		tombList = append(tombList, t)
	}
	slices.Sort(tombList)
	nd, err := buildSegment(ctx, kindDelta, docs, tombList)
	if err != nil {
		return err
	}
	o := ix.opts
	threshold := max(float64(o.MinMerge), o.MergeFraction*float64(base.nDocs))
	if float64(len(nd.docs)+len(nd.tombs)) > threshold ||
		(len(nd.docs) >= o.MinMerge && float64(len(nd.post)) > o.MergeFraction*float64(len(base.post))) {
		merged, err := merge(ctx, base, nd)
		if err != nil {
			return err
		}
		return ix.publish(merged, nil)
	}
	return ix.publish(nil, nd)
}

// Compact merges the delta into a new base segment.
func (ix *Index) Compact(ctx context.Context) error {
	ix.mu.RLock()
	base, delta := ix.base, ix.delta
	var nd *segData
	var err error
	if delta != nil {
		var docs []docEntry
		if docs, err = invert(delta, nil); err == nil {
			nd, err = buildSegment(ctx, kindDelta, docs, delta.tombstones())
		}
	}
	ix.mu.RUnlock()
	if err != nil || delta == nil {
		return err
	}
	merged, err := merge(ctx, base, nd)
	if err != nil {
		return err
	}
	return ix.publish(merged, nil)
}

// invert recovers the trigram sets of a segment's files (those keep
// accepts, all when keep is nil) from its postings.
func invert(s *segment, keep func(path string) bool) ([]docEntry, error) {
	if err := s.verifyAll(); err != nil {
		return nil, err
	}
	per := make([][]uint32, s.nDocs)
	var ids []uint32
	for i := 0; i < int(s.nTris); i++ {
		var err error
		ids, err = decodeGaps(ids[:0], s.postings(i), s.nDocs)
		if err != nil {
			return nil, fmt.Errorf("grep index %s: %w", s.name, err)
		}
		t := s.triAt(i)
		for _, id := range ids {
			per[id] = append(per[id], t)
		}
	}
	var docs []docEntry
	for id := range per {
		m := s.docMetaAt(id)
		if keep != nil && !keep(m.path) {
			continue
		}
		docs = append(docs, docEntry{docMeta: m, tris: appendGaps(nil, per[id])})
	}
	return docs, nil
}

// postingSource is a segment to merge from: the opened base or a delta
// still in memory.
type postingSource interface {
	numDocs() int
	numTris() int
	triAt(i int) uint32
	postingsAt(i int) []byte
	docMetaAt(i int) docMeta
}

// merge builds a base segment holding the live files of base and all files
// of delta, without reading any file content: ids are renumbered in path
// order and posting lists merged trigram by trigram.
func merge(ctx context.Context, base *segment, delta *segData) (*segData, error) {
	if err := base.verifyAll(); err != nil {
		return nil, err
	}
	dead := make([]bool, base.nDocs)
	for _, t := range delta.tombs {
		if t < base.nDocs {
			dead[t] = true
		}
	}
	out := &segData{kind: kindBase}
	// Renumber: both inputs are sorted by path and disjoint.
	srcs := []postingSource{base, delta}
	remap := [][]int32{make([]int32, base.nDocs), make([]int32, len(delta.docs))}
	i, j := 0, 0
	for i < int(base.nDocs) || j < len(delta.docs) {
		if i < int(base.nDocs) && dead[i] {
			remap[0][i] = -1
			i++
			continue
		}
		takeBase := j == len(delta.docs) || (i < int(base.nDocs) && base.docPath(i) < delta.docs[j].path)
		if takeBase {
			remap[0][i] = int32(len(out.docs))
			out.docs = append(out.docs, base.docMetaAt(i))
			i++
		} else {
			remap[1][j] = int32(len(out.docs))
			out.docs = append(out.docs, delta.docs[j])
			j++
		}
	}
	for k := 1; k < len(out.docs); k++ {
		if out.docs[k].path <= out.docs[k-1].path {
			return nil, fmt.Errorf("grep: merge: %w: duplicate path %q in base and delta", ErrCorrupt, out.docs[k].path)
		}
	}
	var a, b, merged []uint32
	ti, tj := 0, 0
	var err error
	for ti < srcs[0].numTris() || tj < srcs[1].numTris() {
		if (ti+tj)%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		var t uint32
		a, b = a[:0], b[:0]
		switch {
		case tj == srcs[1].numTris() || (ti < srcs[0].numTris() && srcs[0].triAt(ti) < srcs[1].triAt(tj)):
			t = srcs[0].triAt(ti)
			if a, err = decodeMapped(a, srcs[0].postingsAt(ti), remap[0]); err != nil {
				return nil, err
			}
			ti++
		case ti == srcs[0].numTris() || srcs[1].triAt(tj) < srcs[0].triAt(ti):
			t = srcs[1].triAt(tj)
			if b, err = decodeMapped(b, srcs[1].postingsAt(tj), remap[1]); err != nil {
				return nil, err
			}
			tj++
		default:
			t = srcs[0].triAt(ti)
			if a, err = decodeMapped(a, srcs[0].postingsAt(ti), remap[0]); err != nil {
				return nil, err
			}
			if b, err = decodeMapped(b, srcs[1].postingsAt(tj), remap[1]); err != nil {
				return nil, err
			}
			ti++
			tj++
		}
		merged = mergeSorted(merged[:0], a, b)
		if len(merged) == 0 {
			continue // every file holding it was deleted
		}
		out.tris = append(out.tris, t)
		out.offs = append(out.offs, uint32(len(out.post)))
		out.post = appendGaps(out.post, merged)
	}
	out.offs = append(out.offs, uint32(len(out.post)))
	return out, nil
}

// decodeMapped decodes a posting list and renumbers it, dropping ids
// mapped to -1.
func decodeMapped(dst []uint32, src []byte, remap []int32) ([]uint32, error) {
	start := len(dst)
	dst, err := decodeGaps(dst, src, uint32(len(remap)))
	if err != nil {
		return dst, err
	}
	w := start
	for _, id := range dst[start:] {
		if n := remap[id]; n >= 0 {
			dst[w] = uint32(n)
			w++
		}
	}
	return dst[:w], nil
}

// mergeSorted appends the union of the sorted lists a and b to dst.
func mergeSorted(dst, a, b []uint32) []uint32 {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			dst = append(dst, a[i])
			i++
		case a[i] > b[j]:
			dst = append(dst, b[j])
			j++
		default:
			dst = append(dst, a[i])
			i++
			j++
		}
	}
	dst = append(dst, a[i:]...)
	return append(dst, b[j:]...)
}

// manifest names the live segments.
type manifest struct {
	gen         uint64
	base, delta string
}

func (m manifest) encode() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\ngen %d\nbase %s\n", manifestHeader, m.gen, m.base)
	if m.delta != "" {
		fmt.Fprintf(&b, "delta %s\n", m.delta)
	}
	fmt.Fprintf(&b, "crc %08x\n", crc32.Checksum(b.Bytes(), castagnoli))
	return b.Bytes()
}

func readManifest(dir string) (manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, manifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return manifest{}, fmt.Errorf("grep index %s: %w", filepath.Join(dir, manifestName), ErrNoIndex)
	}
	if err != nil {
		return manifest{}, err
	}
	return parseManifest(dir, data)
}

func parseManifest(dir string, data []byte) (manifest, error) {
	bad := func(why string) (manifest, error) {
		return manifest{}, fmt.Errorf("grep index %s: %w: manifest: %s", filepath.Join(dir, manifestName), ErrCorrupt, why)
	}
	body, crcLine, ok := cutLastLine(data)
	if !ok || !strings.HasPrefix(crcLine, "crc ") {
		return bad("no checksum line")
	}
	want, err := strconv.ParseUint(strings.TrimPrefix(crcLine, "crc "), 16, 32)
	if err != nil || uint32(want) != crc32.Checksum(body, castagnoli) {
		return bad("checksum mismatch")
	}
	var m manifest
	sc := bufio.NewScanner(bytes.NewReader(body))
	first := true
	for sc.Scan() {
		line := sc.Text()
		if first {
			if line != manifestHeader {
				return bad(fmt.Sprintf("unknown header %q", line))
			}
			first = false
			continue
		}
		key, val, _ := strings.Cut(line, " ")
		switch key {
		case "gen":
			if m.gen, err = strconv.ParseUint(val, 10, 64); err != nil {
				return bad("bad generation")
			}
		case "base":
			m.base = val
		case "delta":
			m.delta = val
		default:
			return bad(fmt.Sprintf("unknown line %q", line))
		}
	}
	for _, name := range []string{m.base, m.delta} {
		if name != "" && (strings.ContainsAny(name, `/\`) || !strings.HasSuffix(name, ".seg")) {
			return bad(fmt.Sprintf("bad segment name %q", name))
		}
	}
	if m.base == "" {
		return bad("no base segment")
	}
	return m, nil
}

func cutLastLine(data []byte) (body []byte, last string, ok bool) {
	data = bytes.TrimSuffix(data, []byte("\n"))
	i := bytes.LastIndexByte(data, '\n')
	if i < 0 {
		return nil, "", false
	}
	return data[:i+1], string(data[i+1:]), true
}

// create publishes data as the only segment of a (new or replaced) index.
func create(ctx context.Context, dir string, data *segData, opts Options) (*Index, error) {
	opts.ensureDefaults()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("grep: create index dir: %w", err)
	}
	var gen uint64
	if m, err := readManifest(dir); err == nil {
		gen = m.gen
	}
	ix := &Index{dir: dir, opts: opts, gen: gen}
	if err := ix.publish(data, nil); err != nil {
		return nil, err
	}
	return ix, nil
}

// publish writes the given segments (a new base, a new delta, or both
// nil-or-not), switches the manifest to them, swaps them in and removes the
// files no longer referenced. newBase nil keeps the current base.
func (ix *Index) publish(newBase, newDelta *segData) error {
	gen := ix.gen + 1
	m := manifest{gen: gen}
	var opened []*segment
	fail := func(err error) error {
		for _, s := range opened {
			s.close()
			os.Remove(s.name)
		}
		return err
	}
	write := func(prefix string, d *segData) (*segment, error) {
		name := fmt.Sprintf("%s-%012d.seg", prefix, gen)
		buf, err := d.encode()
		if err != nil {
			return nil, err
		}
		full := filepath.Join(ix.dir, name)
		if err := indexfile.WriteFile(full, fileKind, segmentVersion, buf); err != nil {
			return nil, err
		}
		s, err := openSegment(full)
		if err != nil {
			os.Remove(full)
			return nil, err
		}
		opened = append(opened, s)
		return s, nil
	}
	var base, delta *segment
	var err error
	if newBase != nil {
		if base, err = write("base", newBase); err != nil {
			return fail(err)
		}
		m.base = filepath.Base(base.name)
	} else {
		m.base = filepath.Base(ix.base.name)
	}
	if newDelta != nil {
		if delta, err = write("delta", newDelta); err != nil {
			return fail(err)
		}
		m.delta = filepath.Base(delta.name)
	}
	if err := indexfile.WriteRaw(filepath.Join(ix.dir, manifestName), m.encode(), 0o644); err != nil {
		return fail(err)
	}

	ix.mu.Lock()
	oldBase, oldDelta := ix.base, ix.delta
	if base != nil {
		ix.base = base
	}
	if err := ix.setDelta(delta); err != nil {
		ix.mu.Unlock()
		return err // cannot happen: we just wrote it
	}
	ix.gen = gen
	ix.mu.Unlock()

	if oldBase != nil && oldBase != ix.base {
		oldBase.close()
	}
	if oldDelta != nil {
		oldDelta.close()
	}
	ix.removeStale(m)
	return nil
}

// removeStale deletes segment and temporary files the manifest does not
// name. Failures are ignored: a stray file costs only disk space.
func (ix *Index) removeStale(m manifest) {
	entries, err := os.ReadDir(ix.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		n := e.Name()
		stale := (strings.HasSuffix(n, ".seg") && n != m.base && n != m.delta) || indexfile.IsTemp(n)
		if stale {
			os.Remove(filepath.Join(ix.dir, n))
		}
	}
}
