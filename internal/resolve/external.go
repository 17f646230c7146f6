package resolve

import (
	"path"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// External symbols: a call into a library outside the repository binds to
// a node of kind external ("net/http.Get"), stored with the library's
// package node under the synthetic file graph.ExternalPrefix+lang/path, so
// that "what uses net/http" is answered like any other dependency query.

type extPkg struct {
	file   string
	nodes  map[graph.NodeID]graph.Node
	loaded bool
	dirty  bool
}

func externalFile(language, pkgPath string) string {
	return graph.ExternalPrefix + language + "/" + pkgPath
}

// externalPackage returns the id of a library's package node.
func (r *resolver) externalPackage(language, pkgPath string) graph.NodeID {
	r.extPackage(language, pkgPath)
	id := graph.MakeNodeID(externalFile(language, pkgPath), pkgPath, graph.KindPackage, 0)
	r.extIDs[id] = true
	return id
}

// external returns the id of the external node for symbol in pkgPath,
// creating it if needed.
func (r *resolver) external(language, pkgPath, symbol string) graph.NodeID {
	ep := r.extPackage(language, pkgPath)
	file := ep.file
	qn := pkgPath + "." + symbol
	id := graph.MakeNodeID(file, qn, graph.KindExternal, 0)
	if _, ok := ep.nodes[id]; !ok {
		ep.nodes[id] = graph.Node{ID: id, Kind: graph.KindExternal, Name: symbol, QualifiedName: qn,
			Language: language, File: file, StartLine: 1, EndLine: 1,
			Parent: graph.MakeNodeID(file, pkgPath, graph.KindPackage, 0)}
		ep.dirty = true
	}
	r.extIDs[id] = true
	return id
}

// extPackage loads (or creates) a library's synthetic file.
func (r *resolver) extPackage(language, pkgPath string) *extPkg {
	file := externalFile(language, pkgPath)
	ep := r.exts[file]
	if ep == nil {
		ep = &extPkg{file: file, nodes: map[graph.NodeID]graph.Node{}}
		r.exts[file] = ep
		r.st.NodesInFile(file, func(n graph.Node) error { ep.nodes[n.ID] = n; return nil })
		pkgID := graph.MakeNodeID(file, pkgPath, graph.KindPackage, 0)
		if _, ok := ep.nodes[pkgID]; !ok {
			ep.nodes[pkgID] = graph.Node{ID: pkgID, Kind: graph.KindPackage, Name: path.Base(pkgPath),
				QualifiedName: pkgPath, Language: language, File: file, StartLine: 1, EndLine: 1}
			ep.dirty = true
		}
	}
	return ep
}

func (r *resolver) isExternal(id graph.NodeID) bool { return r.extIDs[id] }

// writeExternals stores the external packages that gained symbols.
func (r *resolver) writeExternals(b *store.Batch) error {
	for _, ep := range r.exts {
		if !ep.dirty {
			continue
		}
		nodes := make([]graph.Node, 0, len(ep.nodes))
		var edges []graph.Edge
		for _, n := range ep.nodes {
			nodes = append(nodes, n)
			if n.Kind == graph.KindExternal {
				edges = append(edges, graph.Edge{Kind: graph.EdgeContains, Src: n.Parent, Dst: n.ID, File: ep.file, Line: 1, Res: graph.ResSyntax})
			}
		}
		if err := b.ReplaceFile(store.FileMeta{Path: ep.file, Language: "external"}, nodes, edges); err != nil {
			return err
		}
	}
	return nil
}
