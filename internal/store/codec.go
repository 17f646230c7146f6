package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"path"
	"slices"

	"github.com/cespare/xxhash/v2"
	"github.com/codegraph-dev/codegraph/internal/graph"
)

// FormatVersion is the version of the on-disk key layout and value encodings
// described below. It is written when a store is created and checked on every
// open; a mismatch makes Open fail with ErrSchemaMismatch, and the user
// re-indexes. Bump it whenever a key or value changes shape, and say why here.
//
// Changelog:
//
//	1: initial layout: nodes, resolved/unresolved edge adjacency, unresolved
//	   index by target, name/lower-name/qualified-name/file/kind indexes,
//	   per-file metadata, index-wide key/values.
//	2: edge values carry the resolution and the candidate count.
//	3: node values end with the callable's local bindings (Node.Locals).
//	4: qualified-name index keys carry the node's directory after the
//	   name (qn | 0x00 | dir | 0x00 | id), so that "qn in dir" is one
//	   prefix scan instead of a read of every node of that qualified name
//	   (Go qualified names are package-relative: "New", "Reader.Read").
//	   Unresolved by-target keys lead with the target's last identifier
//	   (graph.TargetName), so that the unresolved edges that could mean a
//	   name, however qualified, are one prefix scan instead of a scan of
//	   them all.
//	5: the index-wide key/value "go_ifaces" holds resolution's table of
//	   the Go interfaces' method sets (internal/resolve, ifacetable.go),
//	   which every resolution keeps up to date: a writer that does not
//	   know it would leave it stale, so older binaries must not write
//	   these stores (and format-4 stores, which lack it, are re-indexed).
const FormatVersion uint32 = 5

// Key layout.
//
// The architecture's "column families" are one-byte key prefixes, and within
// a family a second byte names the key space. All integers in keys are
// big-endian so that byte order is numeric order; strings in keys are raw
// bytes followed by a 0x00 separator. Because a string may itself contain
// 0x00, decoders find fixed-width suffixes by counting from the end of the
// key and exact-match scans check the key's length, so a stray NUL can never
// make one string's entries show up under another.
//
//	family    key                                                  value
//	--------  ---------------------------------------------------  -----------------
//	nodes     0x01 | id:8                                          node
//	edges     0x02 'o' | src:8 | kind:1 | 0x01 | dst:8 | line:4    edge (resolved, outgoing)
//	          0x02 'o' | src:8 | kind:1 | 0x02 | th:8 | line:4     edge (unresolved, outgoing)
//	          0x02 'i' | dst:8 | kind:1 | src:8 | line:4           edge (resolved, incoming)
//	          0x02 'u' | kind:1 | name | 0x00 | target | 0x00 |
//	                     src:8 | line:4                            str(file) (unresolved by name, target)
//	indexes   0x03 'n' | name | 0x00 | id:8                        empty
//	          0x03 'l' | lower(name) | 0x00 | id:8                 empty (only when lower(name) != name)
//	          0x03 'q' | qualified name | 0x00 | dir | 0x00 | id:8  empty (dir: path.Dir(file))
//	          0x03 'f' | path | 0x00 | startByte:4 | id:8          file entry
//	          0x03 'k' | kind:1 | id:8                             empty
//	metadata  0x04 'f' | path                                      file meta
//	          0x04 'k' | key                                       raw bytes (Store.Meta/Batch.SetMeta)
//	          0x04 's'                                             uvarint(FormatVersion)
//	versions  0x05 ...                                             reserved for per-commit
//	                                                               snapshots/history; nothing
//	                                                               writes it yet
//
// th is xxhash64(target): outgoing edges are one fixed-width key each, so an
// edge's identity is (src, kind, dst or target hash, line) and duplicates
// collapse to one key. A resolved and an unresolved edge never share a key
// (the 0x01/0x02 tag), and both sort under src|kind, so "callees of X of kind
// K" is one prefix scan. Incoming keys exist for resolved edges only; callers
// are the prefix scan 0x02 'i' | dst. The 'u' index lets a resolution pass
// find "all unresolved calls named X" (or all unresolved edges of a kind)
// without re-parsing anything; name is graph.TargetName(target), the
// target's last identifier (never a NUL in it), so the edges whose target
// ends in a name ("s.Get", "r.Get", "Get") are the prefix scan of
// 0x02 'u' | kind | name | 0x00.
//
// Values are compact binary: uvarint lengths and integers (zig-zag varints
// for signed ones and for end-start deltas), fixed 8-byte little-endian
// hashes; no JSON, no gob.
//
//	node        kind:1 | vis:1 | uv(startLine) | v(endLine-startLine) |
//	            uv(startByte) | v(endByte-startByte) | contentHash:8 | parent:8 |
//	            str(name) | str(qualifiedName) | str(language) | str(file) |
//	            str(signature) | str(doc) | str(locals)
//	edge        str(target) | str(file) | res:1 | uv(candidates)
//	file entry  kind:1 | str(name) | str(qualifiedName)
//	file meta   str(language) | v(size) | v(modTime) | hash:8 |
//	            uv(extractorVersion) | uv(parseErrors) | v(indexedAt) |
//	            counts(nodes) | counts(edges) | str(error)
//	counts      uv(n) | n × (str(kind name) | uv(count))
//	str(s)      uv(len(s)) | s
//
// The node id is not repeated in the node value (it is the key); neither is
// the path in the file meta value. A file index entry repeats the node's
// kind, name and qualified name so that replacing or deleting a file finds
// every index key of its old nodes in one contiguous scan, without a random
// read per node.
const (
	famNodes    byte = 0x01
	famEdges    byte = 0x02
	famIndex    byte = 0x03
	famMeta     byte = 0x04
	famVersions byte = 0x05 // reserved, see above
)

