package resolve

import (
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// Incremental Go implements edges. A type's implements edge (target
// parse.GoSatisfies) depends on more than its own file: on its methods in
// any file of its package, on the methods of the types it embeds, and on
// every interface of the repository. A targeted run therefore re-resolves,
// besides the edges of the files it looks at, the implements edges of:
//
//   - the types of every package (directory) with a written or deleted Go
//     file (their methods may have changed there), and the types embedding
//     them;
//   - the types with an implements edge into an interface that changed, or
//     into one embedding it, or into one whose method set the interface
//     table finds changed (ifacetable.go: an interface it embeds, or a
//     same-name declaration of its package, changed): they may not
//     satisfy it any more;
//   - the types with a method named like a method of a changed interface's
//     method set, or like an added or removed definition (they may satisfy
//     it now).
//
// goImplTypes returns those types, except the ones of skip (files whose
// edges are all resolved anyway).
func (r *resolver) goImplTypes(opts Options, skip map[string]bool) ([]graph.NodeID, error) {
	var types []graph.NodeID
	seen := map[graph.NodeID]bool{}
	addType := func(n graph.Node) {
		if n.Language != lang.Go || seen[n.ID] || skip[n.File] || graph.Synthetic(n.File) {
			return
		}
		if n.Kind != graph.KindStruct && n.Kind != graph.KindTypeAlias {
			return
		}
		seen[n.ID] = true
		types = append(types, n.ID)
	}
	// Packages with a written Go file.
	dirs := map[string]bool{}
	for _, f := range slices.Concat(opts.Files, opts.Deleted) {
		if strings.HasSuffix(f, ".go") {
			dirs[path.Dir(f)] = true
		}
	}
	// Their types from the file index entries (kind and id), not the
	// nodes: a node read each for every definition of those packages.
	var files []store.FileMeta
	for _, d := range slices.Sorted(maps.Keys(dirs)) {
		for _, m := range r.byDir[d] {
			if strings.HasSuffix(m.Path, ".go") && !skip[m.Path] {
				files = append(files, m)
			}
		}
	}
	paths := make([]string, len(files))
	for i, m := range files {
		paths[i] = m.Path
	}
	if err := r.st.FileEntries(paths, func(i int, e store.FileEntry) error {
		addType(graph.Node{ID: e.ID, Kind: e.Kind, File: files[i].Path, Language: files[i].Language})
		return nil
	}); err != nil {
		return nil, err
	}
	// Method names that may make a type satisfy an interface now.
	names := map[string]bool{}
	for _, n := range opts.NewNames {
		names[n] = true
	}
	var ifaces []graph.NodeID
	if len(opts.Changed) > 0 {
		ids := distinct(opts.Changed)
		nodes := make([]graph.Node, len(ids))
		if err := r.st.NodesByID(ids, nodes); err != nil {
			return nil, err
		}
		for i, n := range nodes {
			if n.ID != ids[i] || n.Language != lang.Go {
				continue // removed: its name is among NewNames
			}
			switch n.Kind {
			case graph.KindMethod:
				names[n.Name] = true
				if n.Parent != 0 {
					ifaces = append(ifaces, n.Parent) // an interface's method, or a type's
				}
			case graph.KindInterface:
				ifaces = append(ifaces, n.ID)
				if r.ifaces == nil {
					r.ifaces = map[graph.NodeID]*goIface{}
				}
				if in := r.goIfaceOf(n.ID, n.File, n.Name); in != nil {
					for m := range in.methods {
						names[m] = true
					}
				}
			}
		}
	}
	// Interfaces whose method sets changed without a change of their
	// own nodes (an interface they embed, or a same-name declaration of
	// their package, changed), as the interface table finds them.
	for id, ms := range r.changedIfaces() {
		ifaces = append(ifaces, id)
		for m := range ms {
			names[m] = true
		}
	}
	for _, name := range slices.Sorted(maps.Keys(names)) {
		if err := r.st.NodesByName(name, func(n graph.Node) error {
			if n.Kind == graph.KindMethod && n.Language == lang.Go && n.Parent != 0 {
				if p, err := r.st.Node(n.Parent); err == nil {
					addType(p)
				}
			}
			return nil
		}); err != nil {
			return nil, err
		}
	}
	// Types implementing a changed interface or one embedding it.
	seenIface := map[graph.NodeID]bool{}
	for len(ifaces) > 0 {
		id := ifaces[len(ifaces)-1]
		ifaces = ifaces[:len(ifaces)-1]
		if seenIface[id] {
			continue
		}
		seenIface[id] = true
		if err := r.st.InEdges(id, []graph.EdgeKind{graph.EdgeImplements, graph.EdgeInherits}, func(e graph.Edge) error {
			if e.Kind == graph.EdgeInherits {
				ifaces = append(ifaces, e.Src) // an interface (or struct) embedding it
				return nil
			}
			if n, err := r.st.Node(e.Src); err == nil {
				addType(n)
			}
			return nil
		}); err != nil {
			return nil, err
		}
	}
	// Types embedding those (promoted methods), a few levels up.
	for i := 0; i < len(types); i++ {
		if err := r.st.InEdges(types[i], []graph.EdgeKind{graph.EdgeInherits}, func(e graph.Edge) error {
			if n, err := r.st.Node(e.Src); err == nil {
				addType(n)
			}
			return nil
		}); err != nil {
			return nil, err
		}
	}
	slices.Sort(types)
	return types, nil
}
