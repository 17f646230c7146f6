// Package vue is Vue single-file components (.vue): the code of their
// <script> and <script setup> blocks is parsed as JavaScript or
// TypeScript (lang="ts") at the file's own positions, the component is a
// class node named from the file (MyButton for MyButton.vue or
// my-button.vue), and the files resolve as TypeScript.
package vue

import (
	"github.com/codegraph-dev/codegraph/internal/lang/javascript"
	"github.com/codegraph-dev/codegraph/internal/lang/sfc"
	"github.com/codegraph-dev/codegraph/internal/lang/spec"
)

// Language is Vue.
var Language = &spec.Language{
	Name:       "vue",
	Grammars:   []*spec.Grammar{{Name: "vue", Ext: ".vue", Host: sfc.Host}},
	Extensions: map[string]string{".vue": "vue"},
	Visibility: javascript.Visibility,
	ImportSep:  ":",
	ImportName: javascript.ModuleBaseName,
	ResolveAs:  "typescript",
}