// Key spaces within a family (the second key byte).
const (
	spaceOut        byte = 'o'
	spaceIn         byte = 'i'
	spaceUnresolved byte = 'u'

	spaceName  byte = 'n'
	spaceLower byte = 'l'
	spaceQName byte = 'q'
	spaceFile  byte = 'f'
	spaceKind  byte = 'k'

	spaceFileMeta byte = 'f'
	spaceKV       byte = 'k'
	spaceSchema   byte = 's'
)

// Tags distinguishing resolved and unresolved outgoing edge keys.
const (
	tagResolved   byte = 0x01
	tagUnresolved byte = 0x02
)

// Fixed key widths.
const (
	nodeKeyLen          = 1 + 8
	outPrefixLen        = 2 + 8
	outKeyLen           = outPrefixLen + 1 + 1 + 8 + 4
	inPrefixLen         = 2 + 8
	inKeyLen            = inPrefixLen + 1 + 8 + 4
	unresolvedSuffixLen = 1 + 8 + 4 // 0x00 | src | line
	idSuffixLen         = 1 + 8     // 0x00 | id
	fileSuffixLen       = 1 + 4 + 8 // 0x00 | startByte | id
	kindKeyLen          = 2 + 1 + 8
)

// ErrCorrupt is wrapped by every error that reports a key or value the
// decoders cannot read.
var ErrCorrupt = errors.New("store: corrupt data")

var schemaKey = []byte{famMeta, spaceSchema}

func be64(b []byte, v uint64) []byte { return binary.BigEndian.AppendUint64(b, v) }
func be32(b []byte, v uint32) []byte { return binary.BigEndian.AppendUint32(b, v) }

// appendNodeKey appends the key of node id.
func appendNodeKey(b []byte, id graph.NodeID) []byte {
	return be64(append(b, famNodes), uint64(id))
}

// appendOutPrefix appends the prefix of src's outgoing edges.
func appendOutPrefix(b []byte, src graph.NodeID) []byte {
	return be64(append(b, famEdges, spaceOut), uint64(src))
}

// targetHash is the hash standing in for Dst in unresolved outgoing keys.
func targetHash(target string) uint64 { return xxhash.Sum64String(target) }

// appendOutKey appends the outgoing key of e.
func appendOutKey(b []byte, e *graph.Edge) []byte {
	b = append(appendOutPrefix(b, e.Src), byte(e.Kind))
	if e.Dst != 0 {
		b = be64(append(b, tagResolved), uint64(e.Dst))
	} else {
		b = be64(append(b, tagUnresolved), targetHash(e.Target))
	}
	return be32(b, e.Line)
}

// appendInPrefix appends the prefix of dst's incoming edges.
func appendInPrefix(b []byte, dst graph.NodeID) []byte {
	return be64(append(b, famEdges, spaceIn), uint64(dst))
}

