// Package embed turns symbols and queries into dense vectors for semantic
// search. It offers a built-in offline model (Model), fitted on the indexed
// repository itself with no network and no download, and HTTP providers for
// Ollama (/api/embed) and OpenAI-compatible /v1/embeddings endpoints, all
// behind the small Embedder interface.
//
// The built-in model learns word associations from the repository: it counts
// how identifier sub-tokens (token.Parts), words of string literals and doc
// comments co-occur within symbols, weights the counts by positive pointwise
// mutual information (PPMI), and reduces that matrix with a randomized
// eigendecomposition to Dim dimensions. Each word also gets a hashed
// character n-gram vector, so related spellings (encode, encoder, encoding)
// and words unseen at fit time still land near each other. A text's vector
// is the IDF-weighted sum of its words' vectors (symbol names and
// signatures weighted up), L2-normalised, so cosine similarity is a dot
// product.
//
// Life cycle in the index pipeline: on a full build, feed every symbol
// (NodeDoc) to a Fitter, Fit, Save the model beside the index
// (e.g. .codegraph/embed/model.bin), and EmbedDocs all symbols; on an
// incremental update, Load the model and EmbedDocs only the changed
// symbols (the fitted model is reused; refit on the next full rebuild).
// Queries go through Embed. Every Embedder has an ID naming provider,
// model, dimension (and, for the built-in model, a checksum of the fit):
// when the ID stored with the vectors differs, rebuild the vector index
// rather than mix vectors. Config (from a config section, the
// CODEGRAPH_EMBEDDING_* environment and flags) and New select the provider.
//
// The package knows nothing of the store, the index pipeline or the vector
// index; it only maps text to vectors.
package embed
