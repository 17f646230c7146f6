// Package python is the Python language: grammar, extraction query, files
// and parse-time rules.
package python

import (
	_ "embed"
	"strings"

	tspy "github.com/tree-sitter/tree-sitter-python/bindings/go"

	"github.com/codegraph-dev/codegraph/internal/lang/spec"
)

//go:embed python.scm
var query string

// Language is Python.
var Language = &spec.Language{
	Name:       "python",
	Grammars:   []*spec.Grammar{{Name: "python", Ext: ".py", Raw: tspy.Language, Query: query}},
	Extensions: map[string]string{".py": "python", ".pyi": "python", ".pyw": "python"},
	Aliases:    []string{"py"},
	FileNames: map[string]string{
		"SConstruct":  "python",
		"SConscript":  "python",
		"BUILD.bazel": "python", // Starlark is Python syntax
		"WORKSPACE":   "python",
	},
	Interpreters: map[string]string{
		"python": "python", "python2": "python", "python3": "python", "pypy": "python", "pypy3": "python",
	},
	Visibility: func(name, mods string) string {
		if v := spec.StdModifiers(mods, nil); v != "" {
			return v
		}
		if strings.HasPrefix(name, "_") && !(strings.HasPrefix(name, "__") && strings.HasSuffix(name, "__")) {
			return spec.Private
		}
		return spec.Public
	},
}
