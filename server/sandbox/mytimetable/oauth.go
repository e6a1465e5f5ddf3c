package mytimetable

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/campusweek/campusweek/server/sandbox/internal/demo"
	"github.com/campusweek/campusweek/server/sandbox/internal/web"
)

// This file is the OAuth 2 side of the MyTimetable sandbox: the consent
// page and decision of /oauth/authorize and the token endpoint.

// mttScopes are the scopes MyTimetable knows, in the order pages and
// replies list them, with what the consent page says for each.
var mttScopes = []struct{ name, text string }{
	{"username", "your username"},
	{"user_read", "your account details and the address of your calendar feed"},
	{"profile_read", "your personal timetable"},
	{"profile_write", "changes to the timetables you follow"},
	{"alltimetables", "all published timetables"},
	{"messages_read", "your messages"},
}

// parseMTTScopes parses a space-separated scope parameter (RFC 6749 3.3).
// None requested means every scope, as on real installations; the result
// is in canonical order without repeats.
func parseMTTScopes(s string) ([]string, error) {
	want := strings.Fields(s)
	var out []string
	for _, sc := range mttScopes {
		if len(want) == 0 || slices.Contains(want, sc.name) {
			out = append(out, sc.name)
		}
	}
	for _, w := range want {
		if !slices.Contains(out, w) {
			return nil, fmt.Errorf("unknown scope %q", web.Clip(w))
		}
	}
	return out, nil
}

func scopeWords(scopes []string) []string {
	var out []string
	for _, sc := range mttScopes {
		if slices.Contains(scopes, sc.name) {
			out = append(out, sc.text)
		}
	}
	return out
}

func (m *Server) renderPage(w http.ResponseWriter, status int, name string, d web.Page) {
	d.Institution, d.System = m.name, "MyTimetable"
	web.WritePage(w, status, name, d, m.log)
}

// errorPage is the answer when the browser cannot safely be sent back to
// the client: RFC 6749 4.1.2.1 forbids redirecting to an unverified URI.
func (m *Server) errorPage(w http.ResponseWriter, status int, title, msg string) {
	m.log.Info("mytimetable sandbox: authorize refused", "status", status, "reason", title)
	m.renderPage(w, status, "error", web.Page{Title: title, Message: msg})
}

func (m *Server) csrfFor(consentID string) string { return m.mac("mtt-consent", consentID) }

// authorize is /oauth/authorize: GET shows the consent page, POST records
// the decision.
func (m *Server) authorize(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		m.consentPage(w, r)
	case http.MethodPost:
		m.decision(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		m.errorPage(w, http.StatusMethodNotAllowed, "Method not allowed", "Use GET or POST.")
	}
}

// once returns the single value of name in ps; repeated reports whether it
// occurs more than once (RFC 6749 3.1 forbids that).
func once(ps []web.Param, name string) (value string, present, repeated bool) {
	for _, p := range ps {
		if p.Name == name {
			if present {
				return "", true, true
			}
			value, present = p.Value, true
		}
	}
	return value, present, false
}

