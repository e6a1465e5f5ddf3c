// Package mytimetable is a stand-in MyTimetable installation, for the
// backend's demo mode and for integration tests. MyTimetable (Eveoh,
// Semestry) is the timetabling system of Dutch and Belgian universities;
// the sandbox is an OAuth 2 authorization server with only the
// authorization-code grant (no PKCE, as deployed) and the two API methods
// CampusWeek reads. Like the USOS sandbox it is strict, so that a client
// built on golang.org/x/oauth2 works unchanged while its mistakes fail in
// tests.
//
// Endpoints, relative to Prefix:
//
//	GET  /oauth/authorize   response_type=code, client_id, redirect_uri, scope, state: consent page
//	POST /oauth/authorize   the decision (form fields request, csrf, student, decision)
//	POST /oauth/token       grant_type=authorization_code or refresh_token, form body
//	GET  /api/v0/user       {"username","feedUrl"}; scope user_read
//	GET  /api/v0/timetable  startDate, endDate[, limit]: a bare array of events; scope profile_read
//	GET  /api/v0/timetabletypes, /api/v0/timetables?type&q, /api/v0/timetables/{key}?startDate&endDate:
//	                        rooms', modules' and staff timetables, no OAuth token (public.go)
//	GET  /changes           a page that changes a demo student's timetable (changes.go)
//
// Choices a client author should know about:
//
//   - redirect_uri is compared character for character with the client's
//     registered ones. It may be left out only when exactly one is
//     registered; the token request must then repeat it exactly as the
//     authorize request had it (both absent is a match). An unknown client
//     or redirect URI gets an HTML error page, never a redirect. Other
//     errors redirect with error, error_description and the state.
//   - The client authenticates to /oauth/token with client_id and
//     client_secret in the form body (HTTP Basic is accepted too, but not
//     both at once): with x/oauth2 use AuthStyleInParams. A wrong or
//     missing secret is 401 invalid_client. Parameters in the query
//     string, a repeated parameter or a Content-Type other than
//     application/x-www-form-urlencoded are 400 invalid_request.
//   - A code lives 5 minutes and works once. A second use is invalid_grant
//     and revokes every token issued for the first (RFC 6749 4.1.2). A
//     failed exchange (wrong redirect_uri, another client) spends the code
//     too, as Spring Security does.
//   - Scopes are space-separated; none requested means all. Token replies
//     carry the granted scopes. Refresh tokens (30 days, not rotated: the
//     same one works again) are issued unless the client is registered
//     with NoRefresh. A refresh revokes the access tokens issued earlier
//     under the same grant, as Spring's DefaultTokenServices does, so two
//     copies of one session take turns refreshing.
//   - API calls take "Authorization: Bearer <token>" or ?access_token=,
//     not both. Without "Accept: application/json" every reply, errors
//     included, is XML. Errors are {"errorType","errorMessage","status":
//     "error"}: 401 unauthorized for a missing, unknown or expired token,
//     403 forbidden for a missing scope, 400 invalid_parameter for a bad
//     parameter (invalid_request for a token sent in two places).
//   - startDate and endDate are required: epoch milliseconds, RFC 3339
//     with an offset or Z, a date (local midnight), "today" or "tomorrow".
//     A "+" in an offset must be sent as %2B. The range is half open, at
//     most 366 days; events overlapping it are returned, sorted by start.
//     Times in replies are epoch milliseconds (UTC); the wall clock is
//     Europe/Amsterdam, and the semester always spans a DST change.
//     All-day events run from local midnight to local midnight, end
//     exclusive.
//   - Events have the v0.5 shape: staffMembers are objects except on
//     instruction sessions, where they are plain strings (older servers);
//     notes may be null; unknown fields are present and must be ignored.
//
// The demo students are those of package sandbox, the same as in the USOS
// sandbox. All state is in memory, bounded and pruned; nothing is
// persisted.
package mytimetable

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/campusweek/campusweek/server/sandbox"
	"github.com/campusweek/campusweek/server/sandbox/internal/changes"
)

// Config configures a sandbox MyTimetable installation.
type Config struct {
	// Prefix is the mount path: "" or e.g. "/sandbox/mytimetable" (no
	// trailing slash; one is trimmed). The base URL is
	// scheme://Host + Prefix + "/".
	Prefix string
	// Name is the institution name on pages; default
	// "Sandbox University (MyTimetable)".
	Name string
	// Clients maps client ids to their registration.
	Clients map[string]Client
	// Now is the clock, nil = time.Now. It drives code and token expiry
	// and places the generated semester around "today".
	Now func() time.Time
	// Logger receives operational logs; nil = discard. Tokens, codes,
	// states and secrets are never logged.
	Logger *slog.Logger
	// AccessTokenTTL is the lifetime of access tokens (the expires_in of
	// token replies); default 1 hour.
	AccessTokenTTL time.Duration
	// APITokens, when not empty, are the institution's API tokens: the
	// non-personal timetables (public.go) then need one of them in the
	// apiToken header. Empty serves them anonymously.
	APITokens []string
	// RequirePKCE makes the installation enforce PKCE (RFC 7636): every
	// authorize request must carry an S256 code_challenge. Either way, a
	// code issued with a challenge is exchanged only with its
	// code_verifier.
	RequirePKCE bool
}

