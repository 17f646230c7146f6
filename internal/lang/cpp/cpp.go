// Package cpp is the C++ language: grammar, extraction query, files and
// parse-time rules. (.h files are claimed by C or C++ from their content:
// see lang.Refine.)
package cpp

import (
	_ "embed"
	"path"
	"strings"

	tscpp "github.com/tree-sitter/tree-sitter-cpp/bindings/go"

	"github.com/codegraph-dev/codegraph/internal/lang/spec"
)

//go:embed cpp.scm
var query string

// Language is C++.
var Language = &spec.Language{
	Name:     "cpp",
	Grammars: []*spec.Grammar{{Name: "cpp", Ext: ".cpp", Raw: tscpp.Language, Query: query}},
	Extensions: map[string]string{
		".cc": "cpp", ".cpp": "cpp", ".cxx": "cpp", ".c++": "cpp", ".hh": "cpp", ".hpp": "cpp",
		".hxx": "cpp", ".h++": "cpp", ".ipp": "cpp", ".tpp": "cpp", ".inl": "cpp",
	},
	Aliases:          []string{"c++", "cxx"},
	ImportName:       IncludeName,
	ImportSignature:  IncludeSignature,
	QualifiedMembers: true,
	Prototypes:       true,
}

// IncludeName is the local name of an #include: the header's base name
// (#include <sys/types.h> → types.h); a C++ module-ish name with "::" keeps
// its last element.
func IncludeName(target string) string {
	if strings.Contains(target, "::") {
		return spec.LastSegment(target)
	}
	return path.Base(target)
}

// IncludeSignature keeps an #include as written: <stdio.h> (a system or
// library header) or "x.h".
func IncludeSignature(raw, _ string) string {
	if strings.HasPrefix(raw, "<") || strings.HasPrefix(raw, "\"") {
		return raw
	}
	return ""
}
