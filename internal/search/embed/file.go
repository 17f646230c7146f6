package embed

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"unsafe"

	"github.com/codegraph-dev/codegraph/internal/indexfile"
)

// The model file is an indexfile container of kind "EMBM" (block
// checksums, atomic publish) whose body is, little-endian:
//
//	magic     "CGEMBED\n"
//	version   uint32 (formatVersion)
//	dim, window, minCount, maxVocab, powerIters  uint32 each
//	hashWeight float32
//	seed      uint64
//	nDocs     uint64
//	nWords    uint32
//	nWords ×  { uvarint len, word bytes, uvarint df, float32 scale, dim × int8 }
//
// Fitted vectors are stored as int8 with one scale per word (a quarter of
// float32); Fit rounds its vectors through the same quantisation so that a
// saved and reloaded model embeds exactly as the fitted one did.
//
// formatVersion changes whenever the file layout or the meaning of the
// vectors changes (tokenisation, stemming, hashing):
//
//	1: first version.
//	2: in an indexfile container; the body's own CRC dropped.
const formatVersion = 2

// vectorsVersion is the version of what the vectors mean, in the model's
// ID: it changes with formatVersion when tokenisation, stemming or hashing
// change, not when only the file's layout does (2 kept the vectors of 1).
const vectorsVersion = 1

// fileKind names model files in their indexfile container.
const fileKind = "EMBM"

var magic = []byte("CGEMBED\n")

// ErrCorrupt is returned by Load for a file that is not a model this version
// can read; the caller should refit.
var ErrCorrupt = indexfile.ErrCorrupt

// quantize rounds v to int8 steps of its largest magnitude/127 and returns
// the scale and the codes.
func quantize(v []float32, codes []int8) float32 {
	var mx float32
	for _, x := range v {
		mx = max(mx, float32(math.Abs(float64(x))))
	}
	if mx == 0 {
		clear(codes)
		return 0
	}
	scale := mx / 127
	for i, x := range v {
		codes[i] = int8(math.Round(float64(x / scale)))
	}
	return scale
}

func dequantize(scale float32, codes []int8, v []float32) {
	for i, c := range codes {
		v[i] = float32(c) * scale
	}
	normalize(v)
}

// quantizeAll computes the stored int8 form of every fitted vector and
// replaces the vectors by their dequantised form.
func (m *Model) quantizeAll() {
	dim := m.opts.Dim
	m.codes = make([]int8, len(m.words)*dim)
	m.scales = make([]float32, len(m.words))
	for i := range m.words {
		v := m.sem[i*dim : (i+1)*dim]
		c := m.codes[i*dim : (i+1)*dim]
		m.scales[i] = quantize(v, c)
		dequantize(m.scales[i], c, v)
	}
}

// Save writes the model to path crash-safely (indexfile: a temporary file
// in the same directory, synced, renamed over path).
func (m *Model) Save(path string) error {
	w, err := indexfile.Create(path, fileKind, formatVersion)
	if err != nil {
		return fmt.Errorf("save model: %w", err)
	}
	if _, err := m.WriteTo(w); err != nil {
		w.Abort()
		return fmt.Errorf("save model: %w", err)
	}
	if err := w.Commit(); err != nil {
		return fmt.Errorf("save model: %w", err)
	}
	return nil
}

// WriteTo writes the model in its file format (the body of the file Save
// writes).
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: bufio.NewWriterSize(w, 1<<20)}
	o := m.opts
	var hdr []byte
	hdr = append(hdr, magic...)
	for _, x := range []uint32{formatVersion, uint32(o.Dim), uint32(o.Window), uint32(o.MinCount), uint32(o.MaxVocab), uint32(o.PowerIters), math.Float32bits(o.HashWeight)} {
		hdr = binary.LittleEndian.AppendUint32(hdr, x)
	}
	hdr = binary.LittleEndian.AppendUint64(hdr, o.Seed)
	hdr = binary.LittleEndian.AppendUint64(hdr, uint64(m.nDocs))
	hdr = binary.LittleEndian.AppendUint32(hdr, uint32(len(m.words)))
	cw.Write(hdr)
	buf := make([]byte, 0, 64+o.Dim)
	for i, word := range m.words {
		buf = buf[:0]
		buf = binary.AppendUvarint(buf, uint64(len(word)))
		buf = append(buf, word...)
		buf = binary.AppendUvarint(buf, uint64(m.df[i]))
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(m.scales[i]))
		for _, c := range m.codes[i*o.Dim : (i+1)*o.Dim] {
			buf = append(buf, byte(c))
		}
		cw.Write(buf)
	}
	if cw.err == nil {
		cw.err = cw.w.(*bufio.Writer).Flush()
	}
	return cw.n, cw.err
}

type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
	return n, err
}

// Verify checks the checksums of the model file at path without decoding
// it (once per file version in a process, see indexfile). A damaged,
// truncated or outdated file gives an error wrapping ErrCorrupt.
func Verify(path string) error {
	f, err := indexfile.Open(path, fileKind, formatVersion)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Verify()
}

