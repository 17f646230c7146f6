// Package ruby is the Ruby language: grammar, extraction query, files and
// parse-time rules.
package ruby

import (
	_ "embed"
	"strings"

	tsrb "github.com/tree-sitter/tree-sitter-ruby/bindings/go"

	"github.com/codegraph-dev/codegraph/internal/lang/spec"
)

//go:embed ruby.scm
var query string

// Language is Ruby.
var Language = &spec.Language{
	Name:     "ruby",
	Grammars: []*spec.Grammar{{Name: "ruby", Ext: ".rb", Raw: tsrb.Language, Query: query}},
	Extensions: map[string]string{
		".rb": "ruby", ".rake": "ruby", ".gemspec": "ruby", ".ru": "ruby", ".rbw": "ruby",
	},
	FileNames: map[string]string{
		"Rakefile": "ruby", "Gemfile": "ruby", "Guardfile": "ruby", "Capfile": "ruby",
		"Vagrantfile": "ruby", "Podfile": "ruby", "Fastfile": "ruby", "Brewfile": "ruby",
	},
	Aliases:      []string{"rb"},
	Interpreters: map[string]string{"ruby": "ruby", "jruby": "ruby", "rake": "ruby"},
	Visibility: func(_, mods string) string {
		if v := spec.StdModifiers(mods, nil); v != "" {
			return v
		}
		return spec.Public
	},
	// require binds no name: the import is named by the path as written
	// ("json", "./models/order"), which no variable can shadow.
	ImportName: func(module string) string { return module },
	DefName:    Name,
	Target:     Target,
}

// Name normalises a definition's name: @repo and :repo are repo.
func Name(s string) string {
	return strings.TrimLeft(s, "@:")
}

// Target normalises a callee as written: @x.m is self.x.m, A::B.m is
// A.B.m, a&.m is a.m, and a leading :: goes.
func Target(s string) string {
	s = strings.TrimPrefix(s, "::")
	s = strings.ReplaceAll(s, "::", ".")
	s = strings.ReplaceAll(s, "&.", ".")
	if strings.HasPrefix(s, "@") && !strings.HasPrefix(s, "@@") {
		s = "self." + s[1:]
	} else if strings.HasPrefix(s, "@@") {
		s = "self." + s[2:]
	}
	return s
}