func (m *Server) consentPage(w http.ResponseWriter, r *http.Request) {
	q, err := web.ParseForm(r.URL.RawQuery)
	if err != nil {
		m.errorPage(w, http.StatusBadRequest, "Invalid request", "The address of this page is malformed.")
		return
	}
	c, ok := m.verifiedClient(w, q)
	if !ok {
		return
	}
	// The state goes back with every redirected error, unless it is
	// ambiguous.
	state, present, rep := once(q, "state")
	c.state, c.hasState = state, present && !rep
	fail := func(code, description string) {
		m.log.Info("mytimetable sandbox: authorize refused", "client_id", c.client, "error", code)
		web.Redirect(w, web.WithQuery(c.redirectURI, oauthRedirectParams(c, url.Values{
			"error": {code}, "error_description": {description}})))
	}
	for _, p := range q {
		if _, _, rep := once(q, p.Name); rep {
			fail("invalid_request", "Parameter "+web.Clip(p.Name)+" is given more than once.")
			return
		}
	}
	switch rt, _, _ := once(q, "response_type"); rt {
	case "code":
	case "":
		fail("invalid_request", "Missing response_type.")
		return
	default:
		fail("unsupported_response_type", "Only response_type=code is supported.")
		return
	}
	scope, _, _ := once(q, "scope")
	if c.scopes, err = parseMTTScopes(scope); err != nil {
		fail("invalid_scope", "Invalid scope: "+err.Error()+".")
		return
	}
	var problem string
	if c.challenge, problem = m.pkceChallenge(q); problem != "" {
		fail("invalid_request", problem)
		return
	}
	id, err := m.store.addConsent(m.now(), c)
	if err != nil {
		fail("temporarily_unavailable", "The sandbox is busy; try again later.")
		return
	}
	m.renderPage(w, http.StatusOK, "consent", web.Page{
		Title:       "Authorize application",
		Application: c.client,
		Scopes:      scopeWords(c.scopes),
		Students:    demo.Students,
		Action:      m.prefix + "/oauth/authorize",
		TokenField:  "request",
		Token:       id,
		CSRF:        m.csrfFor(id),
		ReturnTo:    redirectHost(c.redirectURI),
	})
}

// verifiedClient checks client_id and redirect_uri, the two parameters
// that decide whether errors may be redirected at all. On failure it has
// written an error page.
func (m *Server) verifiedClient(w http.ResponseWriter, q []web.Param) (mttConsent, bool) {
	clientID, _, rep := once(q, "client_id")
	if rep || clientID == "" {
		m.errorPage(w, http.StatusBadRequest, "Invalid request", "The client_id parameter is missing or repeated.")
		return mttConsent{}, false
	}
	reg, ok := m.client(clientID)
	if !ok {
		m.errorPage(w, http.StatusBadRequest, "Unknown application", "No application is registered with this client_id.")
		return mttConsent{}, false
	}
	given, present, rep := once(q, "redirect_uri")
	c := mttConsent{client: clientID, givenURI: given, redirectURI: given}
	switch {
	case rep:
		m.errorPage(w, http.StatusBadRequest, "Invalid request", "The redirect_uri parameter is repeated.")
		return mttConsent{}, false
	case !present && len(reg.RedirectURIs) == 1:
		c.redirectURI = reg.RedirectURIs[0]
	case !present:
		m.errorPage(w, http.StatusBadRequest, "Invalid request", "The redirect_uri parameter is missing.")
		return mttConsent{}, false
	case !slices.Contains(reg.RedirectURIs, given):
		m.errorPage(w, http.StatusBadRequest, "Invalid redirect URI",
			"The redirect_uri does not match any URI registered for this application (the match is exact).")
		return mttConsent{}, false
	}
	return c, true
}

// oauthRedirectParams adds the state to v, exactly as the client sent it,
// and only if it sent one.
func oauthRedirectParams(c mttConsent, v url.Values) url.Values {
	if c.hasState {
		v.Set("state", c.state)
	}
	return v
}

// redirectHost names where the student will be sent, for the consent page.
func redirectHost(uri string) string {
	if u, err := url.Parse(uri); err == nil && u.Host != "" {
		return u.Host
	}
	return "the application"
}

