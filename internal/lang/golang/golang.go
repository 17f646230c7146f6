// Package golang is the Go language: grammar, extraction query, files and
// parse-time rules.
package golang

import (
	_ "embed"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	tsgo "github.com/tree-sitter/tree-sitter-go/bindings/go"

	"github.com/codegraph-dev/codegraph/internal/lang/spec"
)

//go:embed go.scm
var query string

// Language is Go.
var Language = &spec.Language{
	Name:       "go",
	Grammars:   []*spec.Grammar{{Name: "go", Ext: ".go", Raw: tsgo.Language, Query: query}},
	Extensions: map[string]string{".go": "go"},
	Aliases:    []string{"golang"},
	Visibility: func(name, mods string) string {
		if v := spec.StdModifiers(mods, nil); v != "" {
			return v
		}
		if r, _ := utf8.DecodeRuneInString(name); unicode.IsUpper(r) {
			return spec.Public
		}
		return spec.Private
	},
	ImportName: ImportName,
	ImportSignature: func(_, alias string) string {
		return alias // written: resolution takes an unaliased import's name from its package clause
	},
}

// ImportName is the name an unaliased import is known by when its
// package clause cannot be read (a package outside the repository): the
// last path element, skipping a major-version element (/v5) and cutting a
// gopkg.in-style suffix (yaml.v3) and other non-identifier tails, as the
// go tool assumes.
func ImportName(ip string) string {
	ip = strings.TrimRight(ip, "/")
	base := ip[strings.LastIndexByte(ip, '/')+1:]
	if len(base) > 1 && base[0] == 'v' {
		if _, err := strconv.Atoi(base[1:]); err == nil {
			if i := strings.LastIndexByte(ip, '/'); i > 0 {
				dir := ip[:i]
				base = dir[strings.LastIndexByte(dir, '/')+1:]
			}
		}
	}
	base = strings.TrimPrefix(base, "go-")
	if i := strings.IndexFunc(base, func(r rune) bool {
		return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r > 0x7f)
	}); i >= 0 {
		base = base[:i]
	}
	return base
}
