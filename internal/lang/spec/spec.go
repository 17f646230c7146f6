// Package spec declares what a language folder under internal/lang
// provides: its grammars and extraction queries, the files it claims
// (extensions, file names, shebang interpreters) and its parse-time rules
// (visibility, import naming). Each language folder exports one Language
// value; package lang lists them all in one place and is what the rest of
// the program calls.
//
// It is a leaf: it imports no other package of the program, so that the
// language folders and lang can both depend on it.
package spec

import (
	"strings"
	"unsafe"
)

// Grammar is one tree-sitter grammar with its extraction query. A language
// may have several (TypeScript has typescript and tsx).
type Grammar struct {
	Name string                // grammar name: "tsx"
	Ext  string                // the usual extension of its files: ".tsx"
	Raw  func() unsafe.Pointer // the grammar's TSLanguage
	// Query is the extraction query source (the capture names are
	// documented in package parse).
	Query string

	// A grammar without a tree-sitter grammar (Raw nil) is one of two
	// things. With Host set, its files embed code of another grammar
	// (the script blocks of Vue and Svelte single-file components):
	// Host returns the grammar to parse a file with and the source to
	// give it, of the same length, with every byte outside the embedded
	// code blanked (newlines kept), so that positions stay the file's.
	// Otherwise it is a text format (Markdown, YAML, ...): its files are
	// indexed as a file node, searched by exact and regex search, with
	// the sections Outline returns (nil: none) as nodes.
	Host    func(src []byte) (grammar string, code []byte)
	Outline func(src []byte) []Section
}

// IsText reports whether g is a text format (no grammar, no host).
func (g *Grammar) IsText() bool { return g.Raw == nil && g.Host == nil }

// Section is a part of a text file that Outline finds (a Markdown
// heading with what follows it up to the next heading of the same or a
// higher level). Offsets are bytes into the file.
type Section struct {
	Title string // the heading's text
	Level int    // 1 for the top level
	// Start and End delimit the section: from its heading's first byte
	// to the byte after its last line.
	Start, End int
	// HeadEnd is the byte after the heading (its text, for the content
	// hash and the signature, is src[Start:HeadEnd]).
	HeadEnd int
}

// Visibility words returned by Language.Visibility; "" is unknown.
const (
	Public    = "public"
	Private   = "private"
	Protected = "protected"
	Internal  = "internal"
)

// Language is everything one language folder provides.
type Language struct {
	Name     string     // language name as it appears in nodes and filters: "typescript"
	Grammars []*Grammar // the grammars whose files report this language
	// Extensions maps lower-case file extensions (".ts") to grammar names.
	Extensions map[string]string
	// FileNames maps well-known base names ("SConstruct") to grammar names.
	FileNames map[string]string
	// Interpreters maps shebang interpreters ("node") to grammar names.
	Interpreters map[string]string
	// Aliases are other names users may call the language by ("js",
	// "c++", "c#"); lower case.
	Aliases []string

	// Visibility returns the visibility of a definition named name with
	// the modifier text mods (space-separated, possibly empty): one of the
	// words above, or "" when the language says nothing. Nil: declared
	// modifiers only (StdModifiers).
	Visibility func(name, mods string) string
	// ImportSep joins an import's module and imported name in the import
	// node's qualified name when the module is not a path ("." when
	// empty; "::" for Rust).
	ImportSep string
	// ImportName returns the local name of an import that names neither
	// an alias nor an imported member (a whole-module import). Nil: the
	// last element of the path ("a/b", "a.b", "a:b" → "b").
	ImportName func(module string) string
	// ImportSignature returns the signature of an import node from the
	// import as written (raw) and its alias. Nil: no signature.
	ImportSignature func(raw, alias string) string
	// QualifiedMembers: a function qualified by a scope that is not a
	// namespace of its file is a method (C++ out-of-line members).
	QualifiedMembers bool
	// Prototypes: a callable declared without a body (a prototype) gets a
	// signature ending in ";", so that resolution prefers the definition.
	Prototypes bool
	// OpenScopes are node kinds of definitions that hold what follows
	// them up to the next one of the same kind or the end of their parent
	// (C#'s namespace X; and PHP's namespace X; without braces).
	OpenScopes []string
	// DefName normalises a definition's name as written (Ruby's @x and
	// :x are x). Nil: kept as written.
	DefName func(s string) string
	// Target normalises a reference as written (a callee, a base type)
	// to the dotted form resolution reads (PHP $this->a->f → this.a.f).
	// Nil: kept as written.
	Target func(s string) string
	// InnerDocs: a comment with an "inner" field (Rust //! and /*!)
	// documents the enclosing item, not the next one.
	InnerDocs bool
	// Text marks a format that is not code (Markdown, YAML, JSON, ...):
	// its files are indexed for search (exact, regex, the headings of
	// Markdown) but left out of the views of the code (overview).
	Text bool
	// ResolveAs names the language whose resolution rules the files
	// follow ("" for its own): Vue and Svelte components resolve as
	// TypeScript (a superset of JavaScript's rules).
	ResolveAs string
}

// StdModifiers returns the visibility that the first of the usual access
// modifiers in mods declares (public, private, protected, internal), and
// "" when there is none. extra, when not nil, is asked first for each
// modifier and wins when it returns a word.
func StdModifiers(mods string, extra func(mod string) string) string {
	for _, m := range strings.Fields(mods) {
		if extra != nil {
			if v := extra(m); v != "" {
				return v
			}
		}
		switch m {
		case Public, Private, Protected, Internal:
			return m
		}
	}
	return ""
}

// LastSegment returns the last element of a module path: "a/b", "a.b" and
// "a:b" all give "b".
func LastSegment(p string) string {
	p = strings.TrimRight(p, "/")
	i := strings.LastIndexAny(p, "/.:")
	if i >= 0 && i < len(p)-1 {
		return p[i+1:]
	}
	return p
}

// StripGroups removes balanced open..close groups (generic arguments):
// List<Dictionary<K, V>>.Add → List.Add. An unbalanced string is returned
// unchanged.
func StripGroups(s string, open, close byte) string {
	if strings.IndexByte(s, open) < 0 {
		return s
	}
	var b strings.Builder
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case open:
			depth++
			continue
		case close:
			if depth == 0 {
				return s
			}
			depth--
			continue
		}
		if depth == 0 {
			b.WriteByte(s[i])
		}
	}
	if depth != 0 {
		return s
	}
	return b.String()
}
