package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cespare/xxhash/v2"
	"github.com/cockroachdb/pebble/v2/sstable"
	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// VerifyTables checks every block checksum of every table of the store's
// current version (data, index, filter, properties and meta blocks, which a
// scan of the keys does not all read) and returns a *CorruptError naming
// the first damaged table. Check calls it; it reads each table once.
func (s *Store) VerifyTables(ctx context.Context) (err error) {
	defer s.guard(&err)
	levels, err := s.db.SSTables()
	if err != nil {
		return err
	}
	for _, level := range levels {
		for _, t := range level {
			if err := ctx.Err(); err != nil {
				return err
			}
			path := filepath.Join(s.dir, fmt.Sprintf("%06d.sst", uint64(t.BackingSSTNum)))
			if err := verifyTable(ctx, path); err != nil {
				return &CorruptError{Dir: s.dir, File: path, Err: err}
			}
		}
	}
	return nil
}

// verifyTable checks the block checksums of the table file at path.
func verifyTable(ctx context.Context, path string) (err error) {
	defer func() {
		// The sstable reader panics on some malformed layouts.
		if p := recover(); p != nil {
			err = fmt.Errorf("unreadable table: %v", p)
		}
	}()
	f, err := vfs.Default.Open(path)
	if err != nil {
		return err
	}
	readable, err := sstable.NewSimpleReadable(f)
	if err != nil {
		f.Close()
		return err
	}
	r, err := sstable.NewReader(ctx, readable, sstable.ReaderOptions{})
	if err != nil {
		readable.Close()
		return err
	}
	err = r.ValidateBlockChecksums()
	return errors.Join(err, r.Close())
}

// GraphProblem is one kind of inconsistency between the store's key spaces
// that CheckGraph found: how many keys show it and one of them.
type GraphProblem struct {
	What    string `json:"what"`
	Count   int    `json:"count"`
	Example string `json:"example"`
}

// GraphReport is what CheckGraph found.
type GraphReport struct {
	Nodes    uint64         `json:"nodes"`
	Edges    uint64         `json:"edges"` // outgoing edge keys
	Problems []GraphProblem `json:"problems,omitempty"`
}

// CheckGraph checks that the store's key spaces agree with each other:
// every edge starts at a stored node and every resolved edge ends at one;
// every resolved outgoing edge has its incoming key (with the same value)
// and every incoming key its outgoing edge; every unresolved edge has its
// by-target key and back; and the name, qualified-name, file and kind
// index keys are exactly those of the stored nodes. It reads the whole
// store once and holds a hash per key (some 32 bytes per edge and per
// index key). A key or value it cannot decode is a *CorruptError.
func (s *Store) CheckGraph(ctx context.Context) (GraphReport, error) {
	var rep GraphReport
	problems := map[string]*GraphProblem{}
	var order []string
	report := func(what string, example func() string) {
		p := problems[what]
		if p == nil {
			p = &GraphProblem{What: what, Example: example()}
			problems[what] = p
			order = append(order, what)
		}
		p.Count++
	}
	n := 0
	tick := func() error {
		if n++; n%8192 == 0 {
			return ctx.Err()
		}
		return nil
	}

	// Nodes, and the index keys each implies.
	var ids []graph.NodeID
	var wantIndex []expectedKey
	var key []byte
	err := s.scan([]byte{famNodes}, func(k, v []byte) error {
		id, err := decodeNodeKey(k)
		if err != nil {
			return err
		}
		var nd graph.Node
		if err := decodeNodeValue(v, &nd); err != nil {
			return fmt.Errorf("node %s: %w", id, err)
		}
		nd.ID = id
		ids = append(ids, id)
		key = appendIndexKey(key[:0], spaceName, nd.Name, id)
		wantIndex = append(wantIndex, expectedKey{h: xxhash.Sum64(key), a: uint64(id)})
		if lower := strings.ToLower(nd.Name); lower != nd.Name {
			key = appendIndexKey(key[:0], spaceLower, lower, id)
			wantIndex = append(wantIndex, expectedKey{h: xxhash.Sum64(key), a: uint64(id)})
		}
		key = appendQNameKey(key[:0], nd.QualifiedName, nd.File, id)
		wantIndex = append(wantIndex, expectedKey{h: xxhash.Sum64(key), a: uint64(id)})
		key = appendFileIndexKey(key[:0], nd.File, nd.StartByte, id)
		key = appendFileEntryValue(key, &nd) // the value must agree too
		wantIndex = append(wantIndex, expectedKey{h: xxhash.Sum64(key), a: uint64(id)})
		key = appendKindKey(key[:0], nd.Kind, id)
		wantIndex = append(wantIndex, expectedKey{h: xxhash.Sum64(key), a: uint64(id)})
		return tick()
	})
	if err != nil {
		return rep, err
	}
	rep.Nodes = uint64(len(ids))
	has := func(id graph.NodeID) bool {
		_, ok := slices.BinarySearch(ids, id)
		return ok
	}

	// Outgoing edges: their ends, and the incoming and by-target keys they
	// imply.
	var wantIn, wantUnres []expectedKey
	err = s.scan([]byte{famEdges, spaceOut}, func(k, v []byte) error {
		e, err := decodeOutEdge(k, v)
		if err != nil {
			return err
		}
		rep.Edges++
		if !has(e.Src) {
			report("edge from a missing node", func() string { return describeEdge(&e) })
		}
		if e.Dst != 0 {
			if !has(e.Dst) {
				report("edge to a missing node", func() string { return describeEdge(&e) })
			}
			key = appendInKey(key[:0], &e)
			key = append(key, v...)
			wantIn = append(wantIn, expectedKey{h: xxhash.Sum64(key), a: uint64(e.Src), b: uint64(e.Dst), kind: byte(e.Kind), line: e.Line})
		} else {
			key = appendUnresolvedKey(key[:0], &e)
			key = appendString(key, e.File)
			wantUnres = append(wantUnres, expectedKey{h: xxhash.Sum64(key), a: uint64(e.Src), kind: byte(e.Kind), line: e.Line})
		}
		return tick()
	})
	if err != nil {
		return rep, err
	}

	// Incoming keys against the resolved outgoing edges.
	err = reconcile(s, []byte{famEdges, spaceIn}, wantIn, tick,
		func(k, v []byte) (uint64, func() string, error) {
			var e graph.Edge
			if err := decodeInKey(k, &e); err != nil {
				return 0, nil, err
			}
			key = append(append(key[:0], k...), v...)
			return xxhash.Sum64(key), func() string { return describeEdge(&e) }, nil
		},
		func(x expectedKey) {
			report("resolved edge without its incoming key (or with another value)", func() string { return x.describeEdge() })
		},
		func(desc func() string) {
			report("incoming key without its outgoing edge (or with another value)", desc)
		})
	if err != nil {
		return rep, err
	}
	// By-target keys against the unresolved outgoing edges.
	err = reconcile(s, []byte{famEdges, spaceUnresolved}, wantUnres, tick,
		func(k, v []byte) (uint64, func() string, error) {
			var e graph.Edge
			if err := decodeUnresolvedKey(k, &e); err != nil {
				return 0, nil, err
			}
			key = append(append(key[:0], k...), v...)
			return xxhash.Sum64(key), func() string { return describeEdge(&e) }, nil
		},
		func(x expectedKey) {
			report("unresolved edge without its by-target key", func() string { return x.describeEdge() })
		},
		func(desc func() string) { report("by-target key without its unresolved edge", desc) })
	if err != nil {
		return rep, err
	}
	// Index keys against the nodes.
	err = reconcile(s, []byte{famIndex}, wantIndex, tick,
		func(k, v []byte) (uint64, func() string, error) {
			id, err := decodeIndexKeyID(k)
			if err != nil {
				return 0, nil, err
			}
			key = append(append(key[:0], k...), v...)
			return xxhash.Sum64(key), func() string { return fmt.Sprintf("index key %q of node %s", k, id) }, nil
		},
		func(x expectedKey) {
			report("node missing from an index (name, qualified name, file or kind)",
				func() string { return fmt.Sprintf("node %s", graph.NodeID(x.a)) })
		},
		func(desc func() string) { report("index key of a missing or different node", desc) })
	if err != nil {
		return rep, err
	}
	for _, w := range order {
		rep.Problems = append(rep.Problems, *problems[w])
	}
	return rep, nil
}

