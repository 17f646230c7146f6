package vector

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"unsafe"

	"github.com/cespare/xxhash/v2"

	"github.com/codegraph-dev/codegraph/internal/indexfile"
)

// File layout (all integers little-endian; FormatVersion 2), the body of
// an indexfile container of kind "VECT":
//
//	offset size  header (headerSize = 128 bytes)
//	0      8     magic "CGVECIX\x00"
//	8      4     format version
//	12     1     kind (0 hnsw, 1 ivf, 2 flat)
//	13     1     metric (0 cosine, 1 ip)
//	14     1     quantization (0 f32, 1 int8, 2 f16)
//	15     1     zero
//	16     4     dim
//	20     4     rows n (live and deleted)
//	24     4     M
//	28     4     efConstruction
//	32     4     efSearch
//	36     4     nprobe
//	40     4     nlist (0: IVF lists not trained)
//	44     4     HNSW entry row
//	48     4     HNSW max level (int32, -1 when empty)
//	52     4     number of sections s
//	56     8     file size in bytes
//	64     8     seed
//	72     8     xxhash64 of every byte after the section table (identifies
//	             the content: the delta log names its base by it)
//	80     40    zero
//	120    4     CRC-32C of bytes 0..119 followed by the section table
//	124    4     zero
//	128    24*s  section table: tag u32, element size u32, offset u64, count u64
//
// Sections start at multiples of 64 bytes so a memory-mapped file can be
// used in place: arrays are reinterpreted, not decoded. Tags and contents:
//
//	1 ids u64[n]        2 tombstones u64[(n+63)/64] (bit set = deleted)
//	3 f32 [n*dim]       4 int8 [n*dim]     5 int8 scales f32[n]   6 f16 u16[n*dim]
//	10 levels u8[n]     11 upper offsets u32[n]
//	12 level-0 links u32[n*(2M+1)]          13 upper links u32[...]
//	20 centroids f32[nlist*dim]  21 biases f32[nlist]
//	22 list offsets u32[nlist+1] 23 list rows u32[...]
//
// Open checks the container's checksums, then the header CRC, the size,
// every section's bounds and expected length, every graph link and list
// entry, so a truncated, corrupt or foreign file fails with ErrFormat.

// FormatVersion is the version of the file layout above; bump it when
// the layout changes (older files then fail to open and are rebuilt).
//
//	1: first version.
//	2: in an indexfile container (block checksums, checked at the first
//	   open in a process); the body hash only identifies the content.
const FormatVersion = 2

// fileKind names vector index files in their indexfile container.
const fileKind = "VECT"

const (
	headerSize = 128
	secAlign   = 64
	magic      = "CGVECIX\x00"
)

const (
	tagIDs      = 1
	tagTomb     = 2
	tagF32      = 3
	tagI8       = 4
	tagScale    = 5
	tagF16      = 6
	tagLevels   = 10
	tagUpperOff = 11
	tagLinks0   = 12
	tagUpper    = 13
	tagCent     = 20
	tagBias     = 21
	tagListOff  = 22
	tagListRows = 23
)

type section struct {
	tag  uint32
	size uint32 // element size
	data []byte
}

func bytesOf[T any](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(s[0])))
}

func sliceOf[T any](b []byte, n int) []T {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), n)
}

var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Save writes the index to path crash-safely (indexfile: a temporary file
// in the same directory, synced, renamed over path, with block checksums).
// Searches may run while it writes.
func (ix *Index) Save(path string) error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return ErrClosed
	}
	if !littleEndian {
		return errors.New("vector: saving needs a little-endian machine")
	}
	w, err := indexfile.Create(path, fileKind, FormatVersion)
	if err != nil {
		return fmt.Errorf("vector: save: %w", err)
	}
	if err := ix.write(w); err != nil {
		w.Abort()
		return fmt.Errorf("vector: save %s: %w", path, err)
	}
	if err := w.Commit(); err != nil {
		return fmt.Errorf("vector: save: %w", err)
	}
	return nil
}

