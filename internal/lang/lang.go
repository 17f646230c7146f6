// Package lang is the language registry: which files belong to which
// language (by extension, well-known file name and shebang), the tree-sitter
// grammar for each, and the embedded extraction queries.
//
// It knows nothing of the graph or the store.
package lang

import (
	"bytes"
	"embed"
	"fmt"
	"path"
	"sort"
	"strings"
	"unsafe"

	sitter "github.com/tree-sitter/go-tree-sitter"
	tsc "github.com/tree-sitter/tree-sitter-c/bindings/go"
	tscpp "github.com/tree-sitter/tree-sitter-cpp/bindings/go"
	tsgo "github.com/tree-sitter/tree-sitter-go/bindings/go"
	tsjava "github.com/tree-sitter/tree-sitter-java/bindings/go"
	tsjs "github.com/tree-sitter/tree-sitter-javascript/bindings/go"
	tspy "github.com/tree-sitter/tree-sitter-python/bindings/go"
	tsrust "github.com/tree-sitter/tree-sitter-rust/bindings/go"
	tsts "github.com/tree-sitter/tree-sitter-typescript/bindings/go"
)

//go:embed queries/*.scm
var queryFS embed.FS

// Language names as they appear in nodes, filters and output.
const (
	Go         = "go"
	Python     = "python"
	JavaScript = "javascript"
	TypeScript = "typescript"
	Rust       = "rust"
	Java       = "java"
	CPP        = "cpp"
	C          = "c"
)

// Grammar is one tree-sitter grammar with its extraction query. A language
// may have several (TypeScript has typescript and tsx).
type Grammar struct {
	Name     string // grammar name: "tsx"
	Language string // language reported for files parsed with it: "typescript"
	raw      func() unsafe.Pointer
	// queries are the files under queries/ whose concatenation is the
	// extraction query; default: <Name>.scm.
	queries []string
}

// TS returns the tree-sitter language of the grammar.
func (g *Grammar) TS() *sitter.Language { return sitter.NewLanguage(g.raw()) }

// Query returns the grammar's extraction query source: queries/<name>.scm,
// or the concatenation of the files the grammar lists (tsx is typescript.scm
// plus jsx.scm).
func (g *Grammar) Query() (string, error) {
	files := g.queries
	if len(files) == 0 {
		files = []string{g.Name + ".scm"}
	}
	var b strings.Builder
	for _, f := range files {
		q, err := queryFS.ReadFile("queries/" + f)
		if err != nil {
			return "", fmt.Errorf("lang: query for grammar %s: %w", g.Name, err)
		}
		b.Write(q)
		b.WriteByte('\n')
	}
	return b.String(), nil
}

var grammars = map[string]*Grammar{
	"go":         {Name: "go", Language: Go, raw: tsgo.Language},
	"python":     {Name: "python", Language: Python, raw: tspy.Language},
	"javascript": {Name: "javascript", Language: JavaScript, raw: tsjs.Language, queries: []string{"javascript.scm", "jsx.scm"}},
	"typescript": {Name: "typescript", Language: TypeScript, raw: tsts.LanguageTypescript},
	"tsx":        {Name: "tsx", Language: TypeScript, raw: tsts.LanguageTSX, queries: []string{"typescript.scm", "jsx.scm"}},
	"rust":       {Name: "rust", Language: Rust, raw: tsrust.Language},
	"java":       {Name: "java", Language: Java, raw: tsjava.Language},
	"cpp":        {Name: "cpp", Language: CPP, raw: tscpp.Language},
	"c":          {Name: "c", Language: C, raw: tsc.Language},
}

// GrammarByName returns a grammar by its name ("go", "tsx", ...).
func GrammarByName(name string) (*Grammar, bool) {
	g, ok := grammars[name]
	return g, ok
}

