// Package c is the C language: grammar, extraction query, files and
// parse-time rules. (.h files are claimed by C or C++ from their content:
// see lang.Refine.)
package c

import (
	_ "embed"

	tsc "github.com/tree-sitter/tree-sitter-c/bindings/go"

	"github.com/codegraph-dev/codegraph/internal/lang/cpp"
	"github.com/codegraph-dev/codegraph/internal/lang/spec"
)

//go:embed c.scm
var query string

// Language is C.
var Language = &spec.Language{
	Name:       "c",
	Grammars:   []*spec.Grammar{{Name: "c", Ext: ".c", Raw: tsc.Language, Query: query}},
	Extensions: map[string]string{".c": "c"},
	Visibility: func(_, mods string) string {
		v := spec.StdModifiers(mods, func(m string) string {
			if m == "static" {
				return spec.Private // internal linkage
			}
			return ""
		})
		if v == "" {
			return spec.Public
		}
		return v
	},
	ImportName:      cpp.IncludeName,
	ImportSignature: cpp.IncludeSignature,
	Prototypes:      true,
}
