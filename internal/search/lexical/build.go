package lexical

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
)

// builder accumulates analyzed documents into in-memory postings.
// Documents are analyzed in parallel in batches (tokenizing is most of the
// cost); postings are appended in document order by one goroutine.
type builder struct {
	terms    map[string]uint32
	termStr  []string
	postings [][]byte
	last     []uint32 // per term: ordinal+1 of its last document
	df       []uint32
	masks    []uint8
	ids      []uint64
	lens     []uint8
	sumLen   [NumFields]uint64

	pending []Doc
	out     []analyzed
	workers []*analyzer

	// order, when set, is the segment's document order (Builder.Reorder):
	// order[i] is the document, numbered in the order of add, that gets
	// ordinal i.
	order []uint32
}

// builderBatch is the number of documents analyzed together.
const builderBatch = 1024

func newBuilder() *builder {
	return &builder{terms: make(map[string]uint32)}
}

// analyzed is one document's distinct terms with their per-field
// frequencies, and its field lengths.
type analyzed struct {
	id    uint64
	terms []string
	tfs   [][NumFields + 1]uint16
	lens  [NumFields]uint64
}

// analyzer holds one worker's scratch.
type analyzer struct {
	index map[string]int
}

func (a *analyzer) run(d *Doc, out *analyzed) {
	if a.index == nil {
		a.index = make(map[string]int)
	}
	clear(a.index)
	out.id = d.ID
	out.terms, out.tfs, out.lens = out.terms[:0], out.tfs[:0], [NumFields]uint64{}
	analyze(d, func(t string, f int) {
		i, ok := a.index[t]
		if !ok {
			i = len(out.terms)
			a.index[t] = i
			out.terms = append(out.terms, t)
			out.tfs = append(out.tfs, [NumFields + 1]uint16{})
		}
		if out.tfs[i][f] < math.MaxUint16 {
			out.tfs[i][f]++
		}
		if f < NumFields && t[0] > namePrefix[0] {
			out.lens[f]++
		}
	})
}

// add queues d; documents get ordinals in the order they are added.
func (b *builder) add(d *Doc) {
	b.pending = append(b.pending, *d)
	if len(b.pending) >= builderBatch {
		b.flush()
	}
}

// flush analyzes the queued documents and appends their postings.
func (b *builder) flush() {
	n := len(b.pending)
	if n == 0 {
		return
	}
	if cap(b.out) < n {
		b.out = append(b.out[:cap(b.out)], make([]analyzed, n-cap(b.out))...)
	}
	out := b.out[:n]
	w := min(runtime.GOMAXPROCS(0), (n+63)/64)
	for len(b.workers) < w {
		b.workers = append(b.workers, &analyzer{})
	}
	if w <= 1 {
		for i := range b.pending {
			b.workers[0].run(&b.pending[i], &out[i])
		}
	} else {
		var wg sync.WaitGroup
		for k := range w {
			wg.Go(func() {
				for i := k; i < n; i += w {
					b.workers[k].run(&b.pending[i], &out[i])
				}
			})
		}
		wg.Wait()
	}
	for i := range out {
		b.append(&out[i])
	}
	clear(b.pending)
	b.pending = b.pending[:0]
}

// append adds an analyzed document as the next ordinal.
func (b *builder) append(a *analyzed) {
	ord := uint32(len(b.ids))
	b.ids = append(b.ids, a.id)
	for f, l := range a.lens {
		c := encodeLen(l)
		b.lens = append(b.lens, c)
		b.sumLen[f] += decodeLen(c)
	}
	var p posting
	for i, t := range a.terms {
		id, ok := b.terms[t]
		if !ok {
			id = uint32(len(b.termStr))
			t = strings.Clone(t)
			b.terms[t] = id
			b.termStr = append(b.termStr, t)
			b.postings = append(b.postings, nil)
			b.last = append(b.last, 0)
			b.df = append(b.df, 0)
			b.masks = append(b.masks, 0)
		}
		p.ord, p.mask = ord, 0
		for f, v := range a.tfs[i] {
			p.tf[f] = v
			if v > 0 {
				p.mask |= 1 << f
			}
		}
		delta := ord
		if b.last[id] > 0 {
			delta = ord - (b.last[id] - 1)
		}
		b.postings[id] = appendPosting(b.postings[id], delta, &p)
		b.last[id] = ord + 1
		b.df[id]++
		b.masks[id] |= p.mask
	}
}

