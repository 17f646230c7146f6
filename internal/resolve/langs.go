package resolve

import (
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
)

// langRules are one language's resolution rules. They live in this
// package, beside the resolver state they use, and are looked up by
// language name (the seam of internal/lang/<name> on the resolution
// side): a language is resolved by its own binder when it has one, else
// by resolveGeneric, which reads its import rules from here.
type langRules struct {
	// bind resolves one edge of a file of the language; nil:
	// resolveGeneric.
	bind func(r *resolver, e *graph.Edge) ([]graph.NodeID, graph.Resolution)
	// splitImport recovers module and imported name from an import
	// node's qualified name and local name; nil: the whole name is the
	// module.
	splitImport func(qn, local string) importFact
	// typeName finds the type a name means in a file of the language;
	// nil: the generic lookup (lookupTypeName).
	typeName func(r *resolver, file, name string) typeRes
	// moduleFiles maps a module as written in an import of file from to
	// the indexed files that hold it; nil: none (every import external).
	moduleFiles func(r *resolver, from, module string) []string
}

// languageRules is the table of resolution rules, by language name (set
// in init: the rules refer back to it).
var languageRules map[string]*langRules

func init() {
	languageRules = map[string]*langRules{
		lang.Go:  {bind: (*resolver).resolveGo},
		lang.C:   {bind: (*resolver).resolveCpp},
		lang.CPP: {bind: (*resolver).resolveCpp},
		lang.Python: {
			splitImport: pySplitImport,
			moduleFiles: pyModuleFiles,
		},
		lang.JavaScript: {
			splitImport: jsSplitImport,
			moduleFiles: (*resolver).jsModuleFiles,
		},
		lang.TypeScript: {
			splitImport: jsSplitImport,
			moduleFiles: (*resolver).jsModuleFiles,
		},
		lang.Java: {
			splitImport: javaSplitImport,
			moduleFiles: func(r *resolver, _, module string) []string { return r.javaFiles(module) },
		},
		lang.CSharp: {bind: (*resolver).resolveOO, typeName: (*resolver).ooTypeName, splitImport: ooSplitImport},
		lang.Ruby:   {bind: (*resolver).resolveOO, typeName: (*resolver).ooTypeName, splitImport: ooSplitImport},
		lang.PHP:    {bind: (*resolver).resolveOO, typeName: (*resolver).ooTypeName, splitImport: ooSplitImport},
		lang.Kotlin: {bind: (*resolver).resolveOO, typeName: (*resolver).ooTypeName, splitImport: ooSplitImport},
		lang.Swift:  {bind: (*resolver).resolveOO, typeName: (*resolver).ooTypeName, splitImport: ooSplitImport},
		lang.Rust: {
			splitImport: rustSplitImport,
			moduleFiles: func(r *resolver, from, module string) []string { return r.indexed(r.rustModuleFiles(from, module)) },
		},
	}
}

// ooSplitImport: C#, Ruby, PHP, Kotlin and Swift import nodes are named
// by their local name and qualified by the full dotted name
// (App.Models.Order as Order, System.Text.Json.JsonSerializer as Json); a
// C# namespace import, a Kotlin import a.b.* and a Swift module import
// are "*".
func ooSplitImport(qn, local string) importFact {
	if local == "*" {
		return importFact{module: strings.TrimSuffix(qn, ".*")}
	}
	if i := strings.LastIndexByte(qn, '.'); i > 0 && !strings.Contains(qn, "/") {
		return importFact{module: qn[:i], name: qn[i+1:]}
	}
	return importFact{module: qn}
}
