package resolve

import (
	"bytes"
	"encoding/json"
	"path"
	"sort"
	"strings"
)

// Packages of the repository itself: a bare specifier that names a
// package whose package.json lies in the repository ("zod/v4/core" imported
// from zod's own sources or tests, a sibling package of a workspace) is
// followed to its sources through the package's "exports" map (subpath
// patterns and nested conditions, in the order written), or "source",
// "module", "main" and "types" for the package itself. A target in a build
// directory (dist/esm/index.js) is tried where its source would be
// (src/index.ts), so that a package whose exports name only build output
// still maps to the sources that are indexed.

// jsPackage is a package.json of the repository.
type jsPackage struct {
	dir     string // repository-relative
	name    string
	exports json.RawMessage
	entries []string // source, module, main, types: targets for "." without exports
}

// jsPackages returns the repository's packages by name, found in the
// directories holding indexed JavaScript/TypeScript files and above them.
func (r *resolver) jsPackages() map[string]*jsPackage {
	if r.jsPkgs != nil || r.root == "" {
		return r.jsPkgs
	}
	r.jsPkgs = map[string]*jsPackage{}
	seen := map[string]bool{}
	dirs := make([]string, 0, len(r.byDir))
	for d, files := range r.byDir {
		for _, f := range files {
			if f.Language == "javascript" || f.Language == "typescript" {
				dirs = append(dirs, d)
				break
			}
		}
	}
	sort.Strings(dirs)
	for _, dir := range dirs {
		for d := dir; !seen[d]; d = path.Dir(d) {
			seen[d] = true
			if p := r.readJSPackage(d); p != nil {
				if old, ok := r.jsPkgs[p.name]; !ok || len(p.dir) < len(old.dir) {
					r.jsPkgs[p.name] = p // the outermost of same-named packages (fixtures repeat names)
				}
			}
			if d == "." || d == "/" {
				break
			}
		}
	}
	return r.jsPkgs
}

func (r *resolver) readJSPackage(dir string) *jsPackage {
	b, err := r.readInput(path.Join(dir, "package.json"))
	if err != nil {
		return nil
	}
	var pj struct {
		Name    string          `json:"name"`
		Exports json.RawMessage `json:"exports"`
		Source  string          `json:"source"`
		Module  string          `json:"module"`
		Main    string          `json:"main"`
		Types   string          `json:"types"`
		Typings string          `json:"typings"`
	}
	if json.Unmarshal(b, &pj) != nil || pj.Name == "" {
		return nil
	}
	p := &jsPackage{dir: dir, name: pj.Name, exports: pj.Exports}
	for _, e := range []string{pj.Source, pj.Module, pj.Main, pj.Types, pj.Typings} {
		if e != "" {
			p.entries = append(p.entries, e)
		}
	}
	return p
}

