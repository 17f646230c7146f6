// Package php is the PHP language: grammar, extraction query, files and
// parse-time rules.
package php

import (
	_ "embed"
	"strings"

	tsphp "github.com/tree-sitter/tree-sitter-php/bindings/go"

	"github.com/codegraph-dev/codegraph/internal/lang/spec"
)

//go:embed php.scm
var query string

// Language is PHP.
var Language = &spec.Language{
	Name:         "php",
	Grammars:     []*spec.Grammar{{Name: "php", Ext: ".php", Raw: tsphp.LanguagePHP, Query: query}},
	Extensions:   map[string]string{".php": "php", ".phtml": "php", ".php5": "php", ".php7": "php", ".phpt": "php", ".inc": "php"},
	Interpreters: map[string]string{"php": "php"},
	Visibility: func(_, mods string) string {
		if v := spec.StdModifiers(mods, nil); v != "" {
			return v
		}
		return spec.Public
	},
	OpenScopes: []string{"namespace_definition"},
	DefName:    DefName,
	Target:     Target,
}

// DefName writes a namespace name with dots: App\Services → App.Services.
func DefName(s string) string {
	return strings.Trim(strings.ReplaceAll(s, `\`, "."), ".")
}

// Target normalises a callee, type or import as written to a dotted name:
// \App\Models\Order → App.Models.Order, $this->repo->save → this.repo.save,
// $x?->m → x.m, self::m and static::m → self.m, parent::m → super.m,
// Order::find → Order.find.
func Target(s string) string {
	s = strings.ReplaceAll(s, "?->", ".")
	s = strings.ReplaceAll(s, "->", ".")
	s = strings.ReplaceAll(s, "::", ".")
	s = strings.ReplaceAll(s, `\`, ".")
	s = strings.ReplaceAll(s, "$", "")
	s = strings.TrimLeft(s, ".")
	switch {
	case strings.HasPrefix(s, "static."):
		s = "self." + s[len("static."):]
	case strings.HasPrefix(s, "parent."):
		s = "super." + s[len("parent."):]
	}
	return s
}
