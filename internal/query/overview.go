package query

import (
	"context"
	"path"
	"sort"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
	"github.com/codegraph-dev/codegraph/internal/repofile"
)

// Overview bounds.
const (
	overviewHubs      = 10
	overviewDeps      = 100
	overviewEntries   = 100
	overviewDependsOn = 20
	maxGuardScans     = 2000 // Python files read to find a __main__ guard
)

// OverviewOptions configure Overview.
type OverviewOptions struct {
	// Hubs is how many hubs to list (0: 10; negative: none).
	Hubs int `json:"hubs,omitempty"`
	// Page pages over the packages.
	Page
}

// OverviewResult describes a repository: its packages (directories) with
// their sizes, languages and dependencies, its entry points and its hubs.
// It describes the code: files of text formats (Markdown, YAML, JSON,
// plain text, ...), indexed for search, are not counted.
type OverviewResult struct {
	Root      string         `json:"root,omitempty"`
	Files     int            `json:"files"`
	Nodes     uint64         `json:"nodes"`
	Edges     uint64         `json:"edges"`
	Languages map[string]int `json:"languages"` // files per language
	// Libraries counts the external libraries calls were bound to (their
	// symbols are not counted as files, nodes or packages).
	Libraries int `json:"libraries"`

	Packages      []PackageInfo `json:"packages"`
	PackagesTotal int           `json:"packages_total"`
	NextCursor    string        `json:"next_cursor,omitempty"`

	// Dependencies between packages (resolved imports and cross-package
	// calls written outside test files), most edges first, at most
	// overviewDeps of DependenciesTotal.
	Dependencies      []DirEdge `json:"dependencies"`
	DependenciesTotal int       `json:"dependencies_total"`

	EntryPoints []EntryPoint `json:"entry_points"`
	Hubs        []Hub        `json:"hubs"`
}

// PackageInfo is one package (directory).
type PackageInfo struct {
	Package   string   `json:"package"`
	Files     int      `json:"files"`
	Nodes     uint64   `json:"nodes"`
	Languages []string `json:"languages"`
	// DependsOn lists the packages it depends on (at most
	// overviewDependsOn); Dependents counts those that depend on it.
	DependsOn  []string `json:"depends_on,omitempty"`
	Dependents int      `json:"dependents"`
}

// EntryPoint is where a program starts.
type EntryPoint struct {
	// Kind is "main function", "main package", "main method" (Java),
	// "application class" (a class annotated @SpringBootApplication,
	// @QuarkusMain or @MicronautApplication), "__main__", "main guard"
	// (a Python file running code under if __name__ == "__main__") or
	// "main file" (a file named main.*, index.*, app.* or __main__.py).
	Kind   string  `json:"kind"`
	File   string  `json:"file"`
	Line   uint32  `json:"line,omitempty"`
	Symbol *Symbol `json:"symbol,omitempty"`
}

