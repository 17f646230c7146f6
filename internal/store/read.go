package store

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/cockroachdb/pebble/v2"
	"github.com/codegraph-dev/codegraph/internal/graph"
)

// Every read below is a bounded prefix scan (or a point read). Callbacks may
// return an error to stop the iteration early; it is returned as is.

// Node returns the node with the given id, or an error wrapping ErrNotFound.
func (s *Store) Node(id graph.NodeID) (graph.Node, error) {
	var n graph.Node
	err := s.get(appendNodeKey(nil, id), func(v []byte) error { return decodeNodeValue(v, &n) })
	if err != nil {
		return graph.Node{}, fmt.Errorf("node %s: %w", id, err)
	}
	n.ID = id
	return n, nil
}

// scan calls fn for each key/value under prefix, in key order. k and v are
// only valid during fn.
func (s *Store) scan(prefix []byte, fn func(k, v []byte) error) (err error) {
	defer s.guard(&err)
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: prefixEnd(prefix)})
	if err != nil {
		return err
	}
	defer closeIter(it, &err)
	for ok := it.First(); ok; ok = it.Next() {
		v, err := it.ValueAndErr()
		if err != nil {
			return err
		}
		if err := fn(it.Key(), v); err != nil {
			return err
		}
	}
	return it.Error()
}

// scanIndex calls fn with the node named by each index key under prefix
// whose length is prefix plus suffixLen (the rest of the key ends in the
// node id). Nodes are read through a clone of the index iterator, so both
// see the same state of the store.
func (s *Store) scanIndex(prefix []byte, suffixLen int, fn func(graph.Node) error) error {
	return s.scanIndexWhere(prefix, func(rest []byte) bool { return suffixLen < 0 || len(rest) == suffixLen }, fn)
}

// scanIndexWhere is scanIndex with the keys kept by keep, which sees
// what follows the prefix (a longer string that contains a NUL is
// rejected there).
func (s *Store) scanIndexWhere(prefix []byte, keep func(rest []byte) bool, fn func(graph.Node) error) (err error) {
	defer s.guard(&err)
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: prefixEnd(prefix)})
	if err != nil {
		return err
	}
	defer closeIter(it, &err)
	var nodes *pebble.Iterator
	var key []byte
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		if !keep(k[len(prefix):]) {
			continue // a longer string that contains a NUL
		}
		var id graph.NodeID
		if id, err = decodeIndexKeyID(k); err != nil {
			return err
		}
		if nodes == nil {
			// err is the named result here, so the deferred close reports
			// into what the function returns.
			if nodes, err = it.Clone(pebble.CloneOptions{IterOptions: &pebble.IterOptions{
				LowerBound: []byte{famNodes}, UpperBound: []byte{famNodes + 1},
			}}); err != nil {
				return err
			}
			defer closeIter(nodes, &err)
		}
		key = appendNodeKey(key[:0], id)
		// A point read: SeekPrefixGE consults the tables' bloom filters,
		// which SeekGE does not, so an uncompacted store (many L0
		// sublevels after a bulk load) costs one probe, not one per table.
		if !nodes.SeekPrefixGE(key) || !bytes.Equal(nodes.Key(), key) {
			if err := nodes.Error(); err != nil {
				return err
			}
			return fmt.Errorf("%w: index entry %x names missing node %s", ErrCorrupt, k, id)
		}
		v, err := nodes.ValueAndErr()
		if err != nil {
			return err
		}
		var n graph.Node
		if err := decodeNodeValue(v, &n); err != nil {
			return fmt.Errorf("node %s: %w", id, err)
		}
		n.ID = id
		if err := fn(n); err != nil {
			return err
		}
	}
	return it.Error()
}

// NodesByName calls fn for each node whose bare name is exactly name.
func (s *Store) NodesByName(name string, fn func(graph.Node) error) error {
	return s.scanIndex(appendIndexPrefix(nil, spaceName, name), 8, fn)
}

