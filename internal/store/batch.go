package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/codegraph-dev/codegraph/internal/graph"
)

// Batch groups updates of several files; Commit applies them atomically, so
// after a crash each file is either entirely old or entirely new. A Batch
// reads the committed state of the store (not its own pending writes), so
// each path may be replaced or deleted at most once per commit. A Batch is
// not safe for concurrent use; its updates must not race with another
// Batch's updates of the same files.
type Batch struct {
	s       *Store
	b       *pebble.Batch       // nil once closed
	touched map[string]struct{} // paths replaced or deleted since the last commit
	err     error               // sticky: a half-applied update poisons the batch
	load    *loader             // set for a bulk load (NewLoadBatch)

	// Pending writes, applied in key order at Commit: buf holds each op's
	// key then value.
	ops []op
	buf []byte

	// Scratch space reused across calls.
	key, key2, val, val2 []byte
	order                []int
	ids                  []graph.NodeID
	oldIDs               []graph.NodeID
	edges                []edgeRef
}

// op is one pending write.
type op struct {
	p0, p1     uint64 // the key's first 16 bytes, big-endian, zero-padded
	off        uint32 // of the key in Batch.buf
	klen, vlen uint32
	del        bool
}

type edgeRef struct {
	key [outKeyLen]byte
	i   int
}

// NewBatch returns an empty batch. Close it when done.
func (s *Store) NewBatch() *Batch {
	return &Batch{s: s, b: s.db.NewBatch(), touched: make(map[string]struct{})}
}

// Len returns the approximate size of the batch in bytes, so callers can
// commit at a size of their choosing (~16 MiB is a good one).
func (b *Batch) Len() int { return len(b.buf) + 3*len(b.ops) }

// Commit applies the batch atomically, waiting for it to reach stable
// storage if sync is set. The batch is then empty and may be reused. After
// a failed update (one whose error did not come from validating its
// arguments) the batch refuses to commit; close it and start again.
func (b *Batch) Commit(sync bool) error {
	if b.err != nil {
		return b.err
	}
	if b.s.readOnly {
		return ErrReadOnly
	}
	if b.b == nil {
		return errors.New("store: batch is closed")
	}
	if b.load != nil {
		if b.load.done {
			return errors.New("store: bulk load already ended")
		}
		if len(b.ops) > 0 {
			err := b.spill()
			b.ops, b.buf = b.ops[:0], b.buf[:0]
			if err != nil {
				b.err = fmt.Errorf("store: bulk load: %w", err)
				return b.err
			}
		}
		clear(b.touched)
		return nil
	}
	if len(b.ops) > 0 {
		b.fill()
		if b.err != nil {
			return b.err
		}
		opt := pebble.NoSync
		if sync {
			opt = pebble.Sync
		}
		err := b.commit(opt)
		b.b.Reset()
		b.ops, b.buf = b.ops[:0], b.buf[:0]
		if err != nil {
			return fmt.Errorf("store: commit: %w", err)
		}
	}
	clear(b.touched)
	if b.s.deleter != nil {
		b.s.deleter.purge()
	}
	return nil
}

// commit commits the Pebble batch, a damaged store's error or panic
// becoming a *CorruptError.
func (b *Batch) commit(opt *pebble.WriteOptions) (err error) {
	defer b.s.guard(&err)
	return b.b.Commit(opt)
}

// Close discards whatever was not committed and releases the batch; a
// bulk load not ingested is discarded whole.
func (b *Batch) Close() error {
	if b.b == nil {
		return nil
	}
	err := b.b.Close()
	if b.load != nil && !b.load.done {
		b.load.done = true
		err = errors.Join(err, os.RemoveAll(b.load.dir))
	}
	b.b, b.ops, b.buf = nil, nil, nil
	return err
}

func (b *Batch) writable() error {
	switch {
	case b.b == nil:
		return errors.New("store: batch is closed")
	case b.err != nil:
		return b.err
	case b.s.readOnly:
		return ErrReadOnly
	case b.load != nil && b.load.done:
		return errors.New("store: bulk load already ended")
	}
	return nil
}

// errLoadOnly is returned by the updates a bulk load does not take.
var errLoadOnly = errors.New("store: a bulk load takes ReplaceFile, ResolveEdge and UnresolveEdge only")

// updatable is writable for the updates that read the committed state,
// which a bulk load does not take.
func (b *Batch) updatable() error {
	if b.load != nil {
		return errLoadOnly
	}
	return b.writable()
}

// claimUpdate is claim for the updates a bulk load does not take.
func (b *Batch) claimUpdate(path string) error {
	if b.load != nil {
		return errLoadOnly
	}
	return b.claim(path)
}

