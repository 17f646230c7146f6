package resolve

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/bincodec"
	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// The Go interface table: every non-test Go interface of the repository
// with the method names resolveGoSatisfies finds it under (those it
// declares; all of its method set when it declares none but embeds
// others), its method set (embedded interfaces expanded, same-name
// declarations of its package merged as lookupType merges them), and the
// directories that method set was read from. A full run works it out for
// every interface; a targeted run reads the stored table and works out
// again only the entries of the interfaces in a directory it writes and
// of those whose method set was read from one (an interface embedding a
// changed one, however far), then stores it back if it changed. Without
// it, each targeted run (a diff's overlay, a one-file index) worked out
// the method sets of every interface that declares a name of a changed
// type's methods, and of all those that only embed others, loading their
// packages and their embedded interfaces' packages.
//
// Stored as one index-wide value (metaGoIfaces); a store without it (or
// with one that does not decode) gets it worked out whole.

// metaGoIfaces is the index-wide key of the interface table.
const metaGoIfaces = "go_ifaces"

// ifaceTableVersion is the first field of the stored table; another
// version is worked out again.
const ifaceTableVersion = 1

// ifaceEntry is an interface of the table.
type ifaceEntry struct {
	id      graph.NodeID
	file    string            // its file: its directory is read too
	names   []string          // the method names ifacesWith lists it under, sorted
	methods map[string]string // its method set; nil when goIfaceOf is nil
	deps    []string          // the directories its method set was read from, sorted
	// volatile: part of its method set was looked up by an import path
	// that is not the repository's (io.Reader outside the standard
	// library), which a new directory may make one: worked out again by
	// every targeted run.
	volatile bool
}

// ifaceDeps collects what computeIface reads (see lookupType).
type ifaceDeps struct {
	dirs     map[string]bool
	volatile bool
}

// ifaceTable is the table of a run.
type ifaceTable struct {
	entries map[graph.NodeID]*ifaceEntry
	stored  []byte // the encoding read from the store (nil: none)
	// changed lists the interfaces of a targeted run whose method sets
	// differ from the stored ones (added and removed ones included).
	changed []graph.NodeID
}

var errIfaceTable = errors.New("resolve: malformed interface table")

// loadIfaceTable sets up ifacesWith's index: from the stored table
// brought up to date in a targeted run, worked out whole otherwise.
func (r *resolver) loadIfaceTable() {
	if r.ifaces == nil {
		r.ifaces = map[graph.NodeID]*goIface{}
	}
	t := &ifaceTable{}
	r.ifaceTable = t
	if r.writtenDirs != nil {
		if b, err := r.st.Meta(metaGoIfaces); err == nil {
			t.stored = b
			if es, err := decodeIfaceTable(b); err == nil {
				t.entries = es
				t.changed = r.refreshIfaces(es)
			}
		}
	}
	if t.entries == nil {
		t.entries = r.indexIfaces(r.ifaceCands())
	}
	r.ifaceByMethod = map[string][]*goIface{}
	for _, id := range slices.Sorted(maps.Keys(t.entries)) {
		e := t.entries[id]
		if e.methods == nil {
			continue
		}
		in, ok := r.ifaces[id]
		if !ok || in == nil {
			in = &goIface{id: id, methods: e.methods}
			r.ifaces[id] = in
		}
		for _, name := range e.names {
			r.ifaceByMethod[name] = append(r.ifaceByMethod[name], in)
		}
	}
}

// refreshIfaces works out again the entries a targeted run may have
// changed: those of the interfaces in the directories it writes (added,
// changed and removed ones), of those whose method sets were read from
// one, and the volatile ones. It returns the interfaces whose method
// sets changed.
func (r *resolver) refreshIfaces(entries map[graph.NodeID]*ifaceEntry) []graph.NodeID {
	w := r.writtenDirs
	var redo []graph.NodeID
	old := map[graph.NodeID]*ifaceEntry{}
	for id, e := range entries {
		dirty := e.volatile || w[path.Dir(e.file)]
		for _, d := range e.deps {
			dirty = dirty || w[d]
		}
		if dirty {
			redo = append(redo, id)
			old[id] = e
			delete(entries, id)
		}
	}
	var paths []string
	for _, d := range slices.Sorted(maps.Keys(w)) {
		for _, m := range r.byDir[d] {
			if m.Language == lang.Go && !strings.HasSuffix(m.Path, "_test.go") {
				paths = append(paths, m.Path)
			}
		}
	}
	r.st.FileEntries(paths, func(_ int, e store.FileEntry) error {
		if e.Kind == graph.KindInterface {
			redo = append(redo, e.ID)
		}
		return nil
	})
	if len(redo) == 0 {
		return nil
	}
	slices.Sort(redo)
	redo = slices.Compact(redo)
	nodes := make([]graph.Node, len(redo))
	r.st.NodesByID(redo, nodes)
	var cands []graph.Node
	for i, n := range nodes {
		if n.ID == redo[i] && n.Kind == graph.KindInterface && n.Language == lang.Go && !strings.HasSuffix(n.File, "_test.go") {
			cands = append(cands, n)
		}
	}
	fresh := r.indexIfaces(cands)
	maps.Copy(entries, fresh)
	var changed []graph.NodeID
	for _, id := range redo {
		o, n := old[id], fresh[id]
		var om, nm map[string]string
		if o != nil {
			om = o.methods
		}
		if n != nil {
			nm = n.methods
		}
		if (om == nil) != (nm == nil) || !maps.Equal(om, nm) {
			changed = append(changed, id)
		}
	}
	return changed
}