// NodesByNameFold calls fn for each node whose bare name equals name
// ignoring case (as strings.ToLower sees it).
func (s *Store) NodesByNameFold(name string, fn func(graph.Node) error) error {
	lower := strings.ToLower(name)
	// Names that are already lower case are only in the name index.
	if err := s.scanIndex(appendIndexPrefix(nil, spaceName, lower), 8, fn); err != nil {
		return err
	}
	return s.scanIndex(appendIndexPrefix(nil, spaceLower, lower), 8, fn)
}

// NodesByQualifiedName calls fn for each node whose qualified name is qn.
func (s *Store) NodesByQualifiedName(qn string, fn func(graph.Node) error) error {
	return s.scanIndexWhere(appendQNamePrefix(nil, qn, "", false), qnameRestOK, fn)
}

// NodesByQualifiedNameIn calls fn for each node whose qualified name is
// qn and whose file is in directory dir (path.Dir of the file: "." for
// the root), without reading the other nodes of that qualified name.
func (s *Store) NodesByQualifiedNameIn(qn, dir string, fn func(graph.Node) error) error {
	return s.scanIndex(appendQNamePrefix(nil, qn, dir, true), 8, fn)
}

// NodeIDsByQualifiedNameIn calls fn with the id of each node whose
// qualified name is qn and whose file is in directory dir, from the index
// keys alone (no node is read).
func (s *Store) NodeIDsByQualifiedNameIn(qn, dir string, fn func(graph.NodeID) error) (err error) {
	defer s.guard(&err)
	prefix := appendQNamePrefix(nil, qn, dir, true)
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: prefixEnd(prefix)})
	if err != nil {
		return err
	}
	defer closeIter(it, &err)
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		if len(k) != len(prefix)+8 {
			continue // a longer string that contains a NUL
		}
		id, err := decodeIndexKeyID(k)
		if err != nil {
			return err
		}
		if err := fn(id); err != nil {
			return err
		}
	}
	return it.Error()
}

// NodesInFile calls fn for each node of the file at path, in order of start
// byte.
func (s *Store) NodesInFile(path string, fn func(graph.Node) error) error {
	return s.scanIndex(appendIndexPrefix(nil, spaceFile, path), 4+8, fn)
}

// NodesInFilesUnder calls fn for each node of every file whose path starts
// with prefix (the API's pseudo-files, "@api:"), by path and start byte.
func (s *Store) NodesInFilesUnder(prefix string, fn func(graph.Node) error) error {
	return s.scanIndex(append([]byte{famIndex, spaceFile}, prefix...), -1, fn)
}

// NodesByKind calls fn for each node of kind k, in id order.
func (s *Store) NodesByKind(k graph.NodeKind, fn func(graph.Node) error) error {
	return s.scanIndex(appendKindPrefix(nil, k), 8, fn)
}

// AllNodes calls fn for every node, in id order.
func (s *Store) AllNodes(fn func(graph.Node) error) error {
	return s.scan([]byte{famNodes}, func(k, v []byte) error {
		id, err := decodeNodeKey(k)
		if err != nil {
			return err
		}
		var n graph.Node
		if err := decodeNodeValue(v, &n); err != nil {
			return fmt.Errorf("node %s: %w", id, err)
		}
		n.ID = id
		return fn(n)
	})
}

// decodeOutEdge decodes an outgoing key and its value into an edge.
func decodeOutEdge(k, v []byte) (graph.Edge, error) {
	o, err := decodeOutKey(k)
	if err != nil {
		return graph.Edge{}, err
	}
	e := graph.Edge{Kind: o.kind, Src: o.src, Dst: o.dst, Line: o.line}
	if err = decodeEdgeValue(v, &e); err != nil {
		return graph.Edge{}, fmt.Errorf("edge %x: %w", k, err)
	}
	return e, nil
}

