package query

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// Errors callers branch on (with errors.Is); the concrete errors are
// *NotFoundError and *AmbiguousError.
var (
	ErrNotFound  = errors.New("not found")
	ErrAmbiguous = errors.New("ambiguous")
)

// NotFoundError says that a symbol spec matches nothing, with symbols of a
// similar name (same name ignoring case) as suggestions.
type NotFoundError struct {
	Spec        string   `json:"spec"`
	Reason      string   `json:"reason,omitempty"`
	Suggestions []Symbol `json:"suggestions,omitempty"`
}

func (e *NotFoundError) Error() string {
	msg := fmt.Sprintf("no symbol matches %q", e.Spec)
	if e.Reason != "" {
		msg = fmt.Sprintf("%q: %s", e.Spec, e.Reason)
	}
	if len(e.Suggestions) > 0 {
		var names []string
		for _, s := range e.Suggestions {
			names = append(names, s.QualifiedName)
		}
		msg += "; did you mean " + strings.Join(names, ", ") + "?"
	}
	return msg
}

// Is makes errors.Is(err, ErrNotFound) hold.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// AmbiguousError says that a symbol spec matches several symbols; it lists
// up to maxListedCandidates of them (Total counts them all).
type AmbiguousError struct {
	Spec       string   `json:"spec"`
	Total      int      `json:"total"`
	Candidates []Symbol `json:"candidates"`
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("%q is ambiguous: %d symbols match", e.Spec, e.Total)
}

// Is makes errors.Is(err, ErrAmbiguous) hold.
func (e *AmbiguousError) Is(target error) bool { return target == ErrAmbiguous }

// Resolve finds the nodes a symbol spec names. A spec is, in the order
// tried:
//
//   - a node id (16 hex digits);
//   - FILE:LINE: the innermost definition spanning that line of an indexed
//     file (imports and package clauses do not count; the file itself if
//     no definition spans it);
//   - FILE: an indexed file, meaning its file node;
//   - FILE:NAME: the symbol of that qualified (or bare) name in FILE;
//   - a qualified name (Server.Handle);
//   - a qualified name prefixed with its package, directory or module
//     (store.Store.Get, pkg/store.Store.Get, tools.report.build_report);
//   - a bare name (Handle).
//
// It returns every match (at most 1000), definitions before imports of the
// same name, sorted by file and line; when nothing matches, a
// *NotFoundError with suggestions. It does not decide between several
// matches: ResolveOne does.
func (e *Engine) Resolve(ctx context.Context, spec string) ([]graph.Node, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, &NotFoundError{Spec: spec, Reason: "empty symbol"}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(spec) == 16 {
		if id, err := graph.ParseNodeID(spec); err == nil {
			if n, err := e.g.Node(id); err == nil {
				return []graph.Node{n}, nil
			}
		}
	}
	if i := strings.LastIndexByte(spec, ':'); i > 0 {
		file, rest := spec[:i], spec[i+1:]
		if line, err := strconv.ParseUint(rest, 10, 32); err == nil {
			return e.resolveLine(file, uint32(line), spec)
		}
		if e.isIndexedFile(file) {
			return e.resolveInFile(file, rest, spec)
		}
	}
	if e.isIndexedFile(spec) {
		if n, ok, err := e.fileNode(spec); err != nil {
			return nil, err
		} else if ok {
			return []graph.Node{n}, nil
		}
	}
	var out []graph.Node
	collect := func(n graph.Node) error {
		if len(out) >= maxCandidates {
			return errStop
		}
		out = append(out, n)
		return nil
	}
	if err := ignoreStop(e.g.NodesByQualifiedName(spec, collect)); err != nil {
		return nil, err
	}
	if len(out) == 0 && strings.ContainsAny(spec, "./") {
		var err error
		if out, err = e.resolvePackageQualified(spec); err != nil {
			return nil, err
		}
	}
	if len(out) == 0 && !strings.ContainsAny(spec, "./:") {
		if err := ignoreStop(e.g.NodesByName(spec, collect)); err != nil {
			return nil, err
		}
	}
	if len(out) == 0 {
		return nil, e.notFound(spec)
	}
	return rankMatches(out), nil
}

// ResolveOne is Resolve for commands that need exactly one symbol: several
// matches give an *AmbiguousError listing them.
func (e *Engine) ResolveOne(ctx context.Context, spec string) (graph.Node, error) {
	ms, err := e.Resolve(ctx, spec)
	if err != nil {
		return graph.Node{}, err
	}
	if len(ms) == 1 {
		return ms[0], nil
	}
	amb := &AmbiguousError{Spec: spec, Total: len(ms)}
	for i := range ms[:min(len(ms), maxListedCandidates)] {
		amb.Candidates = append(amb.Candidates, e.symbol(&ms[i]))
	}
	return graph.Node{}, amb
}

