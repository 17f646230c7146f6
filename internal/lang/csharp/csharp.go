// Package csharp is the C# language: grammar, extraction query, files and
// parse-time rules.
package csharp

import (
	_ "embed"
	"strings"

	tscs "github.com/tree-sitter/tree-sitter-c-sharp/bindings/go"

	"github.com/codegraph-dev/codegraph/internal/lang/spec"
)

//go:embed csharp.scm
var query string

// Language is C#.
var Language = &spec.Language{
	Name:       "csharp",
	Grammars:   []*spec.Grammar{{Name: "csharp", Ext: ".cs", Raw: tscs.Language, Query: query}},
	Extensions: map[string]string{".cs": "csharp", ".csx": "csharp"},
	Interpreters: map[string]string{
		"dotnet-script": "csharp",
	},
	Aliases: []string{"c#", "cs"},
	Visibility: func(_, mods string) string {
		if v := spec.StdModifiers(mods, nil); v != "" {
			return v
		}
		return spec.Private // class and struct members; types and interface members say otherwise in the query
	},
	// using A.B; brings every type of namespace A.B into scope: the import
	// is named "*", as Java's import a.b.*.
	ImportName: func(string) string { return "*" },
	OpenScopes: []string{"file_scoped_namespace_declaration"},
	Target:     Target,
}

// Target normalises a callee or type as written to a dotted name:
// generic arguments go (List<Order> → List), base.M is super.M,
// null-conditional access (a?.M) is plain access, @verbatim identifiers
// lose their @, and global:: goes.
func Target(s string) string {
	s = strings.TrimPrefix(s, "global::")
	s = spec.StripGroups(s, '<', '>')
	s = strings.ReplaceAll(s, "?.", ".")
	s = strings.ReplaceAll(s, "!.", ".")
	s = strings.ReplaceAll(s, "@", "")
	s = strings.ReplaceAll(s, "::", ".")
	if rest, ok := strings.CutPrefix(s, "base."); ok {
		s = "super." + rest
	} else if s == "base" {
		s = "super" // : base(...)
	}
	return s
}