// AllEdges calls fn for every edge once, resolved or not, in order of
// source id.
func (s *Store) AllEdges(fn func(graph.Edge) error) error {
	return s.scan([]byte{famEdges, spaceOut}, func(k, v []byte) error {
		e, err := decodeOutEdge(k, v)
		if err != nil {
			return err
		}
		return fn(e)
	})
}

// AllEdgesOfKinds is AllEdges for the edges whose kind is in kinds: the
// others are skipped by their key, unread.
func (s *Store) AllEdgesOfKinds(kinds []graph.EdgeKind, fn func(graph.Edge) error) (err error) {
	var want [256]bool
	for _, k := range kinds {
		want[k] = true
	}
	prefix := []byte{famEdges, spaceOut}
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: prefixEnd(prefix)})
	if err != nil {
		return err
	}
	defer closeIter(it, &err)
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		if len(k) == outKeyLen && !want[k[10]] {
			continue
		}
		v, err := it.ValueAndErr()
		if err != nil {
			return err
		}
		e, err := decodeOutEdge(k, v)
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return it.Error()
}

// scanKinds calls fn for each key/value under prefix|kind for each of kinds
// (all of prefix when kinds is nil), using one iterator.
func (s *Store) scanKinds(prefix []byte, kinds []graph.EdgeKind, fn func(k, v []byte) error) (err error) {
	defer s.guard(&err)
	if kinds == nil {
		return s.scan(prefix, fn)
	}
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: prefixEnd(prefix)})
	if err != nil {
		return err
	}
	defer closeIter(it, &err)
	sorted := slices.Clone(kinds)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	kp := slices.Clip(prefix)
	for _, kind := range sorted {
		kp = append(kp[:len(prefix)], byte(kind))
		for ok := it.SeekGE(kp); ok && bytes.HasPrefix(it.Key(), kp); ok = it.Next() {
			v, err := it.ValueAndErr()
			if err != nil {
				return err
			}
			if err := fn(it.Key(), v); err != nil {
				return err
			}
		}
		if err := it.Error(); err != nil {
			return err
		}
	}
	return nil
}

// OutEdges calls fn for each outgoing edge of id, resolved or not, whose
// kind is in kinds (nil: every kind).
func (s *Store) OutEdges(id graph.NodeID, kinds []graph.EdgeKind, fn func(graph.Edge) error) error {
	return s.scanKinds(appendOutPrefix(nil, id), kinds, func(k, v []byte) error {
		e, err := decodeOutEdge(k, v)
		if err != nil {
			return err
		}
		return fn(e)
	})
}

// InEdges calls fn for each resolved edge into id whose kind is in kinds
// (nil: every kind).
func (s *Store) InEdges(id graph.NodeID, kinds []graph.EdgeKind, fn func(graph.Edge) error) error {
	return s.scanKinds(appendInPrefix(nil, id), kinds, func(k, v []byte) error {
		var e graph.Edge
		if err := decodeInKey(k, &e); err != nil {
			return err
		}
		if err := decodeEdgeValue(v, &e); err != nil {
			return fmt.Errorf("edge %x: %w", k, err)
		}
		return fn(e)
	})
}

// UnresolvedEdges calls fn for each unresolved edge of kind whose Target is
// target (every one of that kind if target is ""; in order of the target's
// last identifier, then of target).
func (s *Store) UnresolvedEdges(kind graph.EdgeKind, target string, fn func(graph.Edge) error) error {
	exact := target != ""
	prefix := appendUnresolvedPrefix(nil, kind, target, exact)
	return s.scan(prefix, func(k, v []byte) error {
		if exact && len(k) != len(prefix)+unresolvedSuffixLen-1 {
			return nil // a longer target that contains a NUL
		}
		return decodeUnresolved(k, v, fn)
	})
}

