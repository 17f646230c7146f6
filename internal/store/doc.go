// Package store is the persistent code graph: it keeps graph.Node and
// graph.Edge values, their secondary indexes and per-file metadata in a Pebble
// database (the .codegraph directory) and answers bounded prefix-scan queries
// over them.
//
// Only this package knows the key layout and value encodings (see codec.go);
// every layer above speaks graph types. The store knows nothing of parsing,
// resolution or search: it stores what it is given, atomically per Batch.
//
// One process writes at a time: a writer takes an exclusive lock file
// (LOCK.codegraph, holding its pid) before opening Pebble. Read-only opens
// take no writer lock and see a snapshot of the index as of the moment they
// were opened, so queries keep working while another process indexes; such
// readers should be short-lived (or reopened), because a writer deletes
// obsolete Pebble files after a grace period (Options.ObsoleteFileGrace).
// Readers register with a shared lock on READERS.codegraph while open: a
// writer that closes while one is registered deletes only the files whose
// grace period has passed and lists the others in OBSOLETE.codegraph for
// the next writer; with none registered it deletes them all.
package store
