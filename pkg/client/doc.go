// Package client is the Go client of codegraph's REST API (`codegraph
// serve`): search, the call graph (callers, callees, dependencies, impact,
// paths), nodes and edges, exports, parsing, index jobs and health.
//
// It depends on the standard library only and shares no types with the
// server: every request and answer type is declared here, matching the
// OpenAPI document the server serves at /openapi.json.
//
//	c, err := client.New("http://localhost:8080", client.WithAPIKey(key))
//	res, err := c.Search(ctx, "parse a config file", &client.SearchOptions{Limit: 5})
//	callers, err := c.Callers(ctx, "store.Open", 2)
//
// Errors answered by the server are *APIError values carrying the HTTP
// status and the API's error code; they match the sentinel errors
// (ErrNotFound, ErrUnauthorized, ...) with errors.Is:
//
//	var ae *client.APIError
//	if errors.As(err, &ae) && ae.Code == "ambiguous" { ... ae.Candidates() ... }
//	if errors.Is(err, client.ErrNotFound) { ... }
package client