// UnresolvedEdgesNamed calls fn for each unresolved edge of kind whose
// target's last identifier (graph.TargetName) is name: the calls that
// could mean a symbol called name however they qualify it ("s.Get",
// "r.URL.Get", "Get"), in order of target.
func (s *Store) UnresolvedEdgesNamed(kind graph.EdgeKind, name string, fn func(graph.Edge) error) error {
	prefix := appendUnresolvedNamePrefix(nil, kind, name)
	return s.scan(prefix, func(k, v []byte) error { return decodeUnresolved(k, v, fn) })
}

// decodeUnresolved decodes one unresolved edge's key and value for fn.
func decodeUnresolved(k, v []byte, fn func(graph.Edge) error) error {
	var e graph.Edge
	if err := decodeUnresolvedKey(k, &e); err != nil {
		return err
	}
	var err error
	if e.File, err = decodeUnresolvedValue(v); err != nil {
		return fmt.Errorf("edge %x: %w", k, err)
	}
	return fn(e)
}

// UnresolvedEdgesWhere calls fn for each unresolved edge of kind whose
// target match accepts, in order of the target's last identifier, then
// of target. Match sees the target's bytes in the key (valid only during
// the call) and is asked once per distinct target; only the accepted
// edges are decoded, so looking for a few names among all the unresolved
// edges costs little more than the keys' scan.
func (s *Store) UnresolvedEdgesWhere(kind graph.EdgeKind, match func(target []byte) bool, fn func(graph.Edge) error) (err error) {
	defer s.guard(&err)
	prefix := appendUnresolvedPrefix(nil, kind, "", false)
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: prefixEnd(prefix)})
	if err != nil {
		return err
	}
	defer closeIter(it, &err)
	var last []byte
	seen, ok := false, false
	// The keys alone until one matches: the value (the file) is read
	// only for the edges accepted.
	for valid := it.First(); valid; valid = it.Next() {
		k := it.Key()
		start, sep, kok := unresolvedTarget(k)
		if !kok {
			return corruptf("unresolved edge key %x", k)
		}
		if t := k[start:sep]; !seen || !bytes.Equal(t, last) {
			seen, last = true, append(last[:0], t...)
			ok = match(t)
		}
		if !ok {
			continue
		}
		v, err := it.ValueAndErr()
		if err != nil {
			return err
		}
		if err := decodeUnresolved(k, v, fn); err != nil {
			return err
		}
	}
	return it.Error()
}

// FileMeta returns the meta of the file at path, or an error wrapping
// ErrNotFound if it is not indexed.
func (s *Store) FileMeta(path string) (FileMeta, error) {
	m := FileMeta{Path: path}
	err := s.get(appendFileMetaKey(nil, path), func(v []byte) error { return decodeFileMetaValue(v, &m) })
	if err != nil {
		return FileMeta{}, fmt.Errorf("file %s: %w", path, err)
	}
	return m, nil
}

// Files calls fn with the meta of every indexed file, in path order.
func (s *Store) Files(fn func(FileMeta) error) error {
	prefix := []byte{famMeta, spaceFileMeta}
	return s.scan(prefix, func(k, v []byte) error {
		m := FileMeta{Path: string(k[len(prefix):])}
		if err := decodeFileMetaValue(v, &m); err != nil {
			return fmt.Errorf("file %s: %w", m.Path, err)
		}
		return fn(m)
	})
}