// appendInKey appends the incoming key of the resolved edge e.
func appendInKey(b []byte, e *graph.Edge) []byte {
	b = append(appendInPrefix(b, e.Dst), byte(e.Kind))
	b = be64(b, uint64(e.Src))
	return be32(b, e.Line)
}

// appendUnresolvedPrefix appends the prefix of unresolved edges of kind;
// with a non-empty target (exact), the prefix of that target's edges.
func appendUnresolvedPrefix(b []byte, kind graph.EdgeKind, target string, exact bool) []byte {
	b = append(b, famEdges, spaceUnresolved, byte(kind))
	if exact {
		b = append(append(b, graph.TargetName(target)...), 0)
		b = append(append(b, target...), 0)
	}
	return b
}

// appendUnresolvedNamePrefix appends the prefix of the unresolved edges
// of kind whose target's last identifier is name.
func appendUnresolvedNamePrefix(b []byte, kind graph.EdgeKind, name string) []byte {
	b = append(b, famEdges, spaceUnresolved, byte(kind))
	return append(append(b, name...), 0)
}

// unresolvedTarget returns the bounds of the target in an unresolved
// by-target key (ok false if the key has no room for one).
func unresolvedTarget(k []byte) (start, end int, ok bool) {
	end = len(k) - unresolvedSuffixLen
	if len(k) < 3 || end < 3 {
		return 0, 0, false
	}
	i := bytes.IndexByte(k[3:end], 0)
	if i < 0 {
		return 0, 0, false
	}
	return 3 + i + 1, end, true
}

// appendUnresolvedKey appends the by-target key of the unresolved edge e.
func appendUnresolvedKey(b []byte, e *graph.Edge) []byte {
	b = appendUnresolvedPrefix(b, e.Kind, e.Target, true)
	b = be64(b, uint64(e.Src))
	return be32(b, e.Line)
}

// appendIndexPrefix appends the prefix of a string index entry (name,
// lower-cased name or qualified name).
func appendIndexPrefix(b []byte, space byte, s string) []byte {
	return append(append(append(b, famIndex, space), s...), 0)
}

// appendIndexKey appends a string index key.
func appendIndexKey(b []byte, space byte, s string, id graph.NodeID) []byte {
	return be64(appendIndexPrefix(b, space, s), uint64(id))
}

// appendQNamePrefix appends the prefix of the qualified-name index
// entries of qn; with exactDir, those of qn in directory dir.
func appendQNamePrefix(b []byte, qn, dir string, exactDir bool) []byte {
	b = appendIndexPrefix(b, spaceQName, qn)
	if exactDir {
		b = append(append(b, dir...), 0)
	}
	return b
}

// appendQNameKey appends the qualified-name index key of a node with
// qualified name qn in file.
func appendQNameKey(b []byte, qn, file string, id graph.NodeID) []byte {
	return be64(appendQNamePrefix(b, qn, path.Dir(file), true), uint64(id))
}

// qnameRestOK reports whether rest, what follows the prefix qn | 0x00 of
// a qualified-name key, is dir | 0x00 | id:8 with no NUL in dir (a path
// has none): so a qualified name with a NUL in it never shows up under
// another.
func qnameRestOK(rest []byte) bool {
	return len(rest) >= idSuffixLen && bytes.IndexByte(rest, 0) == len(rest)-idSuffixLen
}

// appendFileIndexKey appends the file index key of a node.
func appendFileIndexKey(b []byte, path string, startByte uint32, id graph.NodeID) []byte {
	return be64(be32(appendIndexPrefix(b, spaceFile, path), startByte), uint64(id))
}

// appendKindPrefix appends the prefix of the kind index for k.
func appendKindPrefix(b []byte, k graph.NodeKind) []byte {
	return append(b, famIndex, spaceKind, byte(k))
}

// appendKindKey appends the kind index key of a node.
func appendKindKey(b []byte, k graph.NodeKind, id graph.NodeID) []byte {
	return be64(appendKindPrefix(b, k), uint64(id))
}

// appendFileMetaKey appends the file meta key of path.
func appendFileMetaKey(b []byte, path string) []byte {
	return append(append(b, famMeta, spaceFileMeta), path...)
}

// appendKVKey appends the key of an index-wide metadata entry.
func appendKVKey(b []byte, key string) []byte {
	return append(append(b, famMeta, spaceKV), key...)
}