// claim checks that path has not been written since the last commit.
func (b *Batch) claim(path string) error {
	if err := b.writable(); err != nil {
		return err
	}
	if path == "" {
		return errors.New("store: empty file path")
	}
	if _, ok := b.touched[path]; ok {
		return fmt.Errorf("store: %s written twice in one batch (commit in between)", path)
	}
	return nil
}

func (b *Batch) set(k, v []byte) { b.push(k, v, false) }
func (b *Batch) del(k []byte)    { b.push(k, nil, true) }

func (b *Batch) push(k, v []byte, del bool) {
	if len(b.buf)+len(k)+len(v) > math.MaxUint32 {
		if b.err == nil {
			b.err = errors.New("store: batch exceeds 4 GiB (commit more often)")
		}
		return
	}
	var p [16]byte
	copy(p[:], k)
	b.ops = append(b.ops, op{
		p0: binary.BigEndian.Uint64(p[:8]), p1: binary.BigEndian.Uint64(p[8:]),
		off: uint32(len(b.buf)), klen: uint32(len(k)), vlen: uint32(len(v)), del: del,
	})
	b.buf = append(append(b.buf, k...), v...)
}

// fill writes the pending ops into the Pebble batch in key order, keeping
// only the last op on each key. Within a batch only the last write to a key
// matters, and Pebble inserts keys into its memtable much faster in order
// (each insert starts from the previous one's position in the skiplist);
// replacing a file deletes and rewrites many of the same keys, whose
// tombstones this drops.
func (b *Batch) fill() {
	b.sortOps()
	_ = b.eachOp(func(k, v []byte, del bool) error {
		var err error
		if del {
			err = b.b.Delete(k, nil)
		} else {
			err = b.b.Set(k, v, nil)
		}
		if err != nil && b.err == nil {
			b.err = fmt.Errorf("store: batch: %w", err)
		}
		return nil
	})
}

// sortOps sorts the pending ops by key, the ops on one key in the order
// they were given.
func (b *Batch) sortOps() {
	key := func(o *op) []byte { return b.buf[o.off : o.off+o.klen] }
	slices.SortFunc(b.ops, func(x, y op) int {
		if x.p0 != y.p0 {
			return cmp.Compare(x.p0, y.p0)
		}
		if x.p1 != y.p1 {
			return cmp.Compare(x.p1, y.p1)
		}
		if x.klen > 16 || y.klen > 16 {
			if c := bytes.Compare(key(&x), key(&y)); c != 0 {
				return c
			}
		} else if x.klen != y.klen { // equal but for zero padding
			return cmp.Compare(x.klen, y.klen)
		}
		return cmp.Compare(x.off, y.off) // later ops last
	})
}

// eachOp calls fn with the last op on each key of the sorted ops, in key
// order, until fn returns an error.
func (b *Batch) eachOp(fn func(k, v []byte, del bool) error) error {
	for i := range b.ops {
		o := &b.ops[i]
		k := b.buf[o.off : o.off+o.klen]
		if i+1 < len(b.ops) {
			if next := &b.ops[i+1]; next.p0 == o.p0 && next.p1 == o.p1 && bytes.Equal(b.buf[next.off:next.off+next.klen], k) {
				continue // overwritten
			}
		}
		if err := fn(k, b.buf[o.off+o.klen:o.off+o.klen+o.vlen], o.del); err != nil {
			return err
		}
	}
	return nil
}

// ReplaceFile replaces everything stored for meta.Path: it removes the
// file's previous nodes, their outgoing edges and index entries, then writes
// nodes, edges and meta. Every node's File must be meta.Path, and every
// edge's Src must be among nodes. Nodes with the same ID and edges with the
// same (Src, Kind, Dst or Target, Line) collapse to the last one given.
// meta's node and edge counts are computed here.
//
// Edges from other files into the removed nodes are kept: ids are stable, so
// they still hold if the same symbols are written again; the indexer
// unresolves the ones whose target disappeared (InEdges, UnresolveEdge).
func (b *Batch) ReplaceFile(meta FileMeta, nodes []graph.Node, edges []graph.Edge) error {
	return b.replaceFile(meta, nodes, edges, nil)
}

