// Package javascript is the JavaScript language (with JSX): grammar,
// extraction queries, files and parse-time rules.
package javascript

import (
	_ "embed"
	"strings"

	tsjs "github.com/tree-sitter/tree-sitter-javascript/bindings/go"

	"github.com/codegraph-dev/codegraph/internal/lang/spec"
)

var (
	//go:embed javascript.scm
	query string
	// JSX is the query for JSX elements, shared with TSX.
	//go:embed jsx.scm
	JSX string
)

// Language is JavaScript.
var Language = &spec.Language{
	Name:     "javascript",
	Grammars: []*spec.Grammar{{Name: "javascript", Ext: ".js", Raw: tsjs.Language, Query: query + "\n" + JSX + "\n"}},
	Extensions: map[string]string{
		".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
	},
	FileNames:    map[string]string{"Jakefile": "javascript"},
	Aliases:      []string{"js", "jsx"},
	Interpreters: map[string]string{"node": "javascript", "nodejs": "javascript", "bun": "javascript"},
	Visibility:   Visibility,
	ImportSep:    ":",
	ImportName:   ModuleBaseName,
}

// Visibility is JavaScript's and TypeScript's rule: declared modifiers,
// else private for #names and public for the rest.
func Visibility(name, mods string) string {
	if v := spec.StdModifiers(mods, nil); v != "" {
		return v
	}
	if strings.HasPrefix(name, "#") {
		return spec.Private
	}
	return spec.Public
}

// ModuleBaseName names a JS/TS module specifier by its last path element
// without a script extension: "./polyfills.js" → "polyfills".
func ModuleBaseName(spec string) string {
	spec = strings.TrimRight(spec, "/")
	if i := strings.LastIndexByte(spec, '/'); i >= 0 {
		spec = spec[i+1:]
	}
	for _, ext := range []string{".d.ts", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".json", ".css"} {
		if strings.HasSuffix(spec, ext) && len(spec) > len(ext) {
			return spec[:len(spec)-len(ext)]
		}
	}
	return spec
}