// Client is one registered OAuth 2 client.
type Client struct {
	Secret string
	// RedirectURIs are compared with the redirect_uri parameter
	// character for character.
	RedirectURIs []string
	// NoRefresh marks a client that is not registered for refresh
	// tokens: its token replies have no refresh_token.
	NoRefresh bool
}

// Server is a sandbox MyTimetable installation. It is an http.Handler
// and is safe for concurrent use.
type Server struct {
	prefix    string
	name      string
	clients   map[string]Client
	now       func() time.Time
	log       *slog.Logger
	accessTTL time.Duration
	pkce      bool // RequirePKCE
	apiTokens []string
	store     *mttStore
	key       []byte // per-instance key: consent form CSRF fields, feed URLs
	changes   changes.Store
}

const defaultMTTAccessTTL = time.Hour

// New returns a sandbox installation configured by cfg.
func New(cfg Config) *Server {
	m := &Server{
		prefix:    strings.TrimRight(cfg.Prefix, "/"),
		name:      cfg.Name,
		clients:   map[string]Client{},
		now:       cfg.Now,
		log:       cfg.Logger,
		accessTTL: cfg.AccessTokenTTL,
		pkce:      cfg.RequirePKCE,
		apiTokens: slices.Clone(cfg.APITokens),
		store:     newMTTStore(),
		key:       make([]byte, 32),
	}
	// Copy the registrations, so that a caller changing its map or slices
	// later cannot change the installation under a running test.
	for id, c := range cfg.Clients {
		c.RedirectURIs = slices.Clone(c.RedirectURIs)
		m.clients[id] = c
	}
	if m.prefix != "" && !strings.HasPrefix(m.prefix, "/") {
		m.prefix = "/" + m.prefix
	}
	if m.name == "" {
		m.name = "Sandbox University (MyTimetable)"
	}
	if m.now == nil {
		m.now = time.Now
	}
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	if m.accessTTL <= 0 {
		m.accessTTL = defaultMTTAccessTTL
	}
	rand.Read(m.key)
	return m
}

// ExpireAccessTokens is a test hook: every access token issued so far
// answers 401 from now on, as after its expiry. Refresh tokens still work.
func (m *Server) ExpireAccessTokens() {
	m.store.expireAccessTokens()
	m.log.Info("mytimetable sandbox: all access tokens expired")
}

// RevokeRefreshTokens is a test hook: every refresh token issued so far is
// refused (invalid_grant) from now on, as after an administrator revoked
// the grants.
func (m *Server) RevokeRefreshTokens() {
	m.store.revokeRefreshTokens()
	m.log.Info("mytimetable sandbox: all refresh tokens revoked")
}

// Students returns the demo students a tester can pick on the consent
// page, the first one preselected: sandbox.Students.
func (m *Server) Students() []sandbox.Student { return sandbox.Students() }

// ServeHTTP serves the endpoints listed in the type's documentation.
func (m *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, m.prefix+"/")
	switch {
	case !ok:
		m.apiFail(w, r, errMTTNotFound)
	case rest == "oauth/authorize":
		m.authorize(w, r)
	case rest == "oauth/token":
		m.token(w, r)
	case strings.HasPrefix(rest, "api/v0/"):
		m.api(w, r, strings.TrimPrefix(rest, "api/v0/"))
	case rest == "changes":
		m.changesPage().ServeHTTP(w, r)
	default:
		m.apiFail(w, r, errMTTNotFound)
	}
}

// baseURL is the installation's base URL as a client would configure it.
// It trusts r.TLS only, never X-Forwarded-Proto.
func (m *Server) baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + strings.ToLower(r.Host) + m.prefix + "/"
}

// mac returns a URL-safe HMAC of parts under the instance key. The parts
// are length-prefixed so that no two different lists collide.
func (m *Server) mac(parts ...string) string {
	h := hmac.New(sha256.New, m.key)
	for _, p := range parts {
		h.Write([]byte{byte(len(p) >> 8), byte(len(p))})
		h.Write([]byte(p))
	}
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// client returns a copy of a registration.
func (m *Server) client(id string) (Client, bool) {
	c, ok := m.clients[id]
	return c, ok
}