// ReplaceFileKnown is ReplaceFile for a caller that has read the file's
// stored outgoing edges itself: oldOut must hold, for each node the file
// has in the committed state, all its outgoing edges of every kind,
// resolved or not, as OutEdgesMany gives them (a node without edges may
// be missing), read after the last commit that changed them. The batch
// then deletes them without reading them again: a caller replacing many
// files reads all their edges in one pass in key order (a seek per node
// to a random place of the edge table is what removing a file costs).
func (b *Batch) ReplaceFileKnown(meta FileMeta, nodes []graph.Node, edges []graph.Edge, oldOut map[graph.NodeID][]graph.Edge) error {
	if oldOut == nil {
		oldOut = map[graph.NodeID][]graph.Edge{}
	}
	return b.replaceFile(meta, nodes, edges, oldOut)
}

func (b *Batch) replaceFile(meta FileMeta, nodes []graph.Node, edges []graph.Edge, oldOut map[graph.NodeID][]graph.Edge) error {
	path := meta.Path
	if err := b.claim(path); err != nil {
		return err
	}

	// Validate and order everything before writing anything, so that a
	// rejected call leaves the batch as it was.
	b.order = b.order[:0]
	for i := range nodes {
		n := &nodes[i]
		if n.ID == 0 {
			return fmt.Errorf("store: replace %s: node %q has no id", path, n.QualifiedName)
		}
		if n.File != path {
			return fmt.Errorf("store: replace %s: node %q is in file %q", path, n.QualifiedName, n.File)
		}
		b.order = append(b.order, i)
	}
	slices.SortFunc(b.order, func(x, y int) int {
		if c := cmp.Compare(nodes[x].ID, nodes[y].ID); c != 0 {
			return c
		}
		return cmp.Compare(x, y)
	})
	b.order = lastOfRuns(b.order, func(x, y int) bool { return nodes[x].ID == nodes[y].ID })
	b.ids = b.ids[:0]
	for _, i := range b.order {
		b.ids = append(b.ids, nodes[i].ID)
	}

	b.edges = b.edges[:0]
	for i := range edges {
		e := &edges[i]
		if _, ok := slices.BinarySearch(b.ids, e.Src); !ok {
			return fmt.Errorf("store: replace %s: edge %s from %s: source is not among the file's nodes",
				path, e.Kind, e.Src)
		}
		r := edgeRef{i: i}
		appendOutKey(r.key[:0], e)
		b.edges = append(b.edges, r)
	}
	slices.SortFunc(b.edges, func(x, y edgeRef) int {
		if c := bytes.Compare(x.key[:], y.key[:]); c != 0 {
			return c
		}
		return cmp.Compare(x.i, y.i)
	})
	b.edges = lastOfRuns(b.edges, func(x, y edgeRef) bool { return x.key == y.key })

	// A path of a store that had no file when it was opened, written
	// for the first time since, has nothing to remove: the file index
	// scan of removeFile visits every L0 table (0.9 s of CPU over a bulk
	// load of the Go standard library, where no file has facts yet).
	if !b.s.firstWrite(path) {
		if b.load != nil {
			return fmt.Errorf("store: replace %s in a bulk load: %w", path, ErrNotBare)
		}
		if err := b.removeFile(path, oldOut); err != nil {
			b.err = fmt.Errorf("store: replace %s: %w", path, err)
			return b.err
		}
	}

	nodeCounts := make(map[string]uint32)
	for _, i := range b.order {
		n := &nodes[i]
		b.putNode(n)
		nodeCounts[n.Kind.String()]++
	}
	edgeCounts := make(map[string]uint32)
	for _, r := range b.edges {
		e := &edges[r.i]
		b.putEdge(r.key[:], e)
		edgeCounts[e.Kind.String()]++
	}

	meta.NodeCounts, meta.EdgeCounts = nodeCounts, edgeCounts
	if meta.IndexedAt == 0 {
		meta.IndexedAt = time.Now().UnixNano()
	}
	b.key = appendFileMetaKey(b.key[:0], path)
	b.val = appendFileMetaValue(b.val[:0], &meta)
	b.set(b.key, b.val)

	b.touched[path] = struct{}{}
	return b.err
}

// lastOfRuns keeps the last element of each run of equal neighbours.
func lastOfRuns[T any](s []T, eq func(a, b T) bool) []T {
	w := 0
	for r := range s {
		if r+1 < len(s) && eq(s[r], s[r+1]) {
			continue
		}
		s[w] = s[r]
		w++
	}
	return s[:w]
}

