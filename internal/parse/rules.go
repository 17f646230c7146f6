package parse

import (
	"strings"

	sitter "github.com/tree-sitter/go-tree-sitter"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
)

// rules are the parse-time rules of a language that work on the syntax
// tree or on the extraction itself, and so live in this package rather
// than in the language's folder under internal/lang (which holds its
// grammar, query, files and the rules on plain text: visibility, import
// names). A language without an entry gets the defaults.
type rules struct {
	// locals turns one @local capture into local declarations; nil: the
	// capture's text.
	locals func(e *extraction, n *sitter.Node) []localDecl
	// importPrefix returns text to put before an import's target (Rust's
	// enclosing use lists).
	importPrefix func(src []byte, n *sitter.Node) string
	// values returns the filter of value references (@reference.value)
	// for one file: whether target, used inside fn (nil at file level),
	// can name a function. Nil: a function or an import of the file.
	values func(e *extraction, res *Result) func(fn *graph.Node, target string) bool
	// access returns the modifiers of a definition that declares none
	// (C++ access specifiers).
	access func(e *extraction, d *def) string
	// finish adds facts once the file's nodes and edges are built (Go's
	// implements edges to GoSatisfies).
	finish func(res *Result)
	// body returns the body of a definition whose query captures none
	// (Swift), where its signature ends; nil when it has none.
	body func(n *sitter.Node) *sitter.Node
	// signature completes a definition's signature from the syntax tree
	// (a Go constant's type implied by its const group).
	signature func(e *extraction, d *def, sig string) string
}

// languageRules is the table of rules, by language name.
var languageRules = map[string]*rules{
	lang.Go: {
		locals: (*extraction).goLocals,
		values: func(_ *extraction, res *Result) func(*graph.Node, string) bool {
			return newGoValueFilter(res).keep
		},
		finish:    goSatisfies,
		signature: (*extraction).goConstType,
	},
	lang.Rust:  {importPrefix: rustUsePrefix},
	lang.CPP:   {access: cppAccess},
	lang.Ruby:  {importPrefix: rubyRequirePrefix, access: rubyAccess},
	lang.Swift: {access: swiftAccess, body: swiftBody},
}

var defaultRules = &rules{values: namedValues}

func init() {
	for _, r := range languageRules {
		if r.values == nil {
			r.values = namedValues
		}
	}
}

// rulesOf returns the rules of a language.
func rulesOf(language string) *rules {
	if r := languageRules[language]; r != nil {
		return r
	}
	return defaultRules
}

// namedValues keeps a value reference when it names a function or an
// import of the file (JS/TS, Python).
func namedValues(e *extraction, _ *Result) func(*graph.Node, string) bool {
	names := e.valueNames()
	return func(_ *graph.Node, target string) bool { return keepValueRef(target, names) }
}

// rubyRequirePrefix makes require_relative "x" import ./x.
func rubyRequirePrefix(src []byte, n *sitter.Node) string {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Kind() != "call" {
			continue
		}
		if m := p.ChildByFieldName("method"); m != nil && string(src[m.StartByte():m.EndByte()]) == "require_relative" {
			return "./"
		}
		return ""
	}
	return ""
}

// rubyAccess is the visibility of a Ruby method: private def m (the def
// is the argument of a call to private), or the last bare private,
// protected or public before it in its class body.
func rubyAccess(e *extraction, d *def) string {
	n := d.node
	if n.Kind() != "method" && n.Kind() != "singleton_method" {
		return ""
	}
	if p := n.Parent(); p != nil && p.Kind() == "argument_list" {
		if c := p.Parent(); c != nil && c.Kind() == "call" {
			if m := c.ChildByFieldName("method"); m != nil {
				if v := rubyVisibilityWord(e.text(m)); v != "" {
					return v
				}
			}
		}
	}
	if n.Kind() == "singleton_method" {
		return "" // def self.x: sections do not apply
	}
	for s := n.PrevNamedSibling(); s != nil; s = s.PrevNamedSibling() {
		if s.Kind() == "identifier" {
			if v := rubyVisibilityWord(e.text(s)); v != "" {
				return v
			}
		}
	}
	return ""
}

func rubyVisibilityWord(w string) string {
	switch strings.TrimSpace(w) {
	case "private", "protected", "public":
		return strings.TrimSpace(w)
	}
	return ""
}

// swiftAccess is the modifier text of a Swift declaration (its modifiers
// child): the Swift query captures no modifiers, as a pattern over
// several children of a declaration is slow to compile in that grammar.
func swiftAccess(e *extraction, d *def) string {
	for i := uint(0); i < d.node.NamedChildCount(); i++ {
		if c := d.node.NamedChild(i); c != nil && c.Kind() == "modifiers" {
			return e.text(c)
		}
	}
	return ""
}

// swiftBody is the body of a Swift declaration: its body field (types,
// functions, initialisers) or its computed value (properties,
// subscripts).
func swiftBody(n *sitter.Node) *sitter.Node {
	if b := n.ChildByFieldName("body"); b != nil {
		return b
	}
	for i := uint(0); i < n.NamedChildCount(); i++ {
		if c := n.NamedChild(i); c != nil && (c.Kind() == "computed_property" || c.Kind() == "class_body" || c.Kind() == "enum_class_body" || c.Kind() == "protocol_body" || c.Kind() == "function_body") {
			return c
		}
	}
	return nil
}
