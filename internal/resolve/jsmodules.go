package resolve

import (
	"encoding/json"
	"path"
	"sort"
	"strings"
)

// JavaScript and TypeScript module resolution: relative specifiers with
// extension and index-file probing, and bare specifiers mapped through the
// nearest tsconfig.json / jsconfig.json (compilerOptions.baseUrl and paths,
// following extends chains). A bare specifier that maps to no indexed file
// is a package (node_modules) and becomes an external node.

// jsExts are the extensions probed for a specifier, in TypeScript's order.
var jsExts = []string{".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts"}

// tsConfig is the module-resolution part of a tsconfig.json after its
// extends chain is applied. Directories are repository-relative.
type tsConfig struct {
	baseURL  string // "" when unset
	paths    []tsPath
	pathsDir string // directory of the config that declares paths
}

type tsPath struct {
	prefix, suffix string // pattern split at its "*" (suffix unused without one)
	wildcard       bool
	targets        []string
}

// maxExtends bounds a tsconfig extends chain (and breaks cycles).
const maxExtends = 8

// jsModuleFiles maps a module specifier imported by file from to the
// indexed files it can mean, most likely first.
func (r *resolver) jsModuleFiles(from, module string) []string {
	dir := path.Dir(from)
	key := dir + "\x00" + module
	if files, ok := r.jsModCache[key]; ok {
		return files
	}
	files := r.jsModuleFilesIn(dir, module)
	if r.jsModCache == nil {
		r.jsModCache = map[string][]string{}
	}
	r.jsModCache[key] = files
	return files
}