// putNode writes a node and its index entries.
func (b *Batch) putNode(n *graph.Node) {
	b.key = appendNodeKey(b.key[:0], n.ID)
	b.val = appendNodeValue(b.val[:0], n)
	b.set(b.key, b.val)
	b.key = appendIndexKey(b.key[:0], spaceName, n.Name, n.ID)
	b.set(b.key, nil)
	if lower := strings.ToLower(n.Name); lower != n.Name {
		b.key = appendIndexKey(b.key[:0], spaceLower, lower, n.ID)
		b.set(b.key, nil)
	}
	b.key = appendQNameKey(b.key[:0], n.QualifiedName, n.File, n.ID)
	b.set(b.key, nil)
	b.key = appendFileIndexKey(b.key[:0], n.File, n.StartByte, n.ID)
	b.val = appendFileEntryValue(b.val[:0], n)
	b.set(b.key, b.val)
	b.key = appendKindKey(b.key[:0], n.Kind, n.ID)
	b.set(b.key, nil)
}

// putEdge writes an edge under its outgoing key outKey and, if resolved,
// its incoming key, else its by-target key.
func (b *Batch) putEdge(outKey []byte, e *graph.Edge) {
	b.val = appendEdgeValue(b.val[:0], e)
	b.set(outKey, b.val)
	if e.Dst != 0 {
		b.key = appendInKey(b.key[:0], e)
		b.set(b.key, b.val)
	} else {
		b.val2 = appendString(b.val2[:0], e.File)
		b.key = appendUnresolvedKey(b.key[:0], e)
		b.set(b.key, b.val2)
	}
}

// DeleteFile removes everything stored for path: its meta, its nodes,
// their outgoing edges and index entries. Deleting a path that is not
// indexed is not an error.
func (b *Batch) DeleteFile(path string) error {
	if err := b.claimUpdate(path); err != nil {
		return err
	}
	if err := b.removeFile(path, nil); err != nil {
		b.err = fmt.Errorf("store: delete %s: %w", path, err)
		return b.err
	}
	b.key = appendFileMetaKey(b.key[:0], path)
	b.del(b.key)
	b.touched[path] = struct{}{}
	return b.err
}

// removeFile deletes, as of the committed state, the file index entries of
// path, the nodes they name with their other index entries, and the
// nodes' outgoing edges with their incoming and by-target keys. It does not
// delete the file meta. With oldOut (see ReplaceFileKnown), the edges are
// taken from it instead of being read.
func (b *Batch) removeFile(path string, oldOut map[graph.NodeID][]graph.Edge) (err error) {
	defer b.s.guard(&err)
	it, err := b.s.db.NewIter(nil)
	if err != nil {
		return err
	}
	defer closeIter(it, &err)

	// The file's entries name each node with its kind, name and qualified
	// name: enough to delete the node and all its index keys unread.
	prefix := appendIndexPrefix(nil, spaceFile, path)
	it.SetBounds(prefix, prefixEnd(prefix))
	b.oldIDs = b.oldIDs[:0]
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		if len(k) != len(prefix)+fileSuffixLen-1 { // another path with a NUL in it
			continue
		}
		id, err := decodeIndexKeyID(k)
		if err != nil {
			return err
		}
		v, err := it.ValueAndErr()
		if err != nil {
			return err
		}
		kind, name, qn, err := decodeFileEntryValue(v)
		if err != nil {
			return fmt.Errorf("file entry %x: %w", k, err)
		}
		b.oldIDs = append(b.oldIDs, id)
		b.del(k)
		b.key = appendNodeKey(b.key[:0], id)
		b.del(b.key)
		b.key = appendIndexKey(b.key[:0], spaceName, name, id)
		b.del(b.key)
		if lower := strings.ToLower(name); lower != name {
			b.key = appendIndexKey(b.key[:0], spaceLower, lower, id)
			b.del(b.key)
		}
		b.key = appendQNameKey(b.key[:0], qn, path, id)
		b.del(b.key)
		b.key = appendKindKey(b.key[:0], kind, id)
		b.del(b.key)
	}
	if err := it.Error(); err != nil {
		return err
	}
	if len(b.oldIDs) == 0 {
		return nil
	}
	if oldOut != nil {
		for _, id := range b.oldIDs {
			for i := range oldOut[id] {
				e := &oldOut[id][i]
				if e.Src != id {
					return fmt.Errorf("edge %s from %s given as one of %s's", e.Kind, e.Src, id)
				}
				b.key = appendOutKey(b.key[:0], e)
				b.del(b.key)
				if e.Dst != 0 {
					b.key2 = appendInKey(b.key2[:0], e)
				} else {
					b.key2 = appendUnresolvedKey(b.key2[:0], e)
				}
				b.del(b.key2)
			}
		}
		return nil
	}

	// The nodes' outgoing edges, with the incoming or by-target twin of
	// each. Seeking in id order lets the iterator move forward.
	slices.Sort(b.oldIDs)
	it.SetBounds([]byte{famEdges, spaceOut}, []byte{famEdges, spaceOut + 1})
	var e graph.Edge
	for _, id := range b.oldIDs {
		b.key = appendOutPrefix(b.key[:0], id)
		for ok := it.SeekGE(b.key); ok && bytes.HasPrefix(it.Key(), b.key); ok = it.Next() {
			k := it.Key()
			o, err := decodeOutKey(k)
			if err != nil {
				return err
			}
			b.del(k)
			e = graph.Edge{Kind: o.kind, Src: o.src, Dst: o.dst, Line: o.line}
			if o.resolved {
				b.key2 = appendInKey(b.key2[:0], &e)
				b.del(b.key2)
				continue
			}
			v, err := it.ValueAndErr()
			if err != nil {
				return err
			}
			if err = decodeEdgeValue(v, &e); err != nil {
				return fmt.Errorf("edge %x: %w", k, err)
			}
			b.key2 = appendUnresolvedKey(b.key2[:0], &e)
			b.del(b.key2)
		}
		if err := it.Error(); err != nil {
			return err
		}
	}
	return nil
}

