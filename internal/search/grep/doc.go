// Package grep is codegraph's trigram-accelerated exact and regular
// expression search over file contents.
//
// An Index maps every byte trigram of every indexed file to the sorted list
// of files that contain it. A query (a literal or an RE2 regular expression)
// is translated into a boolean trigram query (AND/OR of trigrams, in the
// manner of Russ Cox's google/codesearch) that every file holding a match
// must satisfy; only the files that satisfy it are read from disk and
// verified, line by line. A pattern that yields no trigram constraint (such
// as `\w+` or a two-letter literal) falls back to verifying every file, and
// the result's Stats say so.
//
// Trigrams are taken over bytes with ASCII letters folded to lower case, so
// one index serves case-sensitive and case-insensitive queries; trigrams
// that span a newline are not indexed because matches never span lines.
//
// The index is built from (path, content) pairs the caller supplies
// (Builder), persisted as an immutable base segment plus a small delta
// segment holding changed files and tombstones for the base (Index.Update),
// merged into a new base when the delta grows. Segments are written to a
// temporary file and renamed, and a MANIFEST file, replaced the same way,
// names the live segments, so a crash leaves the previous index intact.
// Segments are memory-mapped when opened.
//
// Matching is per line, as in grep and ripgrep: a match never spans a
// newline, `^`/`$` (and `\A`/`\z`) anchor at line boundaries, and a pattern
// containing a literal newline is rejected.
//
// The package does not walk file trees, read the graph store or rank: the
// index pipeline feeds it file contents, and the search front ends call
// Search.
package grep