// jsModuleFilesIn is jsModuleFiles for a specifier written in dir.
func (r *resolver) jsModuleFilesIn(dir, module string) []string {
	var cands []string
	switch {
	case strings.HasPrefix(module, "./") || strings.HasPrefix(module, "../") || module == "." || module == "..":
		cands = jsCandidates(path.Join(dir, module))
	case strings.HasPrefix(module, "/"):
		return nil
	default:
		if cfg := r.tsConfigFor(dir); cfg != nil {
			if p, ok := cfg.match(module); ok {
				for _, t := range p {
					cands = append(cands, jsCandidates(t)...)
				}
			}
			if cfg.baseURL != "" {
				cands = append(cands, jsCandidates(path.Join(cfg.baseURL, module))...)
			}
		}
		if !r.anyIndexed(cands) {
			return r.packageFiles(module) // a package of the repository (jspackages.go)
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, c := range cands {
		if _, ok := r.langOf[c]; ok && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

func (r *resolver) anyIndexed(files []string) bool {
	for _, f := range files {
		if _, ok := r.langOf[f]; ok {
			return true
		}
	}
	return false
}

// jsCandidates lists the files a resolved specifier path can name: the path
// itself, with each extension (replacing a script extension, so that
// "./x.js" finds x.ts), and the directory's index file.
func jsCandidates(p string) []string {
	p = path.Clean(p)
	out := []string{p}
	stem := p
	switch path.Ext(p) {
	case ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts":
		stem = strings.TrimSuffix(p, path.Ext(p))
	}
	for _, ext := range jsExts {
		out = append(out, stem+ext)
		if stem != p {
			out = append(out, p+ext)
		}
	}
	for _, ext := range jsExts {
		out = append(out, path.Join(p, "index"+ext))
	}
	return out
}

// match applies the paths mappings to a bare specifier: the pattern with
// the longest prefix wins (TypeScript's rule); its targets are returned
// with the wildcard substituted, relative to the repository root.
func (c *tsConfig) match(module string) ([]string, bool) {
	best := -1
	bestLen := -1
	for i, p := range c.paths {
		switch {
		case !p.wildcard:
			if module == p.prefix && len(p.prefix) > bestLen {
				best, bestLen = i, len(p.prefix)+1 // an exact match beats any pattern
			}
		case len(module) >= len(p.prefix)+len(p.suffix) && strings.HasPrefix(module, p.prefix) && strings.HasSuffix(module, p.suffix):
			if len(p.prefix) > bestLen {
				best, bestLen = i, len(p.prefix)
			}
		}
	}
	if best < 0 {
		return nil, false
	}
	p := c.paths[best]
	star := ""
	if p.wildcard {
		star = module[len(p.prefix) : len(module)-len(p.suffix)]
	}
	// Targets are relative to baseUrl when one applies, else to the
	// config that declares them.
	base := c.pathsDir
	if c.baseURL != "" {
		base = c.baseURL
	}
	out := make([]string, 0, len(p.targets))
	for _, t := range p.targets {
		out = append(out, path.Join(base, strings.Replace(t, "*", star, 1)))
	}
	return out, true
}

// tsConfigFor returns the configuration governing files of dir: the
// nearest tsconfig.json (or jsconfig.json) in dir or above it, up to the
// repository root; nil when there is none.
func (r *resolver) tsConfigFor(dir string) *tsConfig {
	if r.root == "" {
		return nil
	}
	if r.tsConfigs == nil {
		r.tsConfigs = map[string]*tsConfig{}
	}
	var walked []string
	var found *tsConfig
	for d := dir; ; d = path.Dir(d) {
		if c, ok := r.tsConfigs[d]; ok {
			found = c
			break
		}
		walked = append(walked, d)
		if c := r.loadTSConfigIn(d); c != nil {
			found = c
			break
		}
		if d == "." || d == "/" || d == "" {
			break
		}
	}
	for _, d := range walked {
		r.tsConfigs[d] = found
	}
	return found
}

func (r *resolver) loadTSConfigIn(dir string) *tsConfig {
	for _, name := range []string{"tsconfig.json", "jsconfig.json"} {
		file := path.Join(dir, name)
		if c := (&tsConfig{}); r.applyTSConfig(c, file, 0) {
			return c
		}
	}
	return nil
}

// tsConfigJSON is the part of tsconfig.json that module resolution reads.
type tsConfigJSON struct {
	Extends         json.RawMessage `json:"extends"`
	CompilerOptions struct {
		BaseURL *string             `json:"baseUrl"`
		Paths   map[string][]string `json:"paths"`
	} `json:"compilerOptions"`
}

// applyTSConfig reads file (repository-relative) into c: its extends chain
// first, then its own options, which override the inherited ones. It
// reports whether file could be read (a config that is not valid JSON
// still governs its directory, with no options).
func (r *resolver) applyTSConfig(c *tsConfig, file string, depth int) bool {
	if depth > maxExtends {
		return false
	}
	// Read inside the root: an extends chain or a link leading out of the
	// repository is not followed.
	b, err := r.readInput(file)
	if err != nil {
		return false
	}
	var cfg tsConfigJSON
	if err := json.Unmarshal(stripJSONC(b), &cfg); err != nil {
		return true
	}
	dir := path.Dir(file)
	var bases []string
	if len(cfg.Extends) > 0 {
		var one string
		if json.Unmarshal(cfg.Extends, &one) == nil {
			bases = []string{one}
		} else {
			json.Unmarshal(cfg.Extends, &bases) // TypeScript 5: an array, applied in order
		}
	}
	for _, ext := range bases {
		if !strings.HasPrefix(ext, "./") && !strings.HasPrefix(ext, "../") {
			continue // a package's config (@tsconfig/node18): not in the repository
		}
		p := path.Join(dir, ext)
		if !strings.HasSuffix(p, ".json") {
			p += ".json"
		}
		r.applyTSConfig(c, p, depth+1)
	}
	if u := cfg.CompilerOptions.BaseURL; u != nil {
		c.baseURL = path.Join(dir, *u)
	}
	if cfg.CompilerOptions.Paths != nil {
		c.paths = c.paths[:0]
		keys := make([]string, 0, len(cfg.CompilerOptions.Paths))
		for k := range cfg.CompilerOptions.Paths {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := tsPath{prefix: k, targets: cfg.CompilerOptions.Paths[k]}
			if i := strings.IndexByte(k, '*'); i >= 0 {
				p.prefix, p.suffix, p.wildcard = k[:i], k[i+1:], true
			}
			c.paths = append(c.paths, p)
		}
		c.pathsDir = dir
	}
	return true
}

// stripJSONC turns the JSON-with-comments of tsconfig files into JSON:
// // and /* */ comments outside strings are removed, and so are trailing
// commas before } or ].
func stripJSONC(b []byte) []byte {
	out := make([]byte, 0, len(b))
	inStr := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inStr {
			out = append(out, c)
			if c == '\\' && i+1 < len(b) {
				i++
				out = append(out, b[i])
			} else if c == '"' {
				inStr = false
			}
			continue
		}
		switch {
		case c == '"':
			inStr = true
			out = append(out, c)
		case c == '/' && i+1 < len(b) && b[i+1] == '/':
			for i < len(b) && b[i] != '\n' {
				i++
			}
			if i < len(b) {
				out = append(out, '\n')
			}
		case c == '/' && i+1 < len(b) && b[i+1] == '*':
			i += 2
			for i+1 < len(b) && !(b[i] == '*' && b[i+1] == '/') {
				i++
			}
			i++
			out = append(out, ' ')
		case c == '}' || c == ']':
			j := len(out) - 1
			for j >= 0 && (out[j] == ' ' || out[j] == '\t' || out[j] == '\n' || out[j] == '\r') {
				j--
			}
			if j >= 0 && out[j] == ',' {
				out = append(out[:j], out[j+1:]...)
			}
			out = append(out, c)
		default:
			out = append(out, c)
		}
	}
	return out
}
