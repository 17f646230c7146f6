// Package java is the Java language: grammar, extraction query, files and
// parse-time rules.
package java

import (
	_ "embed"

	tsjava "github.com/tree-sitter/tree-sitter-java/bindings/go"

	"github.com/codegraph-dev/codegraph/internal/lang/spec"
)

//go:embed java.scm
var query string

// Language is Java.
var Language = &spec.Language{
	Name:       "java",
	Grammars:   []*spec.Grammar{{Name: "java", Ext: ".java", Raw: tsjava.Language, Query: query}},
	Extensions: map[string]string{".java": "java"},
	Visibility: func(_, mods string) string {
		if v := spec.StdModifiers(mods, nil); v != "" {
			return v
		}
		return spec.Internal // package-private
	},
}
