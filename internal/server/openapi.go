package server

import (
	_ "embed"
	"net/http"
)

// openAPIDoc is the hand-written OpenAPI 3 document of the REST routes
// (TestOpenAPIMatchesRoutes keeps it and the router in step).
//
//go:embed openapi.json
var openAPIDoc []byte

// OpenAPI returns the OpenAPI 3 document (JSON).
func OpenAPI() []byte { return openAPIDoc }

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "max-age=300")
	_, err := w.Write(openAPIDoc)
	return err
}