func (ix *Index) sections() []section {
	r := ix.r
	secs := []section{{tagIDs, 8, bytesOf(r.ids[:r.n])}, {tagTomb, 8, bytesOf(r.tomb[:(r.n+63)/64])}}
	d := r.dim
	switch r.quant {
	case Int8:
		secs = append(secs, section{tagI8, 1, bytesOf(r.i8[:r.n*d])}, section{tagScale, 4, bytesOf(r.scale[:r.n])})
	case Float16:
		secs = append(secs, section{tagF16, 2, bytesOf(r.f16[:r.n*d])})
	default:
		secs = append(secs, section{tagF32, 4, bytesOf(r.f32[:r.n*d])})
	}
	if g := ix.g; g != nil {
		secs = append(secs,
			section{tagLevels, 1, bytesOf(g.levels[:r.n])},
			section{tagUpperOff, 4, bytesOf(g.upperOff[:r.n])},
			section{tagLinks0, 4, bytesOf(g.links0[:r.n*(g.m0+1)])},
			section{tagUpper, 4, bytesOf(g.upper)})
	}
	if v := ix.iv; v != nil {
		off := make([]uint32, 0, v.nlist()+1)
		var rowsList []uint32
		off = append(off, 0)
		for _, l := range v.lists {
			rowsList = append(rowsList, l...)
			off = append(off, uint32(len(rowsList)))
		}
		if v.nlist() == 0 {
			off = nil
		}
		secs = append(secs,
			section{tagCent, 4, bytesOf(v.cent)},
			section{tagBias, 4, bytesOf(v.bias)},
			section{tagListOff, 4, bytesOf(off)},
			section{tagListRows, 4, bytesOf(rowsList)})
	}
	return secs
}

func align(n int) int { return (n + secAlign - 1) &^ (secAlign - 1) }

func (ix *Index) write(out io.Writer) error {
	secs := ix.sections()
	table := make([]byte, 24*len(secs))
	off := align(headerSize + len(table))
	bodyStart := off
	for k, s := range secs {
		binary.LittleEndian.PutUint32(table[24*k:], s.tag)
		binary.LittleEndian.PutUint32(table[24*k+4:], s.size)
		binary.LittleEndian.PutUint64(table[24*k+8:], uint64(off))
		binary.LittleEndian.PutUint64(table[24*k+16:], uint64(len(s.data)/int(s.size)))
		off = align(off + len(s.data))
	}
	size := off
	// The body hash identifies this content (the delta log names the base
	// it applies to); it is computed before the header is written.
	var zero [secAlign]byte
	h := xxhash.New()
	pos := bodyStart
	for _, s := range secs {
		h.Write(s.data)
		pos += len(s.data)
		if pad := align(pos) - pos; pad > 0 {
			h.Write(zero[:pad])
			pos += pad
		}
	}
	hdr := make([]byte, headerSize, headerSize+len(table)+secAlign)
	o := &ix.opts
	copy(hdr, magic)
	binary.LittleEndian.PutUint32(hdr[8:], FormatVersion)
	hdr[12], hdr[13], hdr[14] = byte(o.Kind), byte(o.Metric), byte(o.Quantization)
	binary.LittleEndian.PutUint32(hdr[16:], uint32(ix.r.dim))
	binary.LittleEndian.PutUint32(hdr[20:], uint32(ix.r.n))
	binary.LittleEndian.PutUint32(hdr[24:], uint32(o.M))
	binary.LittleEndian.PutUint32(hdr[28:], uint32(o.EfConstruction))
	binary.LittleEndian.PutUint32(hdr[32:], uint32(o.EfSearch))
	binary.LittleEndian.PutUint32(hdr[36:], uint32(o.NProbe))
	maxLevel := int32(-1)
	if ix.g != nil {
		binary.LittleEndian.PutUint32(hdr[44:], ix.g.entry)
		maxLevel = ix.g.maxLevel
	}
	if ix.iv != nil {
		binary.LittleEndian.PutUint32(hdr[40:], uint32(ix.iv.nlist()))
	}
	binary.LittleEndian.PutUint32(hdr[48:], uint32(maxLevel))
	binary.LittleEndian.PutUint32(hdr[52:], uint32(len(secs)))
	binary.LittleEndian.PutUint64(hdr[56:], uint64(size))
	binary.LittleEndian.PutUint64(hdr[64:], o.Seed)
	binary.LittleEndian.PutUint64(hdr[72:], h.Sum64())
	crc := crc32.Update(crc32.Checksum(hdr[:120], castagnoli), castagnoli, table)
	binary.LittleEndian.PutUint32(hdr[120:], crc)
	hdr = append(hdr, table...)
	hdr = append(hdr, make([]byte, bodyStart-len(hdr))...)
	if _, err := out.Write(hdr); err != nil {
		return err
	}
	pos = bodyStart
	for _, s := range secs {
		if _, err := out.Write(s.data); err != nil {
			return err
		}
		pos += len(s.data)
		if pad := align(pos) - pos; pad > 0 {
			if _, err := out.Write(zero[:pad]); err != nil {
				return err
			}
			pos += pad
		}
	}
	ix.fileHash.Store(h.Sum64())
	return nil
}

