// Package precise is the precise tier of resolution: compiler-grade edges
// that replace the heuristic resolver's where a compiler can give them.
//
// For Go, Run type-checks the packages of the indexed tree with
// golang.org/x/tools/go/packages (go/types) and rewrites the calls,
// references, implements and imports edges of their files with what the
// type checker says, marked graph.ResPrecise; a call through an interface
// method binds to the interface method (precise) and to the methods of the
// repository's types that implement it (graph.ResDynamic). The heuristic
// resolver leaves precise edges alone; Run re-checks the packages whose
// files changed since its last run and the packages that import them.
// Packages that cannot be loaded or type-checked keep their heuristic edges,
// and State records which and why.
//
// ImportSCIP does the same for an index in the SCIP format, produced by a
// language's own indexer (scip-typescript, scip-python, scip-java, ...).
//
// The package sits above store and resolve (it calls resolve.Run to give a
// package that stopped type-checking its heuristic edges back) and below
// index's callers: the CLI and the service schedule it after an index run.
package precise
