package grep

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/codegraph-dev/codegraph/internal/indexfile"
)

// foldTable maps each byte to itself with ASCII upper-case letters lowered.
// Bytes >= 0x80 are unchanged, so folding never breaks UTF-8 sequences.
var foldTable = func() (t [256]byte) {
	for i := range t {
		b := byte(i)
		if b >= 'A' && b <= 'Z' {
			b += 'a' - 'A'
		}
		t[i] = b
	}
	return t
}()

// trigramOf packs three (already folded) bytes into a trigram.
func trigramOf(a, b, c byte) uint32 { return uint32(a)<<16 | uint32(b)<<8 | uint32(c) }

// trigramString renders a trigram for query plans and errors.
func trigramString(t uint32) string {
	return string([]byte{byte(t >> 16), byte(t >> 8), byte(t)})
}

// trigramSet collects the distinct folded trigrams of one file. It keeps a
// 2 MiB bitmap over the 24-bit trigram space, so adding is O(1) and
// collecting is O(distinct); reuse one per goroutine.
type trigramSet struct {
	bits    []uint64
	list    []uint32
	scratch []uint32
}

func newTrigramSet() *trigramSet { return &trigramSet{bits: make([]uint64, 1<<24/64)} }

// add records the trigrams of content, skipping those that contain '\n'.
func (s *trigramSet) add(content []byte) {
	if len(content) < 3 {
		return
	}
	a, b := foldTable[content[0]], foldTable[content[1]]
	for _, raw := range content[2:] {
		c := foldTable[raw]
		if a != '\n' && b != '\n' && c != '\n' {
			t := trigramOf(a, b, c)
			w, m := t>>6, uint64(1)<<(t&63)
			if s.bits[w]&m == 0 {
				s.bits[w] |= m
				s.list = append(s.list, t)
			}
		}
		a, b = b, c
	}
}

// take returns the sorted trigrams added since the last take and resets the
// set. The returned slice is reused by the next call.
func (s *trigramSet) take() []uint32 {
	for _, t := range s.list {
		s.bits[t>>6] = 0
	}
	if len(s.list) < 512 {
		slices.Sort(s.list)
	} else {
		s.scratch = radixSort24(s.list, s.scratch)
	}
	out := s.list
	s.list = s.list[:0]
	return out
}

// radixSort24 sorts 24-bit values in place with three byte-wise counting
// passes (O(n), much faster than a comparison sort for the thousands of
// trigrams of a typical file). scratch is reused and returned.
func radixSort24(vals, scratch []uint32) []uint32 {
	if cap(scratch) < len(vals) {
		scratch = make([]uint32, len(vals))
	}
	scratch = scratch[:len(vals)]
	src, dst := vals, scratch
	for shift := 0; shift < 24; shift += 8 {
		var count [257]int
		for _, v := range src {
			count[(v>>shift)&0xff+1]++
		}
		for i := 1; i < 257; i++ {
			count[i] += count[i-1]
		}
		for _, v := range src {
			b := (v >> shift) & 0xff
			dst[count[b]] = v
			count[b]++
		}
		src, dst = dst, src
	}
	// Three passes leave the result in scratch.
	copy(vals, src)
	return scratch
}

// Postings and per-file trigram lists are sorted uint32 sequences stored as
// varint gaps: the first value as is, every next one as the difference to
// its predecessor minus one (values are strictly increasing).

// appendGaps appends the gap encoding of the strictly increasing vals.
func appendGaps(dst []byte, vals []uint32) []byte {
	prev := int64(-1)
	for _, v := range vals {
		dst = binary.AppendUvarint(dst, uint64(int64(v)-prev-1))
		prev = int64(v)
	}
	return dst
}

// ErrCorrupt is wrapped by the errors for index files that are damaged,
// foreign or of another format version; the caller should rebuild.
var ErrCorrupt = indexfile.ErrCorrupt

// decodeGaps decodes a gap-encoded list into dst, checking that every value
// is below limit. It never panics on malformed input.
func decodeGaps(dst []uint32, src []byte, limit uint32) ([]uint32, error) {
	next := uint64(0)
	for len(src) > 0 {
		g, n := binary.Uvarint(src)
		if n <= 0 {
			return dst, fmt.Errorf("%w: bad varint in posting list", ErrCorrupt)
		}
		src = src[n:]
		v := next + g
		if g >= uint64(limit) || v >= uint64(limit) {
			return dst, fmt.Errorf("%w: posting %d out of range (limit %d)", ErrCorrupt, v, limit)
		}
		dst = append(dst, uint32(v))
		next = v + 1
	}
	return dst, nil
}
