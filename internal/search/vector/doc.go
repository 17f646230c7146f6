// Package vector holds codegraph's own vector indexes for semantic
// search: Flat (exact scan), IVF (k-means lists, nprobe) and HNSW (a
// hierarchical navigable small world graph), with cosine or inner-product
// similarity and rows stored as float32, float16 or int8 codes (int8:
// one byte per dimension plus a per-row scale; similarities on int8 codes
// accumulate in int32).
//
// Callers address rows by uint64 ids (graph node ids); the index maps
// them to dense internal rows. Add inserts or replaces, Delete tombstones
// (HNSW keeps tombstoned rows as routing nodes; Compact rebuilds without
// them), and Search takes an optional Filter predicate on ids: when a
// sample of the rows says the filter is selective (under 5% pass) the
// search scans the passing rows exactly, otherwise it runs a filtered
// graph or list search, so selective filters do not lose recall.
//
// Save writes one memory-mappable file (layout documented in file.go)
// by temp file and rename; Open maps it read-only and uses the arrays in
// place after validating them.
//
// Concurrency: any number of Search calls may run at once; Add, Delete,
// Compact and Close are serialised behind an exclusive lock. Add links a
// large batch into the HNSW graph with one goroutine per core (per-row
// lock stripes guard neighbour lists while it does).
//
// The package knows nothing of the store, the index pipeline or the
// embedders: it maps ids to vectors and answers nearest-neighbour queries.
package vector