// prefixEnd returns the smallest key greater than every key with the given
// prefix (nil if there is none: the prefix is all 0xff).
func prefixEnd(prefix []byte) []byte {
	end := slices.Clone(prefix)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] != 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

func corruptf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// decodeNodeKey returns the id of a node key.
func decodeNodeKey(k []byte) (graph.NodeID, error) {
	if len(k) != nodeKeyLen || k[0] != famNodes {
		return 0, corruptf("node key %x", k)
	}
	return graph.NodeID(binary.BigEndian.Uint64(k[1:])), nil
}

// outKey is a decoded outgoing edge key.
type outKey struct {
	src        graph.NodeID
	kind       graph.EdgeKind
	resolved   bool
	dst        graph.NodeID // when resolved
	targetHash uint64       // when unresolved
	line       uint32
}

// decodeOutKey decodes an outgoing edge key.
func decodeOutKey(k []byte) (outKey, error) {
	if len(k) != outKeyLen || k[0] != famEdges || k[1] != spaceOut {
		return outKey{}, corruptf("outgoing edge key %x", k)
	}
	o := outKey{
		src:  graph.NodeID(binary.BigEndian.Uint64(k[2:])),
		kind: graph.EdgeKind(k[10]),
		line: binary.BigEndian.Uint32(k[20:]),
	}
	v := binary.BigEndian.Uint64(k[12:])
	switch k[11] {
	case tagResolved:
		o.resolved, o.dst = true, graph.NodeID(v)
	case tagUnresolved:
		o.targetHash = v
	default:
		return outKey{}, corruptf("outgoing edge key %x: tag %#x", k, k[11])
	}
	return o, nil
}

// decodeInKey decodes an incoming edge key into e (Target and File are
// left alone: they live in the value).
func decodeInKey(k []byte, e *graph.Edge) error {
	if len(k) != inKeyLen || k[0] != famEdges || k[1] != spaceIn {
		return corruptf("incoming edge key %x", k)
	}
	e.Dst = graph.NodeID(binary.BigEndian.Uint64(k[2:]))
	e.Kind = graph.EdgeKind(k[10])
	e.Src = graph.NodeID(binary.BigEndian.Uint64(k[11:]))
	e.Line = binary.BigEndian.Uint32(k[19:])
	return nil
}

// decodeUnresolvedKey decodes a by-target key into e (Dst = 0; File lives
// in the value).
func decodeUnresolvedKey(k []byte, e *graph.Edge) error {
	if len(k) < 3+unresolvedSuffixLen || k[0] != famEdges || k[1] != spaceUnresolved {
		return corruptf("unresolved edge key %x", k)
	}
	start, sep, ok := unresolvedTarget(k)
	if !ok || k[sep] != 0 {
		return corruptf("unresolved edge key %x: no separator", k)
	}
	e.Kind = graph.EdgeKind(k[2])
	e.Target = string(k[start:sep])
	e.Src = graph.NodeID(binary.BigEndian.Uint64(k[sep+1:]))
	e.Line = binary.BigEndian.Uint32(k[sep+9:])
	e.Dst = 0
	return nil
}

// decodeIndexKeyID returns the node id at the end of a name, lower-name,
// qualified-name or file index key.
func decodeIndexKeyID(k []byte) (graph.NodeID, error) {
	if len(k) < 2+idSuffixLen || k[0] != famIndex {
		return 0, corruptf("index key %x", k)
	}
	return graph.NodeID(binary.BigEndian.Uint64(k[len(k)-8:])), nil
}

// decodeFileIndexKey decodes a file index key.
func decodeFileIndexKey(k []byte) (path string, startByte uint32, id graph.NodeID, err error) {
	if len(k) < 2+fileSuffixLen || k[0] != famIndex || k[1] != spaceFile {
		return "", 0, 0, corruptf("file index key %x", k)
	}
	sep := len(k) - fileSuffixLen
	if k[sep] != 0 {
		return "", 0, 0, corruptf("file index key %x: no separator", k)
	}
	return string(k[2:sep]), binary.BigEndian.Uint32(k[sep+1:]), graph.NodeID(binary.BigEndian.Uint64(k[sep+5:])), nil
}

