package resolve

import (
	"path"
	"sort"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
)

// Java packages are what the files declare (package x.y;), not their
// directories: Maven and Gradle keep src/main/java/x/Owner.java and
// src/test/java/x/OwnerTests.java in one package x, and a file may sit
// in a directory that does not spell its package at all. A file without a
// package declaration is in the unnamed package of its directory.

// javaPkgIndex maps each Java file to its declared package and each
// package to its files.
type javaPkgIndex struct {
	pkgOf map[string]string   // file → package ("" when none is declared)
	files map[string][]string // package → files, in path order
}

func (r *resolver) javaIndex() *javaPkgIndex {
	if r.javaPkgs != nil {
		return r.javaPkgs
	}
	x := &javaPkgIndex{pkgOf: map[string]string{}, files: map[string][]string{}}
	r.st.NodesByKind(graph.KindPackage, func(n graph.Node) error {
		if n.Language == lang.Java && r.langOf[n.File] == lang.Java {
			if _, dup := x.pkgOf[n.File]; !dup {
				x.pkgOf[n.File] = n.QualifiedName
				x.files[n.QualifiedName] = append(x.files[n.QualifiedName], n.File)
			}
		}
		return nil
	})
	for _, fs := range x.files {
		sort.Strings(fs)
	}
	r.javaPkgs = x
	return x
}

// javaPackageKey names the package of a Java file for caches: its
// declared package, or its directory for the unnamed package.
func (r *resolver) javaPackageKey(file string) string {
	if p, ok := r.javaIndex().pkgOf[file]; ok {
		return "package " + p
	}
	return path.Dir(file)
}

// javaPackageFiles returns the Java files of file's package (file
// included).
func (r *resolver) javaPackageFiles(file string) []string {
	x := r.javaIndex()
	if p, ok := x.pkgOf[file]; ok {
		return x.files[p]
	}
	var out []string
	for _, m := range r.byDir[path.Dir(file)] {
		if m.Language == lang.Java {
			if _, declared := x.pkgOf[m.Path]; !declared {
				out = append(out, m.Path)
			}
		}
	}
	return out
}

// javaPackageTypes returns the top-level types of the Java files in
// files by name, cached under key.
func (r *resolver) javaPackageTypes(key string, files []string) map[string][]graph.NodeID {
	if types, ok := r.dirTypes[key]; ok {
		return types
	}
	types := map[string][]graph.NodeID{}
	for _, f := range files {
		ff := r.facts(f)
		for n, ids := range ff.top {
			for _, id := range ids {
				if nd := ff.byID[id]; nd != nil && nd.Kind.IsType() {
					types[n] = append(types[n], id)
				}
			}
		}
	}
	r.dirTypes[key] = types
	return types
}

// javaClassFiles returns the files of package pkg that declare a
// top-level type named name (import a.b.Foo where Foo.java is not under
// a/b/).
func (r *resolver) javaClassFiles(pkg, name string) []string {
	var out []string
	for _, id := range r.javaPackageTypes("package "+pkg, r.javaIndex().files[pkg])[name] {
		if n := r.nodeByID(id); n != nil && (len(out) == 0 || out[len(out)-1] != n.File) {
			out = append(out, n.File)
		}
	}
	return out
}

// javaStarImportType finds a top-level type named name in the packages a
// file imports wholesale (import a.b.*).
func (r *resolver) javaStarImportType(ff *fileFacts, name string) []graph.NodeID {
	var out []graph.NodeID
	for _, st := range ff.stars {
		pkg := strings.TrimSuffix(strings.TrimSuffix(st.module, "*"), ".")
		out = append(out, r.javaPackageTypes("package "+pkg, r.javaIndex().files[pkg])[name]...)
	}
	return out
}
