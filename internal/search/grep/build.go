package grep

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/cespare/xxhash/v2"
)

// docEntry is a file with its trigram set (gap-encoded) before ids are
// assigned.
type docEntry struct {
	docMeta
	tris []byte
}

var setPool = sync.Pool{New: func() any { return newTrigramSet() }}

// newDocEntry computes the trigram set of a file.
func newDocEntry(path string, content []byte) docEntry {
	set := setPool.Get().(*trigramSet)
	set.add(content)
	tris := appendGaps(nil, set.take())
	setPool.Put(set)
	return docEntry{docMeta: docMeta{path: path, size: uint64(len(content)), hash: xxhash.Sum64(content)}, tris: tris}
}

// Builder collects files for a new index. Add is safe for concurrent use,
// so the indexer's parse workers can feed it directly.
type Builder struct {
	mu   sync.Mutex
	docs []docEntry
	seen map[string]struct{}
}

// NewBuilder returns an empty Builder.
func NewBuilder() *Builder { return &Builder{seen: map[string]struct{}{}} }

// Add indexes the content of the file at path, a clean, repository-relative,
// slash-separated path. The content is not retained.
func (b *Builder) Add(path string, content []byte) error {
	if err := checkPath(path); err != nil {
		return fmt.Errorf("grep: add: %w", err)
	}
	e := newDocEntry(path, content)
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, dup := b.seen[path]; dup {
		return fmt.Errorf("grep: add: duplicate path %q", path)
	}
	b.seen[path] = struct{}{}
	b.docs = append(b.docs, e)
	return nil
}

// Len returns the number of files added.
func (b *Builder) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.docs)
}

// Write writes the collected files as a new index in dir (created if
// needed), replacing any index there, and returns it opened. The Builder
// must not be used afterwards.
func (b *Builder) Write(ctx context.Context, dir string, opts Options) (*Index, error) {
	b.mu.Lock()
	docs := b.docs
	b.docs, b.seen = nil, nil
	b.mu.Unlock()
	data, err := buildSegment(ctx, kindBase, docs, nil)
	if err != nil {
		return nil, err
	}
	return create(ctx, dir, data, opts)
}

// buildSegment sorts docs by path, assigns ids and inverts their trigram
// sets into postings.
func buildSegment(ctx context.Context, kind uint32, docs []docEntry, tombs []uint32) (*segData, error) {
	slices.SortFunc(docs, func(a, b docEntry) int { return strings.Compare(a.path, b.path) })
	d := &segData{kind: kind, tombs: tombs, docs: make([]docMeta, len(docs))}
	// slots maps a trigram to 1 + its index in lists (0: not seen yet). A
	// large build uses a dense table over the 24-bit trigram space (64 MiB,
	// mostly never touched, so the OS never backs most of it); a small one
	// (a delta) a map.
	var dense []int32
	sparse := map[uint32]int32{}
	if len(docs) >= 256 {
		dense = make([]int32, 1<<24)
	}
	type list struct {
		last int64
		buf  []byte
	}
	var lists []list
	var scratch []uint32
	for id, doc := range docs {
		if id%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		d.docs[id] = doc.docMeta
		var err error
		scratch, err = decodeGaps(scratch[:0], doc.tris, 1<<24)
		if err != nil {
			return nil, err
		}
		for _, t := range scratch {
			var s int32
			if dense != nil {
				s = dense[t]
			} else {
				s = sparse[t]
			}
			if s == 0 {
				lists = append(lists, list{last: -1})
				s = int32(len(lists))
				if dense != nil {
					dense[t] = s
				} else {
					sparse[t] = s
				}
				d.tris = append(d.tris, t)
			}
			l := &lists[s-1]
			l.buf = appendUvarint(l.buf, uint64(int64(id)-l.last-1))
			l.last = int64(id)
		}
	}
	slotOf := func(t uint32) int32 {
		if dense != nil {
			return dense[t]
		}
		return sparse[t]
	}
	slices.Sort(d.tris)
	total := 0
	for _, l := range lists {
		total += len(l.buf)
	}
	d.post = make([]byte, 0, total)
	d.offs = make([]uint32, 0, len(d.tris)+1)
	for _, t := range d.tris {
		d.offs = append(d.offs, uint32(len(d.post)))
		d.post = append(d.post, lists[slotOf(t)-1].buf...)
	}
	d.offs = append(d.offs, uint32(len(d.post)))
	return d, nil
}

func appendUvarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}