// decodeKindKey decodes a kind index key.
func decodeKindKey(k []byte) (graph.NodeKind, graph.NodeID, error) {
	if len(k) != kindKeyLen || k[0] != famIndex || k[1] != spaceKind {
		return 0, 0, corruptf("kind index key %x", k)
	}
	return graph.NodeKind(k[2]), graph.NodeID(binary.BigEndian.Uint64(k[3:])), nil
}

func appendUvarint(b []byte, v uint64) []byte { return binary.AppendUvarint(b, v) }
func appendVarint(b []byte, v int64) []byte   { return binary.AppendVarint(b, v) }
func appendFixed64(b []byte, v uint64) []byte { return binary.LittleEndian.AppendUint64(b, v) }

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// appendNodeValue appends the value of node n.
func appendNodeValue(b []byte, n *graph.Node) []byte {
	b = append(b, byte(n.Kind), byte(n.Visibility))
	b = appendUvarint(b, uint64(n.StartLine))
	b = appendVarint(b, int64(n.EndLine)-int64(n.StartLine))
	b = appendUvarint(b, uint64(n.StartByte))
	b = appendVarint(b, int64(n.EndByte)-int64(n.StartByte))
	b = appendFixed64(b, n.ContentHash)
	b = appendFixed64(b, uint64(n.Parent))
	b = appendString(b, n.Name)
	b = appendString(b, n.QualifiedName)
	b = appendString(b, n.Language)
	b = appendString(b, n.File)
	b = appendString(b, n.Signature)
	b = appendString(b, n.Doc)
	return appendString(b, n.Locals)
}

// decodeNodeValue decodes a node value into n, leaving n.ID alone. The
// strings of n share one allocation.
func decodeNodeValue(v []byte, n *graph.Node) error {
	d := decoder{s: string(v), what: "node"}
	n.Kind = graph.NodeKind(d.u8())
	n.Visibility = graph.Visibility(d.u8())
	n.StartLine = d.uint32()
	n.EndLine = d.delta32(n.StartLine)
	n.StartByte = d.uint32()
	n.EndByte = d.delta32(n.StartByte)
	n.ContentHash = d.fixed64()
	n.Parent = graph.NodeID(d.fixed64())
	n.Name = d.str()
	n.QualifiedName = d.str()
	n.Language = d.str()
	n.File = d.str()
	n.Signature = d.str()
	n.Doc = d.str()
	n.Locals = d.str()
	return d.finish()
}

// appendFileEntryValue appends the value of a node's file index entry.
func appendFileEntryValue(b []byte, n *graph.Node) []byte {
	b = append(b, byte(n.Kind))
	return appendString(appendString(b, n.Name), n.QualifiedName)
}

// decodeFileEntryValue decodes the value of a file index entry.
func decodeFileEntryValue(v []byte) (kind graph.NodeKind, name, qualifiedName string, err error) {
	d := decoder{s: string(v), what: "file entry"}
	kind = graph.NodeKind(d.u8())
	name = d.str()
	qualifiedName = d.str()
	return kind, name, qualifiedName, d.finish()
}

// appendEdgeValue appends the value of an outgoing or incoming edge key.
func appendEdgeValue(b []byte, e *graph.Edge) []byte {
	b = appendString(appendString(b, e.Target), e.File)
	b = append(b, byte(e.Res))
	return appendUvarint(b, uint64(e.Candidates))
}

// decodeEdgeValue decodes an edge value into e's target, file, resolution
// and candidate count.
func decodeEdgeValue(v []byte, e *graph.Edge) error {
	d := decoder{s: string(v), what: "edge"}
	e.Target = d.str()
	e.File = d.str()
	e.Res = graph.Resolution(d.u8())
	c := d.uvarint()
	if c > math.MaxUint16 {
		d.fail("candidate count out of range")
	}
	e.Candidates = uint16(c)
	return d.finish()
}

func decodeUnresolvedValue(v []byte) (file string, err error) {
	d := decoder{s: string(v), what: "unresolved edge"}
	file = d.str()
	return file, d.finish()
}

// appendFileMetaValue appends the value of m (m.Path is in the key).
func appendFileMetaValue(b []byte, m *FileMeta) []byte {
	b = appendString(b, m.Language)
	b = appendVarint(b, m.Size)
	b = appendVarint(b, m.ModTime)
	b = appendFixed64(b, m.Hash)
	b = appendUvarint(b, uint64(m.ExtractorVersion))
	b = appendUvarint(b, uint64(m.ParseErrors))
	b = appendVarint(b, m.IndexedAt)
	b = appendCounts(b, m.NodeCounts)
	b = appendCounts(b, m.EdgeCounts)
	return appendString(b, m.Error)
}

