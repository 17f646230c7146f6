// Package graph is the data model of codegraph: nodes (code symbols, files,
// packages), edges (calls, imports, inheritance, containment, references),
// their kinds and their stable identifiers.
//
// It knows nothing of parsing or storage; every other layer speaks in these
// types.
package graph

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// NodeID identifies a node. It is derived from the node's repository-relative
// file, qualified name, kind and overload disambiguator, so the same source
// gives the same id on every run.
type NodeID uint64

// String renders the id as 16 lower-case hex digits.
func (id NodeID) String() string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(id))
	return hex.EncodeToString(b[:])
}

// IsZero reports whether id is the zero id (no node).
func (id NodeID) IsZero() bool { return id == 0 }

// ParseNodeID parses the 16-hex-digit form produced by String.
func ParseNodeID(s string) (NodeID, error) {
	if len(s) != 16 {
		return 0, fmt.Errorf("node id %q: want 16 hex digits", s)
	}
	v, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		return 0, fmt.Errorf("node id %q: %w", s, err)
	}
	return NodeID(v), nil
}

// MakeNodeID derives the stable id of a node. disambiguator separates
// overloads and other same-named definitions in one file (0 for the first).
func MakeNodeID(file, qualifiedName string, kind NodeKind, disambiguator int) NodeID {
	h := fnv.New64a()
	h.Write([]byte(file))
	h.Write([]byte{0})
	h.Write([]byte(qualifiedName))
	h.Write([]byte{0, byte(kind)})
	if disambiguator != 0 {
		h.Write([]byte(strconv.Itoa(disambiguator)))
	}
	id := NodeID(h.Sum64())
	if id == 0 {
		id = 1
	}
	return id
}

// Node is one vertex of the code graph.
type Node struct {
	ID            NodeID
	Kind          NodeKind
	Name          string // bare identifier
	QualifiedName string // enclosing scopes joined with "."
	Language      string
	File          string // repository-relative, forward slashes
	StartLine     uint32 // 1-based
	EndLine       uint32 // 1-based, inclusive
	StartByte     uint32
	EndByte       uint32
	Signature     string
	Doc           string
	Visibility    Visibility
	ContentHash   uint64 // hash of the node's source text
	Parent        NodeID // lexically enclosing node (0 for files)
	// Locals records, for a callable, the local variables whose
	// initialiser or declared type lets resolution infer their type: one
	// "name=expression" per line ("name=expression#i" for the i-th value of
	// a multi-value expression).
	Locals string
}

// Edge is one directed relation. Edges extracted from syntax carry the name
// as written in Target; Dst is zero until resolution binds it to a node.
type Edge struct {
	Kind   EdgeKind
	Src    NodeID
	Dst    NodeID // 0 while unresolved
	Target string // the target as written: "fmt.Println", "self.save", "Base"
	File   string // file the edge was found in
	Line   uint32 // 1-based line of the reference
	// Res says how Dst was found; Candidates is the number of definitions
	// an ambiguous reference could mean (each gets its own edge).
	Res        Resolution
	Candidates uint16
}

// Resolution is the provenance and confidence of an edge's destination.
type Resolution uint8

// Resolutions. Stored on disk: append, never reorder.
const (
	// ResUnresolved: no destination is known (Dst is 0).
	ResUnresolved Resolution = iota
	// ResSyntax: the destination is given by syntax (contains, defines).
	ResSyntax
	// ResExact: bound through an import, a scope or a receiver type.
	ResExact
	// ResInferred: bound because exactly one definition has the name.
	ResInferred
	// ResAmbiguous: one of Candidates definitions with the name.
	ResAmbiguous
	// ResExternal: bound to an external-symbol node (a library).
	ResExternal
	// ResPrecise: bound by a compiler (the precise tier: Go type-checking
	// or an imported SCIP index), to a definition of the repository or an
	// external-symbol node. The heuristic resolver leaves these edges alone.
	ResPrecise
	// ResDynamic: the precise tier's candidate target of a dynamic call (an
	// implementation of the interface method a call goes through); the
	// call's edge to the interface method itself is ResPrecise.
	ResDynamic
)