// Open maps the index file at path read-only and validates it; the
// arrays are used in place, so opening costs a validation pass rather
// than a decode. The first write (Add, Delete) copies the index into
// memory. Close releases the mapping.
func Open(path string) (*Index, error) {
	if !littleEndian {
		return nil, errors.New("vector: opening needs a little-endian machine")
	}
	f, err := indexfile.Open(path, fileKind, FormatVersion)
	if err != nil {
		return nil, err
	}
	// A search scans (flat) or walks (HNSW) most of the file: check it all
	// now, once per file version in a process (indexfile).
	if err := f.Verify(); err != nil {
		f.Close()
		return nil, err
	}
	ix, err := decode(f.Body())
	if err != nil {
		f.Close()
		return nil, indexfile.Corruptf(path, "%v", err)
	}
	ix.mapped = f
	return ix, nil
}

// decode validates data (an index file's body, whose checksums the caller
// has checked) and returns the index over it.
func decode(data []byte) (*Index, error) {
	if len(data) < headerSize || string(data[:8]) != magic {
		return nil, errors.New("bad magic")
	}
	le := binary.LittleEndian
	if v := le.Uint32(data[8:]); v != FormatVersion {
		return nil, fmt.Errorf("format version %d, want %d", v, FormatVersion)
	}
	nsec := int(le.Uint32(data[52:]))
	if nsec > 64 || headerSize+24*nsec > len(data) {
		return nil, fmt.Errorf("bad section count %d", nsec)
	}
	table := data[headerSize : headerSize+24*nsec]
	crc := crc32.Update(crc32.Checksum(data[:120], castagnoli), castagnoli, table)
	if crc != le.Uint32(data[120:]) {
		return nil, errors.New("header checksum mismatch")
	}
	if sz := le.Uint64(data[56:]); sz != uint64(len(data)) {
		return nil, fmt.Errorf("file is %d bytes, header says %d", len(data), sz)
	}
	o := Options{
		Kind: Kind(data[12]), Metric: Metric(data[13]), Quantization: Quantization(data[14]),
		Dim: int(le.Uint32(data[16:])), M: int(le.Uint32(data[24:])),
		EfConstruction: int(le.Uint32(data[28:])), EfSearch: int(le.Uint32(data[32:])),
		NProbe: int(le.Uint32(data[36:])), Seed: le.Uint64(data[64:]),
	}
	if err := o.validate(); err != nil {
		return nil, err
	}
	n := int(le.Uint32(data[20:]))
	if n > len(data) { // each row takes at least one byte
		return nil, fmt.Errorf("row count %d exceeds file", n)
	}
	bodyStart := align(headerSize + 24*nsec)
	secs := map[uint32][]byte{}
	for k := 0; k < nsec; k++ {
		e := table[24*k:]
		tag, size, off, cnt := le.Uint32(e), le.Uint32(e[4:]), le.Uint64(e[8:]), le.Uint64(e[16:])
		if size == 0 || size > 8 || off%secAlign != 0 || off < uint64(bodyStart) || off > uint64(len(data)) ||
			cnt > uint64(len(data)) || cnt*uint64(size) > uint64(len(data))-off {
			return nil, fmt.Errorf("section %d out of bounds", tag)
		}
		if _, dup := secs[tag]; dup {
			return nil, fmt.Errorf("duplicate section %d", tag)
		}
		secs[tag] = data[off : off+cnt*uint64(size)]
	}
	get := func(tag uint32, elem, want int) ([]byte, error) {
		b, ok := secs[tag]
		if !ok {
			if want == 0 {
				return nil, nil
			}
			return nil, fmt.Errorf("missing section %d", tag)
		}
		if want >= 0 && len(b) != want*elem {
			return nil, fmt.Errorf("section %d has %d bytes, want %d", tag, len(b), want*elem)
		}
		if len(b)%elem != 0 {
			return nil, fmt.Errorf("section %d misaligned", tag)
		}
		return b, nil
	}
	d := o.Dim
	r := &rows{dim: d, quant: o.Quantization, n: n}
	b, err := get(tagIDs, 8, n)
	if err != nil {
		return nil, err
	}
	r.ids = sliceOf[uint64](b, n)
	nt := (n + 63) / 64
	if b, err = get(tagTomb, 8, nt); err != nil {
		return nil, err
	}
	r.tomb = sliceOf[uint64](b, nt)
	if n%64 != 0 && nt > 0 && r.tomb[nt-1]>>(n%64) != 0 {
		return nil, errors.New("tombstone bits past the last row")
	}
	switch o.Quantization {
	case Int8:
		if b, err = get(tagI8, 1, n*d); err != nil {
			return nil, err
		}
		r.i8 = sliceOf[int8](b, n*d)
		if b, err = get(tagScale, 4, n); err != nil {
			return nil, err
		}
		r.scale = sliceOf[float32](b, n)
	case Float16:
		if b, err = get(tagF16, 2, n*d); err != nil {
			return nil, err
		}
		r.f16 = sliceOf[uint16](b, n*d)
	default:
		if b, err = get(tagF32, 4, n*d); err != nil {
			return nil, err
		}
		r.f32 = sliceOf[float32](b, n*d)
	}
	r.dead = r.countDead()
	ix := &Index{opts: o, r: r, borrowed: true}
	ix.initStructure()
	switch o.Kind {
	case HNSW:
		if err := decodeHNSW(ix.g, data, get, n); err != nil {
			return nil, err
		}
	case IVF:
		if err := decodeIVF(ix.iv, data, get, n, d); err != nil {
			return nil, err
		}
	}
	ix.fileHash.Store(le.Uint64(data[72:]))
	return ix, nil
}

