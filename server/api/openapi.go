package api

import (
	_ "embed"
	"net/http"
)

// openAPISpec is the OpenAPI description of the JSON API. openapi_test.go
// keeps it in step with apiRoutes and the types in shared/.
//
//go:embed openapi.yaml
var openAPISpec []byte

// handleOpenAPI serves openapi.yaml, for client developers and tools.
func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/yaml")
	w.WriteHeader(http.StatusOK)
	w.Write(openAPISpec)
}
