package resolve

import (
	"encoding/binary"
	"errors"

	"github.com/codegraph-dev/codegraph/internal/bincodec"
	"github.com/codegraph-dev/codegraph/internal/graph"
)

// changeLog holds the changes a run writes once its scans are done, in a
// compact binary form: a full pass over the Go standard library rebinds
// about 670,000 edge groups, which as change values (two strings and two
// slices each, the strings holding on to the edge values they were
// decoded from) were the largest part of the run's peak heap. Each record
// is about 50 bytes; files are numbered.
//
// A record: kind (1 byte), source (8), line (uvarint), target (uvarint
// length and bytes), file number (uvarint), resolution (1), the
// destinations (uvarint count, 8 bytes each), then the group's bound edges
// (uvarint count; per edge its destination (8), resolution (1), candidate
// count and file number (uvarints)). A group's edges share its source,
// kind, line and target (see grouper).
type changeLog struct {
	chunks [][]byte
	files  []string
	fileNo map[string]uint64
	n      int    // records
	rec    []byte // the record being encoded
}

// changeChunk is the size of the log's chunks: it grows by whole chunks,
// never copying what it holds.
const changeChunk = 1 << 20

// errChangeLog is a short or malformed record (a bug: the log is written
// and read by this process).
var errChangeLog = errors.New("resolve: change log: malformed record")

// add records that the group grp, whose unresolved form is e, now
// resolves to dsts with res.
func (l *changeLog) add(e *graph.Edge, grp []graph.Edge, dsts []graph.NodeID, res graph.Resolution) {
	b := append(l.rec[:0], byte(e.Kind))
	b = binary.LittleEndian.AppendUint64(b, uint64(e.Src))
	b = binary.AppendUvarint(b, uint64(e.Line))
	b = binary.AppendUvarint(b, uint64(len(e.Target)))
	b = append(b, e.Target...)
	b = binary.AppendUvarint(b, l.file(e.File))
	b = append(b, byte(res))
	b = binary.AppendUvarint(b, uint64(len(dsts)))
	for _, d := range dsts {
		b = binary.LittleEndian.AppendUint64(b, uint64(d))
	}
	bound := 0
	for i := range grp {
		if grp[i].Dst != 0 {
			bound++
		}
	}
	b = binary.AppendUvarint(b, uint64(bound))
	for i := range grp {
		o := &grp[i]
		if o.Dst == 0 {
			continue
		}
		b = binary.LittleEndian.AppendUint64(b, uint64(o.Dst))
		b = append(b, byte(o.Res))
		b = binary.AppendUvarint(b, uint64(o.Candidates))
		b = binary.AppendUvarint(b, l.file(o.File))
	}
	l.rec = b
	if len(l.chunks) == 0 || len(l.chunks[len(l.chunks)-1])+len(b) > cap(l.chunks[len(l.chunks)-1]) {
		l.chunks = append(l.chunks, make([]byte, 0, max(changeChunk, len(b))))
	}
	last := &l.chunks[len(l.chunks)-1]
	*last = append(*last, b...)
	l.n++
}

// file returns the number of the file path p.
func (l *changeLog) file(p string) uint64 {
	if n, ok := l.fileNo[p]; ok {
		return n
	}
	if l.fileNo == nil {
		l.fileNo = map[string]uint64{}
	}
	n := uint64(len(l.files))
	p = string([]byte(p)) // not the edge value p was decoded from
	l.files = append(l.files, p)
	l.fileNo[p] = n
	return n
}

// each calls fn with every change, in the order they were added. The
// change and its slices are reused from one call to the next.
func (l *changeLog) each(fn func(*change) error) error {
	var c change
	for _, chunk := range l.chunks {
		d := bincodec.NewReader(chunk, errChangeLog)
		for len(d.B) > 0 {
			c.e = graph.Edge{Kind: graph.EdgeKind(d.Byte()), Src: graph.NodeID(d.Fixed64())}
			c.e.Line = uint32(d.Uvarint())
			c.e.Target = d.Str()
			c.e.File = l.fileOf(d)
			c.res = graph.Resolution(d.Byte())
			c.dsts = c.dsts[:0]
			for n := d.Uvarint(); n > 0 && d.Err == nil; n-- {
				c.dsts = append(c.dsts, graph.NodeID(d.Fixed64()))
			}
			c.old = c.old[:0]
			for n := d.Uvarint(); n > 0 && d.Err == nil; n-- {
				o := c.e
				o.Dst = graph.NodeID(d.Fixed64())
				o.Res = graph.Resolution(d.Byte())
				o.Candidates = uint16(d.Uvarint())
				o.File = l.fileOf(d)
				c.old = append(c.old, o)
			}
			if d.Err != nil {
				return d.Err
			}
			if err := fn(&c); err != nil {
				return err
			}
		}
	}
	return nil
}

// fileOf reads a file number of l.files.
func (l *changeLog) fileOf(d *bincodec.Reader) string {
	n := d.Uvarint()
	if n >= uint64(len(l.files)) {
		d.Fail()
		return ""
	}
	return l.files[n]
}
