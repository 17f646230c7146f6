package resolve

import (
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// Swift modules. Swift source names no module: the files of one target of
// a Swift package (Package.swift) see each other's declarations without
// an import, and see another module's after `import M`. A file's module is
// the target whose directory holds it: the target's path: argument, else
// Sources/<name> (Tests/<name> for a test target) beside Package.swift. A
// file outside every target (an Xcode project, an example app) belongs to
// the unnamed module "".

// swiftModules maps files to the targets of the repository's Swift
// packages.
type swiftModules struct {
	byFile map[string]string // file → module
	names  map[string]bool   // every target name
}

// of returns the module of a file ("" outside every target).
func (m *swiftModules) of(file string) string {
	if m == nil {
		return ""
	}
	return m.byFile[file]
}

// has reports whether name is a module (target) of the repository.
func (m *swiftModules) has(name string) bool {
	return m != nil && m.names[name]
}

// swiftTarget is one target declared in a Package.swift.
type swiftTarget struct {
	name, dir string // dir: repository-relative
}

var (
	swiftTargetCall = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\.(target|testTarget|executableTarget|macro|plugin|systemLibrary)\s*\(`)
	})
	swiftNameArg = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\bname\s*:\s*"([^"]+)"`) })
	swiftPathArg = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\bpath\s*:\s*"([^"]+)"`) })
)

// parsePackageSwift reads the targets of a Package.swift in dir. Each
// .target(...) call is read to its closing parenthesis, so that the
// .target(name:) references among its dependencies are not taken for
// declarations.
func parsePackageSwift(dir string, src []byte) []swiftTarget {
	s := string(src)
	var out []swiftTarget
	for i := 0; i < len(s); {
		loc := swiftTargetCall().FindStringSubmatchIndex(s[i:])
		if loc == nil {
			break
		}
		kind := s[i+loc[2] : i+loc[3]]
		open := i + loc[1] - 1
		end := closeParen(s, open)
		args := s[open+1 : end]
		i = end + 1
		name := swiftNameArg().FindStringSubmatch(args)
		if name == nil {
			continue
		}
		d := "Sources/" + name[1]
		if kind == "testTarget" {
			d = "Tests/" + name[1]
		}
		if p := swiftPathArg().FindStringSubmatch(args); p != nil {
			d = p[1]
		}
		out = append(out, swiftTarget{name: name[1], dir: path.Clean(path.Join(dir, d))})
	}
	return out
}

// closeParen returns the index of the parenthesis closing the one at
// open, skipping string literals; len(s)-1 when it is not closed.
func closeParen(s string, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '"':
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' {
					i++
				}
			}
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return i
			}
		}
	}
	return len(s) - 1
}

// swiftPackages reads the Package.swift files among the indexed Swift
// files and assigns each file its module.
func (r *resolver) swiftPackages(files []string) *swiftModules {
	m := &swiftModules{byFile: map[string]string{}, names: map[string]bool{}}
	var targets []swiftTarget
	for _, f := range files {
		if path.Base(f) != "Package.swift" || r.root == "" {
			continue
		}
		b, err := r.readInput(f)
		if err != nil {
			continue // unreadable, or refused (a link out of the repository, say)
		}
		targets = append(targets, parsePackageSwift(path.Dir(f), b)...)
	}
	// The deepest directory wins (a target nested in another's).
	sort.SliceStable(targets, func(i, j int) bool { return len(targets[i].dir) > len(targets[j].dir) })
	for _, t := range targets {
		m.names[t.name] = true
	}
	for _, f := range files {
		for _, t := range targets {
			if t.dir == "." || strings.HasPrefix(f, t.dir+"/") {
				m.byFile[f] = t.name
				break
			}
		}
	}
	return m
}

// swiftTypeName finds the type a name means in a Swift file: a
// module-qualified name (Alamofire.Session) drops its module; then a type
// nested in the file's enclosing types, or a top-level one, of the file's
// module first, then of the modules it imports, then of any module when
// only one type has that qualified name; a name no type of the repository
// has is a library's.
func (r *resolver) swiftTypeName(x *ooIndex, ff *fileFacts, name string) typeRes {
	if head, rest, ok := strings.Cut(name, "."); ok && (x.modules.has(head) || r.swiftImports(ff, head)) {
		name = rest
	}
	for _, s := range r.ooScopes(ff) {
		q := name
		if s != "" {
			q = s + "." + name
		}
		if ids := x.qn[q]; len(ids) > 0 {
			if t, ok := r.swiftPick(x, ff, ids); ok {
				return t
			}
		}
	}
	last := name[strings.LastIndexByte(name, '.')+1:]
	if ids := x.types[last]; len(ids) > 0 {
		var match []graph.NodeID
		for _, id := range ids {
			if n := r.nodeByID(id); n != nil && (n.QualifiedName == name || strings.HasSuffix(n.QualifiedName, "."+name)) {
				match = append(match, id)
			}
		}
		t, _ := r.swiftPick(x, ff, match)
		return t // the repository has that name: found, or ambiguous
	}
	if !isUpper(name) {
		return typeRes{}
	}
	mod := "Swift"
	for _, st := range ff.stars {
		if !x.modules.has(st.module) {
			mod = st.module // the first module imported from a library
			break
		}
	}
	return typeRes{extModule: mod, extSym: name}
}

// swiftImports reports whether a Swift file imports module name.
func (r *resolver) swiftImports(ff *fileFacts, name string) bool {
	for _, st := range ff.stars {
		if st.module == name {
			return true
		}
	}
	return false
}

// swiftPick chooses among types of one name: those of the file's own
// module, else of the modules it imports, else all; within the first
// tier that has any, one qualified name of one module (the first of its
// nodes), or none when several.
func (r *resolver) swiftPick(x *ooIndex, ff *fileFacts, ids []graph.NodeID) (typeRes, bool) {
	var own, imported, all []*graph.Node
	mine := x.modules.of(ff.file)
	for _, id := range ids {
		n := r.nodeByID(id)
		if n == nil || !n.Kind.IsType() {
			continue
		}
		all = append(all, n)
		switch m := x.modules.of(n.File); {
		case m == mine:
			own = append(own, n)
		case r.swiftImports(ff, m):
			imported = append(imported, n)
		}
	}
	for _, tier := range [][]*graph.Node{own, imported, all} {
		if len(tier) == 0 {
			continue
		}
		for _, n := range tier[1:] {
			if n.QualifiedName != tier[0].QualifiedName || x.modules.of(n.File) != x.modules.of(tier[0].File) {
				return typeRes{}, false
			}
		}
		return typeRes{node: tier[0]}, true
	}
	return typeRes{}, false
}

// swiftExtensionMembers returns the members named name that extensions
// in other files add to Swift type t: callables qualified by the type's
// name, of t's module or of a module the extension's file imports.
func (r *resolver) swiftExtensionMembers(t *graph.Node, name string) []graph.NodeID {
	x := r.ooIdx(t.Language)
	mod := x.modules.of(t.File)
	var out []graph.NodeID
	for _, id := range x.members[t.QualifiedName+"."+name] {
		n := r.nodeByID(id)
		if n == nil || n.File == t.File {
			continue
		}
		if m := x.modules.of(n.File); m == mod || r.swiftImports(r.facts(n.File), mod) {
			out = append(out, id)
		}
	}
	return out
}