// changedIfaces returns the interfaces whose method sets a targeted run
// changed, with their methods' names now (goImplTypes).
func (r *resolver) changedIfaces() map[graph.NodeID]map[string]string {
	if r.ifaceTable == nil {
		r.loadIfaceTable()
	}
	out := map[graph.NodeID]map[string]string{}
	for _, id := range r.ifaceTable.changed {
		var ms map[string]string
		if e := r.ifaceTable.entries[id]; e != nil {
			ms = e.methods
		}
		out[id] = ms
	}
	return out
}

// saveIfaceTable stores the run's table when it changed, working it out
// first if resolution did not need it.
func (r *resolver) saveIfaceTable() error {
	if r.ifaceTable == nil {
		r.loadIfaceTable()
	}
	t := r.ifaceTable
	enc := encodeIfaceTable(t.entries)
	if t.stored != nil && bytes.Equal(enc, t.stored) {
		return nil
	}
	b := r.st.NewBatch()
	defer b.Close()
	if err := b.SetMeta(metaGoIfaces, enc); err != nil {
		return err
	}
	return b.Commit(false)
}

// encodeIfaceTable writes the entries by id:
//
//	uv(ifaceTableVersion) | uv(n) | n × entry
//	entry  id:8 | str(file) | flags:1 (1 volatile, 2 has a method set) |
//	       uv(len) × str(dep) | uv(len) × str(name) |
//	       [uv(len) × (str(method) | str(signature key)), by method]
func encodeIfaceTable(entries map[graph.NodeID]*ifaceEntry) []byte {
	str := func(b []byte, s string) []byte {
		return append(binary.AppendUvarint(b, uint64(len(s))), s...)
	}
	b := binary.AppendUvarint(nil, ifaceTableVersion)
	b = binary.AppendUvarint(b, uint64(len(entries)))
	for _, id := range slices.Sorted(maps.Keys(entries)) {
		e := entries[id]
		b = binary.LittleEndian.AppendUint64(b, uint64(id))
		b = str(b, e.file)
		var flags byte
		if e.volatile {
			flags |= 1
		}
		if e.methods != nil {
			flags |= 2
		}
		b = append(b, flags)
		b = binary.AppendUvarint(b, uint64(len(e.deps)))
		for _, d := range e.deps {
			b = str(b, d)
		}
		b = binary.AppendUvarint(b, uint64(len(e.names)))
		for _, n := range e.names {
			b = str(b, n)
		}
		if e.methods != nil {
			b = binary.AppendUvarint(b, uint64(len(e.methods)))
			for _, m := range slices.Sorted(maps.Keys(e.methods)) {
				b = str(b, m)
				b = str(b, e.methods[m])
			}
		}
	}
	return b
}

func decodeIfaceTable(b []byte) (map[graph.NodeID]*ifaceEntry, error) {
	r := bincodec.NewReader(b, errIfaceTable)
	if r.Uvarint() != ifaceTableVersion {
		return nil, errIfaceTable
	}
	n := r.Uvarint()
	if n > uint64(len(b)) {
		return nil, errIfaceTable
	}
	strs := func() []string {
		k := r.Uvarint()
		if k > uint64(len(r.B)) {
			r.Fail()
			return nil
		}
		var out []string
		for range k {
			out = append(out, r.Str())
		}
		return out
	}
	out := make(map[graph.NodeID]*ifaceEntry, n)
	for range n {
		e := &ifaceEntry{id: graph.NodeID(r.Fixed64()), file: r.Str()}
		flags := r.Byte()
		e.volatile = flags&1 != 0
		e.deps = strs()
		e.names = strs()
		if flags&2 != 0 {
			k := r.Uvarint()
			if k > uint64(len(r.B)) {
				r.Fail()
			}
			e.methods = make(map[string]string, min(k, 64))
			for range k {
				m := r.Str()
				e.methods[m] = r.Str()
			}
		}
		if r.Err != nil {
			return nil, r.Err
		}
		out[e.id] = e
	}
	if r.Err != nil || len(r.B) != 0 {
		return nil, errIfaceTable
	}
	return out, nil
}

// GoIfaceTable describes the stored interface table of st, one line per
// interface by node id (none when there is no table): for tests, which
// compare the table an incremental run leaves with a clean index's.
func GoIfaceTable(st *store.Store) ([]string, error) {
	b, err := st.Meta(metaGoIfaces)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	es, err := decodeIfaceTable(b)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, id := range slices.Sorted(maps.Keys(es)) {
		e := es[id]
		var ms []string
		for _, m := range slices.Sorted(maps.Keys(e.methods)) {
			ms = append(ms, m+e.methods[m])
		}
		out = append(out, fmt.Sprintf("iface %s %s names=%q methods=%q set=%t deps=%q volatile=%t", id, e.file, e.names, ms, e.methods != nil, e.deps, e.volatile))
	}
	return out, nil
}