// Meta returns the index-wide value stored under key by Batch.SetMeta, or
// an error wrapping ErrNotFound.
func (s *Store) Meta(key string) ([]byte, error) {
	var out []byte
	err := s.get(appendKVKey(nil, key), func(v []byte) error {
		out = slices.Clone(v)
		if out == nil {
			out = []byte{}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("meta %q: %w", key, err)
	}
	return out, nil
}

// Stats sums the per-file metas (it does not scan nodes or edges).
func (s *Store) Stats() (Stats, error) {
	st := Stats{
		Languages: make(map[string]LanguageStats),
		NodeKinds: make(map[string]uint64),
		EdgeKinds: make(map[string]uint64),
	}
	err := s.Files(func(m FileMeta) error {
		nodes, edges := m.Nodes(), m.Edges()
		st.Files++
		st.Nodes += nodes
		st.Edges += edges
		st.ParseErrors += uint64(m.ParseErrors)
		if m.Error != "" {
			st.FailedFiles++
		}
		ls := st.Languages[m.Language]
		ls.Files++
		ls.Nodes += nodes
		ls.Edges += edges
		st.Languages[m.Language] = ls
		for k, c := range m.NodeCounts {
			st.NodeKinds[k] += uint64(c)
		}
		for k, c := range m.EdgeCounts {
			st.EdgeKinds[k] += uint64(c)
		}
		return nil
	})
	if err != nil {
		return Stats{}, err
	}
	return st, nil
}

// byID returns the positions of ids sorted by id (so by key), dropping
// zero ids.
func byID(ids []graph.NodeID) []int32 {
	order := make([]int32, 0, len(ids))
	for i, id := range ids {
		if id != 0 {
			order = append(order, int32(i))
		}
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(ids[a], ids[b]) })
	return order
}

// NodesByID reads the nodes with the given ids into out (len(out) must be
// len(ids)) with one iterator, seeking in key order: much cheaper than a
// point read per node when there are many. out[i] is left zero for a zero
// or missing id.
func (s *Store) NodesByID(ids []graph.NodeID, out []graph.Node) (err error) {
	defer s.guard(&err)
	if len(out) != len(ids) {
		return fmt.Errorf("NodesByID: %d ids, %d slots", len(ids), len(out))
	}
	order := byID(ids)
	if len(order) == 0 {
		return nil
	}
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: []byte{famNodes}, UpperBound: []byte{famNodes + 1}})
	if err != nil {
		return err
	}
	defer closeIter(it, &err)
	var key []byte
	for _, i := range order {
		id := ids[i]
		key = appendNodeKey(key[:0], id)
		if !it.SeekPrefixGE(key) || !bytes.Equal(it.Key(), key) { // bloom-filtered, as in scanIndex
			if err := it.Error(); err != nil {
				return err
			}
			continue
		}
		v, err := it.ValueAndErr()
		if err != nil {
			return err
		}
		if err := decodeNodeValue(v, &out[i]); err != nil {
			return fmt.Errorf("node %s: %w", id, err)
		}
		out[i].ID = id
	}
	return nil
}

// InEdgesMany calls fn(i, e) for each resolved edge into ids[i] whose kind
// is in kinds (nil: every kind), with one iterator for all of ids. Ids are
// visited in key order, not slice order; each id's edges come together.
// Zero ids are skipped; a repeated id is visited once per occurrence.
func (s *Store) InEdgesMany(ids []graph.NodeID, kinds []graph.EdgeKind, fn func(i int, e graph.Edge) error) error {
	return s.edgesMany(spaceIn, appendInPrefix, ids, kinds, func(k, v []byte) (graph.Edge, error) {
		var e graph.Edge
		if err := decodeInKey(k, &e); err != nil {
			return e, err
		}
		if err := decodeEdgeValue(v, &e); err != nil {
			return e, fmt.Errorf("edge %x: %w", k, err)
		}
		return e, nil
	}, fn)
}

// OutEdgesMany is the batched form of OutEdges: it calls fn(i, e) for each
// outgoing edge of ids[i], resolved or not, whose kind is in kinds (nil:
// every kind), with one iterator for all of ids, in the order
// InEdgesMany visits them.
func (s *Store) OutEdgesMany(ids []graph.NodeID, kinds []graph.EdgeKind, fn func(i int, e graph.Edge) error) error {
	return s.edgesMany(spaceOut, appendOutPrefix, ids, kinds, decodeOutEdge, fn)
}

