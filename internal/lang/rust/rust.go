// Package rust is the Rust language: grammar, extraction query, files and
// parse-time rules.
package rust

import (
	_ "embed"
	"strings"

	tsrust "github.com/tree-sitter/tree-sitter-rust/bindings/go"

	"github.com/codegraph-dev/codegraph/internal/lang/spec"
)

//go:embed rust.scm
var query string

// Language is Rust.
var Language = &spec.Language{
	Name:       "rust",
	Grammars:   []*spec.Grammar{{Name: "rust", Ext: ".rs", Raw: tsrust.Language, Query: query}},
	Extensions: map[string]string{".rs": "rust"},
	Aliases:    []string{"rs"},
	Visibility: func(_, mods string) string {
		v := spec.StdModifiers(mods, func(m string) string {
			switch {
			case strings.HasPrefix(m, "pub("):
				return spec.Internal // pub(crate), pub(super)
			case strings.HasPrefix(m, "pub") && !strings.Contains(m, "("):
				return spec.Public
			}
			return ""
		})
		if v == "" {
			return spec.Private
		}
		return v
	},
	ImportSep: "::", // use std::io::{Read} → std::io::Read
	InnerDocs: true,
}
