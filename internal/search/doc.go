// Package search answers `codegraph search`: it keeps the search indexes of
// a repository beside its store (lexical BM25F over symbols, a trigram
// index of file contents, an embedding model and a vector index of
// symbols) up to date after each index run, and runs the five modes over
// them: lexical, exact, regex, semantic and hybrid (a fusion of the
// others, boosted by what the graph knows).
//
// Layout under the store directory:
//
//	search/state.json   what the indexes were built from (versions, embedder)
//	search/lexical/     lexical.Index segments
//	search/grep/        grep.Index segments
//	search/model.bin    the built-in embedding model, fitted on the repository
//	search/vectors.cgv  vector.Persistent (base file + .log)
//
// Every index file is an indexfile container (block checksums, atomic
// publish). The indexes are derived data: anything missing, corrupt or
// built by another version is rebuilt from the store by the next index
// run; a reader that finds damage returns a *DamagedError (ErrCorrupt)
// naming the file and saying `codegraph index --rebuild`.
package search
