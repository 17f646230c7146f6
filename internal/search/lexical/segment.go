package lexical

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
	"sort"
	"sync/atomic"

	"github.com/codegraph-dev/codegraph/internal/indexfile"
)

// ErrCorrupt is returned (wrapped) when an index file is damaged, truncated,
// of another format version, or not an index file at all. Callers rebuild.
var ErrCorrupt = indexfile.ErrCorrupt

// segVersion is the version of the segment layout; bump it when the layout
// or the analysis (terms) change.
//
//	1: first version.
//	2: in an indexfile container (block checksums); the body's own
//	   checksum and end magic dropped.
const segVersion = 2

const (
	segMagic     = "CGLEXSEG"
	headerSize   = 152
	numSections  = 8
	kindBase     = 0
	kindDelta    = 1
	termInfoSize = 9
)

// Section indexes.
const (
	secIDs = iota
	secLens
	secIDSort
	secTermOffs
	secTermBlob
	secTermInfo
	secPostings
	secTombs
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// sections is the content of a segment file.
type sections struct {
	kind     uint32
	gen      uint64
	numDocs  uint32
	numTerms uint32
	sumLen   [NumFields]uint64
	sec      [numSections][]byte
}

// encode returns the file bytes of s.
func (s *sections) encode() []byte {
	size := headerSize
	for _, b := range s.sec {
		size += len(b)
	}
	out := make([]byte, headerSize, size)
	copy(out, segMagic)
	le := binary.LittleEndian
	le.PutUint32(out[8:], segVersion)
	le.PutUint32(out[12:], s.kind)
	le.PutUint64(out[16:], s.gen)
	le.PutUint32(out[24:], s.numDocs)
	le.PutUint32(out[28:], s.numTerms)
	for f := 0; f < NumFields; f++ {
		le.PutUint64(out[32+8*f:], s.sumLen[f])
	}
	end := uint64(headerSize)
	for i, b := range s.sec {
		end += uint64(len(b))
		le.PutUint64(out[72+8*i:], end)
	}
	le.PutUint32(out[136:], crc32.Checksum(out[:136], castagnoli))
	for _, b := range s.sec {
		out = append(out, b...)
	}
	return out
}

// segment is a decoded, read-only view of a segment file. Its slices point
// into the file's bytes (memory-mapped for a base segment).
type segment struct {
	sections
	data []byte
	// file is the segment's file (nil for a segment built in memory);
	// secOff are the sections' offsets in it. Reads check the blocks they
	// touch (check); the first damage found is kept in bad and makes the
	// reads return nothing.
	file   *indexfile.File
	secOff [numSections]int
	bad    atomic.Pointer[error]
	// secOK marks the sections checked whole: the per-document tables
	// (ids, lengths, id order), which scoring reads once per posting, are
	// checked all at once on first use so that the hot path pays one
	// atomic load (sectionOK) rather than a block lookup.
	secOK [numSections]atomic.Bool
}

// sectionOK reports whether section sec is intact, checking all of it the
// first time.
func (s *segment) sectionOK(sec int) bool {
	if s.secOK[sec].Load() {
		return true
	}
	return s.checkSection(sec)
}

func (s *segment) checkSection(sec int) bool {
	if !s.check(sec, 0, uint64(len(s.sec[sec]))) {
		return false
	}
	s.secOK[sec].Store(true)
	return true
}

// check verifies the checksums of the n bytes at off of section sec (once
// per block) and reports whether they are intact; damage is recorded for
// err. The common case (a block already checked) inlines.
func (s *segment) check(sec int, off, n uint64) bool {
	return s.file == nil || n == 0 || s.file.Checked(s.secOff[sec]+int(off), int(n)) || s.checkSlow(sec, off, n)
}

func (s *segment) checkSlow(sec int, off, n uint64) bool {
	if s.bad.Load() != nil {
		return false
	}
	if err := s.file.VerifyRange(s.secOff[sec]+int(off), int(n)); err != nil {
		s.fail(err)
		return false
	}
	return true
}

// fail records err as the segment's damage (the first one found). Apart
// from check so that check's error does not escape to the heap on every
// call.
//
//go:noinline
func (s *segment) fail(err error) { s.bad.CompareAndSwap(nil, &err) }

// err returns the damage reads found, if any.
func (s *segment) err() error {
	if s == nil {
		return nil
	}
	if p := s.bad.Load(); p != nil {
		return *p
	}
	return nil
}

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// decodeSegment validates data's header, trailer and table shapes and
// returns a view of it. verify also checks the CRC of the whole body, which
// reads every page; without it only the small tables are read, and the
// postings decoder stays bounds-checked.
func decodeSegment(data []byte, verify bool) (*segment, error) {
	if len(data) < headerSize {
		return nil, corrupt("%d bytes is too short", len(data))
	}
	if string(data[:8]) != segMagic {
		return nil, corrupt("bad magic")
	}
	le := binary.LittleEndian
	if crc32.Checksum(data[:136], castagnoli) != le.Uint32(data[136:]) {
		return nil, corrupt("header checksum mismatch")
	}
	if v := le.Uint32(data[8:]); v != segVersion {
		return nil, corrupt("format version %d, want %d", v, segVersion)
	}
	s := &segment{data: data}
	s.kind = le.Uint32(data[12:])
	if s.kind != kindBase && s.kind != kindDelta {
		return nil, corrupt("segment kind %d", s.kind)
	}
	s.gen = le.Uint64(data[16:])
	s.numDocs = le.Uint32(data[24:])
	s.numTerms = le.Uint32(data[28:])
	for f := 0; f < NumFields; f++ {
		s.sumLen[f] = le.Uint64(data[32+8*f:])
	}
	bodyEnd := uint64(len(data))
	start := uint64(headerSize)
	for i := range s.sec {
		end := le.Uint64(data[72+8*i:])
		if end < start || end > bodyEnd {
			return nil, corrupt("section %d bounds %d..%d", i, start, end)
		}
		s.sec[i] = data[start:end:end]
		s.secOff[i] = int(start)
		start = end
	}
	if start != bodyEnd {
		return nil, corrupt("sections end at %d, body at %d", start, bodyEnd)
	}
	n, t := uint64(s.numDocs), uint64(s.numTerms)
	want := [numSections]uint64{secIDs: 8 * n, secLens: NumFields * n, secIDSort: 4 * n, secTermOffs: 4 * (t + 1), secTermInfo: termInfoSize * t}
	for _, i := range []int{secIDs, secLens, secIDSort, secTermOffs, secTermInfo} {
		if uint64(len(s.sec[i])) != want[i] {
			return nil, corrupt("section %d is %d bytes, want %d", i, len(s.sec[i]), want[i])
		}
	}
	if len(s.sec[secTombs])%8 != 0 || (s.kind == kindBase && len(s.sec[secTombs]) != 0) {
		return nil, corrupt("tombstone section of %d bytes", len(s.sec[secTombs]))
	}
	if !verify {
		return s, nil
	}
	// Term offsets and postings offsets must be monotonic and in bounds,
	// terms sorted, the id table sorted.
	offs, blob := s.sec[secTermOffs], s.sec[secTermBlob]
	if le.Uint32(offs) != 0 || uint64(le.Uint32(offs[4*t:])) != uint64(len(blob)) {
		return nil, corrupt("term offsets do not span the term blob")
	}
	prevOff, prevPost := uint32(0), uint32(0)
	var prevTerm []byte
	info, posts := s.sec[secTermInfo], s.sec[secPostings]
	for i := uint64(0); i < t; i++ {
		o := le.Uint32(offs[4*(i+1):])
		if o < prevOff {
			return nil, corrupt("term offsets not monotonic at %d", i)
		}
		term := blob[prevOff:o]
		if i > 0 && bytes.Compare(prevTerm, term) >= 0 {
			return nil, corrupt("terms not sorted at %d", i)
		}
		prevTerm, prevOff = term, o
		p := le.Uint32(info[termInfoSize*i:])
		if p < prevPost || uint64(p) > uint64(len(posts)) || (i == 0 && p != 0) {
			return nil, corrupt("postings offsets not monotonic at %d", i)
		}
		prevPost = p
	}
	for i := uint64(0); i < n; i++ {
		if uint64(le.Uint32(s.sec[secIDSort][4*i:])) >= n {
			return nil, corrupt("id order table out of range")
		}
		if i > 0 && s.id(s.idSortOrd(i-1)) >= s.id(s.idSortOrd(i)) {
			return nil, corrupt("id order table not sorted at %d", i)
		}
	}
	return s, nil
}

func (s *segment) id(ord uint32) uint64 {
	if !s.sectionOK(secIDs) {
		return 0
	}
	return binary.LittleEndian.Uint64(s.sec[secIDs][8*uint64(ord):])
}

// idSortOrd returns the ordinal at position i of the id order table,
// clamped to a valid ordinal (the table is only verified by a full check).
func (s *segment) idSortOrd(i uint64) uint32 {
	if !s.sectionOK(secIDSort) {
		return 0
	}
	o := binary.LittleEndian.Uint32(s.sec[secIDSort][4*i:])
	if o >= s.numDocs {
		return 0
	}
	return o
}

// lenCode returns the quantized length of field f of document ord.
func (s *segment) lenCode(ord uint32, f int) uint8 {
	if !s.sectionOK(secLens) {
		return 0
	}
	return s.sec[secLens][uint64(ord)*NumFields+uint64(f)]
}

// lenCodes returns the quantized field lengths of document ord.
func (s *segment) lenCodes(ord uint32) []byte {
	i := uint64(ord) * NumFields
	if !s.sectionOK(secLens) {
		return make([]byte, NumFields)
	}
	return s.sec[secLens][i : i+NumFields : i+NumFields]
}

// Field lengths are stored in one byte each, as Lucene stores norms: exact
// below 64 terms, then on a log scale with 24 steps per doubling (about 3%
// apart) up to ~16,000 terms. BM25 needs no more precision, and a query
// turns the 256 codes into a table of normalisation factors.
const lenExact = 64

func encodeLen(l uint64) uint8 {
	if l < lenExact {
		return uint8(l)
	}
	c := lenExact + int(24*math.Log2(float64(l)/lenExact))
	return uint8(min(c, 255))
}

var lenTable = func() (t [256]float64) {
	for c := range t {
		if c < lenExact {
			t[c] = float64(c)
		} else {
			t[c] = math.Round(lenExact * math.Exp2(float64(c-lenExact)/24))
		}
	}
	return t
}()

// decodeLen returns the length a code stands for.
func decodeLen(c uint8) uint64 { return uint64(lenTable[c]) }

// ordOf returns the ordinal of id, if present.
func (s *segment) ordOf(id uint64) (uint32, bool) {
	n := int(s.numDocs)
	i := sort.Search(n, func(i int) bool { return s.id(s.idSortOrd(uint64(i))) >= id })
	if i < n {
		if o := s.idSortOrd(uint64(i)); s.id(o) == id {
			return o, true
		}
	}
	return 0, false
}

func (s *segment) term(i uint32) []byte {
	offs := s.sec[secTermOffs]
	if !s.check(secTermOffs, 4*uint64(i), 8) {
		return nil
	}
	a := binary.LittleEndian.Uint32(offs[4*uint64(i):])
	b := binary.LittleEndian.Uint32(offs[4*uint64(i)+4:])
	blob := s.sec[secTermBlob]
	if a > b || uint64(b) > uint64(len(blob)) || !s.check(secTermBlob, uint64(a), uint64(b-a)) {
		return nil // damaged; only a full check reports it
	}
	return blob[a:b]
}

// termInfo returns term i's postings bytes, document frequency and field mask.
func (s *segment) termInfo(i uint32) (post []byte, df uint32, mask uint8) {
	n := uint64(termInfoSize)
	if i+1 < s.numTerms {
		n *= 2
	}
	if !s.check(secTermInfo, termInfoSize*uint64(i), n) {
		return nil, 0, 0
	}
	info := s.sec[secTermInfo][termInfoSize*uint64(i):]
	p := binary.LittleEndian.Uint32(info)
	df = binary.LittleEndian.Uint32(info[4:])
	mask = info[8]
	end := uint32(len(s.sec[secPostings]))
	if i+1 < s.numTerms {
		end = binary.LittleEndian.Uint32(s.sec[secTermInfo][termInfoSize*uint64(i+1):])
	}
	posts := s.sec[secPostings]
	if p > end || uint64(end) > uint64(len(posts)) || !s.check(secPostings, uint64(p), uint64(end-p)) {
		return nil, 0, 0 // damaged; only a full check reports it
	}
	return posts[p:end], df, mask
}

// seek returns the index of the first term >= t.
func (s *segment) seek(t string) uint32 {
	return uint32(sort.Search(int(s.numTerms), func(i int) bool { return string(s.term(uint32(i))) >= t }))
}

// lookup returns the index of term t.
func (s *segment) lookup(t string) (uint32, bool) {
	i := s.seek(t)
	if i < s.numTerms && string(s.term(i)) == t {
		return i, true
	}
	return 0, false
}

// tombstones returns the ids of base documents the delta deletes.
func (s *segment) tombstones() []uint64 {
	b := s.sec[secTombs]
	out := make([]uint64, len(b)/8)
	for i := range out {
		out[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	return out
}

// posting is one decoded postings entry.
type posting struct {
	ord  uint32
	mask uint8
	tf   [NumFields + 1]uint16
}

// postIter decodes a postings list. It stops (ok false) at the end or at
// malformed bytes; err records the latter.
type postIter struct {
	b       []byte
	ord     uint32
	started bool
	numDocs uint32
	err     bool
}

func (it *postIter) next(p *posting) bool {
	if len(it.b) == 0 {
		return false
	}
	var d uint64
	var n int
	if c := it.b[0]; c < 0x80 {
		d, n = uint64(c), 1
	} else {
		d, n = binary.Uvarint(it.b)
	}
	if n <= 0 || len(it.b) < n+1 {
		it.err, it.b = true, nil
		return false
	}
	ord := uint64(it.ord) + d
	if it.started && d == 0 || ord >= uint64(it.numDocs) {
		it.err, it.b = true, nil
		return false
	}
	it.started = true
	it.ord = uint32(ord)
	mask := it.b[n]
	b := it.b[n+1:]
	if mask == 0 || mask >= 1<<(NumFields+1) {
		it.err, it.b = true, nil
		return false
	}
	p.ord, p.mask = it.ord, mask
	for f := 0; f <= NumFields; f++ {
		if mask&(1<<f) == 0 {
			p.tf[f] = 0
			continue
		}
		var v uint64
		var m int
		if len(b) > 0 && b[0] < 0x80 {
			v, m = uint64(b[0]), 1
		} else {
			v, m = binary.Uvarint(b)
		}
		if m <= 0 || v == 0 {
			it.err, it.b = true, nil
			return false
		}
		p.tf[f] = uint16(min(v, math.MaxUint16))
		b = b[m:]
	}
	it.b = b
	return true
}

func appendPosting(dst []byte, delta uint32, p *posting) []byte {
	dst = binary.AppendUvarint(dst, uint64(delta))
	dst = append(dst, p.mask)
	for f := 0; f <= NumFields; f++ {
		if p.mask&(1<<f) != 0 {
			dst = binary.AppendUvarint(dst, uint64(p.tf[f]))
		}
	}
	return dst
}