type getter func(tag uint32, elem, want int) ([]byte, error)

func decodeHNSW(g *hnsw, data []byte, get getter, n int) error {
	le := binary.LittleEndian
	g.entry = le.Uint32(data[44:])
	g.maxLevel = int32(le.Uint32(data[48:]))
	if g.maxLevel < -1 || g.maxLevel > 31 || (g.maxLevel >= 0 && int(g.entry) >= n) || (g.maxLevel < 0 && n > 0) {
		return fmt.Errorf("bad entry point %d at level %d", g.entry, g.maxLevel)
	}
	b, err := get(tagLevels, 1, n)
	if err != nil {
		return err
	}
	g.levels = sliceOf[uint8](b, n)
	if b, err = get(tagUpperOff, 4, n); err != nil {
		return err
	}
	g.upperOff = sliceOf[uint32](b, n)
	w0 := g.m0 + 1
	if b, err = get(tagLinks0, 4, n*w0); err != nil {
		return err
	}
	g.links0 = sliceOf[uint32](b, n*w0)
	if b, err = get(tagUpper, 4, -1); err != nil {
		return err
	}
	g.upper = sliceOf[uint32](b, len(b)/4)
	w := g.m + 1
	for i := 0; i < n; i++ {
		l := int(g.levels[i])
		if l > int(g.maxLevel) {
			return fmt.Errorf("row %d above the top level", i)
		}
		if l > 0 && int(g.upperOff[i])+l*w > len(g.upper) {
			return fmt.Errorf("row %d: upper links out of bounds", i)
		}
		for lv := 0; lv <= l; lv++ {
			lst := g.list(uint32(i), lv)
			if int(lst[0]) >= len(lst) {
				return fmt.Errorf("row %d: %d links at level %d", i, lst[0], lv)
			}
			for _, x := range lst[1 : 1+lst[0]] {
				if int(x) >= n || int(g.levels[x]) < lv {
					return fmt.Errorf("row %d links to row %d at level %d", i, x, lv)
				}
			}
		}
	}
	if g.maxLevel >= 0 && int(g.levels[g.entry]) != int(g.maxLevel) {
		return errors.New("entry point is not on the top level")
	}
	return nil
}

