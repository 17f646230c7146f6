package server

import (
	"net/http"

	"github.com/codegraph-dev/codegraph/internal/graphexport"
)

// registerExport adds GET /export: the selection of `codegraph export`
// (service.Repo.Export) written as dot, mermaid, graphml, json, ndjson or
// svg.
func (s *Server) registerExport() {
	s.handle("GET", "/export", ScopeRead, s.export)
}

// exportSelection reads the export selection from the query string:
// format, root, depth, direction, kind, path, package, max_nodes.
func exportSelection(q *qparams) (graphexport.Format, graphexport.Selection) {
	var sel graphexport.Selection
	f, err := graphexport.ParseFormat(defaultStr(q.str("format"), "mermaid"))
	if err != nil {
		q.fail("format: %v", err)
	}
	sel.Root = q.str("root")
	if q.str("depth") != "" {
		if sel.Root == "" {
			q.fail("depth needs root")
		}
		sel.Depth = q.intIn("depth", 2, 1, graphexport.MaxDepth)
	}
	if d := q.str("direction"); d != "" {
		if sel.Direction, err = graphexport.ParseDirection(d); err != nil {
			q.fail("direction: %v", err)
		}
	}
	sel.Kinds = q.edgeKinds("kind")
	sel.Path = q.str("path")
	sel.Package = q.str("package")
	sel.MaxNodes = q.intIn("max_nodes", 0, 0, 1<<30)
	return f, sel
}

func defaultStr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (s *Server) export(w http.ResponseWriter, r *http.Request) error {
	q := params(r)
	f, sel := exportSelection(q)
	if q.err != nil {
		return q.err
	}
	repo, err := s.repo(r)
	if err != nil {
		return err
	}
	repo.MaybeRecheck()
	g, err := repo.Export(r.Context(), f, sel)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", f.ContentType())
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if f == graphexport.SVG {
		// Served as a document, an SVG could run script; ours has none,
		// and the policy keeps it so.
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	}
	return graphexport.Write(w, f, g)
}
