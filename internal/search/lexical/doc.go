// Package lexical is codegraph's BM25F index over symbols. A document is one
// symbol (graph.NodeID plus its name, qualified name, signature, doc comment
// and body text); the caller passes the text and the package tokenizes it
// with internal/search/token, keeping identifiers whole and split.
//
// Scoring is BM25F: per query term, each field's term frequency is
// normalised by that field's length, weighted, summed, and saturated once
// (k1), so a term repeated across fields is not counted as several
// independent terms. The sum is scaled by the query's coverage (the idf of
// the terms a symbol matches over the idf of all of them, to a small
// power), so a symbol matching most of a sentence's words ranks above one
// repeating a single word. On top of it: prefix matching on names (a query term
// "parsej" matches names whose whole identifier or parts start with it, at a
// discount), a dominant boost when the query is one identifier that is
// exactly a symbol's name or qualified-name suffix ("handleUserAuth",
// "Server.Handle"), a small one when a word of a sentence is a symbol's
// name, a light English stemmer, and a small stop-word list for natural
// language queries that keeps code words ("new", "get", "string").
//
// Query terms are scored term at a time into a dense accumulator, with
// field-length normalisation read from one byte per field and document.
//
// An Index is an immutable base segment (memory-mapped, so opening it for a
// one-shot query reads only what the query touches) plus a small delta
// segment holding documents added since and the ids of base documents
// deleted since (tombstones). Save writes the delta alone while it is small
// and merges it into a new base when it grows. Files are published with a
// temp file and a rename; a corrupt or foreign file fails Open with
// ErrCorrupt so that the caller can rebuild.
//
// The package knows nothing of the graph store or the index pipeline.
//
// # File format
//
// Both segment kinds share one little-endian layout (see segment.go):
//
//	header   magic "CGLEXSEG", version u32, kind u32 (0 base, 1 delta),
//	         generation u64, docs u32, terms u32, per-field length sums
//	         5×u64, the end offsets of the eight sections 8×u64, CRC-32C
//	         of the header u32, 4 bytes of padding
//	ids      docs × u64, the document ids by ordinal
//	lens     docs × 5 × u8, field lengths in terms, quantized (segment.go)
//	idsort   docs × u32, ordinals sorted by id (for deletes by id)
//	termoffs (terms+1) × u32, offsets of the terms in termblob
//	termblob the terms, sorted bytewise, concatenated
//	terminfo terms × (postings offset u32, df u32, field mask u8)
//	postings per term, per document in ordinal order: ordinal delta
//	         uvarint, field mask u8, one tf uvarint per set field bit
//	tombs    delta only: sorted ids of base documents deleted
//	trailer  CRC-32C of the sections u32, magic "CGLEXEND"
//
// Terms beginning with 0x01 are whole lower-cased names and those beginning
// with 0x02 lower-cased qualified-name suffixes ("server.handle"); they carry
// the pseudo-field fieldExact and drive the exact-name boost. Terms
// beginning with 0x03 repeat the name and qualified-name terms with postings
// restricted to those fields, so that prefix expansion reads short lists.
// segVersion must be bumped when the layout or the analysis (tokenizing,
// stemming, these special terms) changes.
package lexical