var resNames = [...]string{"unresolved", "syntax", "exact", "inferred", "ambiguous", "external", "precise", "dynamic"}

// IsPrecise reports whether r comes from the precise tier.
func (r Resolution) IsPrecise() bool { return r == ResPrecise || r == ResDynamic }

func (r Resolution) String() string {
	if int(r) < len(resNames) {
		return resNames[r]
	}
	return "res(" + strconv.Itoa(int(r)) + ")"
}

// ParseResolution maps a resolution name to its Resolution.
func ParseResolution(s string) (Resolution, bool) {
	for i, n := range resNames {
		if n == s {
			return Resolution(i), true
		}
	}
	return ResUnresolved, false
}

// Resolved reports whether the edge points at a known node.
func (e *Edge) Resolved() bool { return e.Dst != 0 }

// TargetName returns the last identifier of an edge target as written:
// "s.st.Get" → "Get", "r.URL.Query().Get" → "Get",
// "std::vector<int>::push_back" → "push_back", "println!" → "println",
// "new Foo" → "Foo"; "" when it ends in none. The store keys unresolved
// edges by it, so that the calls that could mean a name, however they
// qualify it, are one lookup.
func TargetName(target string) string {
	// strings.TrimRight(target, "()!?;[]<>*&:. \t") without building
	// the cutset per call: the store computes this for every unresolved
	// edge it writes or deletes.
	s := target
	for len(s) > 0 && strings.IndexByte("()!?;[]<>*&:. \t", s[len(s)-1]) >= 0 {
		s = s[:len(s)-1]
	}
	end := len(s)
	i := end
	for i > 0 {
		c := s[i-1]
		if c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80 {
			i--
			continue
		}
		break
	}
	return s[i:end]
}

// NodeKind is the kind of a node.
type NodeKind uint8

// Node kinds. The numeric values are stored on disk: append, never reorder.
const (
	KindUnknown NodeKind = iota
	KindFile
	KindModule
	KindPackage
	KindNamespace
	KindFunction
	KindMethod
	KindClass
	KindStruct
	KindInterface
	KindTrait
	KindEnum
	KindTypeAlias
	KindVariable
	KindConstant
	KindField
	KindImport
	KindConstructor
	KindUnion
	KindMacro
	// KindExternal is a symbol of a library outside the repository (a
	// call target such as net/http.Get), kept so that dependency questions
	// about libraries have an answer.
	KindExternal
	// KindSection is a part of a document: a Markdown heading and what
	// follows it up to the next heading of the same or a higher level,
	// qualified by the headings above it (Install.From source).
	KindSection
	kindCount
)

var nodeKindNames = [...]string{
	KindUnknown:     "unknown",
	KindFile:        "file",
	KindModule:      "module",
	KindPackage:     "package",
	KindNamespace:   "namespace",
	KindFunction:    "function",
	KindMethod:      "method",
	KindClass:       "class",
	KindStruct:      "struct",
	KindInterface:   "interface",
	KindTrait:       "trait",
	KindEnum:        "enum",
	KindTypeAlias:   "type_alias",
	KindVariable:    "variable",
	KindConstant:    "constant",
	KindField:       "field",
	KindImport:      "import",
	KindConstructor: "constructor",
	KindUnion:       "union",
	KindMacro:       "macro",
	KindExternal:    "external",
	KindSection:     "section",
}