// ResolveEdge replaces the unresolved edge e with one resolved edge per
// destination, each marked with res; an ambiguous reference keeps every
// candidate, each edge recording how many there are.
func (b *Batch) ResolveEdge(e graph.Edge, dsts []graph.NodeID, res graph.Resolution) error {
	if err := b.writable(); err != nil {
		return err
	}
	if e.Dst != 0 || len(dsts) == 0 || res == graph.ResUnresolved {
		return fmt.Errorf("store: resolve edge %s from %s to %q: want an unresolved edge, destinations and a resolution", e.Kind, e.Src, e.Target)
	}
	b.key = appendOutKey(b.key[:0], &e)
	b.del(b.key)
	b.key = appendUnresolvedKey(b.key[:0], &e)
	b.del(b.key)
	e.Res = res
	e.Candidates = 0
	if res == graph.ResAmbiguous {
		e.Candidates = uint16(min(len(dsts), 65535))
	}
	for _, dst := range dsts {
		if dst == 0 {
			return fmt.Errorf("store: resolve edge %s from %s to %q: zero destination", e.Kind, e.Src, e.Target)
		}
		e.Dst = dst
		b.key2 = appendOutKey(b.key2[:0], &e)
		b.putEdge(b.key2, &e)
	}
	return b.err
}

// UnresolveEdge turns the resolved edge e (as returned by InEdges or
// OutEdges) back into an unresolved one, keeping its Target, for when the
// node it pointed at is gone.
func (b *Batch) UnresolveEdge(e graph.Edge) error {
	if err := b.writable(); err != nil {
		return err
	}
	if e.Dst == 0 {
		return fmt.Errorf("store: unresolve edge %s from %s: edge is not resolved", e.Kind, e.Src)
	}
	b.key = appendOutKey(b.key[:0], &e)
	b.del(b.key)
	b.key = appendInKey(b.key[:0], &e)
	b.del(b.key)
	e.Dst, e.Res, e.Candidates = 0, graph.ResUnresolved, 0
	b.key2 = appendOutKey(b.key2[:0], &e)
	b.putEdge(b.key2, &e)
	return b.err
}

// SetMeta records an index-wide key/value (Store.Meta reads it back).
func (b *Batch) SetMeta(key string, value []byte) error {
	if err := b.updatable(); err != nil {
		return err
	}
	b.key = appendKVKey(b.key[:0], key)
	b.set(b.key, value)
	return b.err
}

// DeleteMeta removes an index-wide key/value.
func (b *Batch) DeleteMeta(key string) error {
	if err := b.updatable(); err != nil {
		return err
	}
	b.key = appendKVKey(b.key[:0], key)
	b.del(b.key)
	return b.err
}

// UpdateFileMeta rewrites the stored meta of an indexed file without
// touching its nodes or edges: for a file whose modification time changed
// but whose content did not. The counts of the stored meta are kept.
func (b *Batch) UpdateFileMeta(meta FileMeta) error {
	if err := b.claimUpdate(meta.Path); err != nil {
		return err
	}
	old, err := b.s.FileMeta(meta.Path)
	if err != nil {
		return fmt.Errorf("store: update meta %s: %w", meta.Path, err)
	}
	meta.NodeCounts, meta.EdgeCounts = old.NodeCounts, old.EdgeCounts
	if meta.IndexedAt == 0 {
		meta.IndexedAt = time.Now().UnixNano()
	}
	b.key = appendFileMetaKey(b.key[:0], meta.Path)
	b.val = appendFileMetaValue(b.val[:0], &meta)
	b.set(b.key, b.val)
	b.touched[meta.Path] = struct{}{}
	return b.err
}
