// Package lang is the language registry: which files belong to which
// language (by extension, well-known file name and shebang), the tree-sitter
// grammar for each, and the embedded extraction queries. Each language is
// one folder below this one (internal/lang/<name>), listed in lang.go.
//
// It knows nothing of the graph or the store.
package lang

import (
	"bytes"
	"fmt"
	"path"
	"sort"
	"strings"

	sitter "github.com/tree-sitter/go-tree-sitter"

	"github.com/codegraph-dev/codegraph/internal/lang/c"
	"github.com/codegraph-dev/codegraph/internal/lang/cpp"
	"github.com/codegraph-dev/codegraph/internal/lang/csharp"
	"github.com/codegraph-dev/codegraph/internal/lang/golang"
	"github.com/codegraph-dev/codegraph/internal/lang/java"
	"github.com/codegraph-dev/codegraph/internal/lang/javascript"
	"github.com/codegraph-dev/codegraph/internal/lang/kotlin"
	"github.com/codegraph-dev/codegraph/internal/lang/markdown"
	"github.com/codegraph-dev/codegraph/internal/lang/php"
	"github.com/codegraph-dev/codegraph/internal/lang/python"
	"github.com/codegraph-dev/codegraph/internal/lang/ruby"
	"github.com/codegraph-dev/codegraph/internal/lang/rust"
	"github.com/codegraph-dev/codegraph/internal/lang/spec"
	"github.com/codegraph-dev/codegraph/internal/lang/svelte"
	"github.com/codegraph-dev/codegraph/internal/lang/swift"
	"github.com/codegraph-dev/codegraph/internal/lang/text"
	"github.com/codegraph-dev/codegraph/internal/lang/typescript"
	"github.com/codegraph-dev/codegraph/internal/lang/vue"
)

// all is every supported language, one folder each. Adding a language is
// adding its folder and a line here.
var all = []*spec.Language{
	c.Language,
	cpp.Language,
	csharp.Language,
	golang.Language,
	java.Language,
	javascript.Language,
	kotlin.Language,
	php.Language,
	python.Language,
	ruby.Language,
	rust.Language,
	swift.Language,
	typescript.Language,
	vue.Language,
	svelte.Language,
	markdown.Language,
	// The text formats last: a code language's claims come first.
}

func init() { all = append(all, text.Languages...) }

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
	CSharp     = "csharp"
	Ruby       = "ruby"
	PHP        = "php"
	Kotlin     = "kotlin"
	Swift      = "swift"
	Vue        = "vue"
	Svelte     = "svelte"
	Markdown   = "markdown"
	Text       = "text" // a text file no format claims
)

// Language is one language: its grammars, the files it claims and its
// parse-time rules (see package spec).
type Language = spec.Language

// Grammar is one tree-sitter grammar with its extraction query. A language
// may have several (TypeScript has typescript and tsx).
type Grammar struct {
	Name     string // grammar name: "tsx"
	Language string // language reported for files parsed with it: "typescript"
	// Spec is the language the grammar belongs to.
	Spec *Language
	g    *spec.Grammar
}

// TS returns the tree-sitter language of the grammar (nil for a grammar
// without one: see HasTree).
func (g *Grammar) TS() *sitter.Language {
	if g.g.Raw == nil {
		return nil
	}
	return sitter.NewLanguage(g.g.Raw())
}

// HasTree reports whether the grammar is a tree-sitter grammar with an
// extraction query; the others are text formats (IsText) and hosts of
// embedded code (Host).
func (g *Grammar) HasTree() bool { return g.g.Raw != nil }

// IsText reports whether the grammar is a text format: its files are a
// file node and the sections Outline finds.
func (g *Grammar) IsText() bool { return g.g.IsText() }

// Outline returns the sections of a text format's file (nil when the
// format has none).
func (g *Grammar) Outline(src []byte) []spec.Section {
	if g.g.Outline == nil {
		return nil
	}
	return g.g.Outline(src)
}

// Host returns, for a grammar whose files embed code of another grammar
// (Vue, Svelte), that grammar and the file's source with everything but
// the code blanked; ok is false for other grammars.
func (g *Grammar) Host(src []byte) (grammar string, code []byte, ok bool) {
	if g.g.Host == nil {
		return "", nil, false
	}
	grammar, code = g.g.Host(src)
	return grammar, code, true
}