// Load reads a model written by Save. A truncated, corrupt or foreign file
// gives an error wrapping ErrCorrupt.
func Load(path string) (*Model, error) { return load(path, false) }

// LoadForQueries is Load for a process that embeds a few texts and exits
// (a command-line search): each word's vector is computed when a text uses
// it instead of all of them at load, which is most of loading (300 ms of
// CPU on the Go standard library's model). The vectors are the same.
func LoadForQueries(path string) (*Model, error) { return load(path, true) }

func load(path string, lazy bool) (*Model, error) {
	// Mapped, not read: decode copies what it keeps (words, codes,
	// scales), so the file is unmapped once it has (a read would zero and
	// copy the whole file first).
	f, err := indexfile.Open(path, fileKind, formatVersion)
	if err != nil {
		return nil, fmt.Errorf("load model: %w", err)
	}
	defer f.Close()
	if err := f.Verify(); err != nil {
		return nil, fmt.Errorf("load model: %w", err)
	}
	m, err := decode(f.Body(), lazy)
	if err != nil {
		return nil, fmt.Errorf("load model: %w", indexfile.Corruptf(path, "%v", err))
	}
	return m, nil
}

// Decode parses a model from the bytes of its file format.
func Decode(data []byte) (*Model, error) { return decode(data, false) }

// decode parses a model; a lazy one keeps the stored codes only and
// computes word vectors on use (Model.row).
func decode(data []byte, lazy bool) (*Model, error) {
	corrupt := func(what string) error { return fmt.Errorf("%w: %s", ErrCorrupt, what) }
	if len(data) < len(magic)+4 || !bytes.Equal(data[:len(magic)], magic) {
		return nil, corrupt("not a codegraph embedding model")
	}
	if v := binary.LittleEndian.Uint32(data[len(magic):]); v != formatVersion {
		return nil, fmt.Errorf("%w: format version %d, this build reads %d", ErrCorrupt, v, formatVersion)
	}
	const hdrLen = 8 + 7*4 + 8 + 8 + 4
	if len(data) < hdrLen {
		return nil, corrupt("truncated header")
	}
	p := data[len(magic)+4:]
	u32 := func() uint32 { x := binary.LittleEndian.Uint32(p); p = p[4:]; return x }
	var o Options
	o.Dim = int(u32())
	o.Window = int(u32())
	o.MinCount = int(u32())
	o.MaxVocab = int(u32())
	o.PowerIters = int(u32())
	o.HashWeight = math.Float32frombits(u32())
	o.Seed = binary.LittleEndian.Uint64(p)
	nDocs := binary.LittleEndian.Uint64(p[8:])
	p = p[16:]
	nWords := int(u32())
	if o.Dim <= 0 || o.Dim > 4096 || !(o.HashWeight > 0 && o.HashWeight <= 1) || nDocs > 1<<40 {
		return nil, corrupt("bad header")
	}
	if nWords > len(p)/(o.Dim+6) {
		return nil, corrupt("word count exceeds file size")
	}
	m := &Model{opts: o, nDocs: int(nDocs), words: make([]string, 0, nWords), df: make([]uint32, 0, nWords),
		codes: make([]int8, nWords*o.Dim), scales: make([]float32, nWords), lazy: lazy}
	if !lazy {
		m.sem = make([]float32, nWords*o.Dim)
	}
	for i := 0; i < nWords; i++ {
		l, n := binary.Uvarint(p)
		if n <= 0 || l == 0 || l > 1024 || uint64(len(p)-n) < l {
			return nil, corrupt("bad word")
		}
		word := string(p[n : n+int(l)])
		p = p[n+int(l):]
		df, n := binary.Uvarint(p)
		if n <= 0 || df > nDocs {
			return nil, corrupt("bad document frequency")
		}
		p = p[n:]
		if len(p) < 4+o.Dim {
			return nil, corrupt("truncated vector")
		}
		scale := math.Float32frombits(binary.LittleEndian.Uint32(p))
		if math.IsNaN(float64(scale)) || math.IsInf(float64(scale), 0) || scale < 0 {
			return nil, corrupt("bad scale")
		}
		codes := m.codes[i*o.Dim : (i+1)*o.Dim]
		// The stored bytes are the codes (int8 as two's complement): one
		// copy, not a conversion per byte (a third of a one-shot load).
		copy(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(codes))), len(codes)), p[4:4+o.Dim])
		p = p[4+o.Dim:]
		m.scales[i] = scale
		if !lazy {
			dequantize(scale, codes, m.sem[i*o.Dim:(i+1)*o.Dim])
		}
		m.words = append(m.words, word)
		m.df = append(m.df, uint32(df))
	}
	if len(p) != 0 {
		return nil, corrupt("trailing bytes")
	}
	m.finish()
	if len(m.index) != len(m.words) {
		return nil, corrupt("duplicate words")
	}
	return m, nil
}