func appendCounts(b []byte, counts map[string]uint32) []byte {
	b = appendUvarint(b, uint64(len(counts)))
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b = appendUvarint(appendString(b, k), uint64(counts[k]))
	}
	return b
}

// decodeFileMetaValue decodes a file meta value into m, leaving m.Path alone.
func decodeFileMetaValue(v []byte, m *FileMeta) error {
	d := decoder{s: string(v), what: "file meta"}
	m.Language = d.str()
	m.Size = d.varint()
	m.ModTime = d.varint()
	m.Hash = d.fixed64()
	m.ExtractorVersion = d.uint32()
	m.ParseErrors = d.uint32()
	m.IndexedAt = d.varint()
	m.NodeCounts = d.counts()
	m.EdgeCounts = d.counts()
	m.Error = d.str()
	return d.finish()
}

// decodeSchemaValue decodes the stored format version.
func decodeSchemaValue(v []byte) (uint32, error) {
	d := decoder{s: string(v), what: "format version"}
	ver := d.uint32()
	return ver, d.finish()
}

// decoder reads the value encodings above from a string, so that decoded
// strings are substrings of one allocation. The first error sticks; later
// reads return zero values.
type decoder struct {
	s    string
	off  int
	err  error
	what string
}

func (d *decoder) fail(msg string) {
	if d.err == nil {
		d.err = corruptf("%s value: %s at offset %d of %d", d.what, msg, d.off, len(d.s))
	}
}

func (d *decoder) u8() byte {
	if d.err != nil {
		return 0
	}
	if d.off >= len(d.s) {
		d.fail("truncated")
		return 0
	}
	c := d.s[d.off]
	d.off++
	return c
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	var x uint64
	var shift uint
	for i := 0; i < binary.MaxVarintLen64; i++ {
		if d.off >= len(d.s) {
			d.fail("truncated varint")
			return 0
		}
		c := d.s[d.off]
		d.off++
		if c < 0x80 {
			if i == binary.MaxVarintLen64-1 && c > 1 {
				break
			}
			return x | uint64(c)<<shift
		}
		x |= uint64(c&0x7f) << shift
		shift += 7
	}
	d.fail("varint overflows 64 bits")
	return 0
}

func (d *decoder) varint() int64 {
	ux := d.uvarint()
	x := int64(ux >> 1)
	if ux&1 != 0 {
		x = ^x
	}
	return x
}

func (d *decoder) uint32() uint32 {
	v := d.uvarint()
	if v > math.MaxUint32 {
		d.fail("integer overflows 32 bits")
		return 0
	}
	return uint32(v)
}

// delta32 reads a signed delta from base and checks the sum fits a uint32.
func (d *decoder) delta32(base uint32) uint32 {
	delta := d.varint()
	if delta < -int64(base) || delta > math.MaxUint32-int64(base) {
		d.fail("delta out of range")
		return 0
	}
	return uint32(int64(base) + delta)
}

func (d *decoder) fixed64() uint64 {
	if d.err != nil {
		return 0
	}
	if len(d.s)-d.off < 8 {
		d.fail("truncated fixed64")
		return 0
	}
	s := d.s[d.off : d.off+8]
	d.off += 8
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

func (d *decoder) str() string {
	n := d.uvarint()
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.s)-d.off) {
		d.fail("string overruns value")
		return ""
	}
	s := d.s[d.off : d.off+int(n)]
	d.off += int(n)
	return s
}

func (d *decoder) counts() map[string]uint32 {
	n := d.uvarint()
	if d.err != nil || n == 0 {
		return nil
	}
	// Each entry takes at least two bytes; refuse counts that cannot fit
	// before allocating for them.
	if n > uint64(len(d.s)-d.off)/2 {
		d.fail("count table overruns value")
		return nil
	}
	m := make(map[string]uint32, n)
	for range n {
		k := d.str()
		c := d.uint32()
		if d.err != nil {
			return nil
		}
		m[k] = c
	}
	return m
}

func (d *decoder) finish() error {
	if d.err == nil && d.off != len(d.s) {
		d.fail("trailing bytes")
	}
	return d.err
}
