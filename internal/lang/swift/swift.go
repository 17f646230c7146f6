// Package swift is the Swift language: grammar, extraction query, files
// and parse-time rules.
package swift

import (
	_ "embed"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/lang/spec"
	"github.com/codegraph-dev/codegraph/internal/lang/swift/grammar"
)

//go:embed swift.scm
var query string

// Language is Swift.
var Language = &spec.Language{
	Name:         "swift",
	Grammars:     []*spec.Grammar{{Name: "swift", Ext: ".swift", Raw: grammar.Language, Query: query}},
	Extensions:   map[string]string{".swift": "swift"},
	Interpreters: map[string]string{"swift": "swift"},
	Visibility: func(_, mods string) string {
		if v := spec.StdModifiers(mods, func(m string) string {
			switch m {
			case "open":
				return spec.Public
			case "fileprivate":
				return spec.Private
			}
			return ""
		}); v != "" {
			return v
		}
		return spec.Internal // Swift's default
	},
	// import Foundation brings every public declaration of the module into
	// scope: the import is named "*", as C#'s using.
	ImportName: func(string) string { return "*" },
	DefName:    func(s string) string { return strings.ReplaceAll(s, "`", "") },
	Target:     Target,
}

// Target normalises a callee or type as written to a dotted name: generic
// arguments go (Array<Order> → Array), optional chaining and forced
// unwrapping (a?.b, a!.b) are plain access, optional types lose their ?
// or !, backquoted names their quotes; try, try? and await go.
func Target(s string) string {
	s = spec.StripGroups(s, '<', '>')
	s = strings.ReplaceAll(s, "?.", ".")
	s = strings.ReplaceAll(s, "!.", ".")
	s = strings.ReplaceAll(s, "`", "")
	s = strings.TrimRight(s, "?!")
	return s
}