// decision is POST /oauth/authorize: the student's answer.
func (m *Server) decision(w http.ResponseWriter, r *http.Request) {
	form, ok := web.ReadConsentForm(w, r, m.errorPage)
	if !ok {
		return
	}
	id := web.First(form, "request")
	if !hmac.Equal([]byte(web.First(form, "csrf")), []byte(m.csrfFor(id))) {
		m.log.Warn("mytimetable sandbox: consent form with a bad anti-CSRF field")
		m.errorPage(w, http.StatusForbidden, "Invalid form", "This form did not come from this page. Start again from the application.")
		return
	}
	decision, student := web.First(form, "decision"), web.First(form, "student")
	switch {
	case decision != "allow" && decision != "deny":
		m.errorPage(w, http.StatusBadRequest, "Invalid request", "Choose Allow or Deny.")
		return
	case decision == "allow" && !demo.IsStudent(student):
		m.errorPage(w, http.StatusBadRequest, "Invalid request", "Pick one of the listed students.")
		return
	}
	now := m.now()
	c, err := m.store.takeConsent(now, id)
	if err != nil {
		m.errorPage(w, http.StatusBadRequest, "Request expired",
			"This sign-in request has already been answered or has expired. Go back to the application and try again.")
		return
	}
	if decision == "deny" {
		m.log.Info("mytimetable sandbox: access denied", "client_id", c.client)
		web.Redirect(w, web.WithQuery(c.redirectURI, oauthRedirectParams(c, url.Values{
			"error": {"access_denied"}, "error_description": {"The user denied access."}})))
		return
	}
	code, err := m.store.addCode(now, c, student)
	if err != nil {
		web.Redirect(w, web.WithQuery(c.redirectURI, oauthRedirectParams(c, url.Values{
			"error": {"temporarily_unavailable"}, "error_description": {"The sandbox is busy; try again later."}})))
		return
	}
	m.log.Info("mytimetable sandbox: access allowed", "client_id", c.client, "student", student, "scopes", c.scopes)
	web.Redirect(w, web.WithQuery(c.redirectURI, oauthRedirectParams(c, url.Values{"code": {code}})))
}

// oauthError is an error reply of the token endpoint (RFC 6749 5.2).
type oauthError struct {
	status      int
	code        string
	description string
}

func (e *oauthError) Error() string { return e.code + ": " + e.description }

func invalidRequest(desc string) *oauthError {
	return &oauthError{http.StatusBadRequest, "invalid_request", desc}
}

func invalidGrant(desc string) *oauthError {
	return &oauthError{http.StatusBadRequest, "invalid_grant", desc}
}

var errInvalidClient = &oauthError{http.StatusUnauthorized, "invalid_client", "Bad client credentials"}