// Overview summarises the repository. It scans the whole graph once per
// Engine (shared with Hubs and Cycles).
func (e *Engine) Overview(ctx context.Context, opts OverviewOptions) (*OverviewResult, error) {
	files, err := e.fileList(ctx)
	if err != nil {
		return nil, err
	}
	s, err := e.summary(ctx)
	if err != nil {
		return nil, err
	}
	res := &OverviewResult{Root: e.root, Languages: map[string]int{}}
	pkgs := map[string]*PackageInfo{}
	langs := map[string]map[string]bool{}
	for _, f := range files {
		if strings.HasPrefix(f.Path, graph.ExternalPrefix) {
			res.Libraries++
			continue
		}
		if lang.IsText(f.Language) {
			// Documents and configuration (Markdown, YAML, ...) are
			// indexed for search, not part of the code's overview.
			continue
		}
		res.Files++
		res.Nodes += f.Nodes
		res.Edges += f.Edges
		res.Languages[f.Language]++
		p := pkgs[f.Dir]
		if p == nil {
			p = &PackageInfo{Package: f.Dir}
			pkgs[f.Dir] = p
			langs[f.Dir] = map[string]bool{}
		}
		p.Files++
		p.Nodes += f.Nodes
		langs[f.Dir][f.Language] = true
	}
	var deps []DirEdge
	for pr, de := range s.dirEdges {
		d := s.dirEdge(pr, de)
		deps = append(deps, d)
		if p := pkgs[d.From]; p != nil {
			p.DependsOn = append(p.DependsOn, d.To)
		}
		if p := pkgs[d.To]; p != nil {
			p.Dependents++
		}
	}
	sort.Slice(deps, func(i, j int) bool {
		ci, cj := deps[i].Imports+deps[i].Calls, deps[j].Imports+deps[j].Calls
		if ci != cj {
			return ci > cj
		}
		if deps[i].From != deps[j].From {
			return deps[i].From < deps[j].From
		}
		return deps[i].To < deps[j].To
	})
	res.DependenciesTotal = len(deps)
	res.Dependencies = deps[:min(len(deps), overviewDeps)]
	if res.Dependencies == nil {
		res.Dependencies = []DirEdge{}
	}

	all := make([]*PackageInfo, 0, len(pkgs))
	for d, p := range pkgs {
		for l := range langs[d] {
			p.Languages = append(p.Languages, l)
		}
		sort.Strings(p.Languages)
		sort.Strings(p.DependsOn)
		p.DependsOn = p.DependsOn[:min(len(p.DependsOn), overviewDependsOn)]
		all = append(all, p)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Package < all[j].Package })
	start, end, next, err := opts.Page.slice("overview", len(all))
	if err != nil {
		return nil, err
	}
	res.PackagesTotal, res.NextCursor = len(all), next
	res.Packages = make([]PackageInfo, 0, end-start)
	for _, p := range all[start:end] {
		res.Packages = append(res.Packages, *p)
	}

	if res.EntryPoints, err = e.entryPoints(ctx, s, files); err != nil {
		return nil, err
	}
	nh := opts.Hubs
	if nh == 0 {
		nh = overviewHubs
	}
	res.Hubs = []Hub{}
	if nh > 0 {
		h, err := e.Hubs(ctx, HubsOptions{By: ByFanIn, Page: Page{Limit: nh}})
		if err != nil {
			return nil, err
		}
		res.Hubs = h.Items
	}
	return res, nil
}

// entryPoints lists main functions and packages, __main__ symbols, Python
// files with a __main__ guard and files named like entry points.
func (e *Engine) entryPoints(ctx context.Context, s *summary, files []fileInfo) ([]EntryPoint, error) {
	out := []EntryPoint{}
	seen := map[string]bool{} // files already listed
	for i := range s.entries {
		n := &s.entries[i]
		kind := "__main__"
		switch {
		case n.Name == "main" && n.Kind == graph.KindFunction:
			kind = "main function"
		case n.Name == "main" && n.Kind == graph.KindPackage:
			kind = "main package"
		case isJavaMain(n):
			kind = "main method"
		case isFrameworkMain(n):
			kind = "application class"
		}
		sym := e.symbol(n)
		out = append(out, EntryPoint{Kind: kind, File: n.File, Line: n.StartLine, Symbol: &sym})
		seen[n.File] = true
	}
	scans := 0
	var rd *repofile.Reader // opened on the first scan
	defer func() {
		if rd != nil {
			rd.Close()
		}
	}()
	for _, f := range files {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		base := path.Base(f.Path)
		stem := strings.TrimSuffix(base, path.Ext(base))
		switch {
		case seen[f.Path] || strings.HasPrefix(f.Path, graph.ExternalPrefix):
		case stem == "main" || stem == "index" || stem == "app" || base == "__main__.py":
			out = append(out, EntryPoint{Kind: "main file", File: f.Path})
			seen[f.Path] = true
		case f.Language == "python" && e.root != "" && scans < maxGuardScans:
			scans++
			var data []byte
			var err error
			if rd == nil {
				rd, err = repofile.Open(e.root, repofile.Options{MaxSize: maxSrcFile})
			}
			if err == nil {
				data, err = rd.ReadFile(f.Path)
			}
			if err == nil && hasMainGuard(data) {
				out = append(out, EntryPoint{Kind: "main guard", File: f.Path})
				seen[f.Path] = true
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Line < out[j].Line
	})
	return out[:min(len(out), overviewEntries)], nil
}
