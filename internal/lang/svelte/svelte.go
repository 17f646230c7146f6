// Package svelte is Svelte components (.svelte): the code of their
// <script> and <script context="module"> blocks is parsed as JavaScript
// or TypeScript (lang="ts") at the file's own positions, the component is
// a class node named from the file (Counter for Counter.svelte), and the
// files resolve as TypeScript.
package svelte

import (
	"github.com/codegraph-dev/codegraph/internal/lang/javascript"
	"github.com/codegraph-dev/codegraph/internal/lang/sfc"
	"github.com/codegraph-dev/codegraph/internal/lang/spec"
)

// Language is Svelte.
var Language = &spec.Language{
	Name:       "svelte",
	Grammars:   []*spec.Grammar{{Name: "svelte", Ext: ".svelte", Host: sfc.Host}},
	Extensions: map[string]string{".svelte": "svelte"},
	Visibility: javascript.Visibility,
	ImportSep:  ":",
	ImportName: javascript.ModuleBaseName,
	ResolveAs:  "typescript",
}