// expectedKey is a key CheckGraph expects to find: the hash of its key and
// value, and enough of it to describe it when it is missing.
type expectedKey struct {
	h    uint64
	a, b uint64 // src and dst of an edge; the node of an index key
	line uint32
	kind byte
	seen bool
}

func (x expectedKey) describeEdge() string {
	e := graph.Edge{Src: graph.NodeID(x.a), Dst: graph.NodeID(x.b), Kind: graph.EdgeKind(x.kind), Line: x.line}
	return describeEdge(&e)
}

func describeEdge(e *graph.Edge) string {
	if e.Dst == 0 {
		return fmt.Sprintf("%s edge from node %s to %q (line %d)", e.Kind, e.Src, e.Target, e.Line)
	}
	return fmt.Sprintf("%s edge from node %s to node %s (line %d)", e.Kind, e.Src, e.Dst, e.Line)
}

// reconcile scans the keys under prefix and matches each (hashed by hash)
// against want: a key not wanted goes to extra, a wanted key not found to
// missing.
func reconcile(s *Store, prefix []byte, want []expectedKey, tick func() error,
	hash func(k, v []byte) (uint64, func() string, error),
	missing func(expectedKey), extra func(desc func() string)) error {
	slices.SortFunc(want, func(x, y expectedKey) int {
		switch {
		case x.h < y.h:
			return -1
		case x.h > y.h:
			return 1
		}
		return 0
	})
	err := s.scan(prefix, func(k, v []byte) error {
		h, desc, err := hash(k, v)
		if err != nil {
			return err
		}
		i, ok := slices.BinarySearchFunc(want, h, func(x expectedKey, h uint64) int {
			switch {
			case x.h < h:
				return -1
			case x.h > h:
				return 1
			}
			return 0
		})
		for ok && i < len(want) && want[i].h == h && want[i].seen {
			i++ // duplicates of one hash (never in a healthy store)
		}
		if ok && i < len(want) && want[i].h == h {
			want[i].seen = true
		} else {
			extra(desc)
		}
		return tick()
	})
	if err != nil {
		return err
	}
	for _, x := range want {
		if !x.seen {
			missing(x)
		}
	}
	return nil
}