// finish lays out the segment sections. It checks ctx between phases.
func (b *builder) finish(ctx context.Context, kind uint32, gen uint64) (*sections, error) {
	b.flush()
	var remap []uint32 // ordinal as added -> ordinal in b.order
	if b.order != nil {
		var err error
		if remap, err = b.applyOrder(); err != nil {
			return nil, err
		}
	}
	s := &sections{kind: kind, gen: gen, numDocs: uint32(len(b.ids)), numTerms: uint32(len(b.termStr)), sumLen: b.sumLen}
	order := make([]uint32, len(b.termStr))
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(x, y uint32) int { return strings.Compare(b.termStr[x], b.termStr[y]) })
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	blobBytes, postBytes := 0, 0
	for id := range b.termStr {
		blobBytes += len(b.termStr[id])
		postBytes += len(b.postings[id])
	}
	w := newSectionWriter(len(order), blobBytes, postBytes)
	var ps []posting
	var keys []uint64
	var starts []uint32
	var buf []byte
	for n, id := range order {
		post := b.postings[id]
		if remap != nil {
			if n&4095 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			ps, keys, starts, buf = ps[:0], keys[:0], starts[:0], buf[:0]
			it := postIter{b: post, numDocs: s.numDocs}
			var p posting
			sorted := true
			var delta int64
			for it.next(&p) {
				o := remap[p.ord]
				// A run of postings whose documents moved together (a
				// file's, as a Bulk orders them) is in order already:
				// sort the runs, not the postings.
				if d := int64(o) - int64(p.ord); len(ps) == 0 || d != delta {
					delta = d
					keys = append(keys, uint64(o)<<32|uint64(len(ps)))
					starts = append(starts, uint32(len(ps)))
				}
				if len(ps) > 0 && o < ps[len(ps)-1].ord {
					sorted = false
				}
				p.ord = o
				ps = append(ps, p)
			}
			if it.err {
				return nil, fmt.Errorf("lexical: postings of term %q: malformed", b.termStr[id])
			}
			if !sorted {
				slices.Sort(keys) // by the run's first new ordinal
			}
			ok := true
			last := uint32(0)
			for i, k := range keys {
				from, to := uint32(k), uint32(len(ps))
				if j, _ := slices.BinarySearch(starts, from); j+1 < len(starts) {
					to = starts[j+1]
				}
				for q := from; q < to; q++ {
					if (i > 0 || q > from) && ps[q].ord <= last {
						ok = false // runs that interleave (documents moved by the same offset, others between)
						break
					}
					buf = appendPosting(buf, ps[q].ord-last, &ps[q])
					last = ps[q].ord
				}
				if !ok {
					break
				}
			}
			if !ok {
				keys, buf = keys[:0], buf[:0]
				for q := range ps {
					keys = append(keys, uint64(ps[q].ord)<<32|uint64(q))
				}
				slices.Sort(keys)
				last = 0
				for _, k := range keys {
					q := &ps[uint32(k)]
					buf = appendPosting(buf, q.ord-last, q)
					last = q.ord
				}
			}
			post = buf
		}
		if err := w.addTerm(b.termStr[id], post, b.df[id], b.masks[id]); err != nil {
			return nil, err
		}
		// Copied: a collection during the copy may free it (the postings
		// were held twice over, the run's peak heap, BENCHMARKS.md).
		b.postings[id] = nil
	}
	b.postings, b.terms = nil, nil // the builder is done
	w.finishTerms(s)
	s.sec[secIDs], s.sec[secIDSort] = encodeIDs(b.ids)
	s.sec[secLens] = b.lens
	return s, nil
}

// applyOrder lays out the documents' ids and lengths in b.order and
// returns each document's new ordinal by its ordinal as added.
func (b *builder) applyOrder() ([]uint32, error) {
	n := len(b.ids)
	if len(b.order) != n {
		return nil, fmt.Errorf("lexical: document order of %d documents for %d", len(b.order), n)
	}
	remap := make([]uint32, n)
	seen := make([]bool, n)
	ids := make([]uint64, n)
	lens := make([]uint8, 0, len(b.lens))
	for i, o := range b.order {
		if int(o) >= n || seen[o] {
			return nil, fmt.Errorf("lexical: document order is not a permutation (%d at %d)", o, i)
		}
		seen[o] = true
		remap[o] = uint32(i)
		ids[i] = b.ids[o]
		lens = append(lens, b.lens[int(o)*NumFields:(int(o)+1)*NumFields]...)
	}
	b.ids, b.lens, b.order = ids, lens, nil
	return remap, nil
}

// sectionWriter writes the term sections, term by term in sorted order.
type sectionWriter struct {
	offs, blob, info, posts []byte
}

// newSectionWriter returns a writer for up to terms terms; blobBytes and
// postBytes size the term and postings sections ahead when known (a merge
// knows its inputs': appending hundreds of megabytes of postings to a
// slice that doubles copied them twice over, most of a merge's memory
// traffic).
func newSectionWriter(terms, blobBytes, postBytes int) *sectionWriter {
	return &sectionWriter{offs: make([]byte, 4, 4*(terms+1)), info: make([]byte, 0, termInfoSize*terms),
		blob: make([]byte, 0, blobBytes), posts: make([]byte, 0, postBytes)}
}

