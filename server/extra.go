package server

import "net/http"

// extraTabs, extraPages and extraAPI add the pages of the optional
// analyses (vendors, scenarios, embassies) to the navigation and the routes.
func (s *Server) extraTabs() []tab { return nil }

func (s *Server) extraPages(mux *http.ServeMux) {}

func (s *Server) extraAPI() []apiRoute { return nil }
