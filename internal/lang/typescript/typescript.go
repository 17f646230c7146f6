// Package typescript is the TypeScript language (typescript and tsx
// grammars): grammars, extraction queries, files and parse-time rules.
package typescript

import (
	_ "embed"

	tsts "github.com/tree-sitter/tree-sitter-typescript/bindings/go"

	"github.com/codegraph-dev/codegraph/internal/lang/javascript"
	"github.com/codegraph-dev/codegraph/internal/lang/spec"
)

//go:embed typescript.scm
var query string

// Language is TypeScript.
var Language = &spec.Language{
	Name: "typescript",
	Grammars: []*spec.Grammar{
		{Name: "typescript", Ext: ".ts", Raw: tsts.LanguageTypescript, Query: query + "\n"},
		{Name: "tsx", Ext: ".tsx", Raw: tsts.LanguageTSX, Query: query + "\n" + javascript.JSX + "\n"},
	},
	Extensions: map[string]string{
		".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "tsx",
	},
	Aliases:      []string{"ts"},
	Interpreters: map[string]string{"deno": "typescript", "ts-node": "typescript", "tsx": "typescript"},
	Visibility:   javascript.Visibility,
	ImportSep:    ":",
	ImportName:   javascript.ModuleBaseName,
}
