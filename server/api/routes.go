package api

import (
	"net/http"

	"github.com/campusweek/campusweek/shared"
)

// route is one route of the JSON API.
type route struct {
	pattern string
	handler http.HandlerFunc
	// limited routes cost the university a token request each, so they
	// are rate-limited per client.
	limited bool
	// weeks, for timetable reads, is what a request costs the university
	// in weeks read; they are rate-limited by that, per client and per
	// student.
	weeks weeksFunc
	// object requires the body to be a JSON object, for handlers that do
	// not read it.
	object bool
}

// apiRoutes declares every route of the JSON API. openapi.yaml documents
// each of them; a test keeps the two in step.
func (s *Server) apiRoutes() []route {
	return append([]route{
		{pattern: "GET /api/providers", handler: s.handleProviders},
		{pattern: "GET /api/session", handler: s.handleSession},
		{pattern: "GET /api/timetable", handler: s.handleTimetable, weeks: s.rangeWeeks(1)},
		{pattern: "GET /api/timetable.ics", handler: s.handleTimetableICS, weeks: s.rangeWeeks(shared.ExportWeeks)},
		{pattern: "GET /api/openapi.yaml", handler: s.handleOpenAPI},
		{pattern: "POST /api/auth/{id}/start", handler: s.handleStart, limited: true},
		{pattern: "POST /api/auth/{id}/complete", handler: s.handleComplete, limited: true},
		{pattern: "POST /api/auth/logout", handler: s.handleLogout, limited: true, object: true},
		{pattern: "POST /api/feed/revoke", handler: s.handleFeedRevoke, limited: true},
		{pattern: "GET " + shared.NotificationsPath, handler: s.handleNotifications},
		{pattern: "POST " + shared.NotificationsPath, handler: s.handleNotificationsPost, limited: true},
		{pattern: "DELETE " + shared.NotificationsPath, handler: s.handleNotificationsDelete, limited: true, object: true},
	}, s.publicRoutes()...)
}

// routes assembles the whole backend: the API behind CORS, CSRF checks and
// no-store; probes and metrics; mounts (the demo sandboxes); the PWA for
// everything else; and the middleware every response passes through.
func (s *Server) routes() (http.Handler, error) {
	api := http.NewServeMux()
	for _, r := range s.apiRoutes() {
		var h http.Handler = r.handler
		if r.object {
			h = s.objectBody(h)
		}
		if r.weeks != nil {
			h = s.readLimited(r.weeks, h)
		}
		if r.limited {
			h = s.rateLimited(h)
		}
		api.Handle(r.pattern, labeled(r.pattern, h))
	}
	api.Handle("/api/", labeled("/api/", http.HandlerFunc(s.handleUnknownAPI)))

	csrf, err := s.csrfProtection()
	if err != nil {
		return nil, err
	}
	root := http.NewServeMux()
	root.Handle("/api/", s.corsHandler(csrf(noStore(api))))
	// Calendar subscriptions: no cookies, no CORS, the access is in the path.
	feed := "GET " + shared.FeedPath("{token}")
	root.Handle(feed, labeled(feed, s.feedLimited(http.HandlerFunc(s.handleFeed))))
	// Signing in before the app has started (see pages.go).
	startForm := "POST " + shared.SignInPath("{id}")
	root.Handle(startForm, labeled(startForm, noStore(s.rateLimited(http.HandlerFunc(s.handleStartForm)))))
	callback := "GET " + shared.CallbackPath("{id}")
	root.Handle(callback, labeled(callback, http.HandlerFunc(s.handleCallbackPage)))
	root.Handle("GET /healthz", labeled("GET /healthz", http.HandlerFunc(s.handleHealth)))
	root.Handle("GET /readyz", labeled("GET /readyz", http.HandlerFunc(s.handleReady)))
	if s.opts.Metrics != nil {
		root.Handle("GET /metrics", labeled("GET /metrics", noStore(s.opts.Metrics.Handler())))
	}
	for prefix, h := range s.opts.Mounts {
		root.Handle(prefix, labeled(prefix, h))
	}
	root.Handle("/", labeled("pwa", s.opts.PWA))
	hsts := s.opts.PublicURL.Scheme == "https" && !s.opts.DisableHSTS
	return s.logRequests(recoverPanics(s.log, securityHeaders(hsts, s.checkHost(root)))), nil
}
