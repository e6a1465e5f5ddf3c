// Package usos is a stand-in USOS API installation, for the backend's demo
// mode and for integration tests: OAuth 1.0a (HMAC-SHA1) with request
// tokens, a consent page, verifiers and access tokens, plus the few API
// methods CampusWeek reads. It is meant to be strict: a real client
// (github.com/dghubble/oauth1) works against it unchanged, while
// signatures, nonces, timestamps, token lifetimes and parameters are
// checked as a real installation checks them, so client bugs show up in
// tests rather than in production.
//
// Methods, all under Prefix+"/services/", GET or POST:
//
//	oauth/request_token  consumer-signed; oauth_callback (URL or "oob"), optional scopes
//	oauth/authorize      HTML consent page (GET) and decision (POST)
//	oauth/access_token   signed with the request token; oauth_verifier
//	oauth/revoke_token   signed with the access token to revoke
//	users/user           user_id, fields
//	users/users          user_ids, fields (lecturer names); 2-legged calls too
//	tt/user              start, days (1..7), fields
//	apisrv/installation  no authorization
//	apisrv/now           no authorization
//
// and the public methods of public.go (directories, the timetables of
// rooms, course editions and staff, the installation list, the method
// reference), anonymous or 2-legged as the real ones are. The page at
// Prefix+"/changes" changes a demo student's timetable between two syncs
// (changes.go).
//
// Choices a client author should know about:
//
//   - The signature base string URI uses "https" only when the request
//     itself came over TLS (r.TLS); X-Forwarded-Proto is not trusted. Behind
//     a TLS-terminating proxy, call the sandbox on its plain-HTTP address.
//   - A form body is signed whenever its media type is
//     application/x-www-form-urlencoded, parameters such as charset
//     notwithstanding (RFC 5849 3.4.1.3.1). dghubble/oauth1 signs a body
//     only under that exact Content-Type, so send exactly that.
//   - Repeated parameters are signed as the RFC says, but no method accepts
//     a repeated parameter (400 param_invalid).
//   - An unsigned call to a method that needs a token gets 401
//     "unauthorized"; a malformed OAuth parameter set gets 400.
//   - A failed signature check includes the server's base string in the
//     reply ("signature_base_string"), which real installations do not.
//
// The demo students are those of package sandbox, the same as in the
// MyTimetable sandbox; activities are generated in Europe/Warsaw time over
// a semester placed around the current date.
//
// All state is in memory, bounded and pruned; nothing is persisted.
package usos

import (
	"crypto/rand"
	"log/slog"
	"maps"
	"net/http"
	"strings"
	"time"

	"github.com/campusweek/campusweek/server/sandbox"

	"github.com/campusweek/campusweek/server/sandbox/internal/changes"
	"github.com/campusweek/campusweek/server/sandbox/internal/web"
)

// Config configures a sandbox installation.
type Config struct {
	// Prefix is the path the installation is mounted at: "" or e.g.
	// "/sandbox/usos" (no trailing slash; one is trimmed if given). The
	// base URL is scheme://Host + Prefix + "/".
	Prefix string
	// Name is the institution name shown on pages and in
	// services/apisrv/installation; default "Sandbox University".
	Name string
	// Consumers maps consumer keys that may call the installation to
	// their secrets.
	Consumers map[string]string
	// Now is the clock, nil = time.Now. It is used for OAuth timestamps,
	// token expiry and to place the generated semester around "today".
	Now func() time.Time
	// Logger receives operational logs; nil = discard. Tokens, secrets,
	// verifiers and signatures are never logged.
	Logger *slog.Logger
}

// Server is a sandbox USOS API installation. It is an http.Handler and is
// safe for concurrent use.
type Server struct {
	prefix    string
	name      string
	consumers map[string]string
	now       func() time.Time
	log       *slog.Logger
	store     *store
	csrfKey   []byte // per-instance key binding consent forms to request tokens
	methods   map[string]method
	changes   changes.Store
}

// method is one API method under services/.
type method struct {
	auth   authKind
	handle func(w http.ResponseWriter, r *http.Request, in *incoming, p *principal)
}

