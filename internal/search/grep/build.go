package grep

import (
	"context"
	"encoding/binary"
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
	// Two passes over the files' trigram sets: the first counts the bytes
	// of every posting list, the second writes each list in place in one
	// buffer. slots maps a trigram to 1 + its index in lists (0: not seen).
	var slots slotTable
	slotOf := slots.get
	type list struct {
		last int64
		off  uint32 // pass 1: byte length; pass 2: write position
	}
	var lists []list
	var scratch []uint32
	for pass := range 2 {
		for i := range lists {
			lists[i].last = -1
		}
		for id, doc := range docs {
			if id%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			var err error
			scratch, err = decodeGaps(scratch[:0], doc.tris, 1<<24)
			if err != nil {
				return nil, err
			}
			for _, t := range scratch {
				s := slotOf(t)
				if s == 0 {
					lists = append(lists, list{last: -1})
					s = int32(len(lists))
					slots.set(t, s)
					d.tris = append(d.tris, t)
				}
				l := &lists[s-1]
				gap := uint64(int64(id) - l.last - 1)
				if pass == 0 {
					l.off += uint32(uvarintLen(gap))
				} else {
					l.off += uint32(binary.PutUvarint(d.post[l.off:], gap))
				}
				l.last = int64(id)
			}
		}
		if pass == 1 {
			break
		}
		// Lay the lists out in trigram order.
		for id := range docs {
			d.docs[id] = docs[id].docMeta
		}
		slices.Sort(d.tris)
		d.offs = make([]uint32, len(d.tris)+1)
		var total uint64
		for i, t := range d.tris {
			l := &lists[slotOf(t)-1]
			d.offs[i] = uint32(total)
			n := uint64(l.off)
			l.off = uint32(total)
			total += n
		}
		if total > 1<<32-1 {
			return nil, fmt.Errorf("grep: postings too large (%d bytes)", total)
		}
		d.offs[len(d.tris)] = uint32(total)
		d.post = make([]byte, total)
	}
	return d, nil
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// slotTable maps 24-bit trigrams to int32 slots: a two-level table whose
// 16 KiB leaves are allocated on first use (a file's trigrams cluster, so
// few are), cheaper than a map and than clearing a dense 64 MiB table.
type slotTable struct {
	leaves [1 << 12]*[1 << 12]int32
}

func (s *slotTable) get(t uint32) int32 {
	if l := s.leaves[t>>12]; l != nil {
		return l[t&(1<<12-1)]
	}
	return 0
}

func (s *slotTable) set(t uint32, v int32) {
	l := s.leaves[t>>12]
	if l == nil {
		l = new([1 << 12]int32)
		s.leaves[t>>12] = l
	}
	l[t&(1<<12-1)] = v
}