func (k NodeKind) String() string {
	if int(k) < len(nodeKindNames) {
		return nodeKindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// ParseNodeKind maps a kind name ("function", "class", ...) to its NodeKind.
func ParseNodeKind(s string) (NodeKind, bool) {
	for i, n := range nodeKindNames {
		if n == s && i != int(KindUnknown) {
			return NodeKind(i), true
		}
	}
	return KindUnknown, false
}

// NodeKinds lists every valid node kind, in numeric order.
func NodeKinds() []NodeKind {
	out := make([]NodeKind, 0, kindCount-1)
	for k := KindFile; k < kindCount; k++ {
		out = append(out, k)
	}
	return out
}

// IsCallable reports whether nodes of this kind have bodies that make calls.
func (k NodeKind) IsCallable() bool {
	return k == KindFunction || k == KindMethod || k == KindConstructor
}

// IsType reports whether the kind declares a type.
func (k NodeKind) IsType() bool {
	switch k {
	case KindClass, KindStruct, KindInterface, KindTrait, KindEnum, KindTypeAlias, KindUnion:
		return true
	}
	return false
}

// EdgeKind is the kind of an edge.
type EdgeKind uint8

// Edge kinds. The numeric values are stored on disk: append, never reorder.
const (
	EdgeUnknown EdgeKind = iota
	EdgeContains
	EdgeDefines
	EdgeImports
	EdgeCalls
	EdgeInherits
	EdgeImplements
	EdgeReferences
	edgeKindCount
)

var edgeKindNames = [...]string{
	EdgeUnknown:    "unknown",
	EdgeContains:   "contains",
	EdgeDefines:    "defines",
	EdgeImports:    "imports",
	EdgeCalls:      "calls",
	EdgeInherits:   "inherits",
	EdgeImplements: "implements",
	EdgeReferences: "references",
}

func (k EdgeKind) String() string {
	if int(k) < len(edgeKindNames) {
		return edgeKindNames[k]
	}
	return "edge(" + strconv.Itoa(int(k)) + ")"
}

// ParseEdgeKind maps an edge kind name to its EdgeKind.
func ParseEdgeKind(s string) (EdgeKind, bool) {
	for i, n := range edgeKindNames {
		if n == s && i != int(EdgeUnknown) {
			return EdgeKind(i), true
		}
	}
	return EdgeUnknown, false
}

// EdgeKinds lists every valid edge kind, in numeric order.
func EdgeKinds() []EdgeKind {
	out := make([]EdgeKind, 0, edgeKindCount-1)
	for k := EdgeContains; k < edgeKindCount; k++ {
		out = append(out, k)
	}
	return out
}

// Visibility is the declared or conventional visibility of a symbol.
type Visibility uint8

// Visibilities. Stored on disk: append, never reorder.
const (
	VisUnknown Visibility = iota
	VisPublic
	VisPrivate
	VisProtected
	VisInternal
)

var visNames = [...]string{"", "public", "private", "protected", "internal"}

func (v Visibility) String() string {
	if int(v) < len(visNames) {
		return visNames[v]
	}
	return "vis(" + strconv.Itoa(int(v)) + ")"
}

// ParseVisibility maps a visibility name to its Visibility.
func ParseVisibility(s string) Visibility {
	for i, n := range visNames {
		if n == s && i != 0 {
			return Visibility(i)
		}
	}
	return VisUnknown
}

// ExternalPrefix starts the synthetic file path under which a library's
// external-symbol nodes are stored: "@external:go/net/http".
const ExternalPrefix = "@external:"

// APIPrefix starts the synthetic file path of nodes created through the
// API ("@api:notes/design"): re-indexing the sources leaves them alone.
const APIPrefix = "@api:"

// Synthetic reports whether path names a synthetic file (library symbols
// or API-created nodes) rather than a source file.
func Synthetic(path string) bool {
	return strings.HasPrefix(path, ExternalPrefix) || strings.HasPrefix(path, APIPrefix)
}

// HashBytes is the content hash used for nodes and files (FNV-1a 64).
func HashBytes(b []byte) uint64 {
	h := fnv.New64a()
	h.Write(b)
	return h.Sum64()
}
