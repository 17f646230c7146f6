package grep

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"path"
	"sort"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/indexfile"
)

// Segment file layout (all integers little-endian; sections 8-byte aligned
// so a mapped file can be read in place):
//
//	header (96 bytes)
//	  0  magic "CGGREPSG"
//	  8  u32 format version (segmentVersion)
//	 12  u32 kind: 1 base, 2 delta
//	 16  u32 nDocs      20 u32 nTrigrams     24 u32 nTombstones    28 u32 0
//	 32  u64 docs offset                     40 u64 paths offset
//	 48  u64 paths length                    56 u64 trigram table offset
//	 64  u64 postings offset                 72 u64 postings length
//	 80  u64 tombstones offset
//	 88  u64 zero (checksums in version 1; the indexfile container's block
//	     checksums cover the whole segment since version 2)
//	docs        nDocs × {u32 path offset, u32 path length, u64 size, u64 content hash},
//	            sorted by path (strictly increasing); a doc's id is its index
//	paths       the repository-relative, slash-separated paths
//	trigrams    nTrigrams × {u32 trigram, u32 offset of its postings}, trigrams
//	            strictly increasing; a list ends where the next begins
//	postings    per trigram, the ids of the docs holding it, gap-encoded varints
//	tombstones  nTombstones × u32: ids of base docs this delta removes or
//	            replaces, strictly increasing (delta segments only)
//
// Format changelog:
//
//	1: first version.
//	2: in an indexfile container (block checksums, verified at the first
//	   open in a process); the header's own checksums dropped.
const (
	fileKind       = "GREP"
	segmentMagic   = "CGGREPSG"
	segmentVersion = 2
	headerSize     = 96
	docEntrySize   = 24
	triEntrySize   = 8

	kindBase  = 1
	kindDelta = 2
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func align8(n uint64) uint64 { return (n + 7) &^ 7 }

// docMeta is a file of a segment.
type docMeta struct {
	path string
	size uint64
	hash uint64
}

// segData is a segment being written: docs sorted by path, the trigram
// table and the postings.
type segData struct {
	kind  uint32
	docs  []docMeta
	tris  []uint32
	offs  []uint32 // len(tris)+1 offsets into post
	post  []byte
	tombs []uint32
}

func (d *segData) numDocs() int            { return len(d.docs) }
func (d *segData) numTris() int            { return len(d.tris) }
func (d *segData) triAt(i int) uint32      { return d.tris[i] }
func (d *segData) postingsAt(i int) []byte { return d.post[d.offs[i]:d.offs[i+1]] }
func (d *segData) docPath(i int) string    { return d.docs[i].path }
func (d *segData) docMetaAt(i int) docMeta { return d.docs[i] }
func (s *segment) docMetaAt(i int) docMeta { p, sz, h := s.doc(i); return docMeta{p, sz, h} }
func (s *segment) docPath(i int) string    { p, _, _ := s.doc(i); return p }
func (s *segment) numDocs() int            { return int(s.nDocs) }
func (s *segment) numTris() int            { return int(s.nTris) }
func (s *segment) postingsAt(i int) []byte { return s.postings(i) }
func (s *segment) triAt(i int) uint32      { return binary.LittleEndian.Uint32(s.tris[i*triEntrySize:]) }

// encode serialises the segment.
func (d *segData) encode() ([]byte, error) {
	if uint64(len(d.post)) > 1<<32-1 || len(d.docs) > 1<<31 {
		return nil, fmt.Errorf("grep segment too large: %d docs, %d bytes of postings", len(d.docs), len(d.post))
	}
	var pathsLen uint64
	for _, doc := range d.docs {
		pathsLen += uint64(len(doc.path))
	}
	docsOff := uint64(headerSize)
	pathsOff := align8(docsOff + docEntrySize*uint64(len(d.docs)))
	trisOff := align8(pathsOff + pathsLen)
	postOff := align8(trisOff + triEntrySize*uint64(len(d.tris)))
	tombsOff := align8(postOff + uint64(len(d.post)))
	end := align8(tombsOff + 4*uint64(len(d.tombs)))

	buf := make([]byte, end)
	le := binary.LittleEndian
	copy(buf, segmentMagic)
	le.PutUint32(buf[8:], segmentVersion)
	le.PutUint32(buf[12:], d.kind)
	le.PutUint32(buf[16:], uint32(len(d.docs)))
	le.PutUint32(buf[20:], uint32(len(d.tris)))
	le.PutUint32(buf[24:], uint32(len(d.tombs)))
	le.PutUint64(buf[32:], docsOff)
	le.PutUint64(buf[40:], pathsOff)
	le.PutUint64(buf[48:], pathsLen)
	le.PutUint64(buf[56:], trisOff)
	le.PutUint64(buf[64:], postOff)
	le.PutUint64(buf[72:], uint64(len(d.post)))
	le.PutUint64(buf[80:], tombsOff)
	var p uint32
	for i, doc := range d.docs {
		e := buf[docsOff+docEntrySize*uint64(i):]
		le.PutUint32(e, p)
		le.PutUint32(e[4:], uint32(len(doc.path)))
		le.PutUint64(e[8:], doc.size)
		le.PutUint64(e[16:], doc.hash)
		copy(buf[pathsOff+uint64(p):], doc.path)
		p += uint32(len(doc.path))
	}
	for i, t := range d.tris {
		e := buf[trisOff+triEntrySize*uint64(i):]
		le.PutUint32(e, t)
		le.PutUint32(e[4:], d.offs[i])
	}
	copy(buf[postOff:], d.post)
	for i, t := range d.tombs {
		le.PutUint32(buf[tombsOff+4*uint64(i):], t)
	}
	return buf, nil
}

// segment is an opened (usually memory-mapped) segment file. Every access
// is bounds-checked at open, so the accessors do not fail.
type segment struct {
	name   string
	data   []byte
	file   *indexfile.File // nil for a segment parsed from memory
	kind   uint32
	nDocs  uint32
	nTris  uint32
	docs   []byte
	paths  []byte
	tris   []byte
	post   []byte
	tombs  []byte
	nTombs uint32
	// postOff is the offset of post in data: a search checks the blocks
	// of the posting lists it reads (verifyPostings), not all of them.
	postOff int
}

func corruptf(name, format string, args ...any) error {
	return fmt.Errorf("grep index %s: %w: %s", name, ErrCorrupt, fmt.Sprintf(format, args...))
}

// parseSegment validates data as a segment's body and returns a view of it
// (the caller has checked its checksums).
func parseSegment(name string, data []byte) (*segment, error) {
	if len(data) < headerSize {
		return nil, corruptf(name, "file too short (%d bytes)", len(data))
	}
	if string(data[:8]) != segmentMagic {
		return nil, corruptf(name, "not a codegraph grep segment (bad magic)")
	}
	le := binary.LittleEndian
	if v := le.Uint32(data[8:]); v != segmentVersion {
		return nil, corruptf(name, "format version %d, this build reads %d", v, segmentVersion)
	}
	s := &segment{name: name, data: data, kind: le.Uint32(data[12:]), nDocs: le.Uint32(data[16:]),
		nTris: le.Uint32(data[20:]), nTombs: le.Uint32(data[24:])}
	if s.kind != kindBase && s.kind != kindDelta {
		return nil, corruptf(name, "unknown segment kind %d", s.kind)
	}
	if s.kind == kindBase && s.nTombs != 0 {
		return nil, corruptf(name, "base segment with tombstones")
	}
	pathsLen, postLen := le.Uint64(data[48:]), le.Uint64(data[72:])
	size := uint64(len(data))
	if pathsLen > size || postLen > size {
		return nil, corruptf(name, "section lengths exceed the file")
	}
	docsOff := uint64(headerSize)
	pathsOff := align8(docsOff + docEntrySize*uint64(s.nDocs))
	trisOff := align8(pathsOff + pathsLen)
	postOff := align8(trisOff + triEntrySize*uint64(s.nTris))
	tombsOff := align8(postOff + postLen)
	end := align8(tombsOff + 4*uint64(s.nTombs))
	if le.Uint64(data[32:]) != docsOff || le.Uint64(data[40:]) != pathsOff || le.Uint64(data[56:]) != trisOff ||
		le.Uint64(data[64:]) != postOff || le.Uint64(data[80:]) != tombsOff || end != size {
		return nil, corruptf(name, "section layout does not match the header (file %d bytes, want %d)", size, end)
	}
	s.docs = data[docsOff : docsOff+docEntrySize*uint64(s.nDocs)]
	s.paths = data[pathsOff : pathsOff+pathsLen]
	s.tris = data[trisOff : trisOff+triEntrySize*uint64(s.nTris)]
	s.post = data[postOff : postOff+postLen]
	s.postOff = int(postOff)
	s.tombs = data[tombsOff : tombsOff+4*uint64(s.nTombs)]

	prev := ""
	for i := 0; i < int(s.nDocs); i++ {
		e := s.docs[i*docEntrySize:]
		off, n := uint64(le.Uint32(e)), uint64(le.Uint32(e[4:]))
		if off+n > pathsLen {
			return nil, corruptf(name, "doc %d: path out of range", i)
		}
		p := string(s.paths[off : off+n]) // validation only
		if err := checkPath(p); err != nil {
			return nil, corruptf(name, "doc %d: %v", i, err)
		}
		if i > 0 && p <= prev {
			return nil, corruptf(name, "doc %d: paths not sorted", i)
		}
		prev = p
	}
	var prevTri, prevOff uint32
	for i := 0; i < int(s.nTris); i++ {
		t, off := le.Uint32(s.tris[i*triEntrySize:]), le.Uint32(s.tris[i*triEntrySize+4:])
		if t >= 1<<24 || (i > 0 && t <= prevTri) {
			return nil, corruptf(name, "trigram table not sorted at %d", i)
		}
		if off < prevOff || uint64(off) > postLen || (i == 0 && off != 0) {
			return nil, corruptf(name, "trigram %d: postings offset out of range", i)
		}
		prevTri, prevOff = t, off
	}
	for i := 0; i < int(s.nTombs); i++ {
		t := le.Uint32(s.tombs[i*4:])
		if i > 0 && t <= le.Uint32(s.tombs[(i-1)*4:]) {
			return nil, corruptf(name, "tombstones not sorted")
		}
	}
	return s, nil
}

// checkPath rejects paths that are not clean, relative, slash-separated
// repository paths, so that a bad index can never make Search read
// outside the root.
func checkPath(p string) error {
	switch {
	case p == "":
		return fmt.Errorf("empty path")
	case strings.ContainsRune(p, 0) || strings.ContainsRune(p, '\\'):
		return fmt.Errorf("path %q has a NUL or backslash", p)
	case strings.HasPrefix(p, "/") || path.Clean(p) != p || p == ".." || strings.HasPrefix(p, "../") || p == ".":
		return fmt.Errorf("path %q is not a clean relative path", p)
	}
	return nil
}

func (s *segment) close() error {
	if s.file == nil {
		return nil
	}
	err := s.file.Close()
	s.file, s.data = nil, nil
	return err
}

// doc returns the path (copied), size and hash of doc i.
func (s *segment) doc(i int) (string, uint64, uint64) {
	le := binary.LittleEndian
	e := s.docs[i*docEntrySize:]
	off, n := le.Uint32(e), le.Uint32(e[4:])
	return string(s.paths[off : off+n]), le.Uint64(e[8:]), le.Uint64(e[16:])
}

// pathBytes returns doc i's path without copying (valid while mapped).
func (s *segment) pathBytes(i int) []byte {
	le := binary.LittleEndian
	e := s.docs[i*docEntrySize:]
	off, n := le.Uint32(e), le.Uint32(e[4:])
	return s.paths[off : off+n]
}

// find returns the id of the doc with path p.
func (s *segment) find(p string) (int, bool) {
	i := sort.Search(int(s.nDocs), func(i int) bool { return string(s.pathBytes(i)) >= p })
	return i, i < int(s.nDocs) && string(s.pathBytes(i)) == p
}

// lookup returns the postings of trigram t (nil when absent), their
// checksums checked.
func (s *segment) lookup(t uint32) ([]byte, error) {
	le := binary.LittleEndian
	i := sort.Search(int(s.nTris), func(i int) bool { return le.Uint32(s.tris[i*triEntrySize:]) >= t })
	if i == int(s.nTris) || le.Uint32(s.tris[i*triEntrySize:]) != t {
		return nil, nil
	}
	p := s.postings(i)
	if s.file != nil && len(p) > 0 {
		off := s.postOff + int(le.Uint32(s.tris[i*triEntrySize+4:]))
		if err := s.file.VerifyRange(off, len(p)); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// verifyAll checks every block of the segment's file (before reading all
// its posting lists, as Update and Compact do).
func (s *segment) verifyAll() error {
	if s.file == nil {
		return nil
	}
	return s.file.Verify()
}

func (s *segment) postings(i int) []byte {
	le := binary.LittleEndian
	start := le.Uint32(s.tris[i*triEntrySize+4:])
	end := uint32(len(s.post))
	if i+1 < int(s.nTris) {
		end = le.Uint32(s.tris[(i+1)*triEntrySize+4:])
	}
	return s.post[start:end]
}

func (s *segment) tombstones() []uint32 {
	out := make([]uint32, s.nTombs)
	for i := range out {
		out[i] = binary.LittleEndian.Uint32(s.tombs[i*4:])
	}
	return out
}

// openSegment maps a segment file, verifies the checksums of everything
// but its posting lists (once per file version in a process: a server
// opens the same segments again for each store snapshot, see indexfile)
// and validates its structure. A posting list's blocks are checked when a
// search first reads it (lookup): the lists are most of the file (10.5 of
// the Go standard library's 12.4 MB) and a search reads a few.
func openSegment(filename string) (*segment, error) {
	f, err := indexfile.Open(filename, fileKind, segmentVersion)
	if err != nil {
		return nil, err
	}
	if err := verifyOutsidePostings(f); err != nil {
		f.Close()
		return nil, err
	}
	s, err := parseSegment(filename, f.Body())
	if err != nil {
		f.Close()
		return nil, err
	}
	s.file = f
	return s, nil
}

// verifyOutsidePostings checks the blocks of f's body outside the posting
// lists that its header places (all of them when the header is short or
// its offsets out of range: parseSegment then reports the damage).
func verifyOutsidePostings(f *indexfile.File) error {
	body := f.Body()
	if err := f.VerifyRange(0, min(headerSize, len(body))); err != nil {
		return err
	}
	if len(body) < headerSize {
		return nil
	}
	le := binary.LittleEndian
	postOff, postLen, tombsOff := le.Uint64(body[64:]), le.Uint64(body[72:]), le.Uint64(body[80:])
	size := uint64(len(body))
	if postOff > size || postLen > size-postOff || tombsOff < postOff+postLen || tombsOff > size {
		return f.Verify()
	}
	if err := f.VerifyRange(0, int(postOff)); err != nil {
		return err
	}
	return f.VerifyRange(int(tombsOff), int(size-tombsOff))
}