// packageFiles maps a bare specifier to indexed files when it names a
// package of the repository (or a subpath of one).
func (r *resolver) packageFiles(module string) []string {
	pkgs := r.jsPackages()
	if len(pkgs) == 0 {
		return nil
	}
	// name/sub or @scope/name/sub
	segs := strings.Split(module, "/")
	n := 1
	if strings.HasPrefix(module, "@") {
		n = 2
	}
	if len(segs) < n {
		return nil
	}
	name, sub := strings.Join(segs[:n], "/"), "."
	if len(segs) > n {
		sub = "./" + strings.Join(segs[n:], "/")
	}
	p := pkgs[name]
	if p == nil {
		return nil
	}
	var targets []string
	if len(p.exports) > 0 && !bytes.Equal(bytes.TrimSpace(p.exports), []byte("null")) {
		targets = exportTargets(p.exports, sub)
	} else if sub == "." {
		targets = append(targets, p.entries...)
		targets = append(targets, "index")
	} else {
		targets = []string{sub}
	}
	var out []string
	seen := map[string]bool{}
	for _, t := range targets {
		for _, c := range sourceCandidates(path.Join(p.dir, t), p.dir) {
			if _, ok := r.langOf[c]; ok && !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
		if len(out) > 0 {
			return out // the first target that maps to sources wins
		}
	}
	return out
}

// exportTargets returns the paths that an "exports" value gives for the
// subpath sub ("." or "./x"), in the order the conditions are written.
func exportTargets(exports json.RawMessage, sub string) []string {
	exports = bytes.TrimSpace(exports)
	if len(exports) == 0 {
		return nil
	}
	if exports[0] != '{' {
		if sub == "." {
			return conditionTargets(exports, "")
		}
		return nil
	}
	keys, vals := orderedObject(exports)
	if len(keys) > 0 && !strings.HasPrefix(keys[0], ".") {
		// {"import": ..., "types": ...}: conditions of ".".
		if sub == "." {
			return conditionTargets(exports, "")
		}
		return nil
	}
	for i, k := range keys {
		if k == sub {
			return conditionTargets(vals[i], "")
		}
	}
	// Subpath patterns ("./*": "./src/*.ts"): the longest prefix wins.
	best, bestLen := -1, -1
	for i, k := range keys {
		pre, suf, ok := strings.Cut(k, "*")
		if ok && strings.HasPrefix(sub, pre) && strings.HasSuffix(sub, suf) && len(sub) >= len(pre)+len(suf) && len(pre) > bestLen {
			best, bestLen = i, len(pre)
		}
	}
	if best < 0 {
		return nil
	}
	pre, suf, _ := strings.Cut(keys[best], "*")
	return conditionTargets(vals[best], sub[len(pre):len(sub)-len(suf)])
}

// conditionTargets flattens a target value (a string, an array, or nested
// conditions) into paths, in the order written, with star substituted.
func conditionTargets(v json.RawMessage, star string) []string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return nil
	}
	switch v[0] {
	case '"':
		var s string
		if json.Unmarshal(v, &s) != nil || !strings.HasPrefix(s, "./") {
			return nil
		}
		return []string{strings.ReplaceAll(s, "*", star)}
	case '[':
		var arr []json.RawMessage
		if json.Unmarshal(v, &arr) != nil {
			return nil
		}
		var out []string
		for _, a := range arr {
			out = append(out, conditionTargets(a, star)...)
		}
		return out
	case '{':
		_, vals := orderedObject(v)
		var out []string
		for _, x := range vals {
			out = append(out, conditionTargets(x, star)...)
		}
		return out
	}
	return nil
}

// orderedObject decodes the members of a JSON object in the order written.
func orderedObject(b []byte) (keys []string, vals []json.RawMessage) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, nil
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return keys, vals
		}
		k, _ := t.(string)
		var v json.RawMessage
		if dec.Decode(&v) != nil {
			return keys, vals
		}
		keys = append(keys, k)
		vals = append(vals, v)
	}
	return keys, vals
}

// sourceCandidates lists the files a package target can stand for: the
// target itself (with TypeScript's extension probing; a declaration file
// for its source beside it), and for a target under a build directory
// (dist/, lib/, build/, out/, optionally one format directory deeper:
// dist/esm/x.js) the same path under src/.
func sourceCandidates(p, pkgDir string) []string {
	p = path.Clean(p)
	for _, ext := range []string{".d.ts", ".d.mts", ".d.cts"} {
		if strings.HasSuffix(p, ext) {
			p = strings.TrimSuffix(p, ext)
			break
		}
	}
	out := jsCandidates(p)
	rel := strings.TrimPrefix(strings.TrimPrefix(p, pkgDir), "/")
	if pkgDir == "." {
		rel = p
	}
	segs := strings.Split(rel, "/")
	switch segs[0] {
	case "dist", "lib", "build", "out", "esm", "cjs":
		for k := 1; k <= 2 && k < len(segs); k++ {
			out = append(out, jsCandidates(path.Join(pkgDir, "src", path.Join(segs[k:]...)))...)
		}
	}
	return out
}