// Grammars returns every grammar, sorted by name.
func Grammars() []*Grammar {
	out := make([]*Grammar, 0, len(grammars))
	for _, g := range grammars {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Languages returns the supported language names, sorted.
func Languages() []string {
	return []string{C, CPP, Go, Java, JavaScript, Python, Rust, TypeScript}
}

// IsLanguage reports whether name is a supported language.
func IsLanguage(name string) bool {
	for _, l := range Languages() {
		if l == name {
			return true
		}
	}
	return false
}

// headerGrammar marks .h files, whose grammar (C or C++) is decided from content.
const headerGrammar = "c-or-cpp-header"

var byExt = map[string]string{
	".go":   "go",
	".py":   "python",
	".pyi":  "python",
	".pyw":  "python",
	".js":   "javascript",
	".mjs":  "javascript",
	".cjs":  "javascript",
	".jsx":  "javascript",
	".ts":   "typescript",
	".mts":  "typescript",
	".cts":  "typescript",
	".tsx":  "tsx",
	".rs":   "rust",
	".java": "java",
	".c":    "c",
	".h":    headerGrammar,
	".cc":   "cpp",
	".cpp":  "cpp",
	".cxx":  "cpp",
	".c++":  "cpp",
	".hh":   "cpp",
	".hpp":  "cpp",
	".hxx":  "cpp",
	".h++":  "cpp",
	".ipp":  "cpp",
	".tpp":  "cpp",
	".inl":  "cpp",
}

var byFileName = map[string]string{
	"SConstruct":  "python",
	"SConscript":  "python",
	"BUILD.bazel": "python", // Starlark is Python syntax
	"WORKSPACE":   "python",
	"Jakefile":    "javascript",
}

var byInterpreter = map[string]string{
	"python": "python", "python2": "python", "python3": "python", "pypy": "python", "pypy3": "python",
	"node": "javascript", "nodejs": "javascript", "deno": "typescript", "bun": "javascript",
	"ts-node": "typescript", "tsx": "typescript",
}

// Detect returns the grammar name for a repository-relative path, or "" when
// the file is not a language we index. head lazily returns the first bytes of
// the file; it is called only for files without a known extension (shebang).
// For C/C++ headers it returns a provisional grammar; call Refine with the
// content to settle it.
func Detect(relPath string, head func() []byte) string {
	base := path.Base(relPath)
	if g, ok := byFileName[base]; ok {
		return g
	}
	ext := strings.ToLower(path.Ext(base))
	if strings.HasSuffix(base, ".d.ts") {
		return "typescript"
	}
	if g, ok := byExt[ext]; ok {
		return g
	}
	if ext != "" || head == nil {
		return ""
	}
	return fromShebang(head())
}

func fromShebang(h []byte) string {
	if !bytes.HasPrefix(h, []byte("#!")) {
		return ""
	}
	line := h[2:]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	fields := strings.Fields(string(line))
	if len(fields) == 0 {
		return ""
	}
	interp := path.Base(fields[0])
	if interp == "env" {
		interp = ""
		for _, f := range fields[1:] {
			if strings.HasPrefix(f, "-") || strings.Contains(f, "=") {
				continue
			}
			interp = path.Base(f)
			break
		}
	}
	// python3.12 → python3
	if i := strings.IndexByte(interp, '.'); i > 0 {
		interp = interp[:i]
	}
	return byInterpreter[interp]
}

var cppMarkers = [][]byte{
	[]byte("\nclass "), []byte("\nnamespace "), []byte("template<"), []byte("template <"),
	[]byte("public:"), []byte("private:"), []byte("protected:"), []byte("std::"),
	[]byte("#include <iostream>"), []byte("#include <string>"), []byte("#include <vector>"),
	[]byte("constexpr "), []byte("nullptr"),
}

// Refine settles a provisional grammar from the file's content: a .h file is
// C++ when it uses C++-only syntax, else C.
func Refine(grammar string, content []byte) string {
	if grammar != headerGrammar {
		return grammar
	}
	probe := content
	if len(probe) > 64<<10 {
		probe = probe[:64<<10]
	}
	for _, m := range cppMarkers {
		if bytes.Contains(probe, m) {
			return "cpp"
		}
	}
	return "c"
}

// LanguageOf maps a grammar name (as returned by Detect or Refine) to the
// language name reported for the file.
func LanguageOf(grammar string) string {
	if grammar == headerGrammar {
		return C
	}
	if g, ok := grammars[grammar]; ok {
		return g.Language
	}
	return ""
}