func decodeIVF(v *ivf, data []byte, get getter, n, d int) error {
	nl := int(binary.LittleEndian.Uint32(data[40:]))
	if nl > n {
		return fmt.Errorf("%d lists for %d rows", nl, n)
	}
	b, err := get(tagCent, 4, nl*d)
	if err != nil {
		return err
	}
	cent := sliceOf[float32](b, nl*d)
	if b, err = get(tagBias, 4, nl); err != nil {
		return err
	}
	v.cent, v.bias = cent, sliceOf[float32](b, nl)
	offLen := nl + 1
	if nl == 0 {
		offLen = 0
	}
	if b, err = get(tagListOff, 4, offLen); err != nil {
		return err
	}
	off := sliceOf[uint32](b, offLen)
	if b, err = get(tagListRows, 4, -1); err != nil {
		return err
	}
	lr := sliceOf[uint32](b, len(b)/4)
	if len(lr) > n {
		return errors.New("more list entries than rows")
	}
	v.lists = make([][]uint32, nl)
	if nl > 0 && (off[0] != 0 || int(off[nl]) != len(lr)) {
		return errors.New("bad list offsets")
	}
	for j := 0; j < nl; j++ {
		if off[j] > off[j+1] {
			return errors.New("bad list offsets")
		}
		v.lists[j] = lr[off[j]:off[j+1]:off[j+1]]
	}
	for _, x := range lr {
		if int(x) >= n {
			return fmt.Errorf("list entry %d of %d rows", x, n)
		}
	}
	return nil
}

// own copies a mapped index into memory before its first write.
func (ix *Index) own() {
	if !ix.borrowed {
		return
	}
	ix.borrowed = false
	r := ix.r
	r.ids = clone(r.ids)
	r.tomb = clone(r.tomb)
	r.f32, r.i8, r.scale, r.f16 = clone(r.f32), clone(r.i8), clone(r.scale), clone(r.f16)
	if g := ix.g; g != nil {
		g.levels, g.upperOff, g.links0, g.upper = clone(g.levels), clone(g.upperOff), clone(g.links0), clone(g.upper)
	}
	if v := ix.iv; v != nil {
		v.cent, v.bias = clone(v.cent), clone(v.bias)
		v.where = make([]uint32, r.n)
		for i := range v.where {
			v.where[i] = noList
		}
		for j, l := range v.lists {
			v.lists[j] = clone(l)
			for _, x := range l {
				v.where[x] = uint32(j)
			}
		}
	}
	ix.unmap()
}

func clone[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}

func (ix *Index) unmap() { _ = ix.unmapErr() }

func (ix *Index) unmapErr() error {
	if ix.mapped == nil {
		return nil
	}
	err := ix.mapped.Close()
	ix.mapped = nil
	return err
}
