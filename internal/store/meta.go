package store

// FileMeta is what the store records about one indexed file.
type FileMeta struct {
	Path             string // repository-relative, forward slashes
	Language         string
	Size             int64  // bytes
	ModTime          int64  // unix nanoseconds
	Hash             uint64 // content hash (graph.HashBytes)
	ExtractorVersion uint32 // extractor version that produced the facts
	// NodeCounts and EdgeCounts count the file's nodes and outgoing edges
	// by kind name (graph.NodeKind.String, graph.EdgeKind.String).
	// ReplaceFile computes them from what it stores.
	NodeCounts  map[string]uint32
	EdgeCounts  map[string]uint32
	ParseErrors uint32 // syntax errors the parser recovered from
	Error       string // why extraction failed or was partial, if it did
	IndexedAt   int64  // unix nanoseconds; ReplaceFile fills in now if 0
}

// Nodes returns the total number of nodes in the file.
func (m *FileMeta) Nodes() uint64 { return sumCounts(m.NodeCounts) }

// Edges returns the total number of outgoing edges of the file's nodes.
func (m *FileMeta) Edges() uint64 { return sumCounts(m.EdgeCounts) }

func sumCounts(m map[string]uint32) uint64 {
	var n uint64
	for _, c := range m {
		n += uint64(c)
	}
	return n
}

// Stats are index totals.
type Stats struct {
	Files       uint64
	Nodes       uint64
	Edges       uint64
	ParseErrors uint64 // summed over files
	FailedFiles uint64 // files with a non-empty Error
	// Languages, NodeKinds and EdgeKinds are keyed by language and kind
	// name.
	Languages map[string]LanguageStats
	NodeKinds map[string]uint64
	EdgeKinds map[string]uint64
}

// LanguageStats are the totals of one language.
type LanguageStats struct {
	Files, Nodes, Edges uint64
}