// New returns a sandbox installation configured by cfg.
func New(cfg Config) *Server {
	u := &Server{
		prefix:    strings.TrimRight(cfg.Prefix, "/"),
		name:      cfg.Name,
		consumers: maps.Clone(cfg.Consumers),
		now:       cfg.Now,
		log:       cfg.Logger,
		store:     newStore(),
		csrfKey:   make([]byte, 32),
	}
	if u.prefix != "" && !strings.HasPrefix(u.prefix, "/") {
		u.prefix = "/" + u.prefix
	}
	if u.name == "" {
		u.name = "Sandbox University"
	}
	if u.consumers == nil {
		u.consumers = map[string]string{}
	}
	if u.now == nil {
		u.now = time.Now
	}
	if u.log == nil {
		u.log = slog.New(slog.DiscardHandler)
	}
	rand.Read(u.csrfKey)
	u.methods = map[string]method{
		"oauth/request_token": {authConsumer, u.requestTokenMethod},
		"oauth/access_token":  {authRequestToken, u.accessTokenMethod},
		"oauth/revoke_token":  {authAccessToken, u.revokeTokenMethod},
		"users/user":          {authAccessToken, u.userMethod},
		"users/users":         {authTwoLegged, u.usersMethod},
		"tt/user":             {authAccessToken, u.ttUserMethod},
		"apisrv/installation": {authNone, u.installationMethod},
		"apisrv/now":          {authNone, u.nowMethod},
	}
	maps.Copy(u.methods, u.publicMethods())
	return u
}

// ExpireAccessTokens is a test hook: every access token issued so far is
// expired from now on, so later calls with it get 401 invalid_token, as
// after a real installation's 2-hour limit or a logout.
func (u *Server) ExpireAccessTokens() {
	u.store.expireAccessTokens()
	u.log.Info("usos sandbox: all access tokens expired")
}

// Students returns the demo students a tester can pick on the consent page,
// the first one being preselected: sandbox.Students.
func (u *Server) Students() []sandbox.Student { return sandbox.Students() }

// ServeHTTP handles Prefix+"/services/..." paths and the page at
// Prefix+"/changes" (changes.go). Everything else gets a USOS-style 404.
func (u *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == u.prefix+"/changes" {
		u.changesPage().ServeHTTP(w, r)
		return
	}
	name, ok := strings.CutPrefix(r.URL.Path, u.prefix+"/services/")
	if !ok {
		writeError(w, &apiError{status: http.StatusNotFound, code: "not_found",
			message: "Not found. USOS API methods live under services/."})
		return
	}
	if name == "oauth/authorize" {
		u.authorizePage(w, r)
		return
	}
	m, ok := u.methods[name]
	if !ok {
		writeError(w, &apiError{status: http.StatusNotFound, code: "method_not_found",
			message: "Method 'services/" + web.Clip(name) + "' does not exist."})
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		writeError(w, &apiError{status: http.StatusMethodNotAllowed, code: "method_not_allowed",
			message: "API methods accept GET and POST only."})
		return
	}
	in, apiErr := readIncoming(w, r)
	if apiErr != nil {
		u.fail(w, name, apiErr)
		return
	}
	if f, ok := in.get("format"); ok && f != "json" {
		u.fail(w, name, errParamInvalid("format", "The sandbox speaks json only."))
		return
	}
	var p *principal
	if m.auth != authNone && !(m.auth == authOptional && len(in.proto) == 0) {
		if p, apiErr = u.authenticate(in, m.auth); apiErr != nil {
			u.fail(w, name, apiErr)
			return
		}
	}
	if in.repeated != "" {
		u.fail(w, name, errParamInvalid(in.repeated, "It was given more than once."))
		return
	}
	m.handle(w, r, in, p)
}

// fail logs a refused call (without anything secret) and writes the error.
func (u *Server) fail(w http.ResponseWriter, name string, e *apiError) {
	u.log.Info("usos sandbox: call refused", "method", name, "status", e.status, "error", e.code)
	writeError(w, e)
}

// baseURL is the installation's base URL as a client would configure it.
func (u *Server) baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + strings.ToLower(r.Host) + u.prefix + "/"
}