// edgesMany scans the edges of ids in the space (incoming or outgoing)
// whose per-node prefix appendPrefix builds, with one iterator.
func (s *Store) edgesMany(space byte, appendPrefix func([]byte, graph.NodeID) []byte, ids []graph.NodeID, kinds []graph.EdgeKind,
	decode func(k, v []byte) (graph.Edge, error), fn func(i int, e graph.Edge) error) (err error) {
	defer s.guard(&err)
	order := byID(ids)
	if len(order) == 0 {
		return nil
	}
	lower := []byte{famEdges, space}
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: prefixEnd(lower)})
	if err != nil {
		return err
	}
	defer closeIter(it, &err)
	var want [256]bool
	for _, k := range kinds {
		want[k] = true
	}
	var prefix []byte
	for _, i := range order {
		prefix = appendPrefix(prefix[:0], ids[i])
		for ok := it.SeekGE(prefix); ok && bytes.HasPrefix(it.Key(), prefix); ok = it.Next() {
			k := it.Key()
			if kinds != nil && !want[k[len(prefix)]] {
				continue
			}
			v, err := it.ValueAndErr()
			if err != nil {
				return err
			}
			e, err := decode(k, v)
			if err != nil {
				return err
			}
			if err := fn(int(i), e); err != nil {
				return err
			}
		}
		if err := it.Error(); err != nil {
			return err
		}
	}
	return nil
}

// NodeIDsInFiles calls fn(i, id) for each node of the file at paths[i],
// with one iterator over the file index and without reading the nodes
// themselves (the ids are in the index keys): much cheaper than
// NodesInFile per file when only the ids are needed. Paths are visited in
// path order, each file's nodes in order of start byte; a repeated path is
// visited once per occurrence.
func (s *Store) NodeIDsInFiles(paths []string, fn func(i int, id graph.NodeID) error) error {
	return s.fileIndex(paths, false, func(i int, id graph.NodeID, _ []byte) error { return fn(i, id) })
}

// FileEntry is what the file index holds of a node: enough to list a
// file's definitions by kind and name without reading the nodes.
type FileEntry struct {
	ID            graph.NodeID
	Kind          graph.NodeKind
	Name          string
	QualifiedName string
}

// FileEntries calls fn(i, e) for each node of the file at paths[i], as
// NodeIDsInFiles does, with the node's kind, name and qualified name from
// the file index: reading a directory's definitions this way costs no
// read of the nodes (their signatures, docs and locals are most of their
// bytes, and a point read each).
func (s *Store) FileEntries(paths []string, fn func(i int, e FileEntry) error) error {
	return s.fileIndex(paths, true, func(i int, id graph.NodeID, v []byte) error {
		kind, name, qn, err := decodeFileEntryValue(v)
		if err != nil {
			return fmt.Errorf("file entry of node %s: %w", id, err)
		}
		return fn(i, FileEntry{ID: id, Kind: kind, Name: name, QualifiedName: qn})
	})
}

// fileIndex calls fn(i, id, value) for each file index entry of paths[i]
// (value nil unless values is set).
func (s *Store) fileIndex(paths []string, values bool, fn func(i int, id graph.NodeID, v []byte) error) (err error) {
	defer s.guard(&err)
	if len(paths) == 0 {
		return nil
	}
	order := make([]int, len(paths))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(paths[a], paths[b]) })
	lower := []byte{famIndex, spaceFile}
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: prefixEnd(lower)})
	if err != nil {
		return err
	}
	defer closeIter(it, &err)
	var prefix []byte
	for _, i := range order {
		prefix = appendIndexPrefix(prefix[:0], spaceFile, paths[i])
		for ok := it.SeekGE(prefix); ok && bytes.HasPrefix(it.Key(), prefix); ok = it.Next() {
			k := it.Key()
			if len(k) != len(prefix)+fileSuffixLen-1 {
				continue // a longer path that contains a NUL
			}
			id, err := decodeIndexKeyID(k)
			if err != nil {
				return err
			}
			var v []byte
			if values {
				if v, err = it.ValueAndErr(); err != nil {
					return err
				}
			}
			if err := fn(i, id, v); err != nil {
				return err
			}
		}
		if err := it.Error(); err != nil {
			return err
		}
	}
	return nil
}
