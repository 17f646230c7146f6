// Package kotlin is the Kotlin language: grammar, extraction query, files
// and parse-time rules.
package kotlin

import (
	_ "embed"
	"strings"

	tskt "github.com/tree-sitter-grammars/tree-sitter-kotlin/bindings/go"

	"github.com/codegraph-dev/codegraph/internal/lang/spec"
)

//go:embed kotlin.scm
var query string

// Language is Kotlin.
var Language = &spec.Language{
	Name:         "kotlin",
	Grammars:     []*spec.Grammar{{Name: "kotlin", Ext: ".kt", Raw: tskt.Language, Query: query}},
	Extensions:   map[string]string{".kt": "kotlin", ".kts": "kotlin"},
	Interpreters: map[string]string{"kotlin": "kotlin", "kotlinc": "kotlin"},
	Aliases:      []string{"kt", "kts"},
	Visibility: func(_, mods string) string {
		if v := spec.StdModifiers(mods, nil); v != "" {
			return v
		}
		return spec.Public // Kotlin's default
	},
	// import a.b.* brings every declaration of package a.b into scope: the
	// import is named "*" (its target keeps the ".*", which resolution
	// drops); import a.b.C is named C.
	ImportName: func(module string) string {
		if strings.HasSuffix(module, ".*") {
			return "*"
		}
		return spec.LastSegment(module)
	},
	OpenScopes: []string{"package_header"},
	Target:     Target,
}

// Target normalises a callee or type as written to a dotted name: generic
// arguments go (List<Order> → List), safe calls and non-null assertions
// (a?.b, a!!.b) are plain access, nullable types lose their ?, backquoted
// names their quotes, and Type::method references are Type.method.
func Target(s string) string {
	s = spec.StripGroups(s, '<', '>')
	s = strings.ReplaceAll(s, "?.", ".")
	s = strings.ReplaceAll(s, "!!.", ".")
	s = strings.ReplaceAll(s, "::", ".")
	s = strings.ReplaceAll(s, "`", "")
	s = strings.TrimRight(s, "?!")
	return s
}
