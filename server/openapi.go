package server

import (
	_ "embed"
	"net/http"
)

// openAPI describes the JSON API (OpenAPI 3.1). A test checks that every
// /api/v1 route is in it and that it lists no route the server lacks.
//
//go:embed openapi.json
var openAPI []byte

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(openAPI)
}