// Query returns the grammar's extraction query source.
func (g *Grammar) Query() (string, error) {
	if g.g.Query == "" {
		return "", fmt.Errorf("lang: grammar %s has no query", g.Name)
	}
	return g.g.Query, nil
}

// The registry, built from all once.
var (
	grammars      = map[string]*Grammar{}
	languages     = map[string]*Language{}
	languageNames []string
	byExt         = map[string]string{".h": headerGrammar}
	byFileName    = map[string]string{}
	byInterpreter = map[string]string{}
)

func init() {
	for _, l := range all {
		if languages[l.Name] != nil {
			panic("lang: language registered twice: " + l.Name)
		}
		languages[l.Name] = l
		languageNames = append(languageNames, l.Name)
		for _, g := range l.Grammars {
			if grammars[g.Name] != nil {
				panic("lang: grammar registered twice: " + g.Name)
			}
			grammars[g.Name] = &Grammar{Name: g.Name, Language: l.Name, Spec: l, g: g}
		}
		for from, to := range map[*map[string]string]map[string]string{&byExt: l.Extensions, &byFileName: l.FileNames, &byInterpreter: l.Interpreters} {
			for k, g := range to {
				if _, dup := (*from)[k]; dup {
					panic("lang: " + k + " claimed twice")
				}
				(*from)[k] = g
			}
		}
	}
	sort.Strings(languageNames)
}

// GrammarByName returns a grammar by its name ("go", "tsx", ...).
func GrammarByName(name string) (*Grammar, bool) {
	g, ok := grammars[name]
	return g, ok
}

// GrammarFor returns the grammar a user means by name: a grammar name
// ("tsx"), a language name ("typescript") or one of its aliases ("ts",
// "c++", "c#"), case-insensitive.
func GrammarFor(name string) (string, bool) {
	name = strings.ToLower(strings.TrimSpace(name))
	if _, ok := grammars[name]; ok {
		return name, true
	}
	if l, ok := languages[name]; ok {
		return l.Grammars[0].Name, true
	}
	for _, l := range all {
		for _, a := range l.Aliases {
			if a == name {
				return l.Grammars[0].Name, true
			}
		}
	}
	return "", false
}

// Ext returns the usual extension of a grammar's files (".tsx"), "" for an
// unknown grammar.
func Ext(grammar string) string {
	if g, ok := grammars[grammar]; ok {
		return g.g.Ext
	}
	return ""
}

// ByName returns a language by its name ("go", "typescript", ...).
func ByName(name string) (*Language, bool) {
	l, ok := languages[name]
	return l, ok
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
	return append([]string(nil), languageNames...)
}

// IsLanguage reports whether name is a supported language.
func IsLanguage(name string) bool {
	_, ok := languages[name]
	return ok
}

// IsText reports whether a language is a text format (Markdown, YAML,
// JSON, plain text, ...), not code: its files are indexed for search and
// left out of the views of the code.
func IsText(language string) bool {
	l, ok := languages[language]
	return ok && l.Text
}

// ResolveAs returns the language whose resolution rules the files of
// language follow: its own unless the language names another (Vue and
// Svelte follow TypeScript).
func ResolveAs(language string) string {
	if l, ok := languages[language]; ok && l.ResolveAs != "" {
		return l.ResolveAs
	}
	return language
}

// headerGrammar marks .h files, whose grammar (C or C++) is decided from content.
const headerGrammar = "c-or-cpp-header"

// Detect returns the grammar name for a repository-relative path, or "" when
// the file is not one we index: a file of a binary format (by its
// extension). A file that no language or text format claims is plain
// text ("text"); whether its content is text is for the reader to check
// (a NUL byte: binary). head lazily returns the first bytes of the file;
// it is called only for files without an extension (shebang). For C/C++
// headers it returns a provisional grammar; call Refine with the content
// to settle it.
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
	if text.IsBinaryExt(ext) {
		return ""
	}
	if ext == "" && head != nil {
		if g := fromShebang(head()); g != "" {
			return g
		}
	}
	return text.Plain
}

// DetectCode is Detect for code only: "" for a file that only a text
// format claims.
func DetectCode(relPath string, head func() []byte) string {
	g := Detect(relPath, head)
	if gg, ok := grammars[g]; ok && gg.Spec.Text {
		return ""
	}
	return g
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
