package api

import (
	"net/http"
)

// routes declares every route of the backend.
func (s *Server) routes() (http.Handler, error) {
	api := http.NewServeMux()
	api.HandleFunc("GET /api/providers", s.handleProviders)
	api.HandleFunc("POST /api/auth/{id}/start", s.handleStart)
	api.HandleFunc("POST /api/auth/{id}/complete", s.handleComplete)
	api.HandleFunc("POST /api/auth/logout", s.handleLogout)
	api.HandleFunc("GET /api/session", s.handleSession)
	api.HandleFunc("GET /api/timetable", s.handleTimetable)
	api.HandleFunc("/api/", s.handleUnknownAPI)

	csrf, err := s.csrfProtection()
	if err != nil {
		return nil, err
	}
	root := http.NewServeMux()
	root.Handle("/api/", s.corsHandler(csrf(noStore(api))))
	for prefix, h := range s.opts.Mounts {
		root.Handle(prefix, h)
	}
	root.Handle("/", s.opts.PWA)
	return s.logRequests(recoverPanics(s.log, securityHeaders(root))), nil
}
