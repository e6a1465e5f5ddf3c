package api

import (
	"net/http"
)

// routes declares every route of the backend.
func (s *Server) routes() (http.Handler, error) {
	api := http.NewServeMux()
	handle := func(pattern string, h http.HandlerFunc) { api.Handle(pattern, labeled(pattern, h)) }
	handle("GET /api/providers", s.handleProviders)
	handle("GET /api/session", s.handleSession)
	handle("GET /api/timetable", s.handleTimetable)
	// Sign-in endpoints cost the university a token request each: limited.
	auth := func(pattern string, h http.HandlerFunc) { api.Handle(pattern, labeled(pattern, s.rateLimited(h))) }
	auth("POST /api/auth/{id}/start", s.handleStart)
	auth("POST /api/auth/{id}/complete", s.handleComplete)
	auth("POST /api/auth/logout", s.handleLogout)
	handle("/api/", s.handleUnknownAPI)

	csrf, err := s.csrfProtection()
	if err != nil {
		return nil, err
	}
	root := http.NewServeMux()
	root.Handle("/api/", s.corsHandler(csrf(noStore(api))))
	root.Handle("GET /healthz", labeled("GET /healthz", http.HandlerFunc(s.handleHealth)))
	root.Handle("GET /readyz", labeled("GET /readyz", http.HandlerFunc(s.handleReady)))
	if s.opts.Metrics != nil {
		root.Handle("GET /metrics", labeled("GET /metrics", noStore(s.opts.Metrics.Handler())))
	}
	for prefix, h := range s.opts.Mounts {
		root.Handle(prefix, labeled(prefix, h))
	}
	root.Handle("/", labeled("pwa", s.opts.PWA))
	return s.logRequests(recoverPanics(s.log, securityHeaders(root))), nil
}
