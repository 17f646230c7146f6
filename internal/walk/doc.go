// Package walk discovers the source files of a repository for the indexer.
//
// It applies, in order: the directories that are always skipped (.git, .hg,
// .svn, .codegraph); the default dependency and build directories (vendor,
// node_modules, ...) unless Options.NoDefaultIgnores; the repository's ignore
// files (.git/info/exclude, nested .gitignore files, then nested
// .codegraphignore files, which win); the caller's Exclude and Include
// patterns; the secret-file rules; the language detector; and the size limit.
// Files are reported in lexical order of their repository-relative paths.
//
// Ignore files follow git's rules exactly (see Matcher), so that the set of
// files the indexer sees is the set git would consider.
//
// The package lists files; it does not read them beyond the first few bytes a
// Detect function may ask for, and it knows nothing of parsing or storage.
// Callers that read a file's content should check it with IsBinary.
package walk