func (w *sectionWriter) addTerm(t string, post []byte, df uint32, mask uint8) error {
	if uint64(len(w.posts)) > math.MaxUint32 || uint64(len(w.blob)+len(t)) > math.MaxUint32 {
		return fmt.Errorf("lexical: segment exceeds 4 GiB of postings or terms")
	}
	w.info = binary.LittleEndian.AppendUint32(w.info, uint32(len(w.posts)))
	w.info = binary.LittleEndian.AppendUint32(w.info, df)
	w.info = append(w.info, mask)
	w.posts = append(w.posts, post...)
	w.blob = append(w.blob, t...)
	w.offs = binary.LittleEndian.AppendUint32(w.offs, uint32(len(w.blob)))
	return nil
}

func (w *sectionWriter) finishTerms(s *sections) {
	s.numTerms = uint32(len(w.info) / termInfoSize)
	s.sec[secTermOffs], s.sec[secTermBlob], s.sec[secTermInfo], s.sec[secPostings] = w.offs, w.blob, w.info, w.posts
}

// encodeIDs returns the id table and the ordinals sorted by id.
func encodeIDs(ids []uint64) (idsec, sortsec []byte) {
	idsec = make([]byte, 0, 8*len(ids))
	for _, id := range ids {
		idsec = binary.LittleEndian.AppendUint64(idsec, id)
	}
	order := make([]uint32, len(ids))
	for i := range order {
		order[i] = uint32(i)
	}
	sort.Slice(order, func(a, b int) bool { return ids[order[a]] < ids[order[b]] })
	sortsec = make([]byte, 0, 4*len(ids))
	for _, o := range order {
		sortsec = binary.LittleEndian.AppendUint32(sortsec, o)
	}
	return idsec, sortsec
}

// mergeInput is one segment to merge with a predicate on its ordinals.
type mergeInput struct {
	seg  *segment
	live func(ord uint32) bool // nil: all live
}

// merge combines segments into one: live documents keep their relative
// order, segment by segment; postings are re-encoded with the new
// ordinals, so nothing is re-tokenized.
func merge(ctx context.Context, in []mergeInput, kind uint32, gen uint64) (*sections, error) {
	s := &sections{kind: kind, gen: gen}
	remap := make([][]int64, len(in))
	var ids []uint64
	var lens []byte
	for i, m := range in {
		remap[i] = make([]int64, m.seg.numDocs)
		for o := uint32(0); o < m.seg.numDocs; o++ {
			if m.live != nil && !m.live(o) {
				remap[i][o] = -1
				continue
			}
			remap[i][o] = int64(len(ids))
			ids = append(ids, m.seg.id(o))
			for f, c := range m.seg.lenCodes(o) {
				lens = append(lens, c)
				s.sumLen[f] += decodeLen(c)
			}
		}
	}
	if uint64(len(ids)) > math.MaxUint32-1 {
		return nil, fmt.Errorf("lexical: too many documents (%d)", len(ids))
	}
	s.numDocs = uint32(len(ids))
	s.sec[secIDs], s.sec[secIDSort] = encodeIDs(ids)
	s.sec[secLens] = lens

	// The inputs' sizes bound the output's: terms and postings of deleted
	// documents only shrink it.
	total, blobBytes, postBytes := 0, 0, 0
	for _, m := range in {
		total += int(m.seg.numTerms)
		blobBytes += len(m.seg.sec[secTermBlob])
		postBytes += len(m.seg.sec[secPostings])
	}
	w := newSectionWriter(total, blobBytes, postBytes)
	pos := make([]uint32, len(in))
	var buf []byte
	var p posting
	for n := 0; ; n++ {
		if n&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		// The smallest current term across inputs.
		var t []byte
		found := false
		for i, m := range in {
			if pos[i] < m.seg.numTerms {
				c := m.seg.term(pos[i])
				if !found || string(c) < string(t) {
					t, found = c, true
				}
			}
		}
		if !found {
			break
		}
		term := string(t)
		buf = buf[:0]
		var df uint32
		var mask uint8
		last := int64(-1)
		for i, m := range in {
			if pos[i] >= m.seg.numTerms || string(m.seg.term(pos[i])) != term {
				continue
			}
			post, _, _ := m.seg.termInfo(pos[i])
			pos[i]++
			it := postIter{b: post, numDocs: m.seg.numDocs}
			for it.next(&p) {
				no := remap[i][p.ord]
				if no < 0 {
					continue
				}
				delta := uint32(no)
				if last >= 0 {
					delta = uint32(no - last)
				}
				buf = appendPosting(buf, delta, &p)
				last = no
				df++
				mask |= p.mask
			}
			if it.err {
				return nil, corrupt("postings of term %q", term)
			}
		}
		if df == 0 {
			continue
		}
		if err := w.addTerm(term, buf, df, mask); err != nil {
			return nil, err
		}
	}
	w.finishTerms(s)
	return s, nil
}
