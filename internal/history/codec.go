package history

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/codegraph-dev/codegraph/internal/bincodec"
	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// fileFacts is what a version keeps of one file: its meta and its nodes
// with their outgoing edges, resolved as the version's resolution left
// them. Stored content-addressed, so that a file identical in many
// versions (same content, same resolution) is stored once.
//
// Encoding (codecVersion 1), uvarints unless said:
//
//	str(path) | str(language) | hash:8 | extractorVersion | parseErrors | str(error)
//	uv(n) | n × node | uv(m) | m × edge
//	node  id:8 | kind:1 | vis:1 | startLine | endLine | startByte | endByte |
//	      contentHash:8 | parent:8 | str(name) | str(qualifiedName) |
//	      str(language) | str(signature) | str(doc) | str(locals)
//	edge  kind:1 | src | dst:8 | str(target) | str(file) | line | res:1 | candidates
//
// A node's File is the file's path and is not repeated; neither is an
// edge's when it is the same (str(file) is then empty). An edge's src is
// the index of its source among the nodes plus one (0: the id follows,
// as src:8). Ids are hashes, so these spare most of the incompressible
// bytes.
type fileFacts struct {
	meta  store.FileMeta
	nodes []graph.Node
	edges []graph.Edge
}

var errCodec = errors.New("history: corrupt file facts")

func appendUv(b []byte, v uint64) []byte { return binary.AppendUvarint(b, v) }
func appendStr(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}
func append64(b []byte, v uint64) []byte { return binary.LittleEndian.AppendUint64(b, v) }

func (f *fileFacts) encode(b []byte) []byte {
	m := &f.meta
	b = appendStr(b, m.Path)
	b = appendStr(b, m.Language)
	b = append64(b, m.Hash)
	b = appendUv(b, uint64(m.ExtractorVersion))
	b = appendUv(b, uint64(m.ParseErrors))
	b = appendStr(b, m.Error)
	b = appendUv(b, uint64(len(f.nodes)))
	for i := range f.nodes {
		n := &f.nodes[i]
		b = append64(b, uint64(n.ID))
		b = append(b, byte(n.Kind), byte(n.Visibility))
		b = appendUv(b, uint64(n.StartLine))
		b = appendUv(b, uint64(n.EndLine))
		b = appendUv(b, uint64(n.StartByte))
		b = appendUv(b, uint64(n.EndByte))
		b = append64(b, n.ContentHash)
		b = append64(b, uint64(n.Parent))
		b = appendStr(b, n.Name)
		b = appendStr(b, n.QualifiedName)
		b = appendStr(b, n.Language)
		b = appendStr(b, n.Signature)
		b = appendStr(b, n.Doc)
		b = appendStr(b, n.Locals)
	}
	b = appendUv(b, uint64(len(f.edges)))
	index := make(map[graph.NodeID]int, len(f.nodes))
	for i := range f.nodes {
		index[f.nodes[i].ID] = i + 1
	}
	for i := range f.edges {
		e := &f.edges[i]
		b = append(b, byte(e.Kind))
		if j, ok := index[e.Src]; ok {
			b = appendUv(b, uint64(j))
		} else {
			b = appendUv(b, 0)
			b = append64(b, uint64(e.Src))
		}
		b = append64(b, uint64(e.Dst))
		b = appendStr(b, e.Target)
		if e.File == m.Path {
			b = appendStr(b, "")
		} else {
			b = appendStr(b, e.File)
		}
		b = appendUv(b, uint64(e.Line))
		b = append(b, byte(e.Res))
		b = appendUv(b, uint64(e.Candidates))
	}
	return b
}

func decodeFacts(b []byte) (*fileFacts, error) {
	d := bincodec.NewReader(b, errCodec)
	f := &fileFacts{}
	m := &f.meta
	m.Path = d.Str()
	m.Language = d.Str()
	m.Hash = d.Fixed64()
	m.ExtractorVersion = d.Uint32()
	m.ParseErrors = d.Uint32()
	m.Error = d.Str()
	nn := d.Uvarint()
	if nn > uint64(len(d.B)) {
		return nil, errCodec
	}
	f.nodes = make([]graph.Node, 0, nn)
	for i := uint64(0); i < nn && d.Err == nil; i++ {
		n := graph.Node{File: m.Path}
		n.ID = graph.NodeID(d.Fixed64())
		n.Kind = graph.NodeKind(d.Byte())
		n.Visibility = graph.Visibility(d.Byte())
		n.StartLine = d.Uint32()
		n.EndLine = d.Uint32()
		n.StartByte = d.Uint32()
		n.EndByte = d.Uint32()
		n.ContentHash = d.Fixed64()
		n.Parent = graph.NodeID(d.Fixed64())
		n.Name = d.Str()
		n.QualifiedName = d.Str()
		n.Language = d.Str()
		n.Signature = d.Str()
		n.Doc = d.Str()
		n.Locals = d.Str()
		f.nodes = append(f.nodes, n)
	}
	ne := d.Uvarint()
	if ne > uint64(len(d.B)) {
		return nil, errCodec
	}
	f.edges = make([]graph.Edge, 0, ne)
	for i := uint64(0); i < ne && d.Err == nil; i++ {
		var e graph.Edge
		e.Kind = graph.EdgeKind(d.Byte())
		switch j := d.Uvarint(); {
		case j == 0:
			e.Src = graph.NodeID(d.Fixed64())
		case j <= uint64(len(f.nodes)):
			e.Src = f.nodes[j-1].ID
		default:
			d.Fail()
		}
		e.Dst = graph.NodeID(d.Fixed64())
		e.Target = d.Str()
		if e.File = d.Str(); e.File == "" {
			e.File = m.Path
		}
		e.Line = d.Uint32()
		e.Res = graph.Resolution(d.Byte())
		c := d.Uvarint()
		if c > 1<<16-1 {
			d.Fail()
		}
		e.Candidates = uint16(c)
		f.edges = append(f.edges, e)
	}
	if d.Err != nil {
		return nil, fmt.Errorf("%w (file %q)", d.Err, m.Path)
	}
	if len(d.B) != 0 {
		return nil, fmt.Errorf("%w: %d trailing bytes (file %q)", errCodec, len(d.B), m.Path)
	}
	return f, nil
}

// unresolved returns f's facts as extraction gave them: edges the
// resolver bound are unbound again, and the edges one ambiguous reference
// became collapse back into one.
func (f *fileFacts) unresolved() *fileFacts {
	out := &fileFacts{meta: f.meta, nodes: f.nodes, edges: make([]graph.Edge, 0, len(f.edges))}
	type key struct {
		src    graph.NodeID
		kind   graph.EdgeKind
		target string
		line   uint32
	}
	seen := map[key]bool{}
	for _, e := range f.edges {
		if e.Res != graph.ResSyntax {
			k := key{e.Src, e.Kind, e.Target, e.Line}
			if seen[k] {
				continue
			}
			seen[k] = true
			e.Dst, e.Res, e.Candidates = 0, graph.ResUnresolved, 0
		}
		out.edges = append(out.edges, e)
	}
	return out
}
