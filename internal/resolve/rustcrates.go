package resolve

import (
	"bufio"
	"bytes"
	"path"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
)

// Rust crates of the repository: every Cargo.toml with a [package] above
// indexed Rust files (the members of a workspace, path dependencies, the
// examples and benches crates beside them) makes its crate local, so that
// `use axum::Router` in examples/ or in another member binds to that
// crate's definitions instead of becoming an external symbol. A crate is
// named as code names it: [lib] name, else [package] name with - as _.

// rustCrates returns the local crates by name: the directory of each
// crate's library root (src/lib.rs unless [lib] path says otherwise).
func (r *resolver) rustCrates() map[string]string {
	if r.rustCrateDirs != nil || r.root == "" {
		return r.rustCrateDirs
	}
	r.rustCrateDirs = map[string]string{}
	seen := map[string]bool{}
	for dir, files := range r.byDir {
		rust := false
		for _, f := range files {
			if f.Language == "rust" {
				rust = true
				break
			}
		}
		if !rust {
			continue
		}
		for d := dir; !seen[d]; d = path.Dir(d) {
			seen[d] = true
			if name, lib := r.readCargoPackage(path.Join(d, "Cargo.toml")); name != "" {
				root := path.Join(d, "src", "lib.rs")
				if lib != "" {
					root = path.Join(d, lib)
				}
				if _, ok := r.langOf[root]; ok {
					r.rustCrateDirs[name] = root
				}
			}
			if d == "." || d == "/" {
				break
			}
		}
	}
	return r.rustCrateDirs
}

// readCargoPackage reads a Cargo.toml's crate name ([lib] name, else
// [package] name with - as _) and [lib] path; "" when it has no package
// (a virtual workspace manifest) or cannot be read.
func (r *resolver) readCargoPackage(file string) (name, libPath string) {
	b, err := r.readInput(file)
	if err != nil {
		return "", ""
	}
	var pkgName, libName, section string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if i := strings.IndexByte(line, '#'); i >= 0 && !strings.Contains(line[:i], `"`) {
			line = strings.TrimSpace(line[:i])
		}
		if strings.HasPrefix(line, "[") {
			section = strings.Trim(line, "[] ")
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.Trim(strings.TrimSpace(v), `"'`)
		switch {
		case section == "package" && k == "name":
			pkgName = v
		case section == "lib" && k == "name":
			libName = v
		case section == "lib" && k == "path":
			libPath = v
		}
	}
	if pkgName == "" {
		return "", ""
	}
	if libName == "" {
		libName = pkgName
	}
	return strings.ReplaceAll(libName, "-", "_"), libPath
}

// rustCrateModuleFiles maps a path that starts with a local crate's name
// (axum::routing) to the files that can hold it; nil when the first
// segment is not a local crate.
func (r *resolver) rustCrateModuleFiles(segs []string) ([]string, bool) {
	root, ok := r.rustCrates()[segs[0]]
	if !ok {
		return nil, false
	}
	if len(segs) == 1 {
		return []string{root}, true
	}
	p := path.Join(append([]string{path.Dir(root)}, segs[1:]...)...)
	return []string{p + ".rs", path.Join(p, "mod.rs")}, true
}

// isRustLocalCrate reports whether a path's first segment names a crate
// of the repository.
func (r *resolver) isRustLocalCrate(module string) bool {
	first, _, _ := strings.Cut(module, "::")
	_, ok := r.rustCrates()[first]
	return ok
}

// resolveRustPath binds a call path whose first segment is crate, self,
// super or a local crate: module::f, or module::Type::f. ok is false when
// the path does not start so.
func (r *resolver) resolveRustPath(from string, segs []string) ([]graph.NodeID, graph.Resolution, bool) {
	n := len(segs)
	if n < 2 || !isRustLocalPath(segs[0]) && !r.isRustLocalCrate(segs[0]) {
		return nil, graph.ResUnresolved, false
	}
	for _, s := range segs {
		if !isIdent(s) {
			return nil, graph.ResUnresolved, true
		}
	}
	files := r.moduleFiles(from, lang.Rust, strings.Join(segs[:n-1], "::"))
	switch {
	case n == 2 && segs[0] == "self":
		files = []string{from}
	case n == 2 && segs[0] == "crate":
		src := rustCrateSrc(from)
		files = []string{path.Join(src, "lib.rs"), path.Join(src, "main.rs")}
	}
	for _, f := range files {
		if _, ok := r.langOf[f]; !ok {
			continue
		}
		if ids := r.exported(f, segs[n-1], 0, nil); len(ids) > 0 {
			ids, res := r.pickGeneric(ids)
			return ids, res, true
		}
	}
	if n >= 3 { // module::Type::assoc
		for _, f := range r.moduleFiles(from, lang.Rust, strings.Join(segs[:n-2], "::")) {
			for _, id := range r.exported(f, segs[n-2], 0, nil) {
				if t := r.nodeByID(id); t != nil && t.Kind.IsType() {
					ids, res := r.classMethod(lang.Rust, typeRes{node: t}, segs[n-1])
					return ids, res, true
				}
			}
		}
	}
	return nil, graph.ResUnresolved, true
}