// writeOAuth writes a token endpoint reply: v with status 200, or an error.
func (m *Server) writeOAuth(w http.ResponseWriter, v web.Object, e *oauthError) {
	status := http.StatusOK
	if e != nil {
		m.log.Info("mytimetable sandbox: token request refused", "status", e.status, "error", e.code)
		status, v = e.status, web.Object{{Key: "error", Value: e.code}, {Key: "error_description", Value: e.description}}
		if e.status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Basic realm="oauth2/client"`)
		}
	}
	body, _ := web.Marshal(v) // strings and numbers only: cannot fail
	h := w.Header()
	h.Set("Content-Type", "application/json;charset=UTF-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(body)
}

// token is POST /oauth/token.
func (m *Server) token(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		m.writeOAuth(w, nil, &oauthError{http.StatusMethodNotAllowed, "method_not_allowed",
			"Request method '" + web.Clip(r.Method) + "' not supported"})
		return
	}
	form, e := readTokenForm(w, r)
	if e != nil {
		m.writeOAuth(w, nil, e)
		return
	}
	clientID, reg, e := m.authenticateClient(r, form)
	if e != nil {
		m.writeOAuth(w, nil, e)
		return
	}
	var out issued
	switch form["grant_type"] {
	case "authorization_code":
		out, e = m.codeGrant(clientID, reg, form)
	case "refresh_token":
		out, e = m.refreshGrant(clientID, form)
	case "":
		e = invalidRequest("Missing grant type")
	default:
		e = &oauthError{http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant type: " + web.Clip(form["grant_type"])}
	}
	if e != nil {
		m.writeOAuth(w, nil, e)
		return
	}
	m.log.Info("mytimetable sandbox: tokens issued", "client_id", clientID, "grant_type", form["grant_type"],
		"user", out.token.user, "refresh_token", out.refresh != "")
	reply := web.Object{{Key: "access_token", Value: out.access}, {Key: "token_type", Value: "bearer"}}
	if out.refresh != "" {
		reply = append(reply, web.Member{Key: "refresh_token", Value: out.refresh})
	}
	reply = append(reply, web.Member{Key: "expires_in", Value: int64(m.accessTTL / time.Second)},
		web.Member{Key: "scope", Value: strings.Join(out.token.scopes, " ")})
	m.writeOAuth(w, reply, nil)
}

// readTokenForm reads the form body of a token request.
func readTokenForm(w http.ResponseWriter, r *http.Request) (map[string]string, *oauthError) {
	if r.URL.RawQuery != "" {
		return nil, invalidRequest("Parameters must be sent in the request body, not the query string")
	}
	if !web.IsForm(r) {
		return nil, invalidRequest("Content-Type must be application/x-www-form-urlencoded")
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, web.MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &oauthError{http.StatusRequestEntityTooLarge, "invalid_request", "Request body too large"}
		}
		return nil, invalidRequest("Could not read the request body")
	}
	return parseTokenForm(string(raw))
}

// parseTokenForm parses a token request body. Every parameter may appear
// once (RFC 6749 3.2); an empty value counts as absent (RFC 6749 3.1).
func parseTokenForm(body string) (map[string]string, *oauthError) {
	ps, err := web.ParseForm(body)
	if err != nil {
		return nil, invalidRequest("Malformed form body: " + err.Error())
	}
	out := make(map[string]string, len(ps))
	for _, p := range ps {
		if _, dup := out[p.Name]; dup {
			return nil, invalidRequest("Parameter " + web.Clip(p.Name) + " is given more than once")
		}
		out[p.Name] = p.Value
	}
	for k, v := range out {
		if v == "" {
			delete(out, k)
		}
	}
	return out, nil
}

// authenticateClient checks the client credentials: client_id and
// client_secret in the body, or HTTP Basic (RFC 6749 2.3.1), not both.
func (m *Server) authenticateClient(r *http.Request, form map[string]string) (string, Client, *oauthError) {
	id, secret := form["client_id"], form["client_secret"]
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, cred, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Basic") {
			return "", Client{}, errInvalidClient
		}
		if _, ok := form["client_secret"]; ok {
			return "", Client{}, invalidRequest("Use one client authentication method, not Basic and the body at once")
		}
		bid, bsecret, ok := basicCredentials(cred)
		if !ok || id != "" && id != bid {
			return "", Client{}, errInvalidClient
		}
		id, secret = bid, bsecret
	}
	reg, ok := m.client(id)
	if !ok || secret == "" || subtle.ConstantTimeCompare([]byte(secret), []byte(reg.Secret)) != 1 {
		return "", Client{}, errInvalidClient
	}
	return id, reg, nil
}

// basicCredentials decodes HTTP Basic credentials; RFC 6749 2.3.1 has the
// client id and secret form-encoded before base64.
func basicCredentials(b64 string) (id, secret string, ok bool) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil {
		return "", "", false
	}
	rawID, rawSecret, ok := strings.Cut(string(raw), ":")
	if !ok {
		return "", "", false
	}
	id, err1 := url.QueryUnescape(rawID)
	secret, err2 := url.QueryUnescape(rawSecret)
	return id, secret, err1 == nil && err2 == nil
}

func (m *Server) codeGrant(clientID string, reg Client, form map[string]string) (issued, *oauthError) {
	code := form["code"]
	if code == "" {
		return issued{}, invalidRequest("Missing code")
	}
	if _, ok := form["scope"]; ok {
		return issued{}, invalidRequest("The scope was fixed at authorization; do not send it with the code")
	}
	out, err := m.store.redeem(m.now(), code, clientID, form["redirect_uri"], form["code_verifier"], m.accessTTL, !reg.NoRefresh)
	switch {
	case err == nil:
		return out, nil
	case errors.Is(err, errPKCE):
		return issued{}, invalidGrant("PKCE verification failed: the code_verifier is missing, malformed or does not match the code_challenge")
	case errors.Is(err, errCodeReplayed):
		m.log.Warn("mytimetable sandbox: authorization code replayed; its tokens are revoked", "client_id", clientID)
		return issued{}, invalidGrant("Invalid authorization code (already used)")
	case errors.Is(err, errTokenExpiredNow):
		return issued{}, invalidGrant("Invalid authorization code (expired)")
	case errors.Is(err, errGrantMismatch):
		return issued{}, invalidGrant("Redirect URI mismatch, or the code was issued to another client")
	case errors.Is(err, errStoreFull):
		return issued{}, &oauthError{http.StatusServiceUnavailable, "temporarily_unavailable", "The sandbox is busy; try again later"}
	default:
		return issued{}, invalidGrant("Invalid authorization code")
	}
}

func (m *Server) refreshGrant(clientID string, form map[string]string) (issued, *oauthError) {
	refresh := form["refresh_token"]
	if refresh == "" {
		return issued{}, invalidRequest("Missing refresh_token")
	}
	var scopes []string
	if s, ok := form["scope"]; ok {
		var err error
		if scopes, err = parseMTTScopes(s); err != nil {
			return issued{}, &oauthError{http.StatusBadRequest, "invalid_scope", "Invalid scope: " + err.Error()}
		}
	}
	out, err := m.store.useRefresh(m.now(), refresh, clientID, scopes, m.accessTTL)
	switch {
	case err == nil:
		return out, nil
	case errors.Is(err, errScopeWidened):
		return issued{}, &oauthError{http.StatusBadRequest, "invalid_scope", "A refresh cannot widen the scope of the grant"}
	case errors.Is(err, errStoreFull):
		return issued{}, &oauthError{http.StatusServiceUnavailable, "temporarily_unavailable", "The sandbox is busy; try again later"}
	default:
		return issued{}, invalidGrant("Invalid refresh token")
	}
}

// pkceChallenge reads the PKCE parameters of an authorize request (RFC 7636
// 4.3): the code_challenge, "" when there is none, or what is wrong with
// them (no challenge is wrong when the installation requires PKCE). Only
// the S256 method is supported.
func (m *Server) pkceChallenge(q []web.Param) (challenge, problem string) {
	challenge, _, _ = once(q, "code_challenge")
	method, hasMethod, _ := once(q, "code_challenge_method")
	switch {
	case challenge == "" && hasMethod:
		return "", "code_challenge_method without code_challenge."
	case challenge == "" && m.pkce:
		return "", "PKCE is required: send a code_challenge with code_challenge_method=S256."
	case challenge == "":
		return "", ""
	case method != "S256":
		return "", "Only code_challenge_method=S256 is supported."
	}
	if b, err := base64.RawURLEncoding.Strict().DecodeString(challenge); err != nil || len(b) != sha256.Size {
		return "", "The code_challenge is not the base64url of a SHA-256 digest."
	}
	return challenge, ""
}

// pkceVerifier is the syntax of a code_verifier (RFC 7636 4.1).
var pkceVerifier = regexp.MustCompile(`^[A-Za-z0-9._~-]{43,128}$`)

// pkceVerified reports whether verifier answers challenge (RFC 7636 4.6):
// both absent, or verifier well formed with challenge its S256 transform.
func pkceVerified(challenge, verifier string) bool {
	if challenge == "" || verifier == "" {
		return challenge == verifier
	}
	sum := sha256.Sum256([]byte(verifier))
	return pkceVerifier.MatchString(verifier) &&
		subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(challenge)) == 1
}