var errStop = errors.New("stop")

func ignoreStop(err error) error {
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

// rankMatches drops imports, package clauses and library symbols when a
// definition of the name exists in the repository (an import of
// formatMoney is not a second formatMoney; main is the function rather
// than the package clause; Get is not net/http.Get) and sorts the rest.
func rankMatches(ms []graph.Node) []graph.Node {
	defs := ms[:0:0]
	for _, n := range ms {
		if n.Kind != graph.KindImport && n.Kind != graph.KindPackage && !isExternal(&n) {
			defs = append(defs, n)
		}
	}
	if len(defs) > 0 {
		ms = defs
	}
	sort.SliceStable(ms, func(i, j int) bool {
		if ms[i].File != ms[j].File {
			return ms[i].File < ms[j].File
		}
		if ms[i].StartLine != ms[j].StartLine {
			return ms[i].StartLine < ms[j].StartLine
		}
		return ms[i].ID < ms[j].ID
	})
	return ms
}

// fileNode returns the file node of an indexed file.
func (e *Engine) fileNode(file string) (graph.Node, bool, error) {
	var fn graph.Node
	found := false
	err := e.g.NodesInFile(file, func(n graph.Node) error {
		if n.Kind == graph.KindFile {
			fn, found = n, true
			return errStop
		}
		return nil
	})
	return fn, found, ignoreStop(err)
}

// resolveLine finds the innermost definition spanning line of file.
func (e *Engine) resolveLine(file string, line uint32, spec string) ([]graph.Node, error) {
	if !e.isIndexedFile(file) {
		return nil, &NotFoundError{Spec: spec, Reason: "file " + file + " is not indexed"}
	}
	var best, fileNode graph.Node
	var have, haveFile bool
	err := e.g.NodesInFile(file, func(n graph.Node) error {
		switch {
		case n.Kind == graph.KindFile:
			fileNode, haveFile = n, true
		case n.Kind == graph.KindImport || n.Kind == graph.KindPackage:
		case n.StartLine <= line && line <= n.EndLine:
			// Innermost: the narrowest span; on a tie the later start.
			if !have || n.EndLine-n.StartLine < best.EndLine-best.StartLine ||
				(n.EndLine-n.StartLine == best.EndLine-best.StartLine && n.StartByte > best.StartByte) {
				best, have = n, true
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if have {
		return []graph.Node{best}, nil
	}
	if haveFile && line >= 1 && (fileNode.EndLine == 0 || line <= fileNode.EndLine) {
		return []graph.Node{fileNode}, nil
	}
	return nil, &NotFoundError{Spec: spec, Reason: fmt.Sprintf("no definition spans line %d of %s", line, file)}
}

// resolveInFile finds the symbols of file whose qualified or bare name is
// name.
func (e *Engine) resolveInFile(file, name, spec string) ([]graph.Node, error) {
	var byQN, byName []graph.Node
	err := e.g.NodesInFile(file, func(n graph.Node) error {
		if n.Kind == graph.KindFile {
			return nil
		}
		if n.QualifiedName == name {
			byQN = append(byQN, n)
		} else if n.Name == name {
			byName = append(byName, n)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(byQN) > 0 {
		return rankMatches(byQN), nil
	}
	if len(byName) > 0 {
		return rankMatches(byName), nil
	}
	return nil, &NotFoundError{Spec: spec, Reason: "no symbol " + name + " in " + file}
}

// resolvePackageQualified tries every split of spec into a package part
// and a qualified name: "store.Store.Get" is Store.Get in a package
// (directory) named store, "net/http.Client.Do" is Client.Do in net/http,
// "tools.report.build_report" is build_report in the module tools/report.
func (e *Engine) resolvePackageQualified(spec string) ([]graph.Node, error) {
	slash := strings.LastIndexByte(spec, '/')
	var out []graph.Node
	for i := slash + 1; i < len(spec); i++ {
		if spec[i] != '.' || i == 0 || i == len(spec)-1 {
			continue
		}
		pkg, qn := spec[:i], spec[i+1:]
		err := e.g.NodesByQualifiedName(qn, func(n graph.Node) error {
			if inPackage(n.File, pkg) && len(out) < maxCandidates {
				out = append(out, n)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(out) > 0 {
			return out, nil
		}
	}
	// A library symbol by the last element of its package path:
	// http.Get for net/http.Get.
	if dot := strings.LastIndexByte(spec, '.'); dot > 0 && dot < len(spec)-1 {
		err := e.g.NodesByName(spec[dot+1:], func(n graph.Node) error {
			if n.Kind == graph.KindExternal && strings.HasSuffix(n.QualifiedName, "/"+spec) && len(out) < maxCandidates {
				out = append(out, n)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// inPackage reports whether file belongs to the package, directory or
// module pkg: its directory is pkg or ends in /pkg, or the file without
// its extension is (or ends in) pkg with dots read as slashes.
func inPackage(file, pkg string) bool {
	dir := path.Dir(file)
	if dir == pkg || strings.HasSuffix(dir, "/"+pkg) {
		return true
	}
	mod := strings.TrimSuffix(file, path.Ext(file))
	p := pkg
	if !strings.Contains(p, "/") {
		p = strings.ReplaceAll(p, ".", "/")
	}
	if mod == p || strings.HasSuffix(mod, "/"+p) || dir == p || strings.HasSuffix(dir, "/"+p) {
		return true
	}
	// Python packages: pkg/__init__.py is the module pkg.
	return path.Base(file) == "__init__.py" && (dir == p || strings.HasSuffix(dir, "/"+p))
}

// notFound builds a NotFoundError with up to 10 suggestions: symbols whose
// name is the spec's last identifier, ignoring case.
func (e *Engine) notFound(spec string) error {
	nf := &NotFoundError{Spec: spec}
	name := graph.TargetName(spec)
	if name == "" {
		return nf
	}
	var sugg []graph.Node
	err := e.g.NodesByNameFold(name, func(n graph.Node) error {
		if n.Kind == graph.KindImport {
			return nil
		}
		sugg = append(sugg, n)
		if len(sugg) >= 10 {
			return errStop
		}
		return nil
	})
	if err = ignoreStop(err); err != nil {
		return err
	}
	for i := range rankMatches(sugg) {
		nf.Suggestions = append(nf.Suggestions, e.symbol(&sugg[i]))
	}
	return nf
}

// ScopeKind says what a Scope is.
type ScopeKind string

// Scope kinds.
const (
	ScopeSymbol  ScopeKind = "symbol"
	ScopeFile    ScopeKind = "file"
	ScopePackage ScopeKind = "package"
	// ScopeSymbols is a set of symbols given by id (SymbolsScope), each
	// standing for itself only: what a change touched, for impact.
	ScopeSymbols ScopeKind = "symbols"
)

// Scope is what deps and impact are asked about: one symbol, one file or
// one package (directory).
type Scope struct {
	Kind   ScopeKind `json:"kind"`
	Name   string    `json:"name"` // qualified name, file path or directory
	Symbol *Symbol   `json:"symbol,omitempty"`
	Files  []string  `json:"-"` // the files of a file or package scope
	node   graph.Node
	ids    []graph.NodeID // a ScopeSymbols scope's symbols
}

// SymbolsScope makes a scope of the symbols ids (each standing for itself,
// not for what is nested in it), named name.
func SymbolsScope(name string, ids []graph.NodeID) Scope {
	return Scope{Kind: ScopeSymbols, Name: name, ids: slices.Clone(ids)}
}

// ResolveScope reads a spec given to deps or impact: an indexed file, a
// directory holding indexed files (a package), or a symbol spec as Resolve
// reads it (a package node means its directory; a file node its file).
func (e *Engine) ResolveScope(ctx context.Context, spec string) (Scope, error) {
	s := strings.TrimSpace(spec)
	if e.isIndexedFile(s) {
		return Scope{Kind: ScopeFile, Name: s, Files: []string{s}}, nil
	}
	dir := strings.TrimSuffix(s, "/")
	if dir == "" || dir == "." || !strings.ContainsAny(s, ":") {
		files, err := e.dirFilesOf(ctx, dir)
		if err != nil {
			return Scope{}, err
		}
		if dir == "" {
			dir = "."
		}
		if len(files) > 0 && (dir != "." || s == "." || s == "./") {
			return Scope{Kind: ScopePackage, Name: dir, Files: files}, nil
		}
	}
	n, err := e.ResolveOne(ctx, s)
	if err != nil {
		return Scope{}, err
	}
	switch n.Kind {
	case graph.KindFile:
		return Scope{Kind: ScopeFile, Name: n.File, Files: []string{n.File}}, nil
	case graph.KindPackage:
		d := path.Dir(n.File)
		files, err := e.dirFilesOf(ctx, d)
		if err != nil {
			return Scope{}, err
		}
		return Scope{Kind: ScopePackage, Name: d, Files: files}, nil
	}
	sym := e.symbol(&n)
	return Scope{Kind: ScopeSymbol, Name: n.QualifiedName, Symbol: &sym, node: n}, nil
}
