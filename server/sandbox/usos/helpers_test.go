package usos

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/sandbox/internal/sandboxtest"

	"github.com/dghubble/oauth1"
)

const (
	testKey = "campusweek-test"
	// The secret has characters that must be percent-encoded in the HMAC
	// key, to catch a client or server that forgets to.
	testSecret = "t0p/secret+key=&more"
)

// env is a sandbox behind a real HTTP server.
type env struct {
	sandboxtest.Browser
	u     *Server
	srv   *httptest.Server
	base  string // the installation's base URL without the trailing slash
	clock *sandboxtest.Clock
}

// page is a fetched response with its body read.
type page = sandboxtest.Page

func newEnv(t *testing.T, prefix string) *env {
	t.Helper()
	clock := sandboxtest.NewClock(time.Now())
	u := New(Config{
		Prefix:    prefix,
		Consumers: map[string]string{testKey: testSecret, "other-app": "other-secret"},
		Now:       clock.Now,
	})
	var h http.Handler = u
	if prefix != "" {
		mux := http.NewServeMux()
		mux.Handle(prefix+"/", u)
		h = mux
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &env{Browser: sandboxtest.NewBrowser(t, srv), u: u, srv: srv, base: srv.URL + prefix, clock: clock}
}

// config is a dghubble/oauth1 client configuration for the sandbox, the way
// the backend builds it: scopes in the request token URL.
func (e *env) config(callback, scopes string) *oauth1.Config {
	rt := e.base + "/services/oauth/request_token"
	if scopes != "" {
		rt += "?scopes=" + url.QueryEscape(scopes)
	}
	return &oauth1.Config{
		ConsumerKey:    testKey,
		ConsumerSecret: testSecret,
		CallbackURL:    callback,
		Endpoint: oauth1.Endpoint{
			RequestTokenURL: rt,
			AuthorizeURL:    e.base + "/services/oauth/authorize",
			AccessTokenURL:  e.base + "/services/oauth/access_token",
		},
		HTTPClient: e.srv.Client(),
	}
}

var pinRE = regexp.MustCompile(`id="pin">([0-9]+)<`)

// consent loads the consent page for requestToken and submits decision
// for student ("" keeps the preselected one), as a browser would.
func (e *env) consent(cfg *oauth1.Config, requestToken, decision, student string) page {
	e.T.Helper()
	authURL, err := cfg.AuthorizationURL(requestToken)
	if err != nil {
		e.T.Fatal(err)
	}
	p := e.Get(authURL.String())
	if p.Status != http.StatusOK {
		e.T.Fatalf("consent page: status %d: %s", p.Status, p.Body)
	}
	csrf, action := sandboxtest.CSRF.FindStringSubmatch(p.Body), sandboxtest.FormAction.FindStringSubmatch(p.Body)
	if csrf == nil || action == nil {
		e.T.Fatalf("consent page has no form: %s", p.Body)
	}
	form := url.Values{"oauth_token": {requestToken}, "csrf": {csrf[1]}, "decision": {decision}}
	if student != "" {
		form.Set("student", student)
	} else {
		form.Set("student", e.u.Students()[0].ID)
	}
	return e.PostForm(e.srv.URL+action[1], form)
}

// verifierFrom reads the verifier from a consent reply: the callback
// redirect, or the PIN page for oob.
func verifierFrom(t *testing.T, p page) string {
	t.Helper()
	if p.Status == http.StatusFound {
		loc, err := url.Parse(p.Header.Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		return loc.Query().Get("oauth_verifier")
	}
	m := pinRE.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("no verifier in consent reply: status %d: %s", p.Status, p.Body)
	}
	return m[1]
}

// dance runs the whole OAuth 1.0a flow with dghubble/oauth1 and returns
// the client configuration and the access token.
func (e *env) dance(scopes, student string) (*oauth1.Config, *oauth1.Token) {
	e.T.Helper()
	cfg := e.config("http://client.example/callback?keep=1", scopes)
	rt, rs, err := cfg.RequestToken()
	if err != nil {
		e.T.Fatalf("RequestToken: %v", err)
	}
	verifier := verifierFrom(e.T, e.consent(cfg, rt, "allow", student))
	at, as, err := cfg.AccessToken(rt, rs, verifier)
	if err != nil {
		e.T.Fatalf("AccessToken: %v", err)
	}
	return cfg, oauth1.NewToken(at, as)
}

// call makes a signed API call with dghubble/oauth1 and returns the reply.
func (e *env) call(cfg *oauth1.Config, tok *oauth1.Token, method string, q url.Values) page {
	e.T.Helper()
	ctx := context.WithValue(context.Background(), oauth1.HTTPClient, e.srv.Client())
	client := cfg.Client(ctx, tok)
	u := e.base + "/services/" + method
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	resp, err := client.Get(u)
	if err != nil {
		e.T.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return page{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

// wantError checks that p is a USOS error reply with the given status and
// error code.
func wantError(t *testing.T, p page, status int, code string) {
	t.Helper()
	var body struct{ Message, Error string }
	if p.Status != status || json.Unmarshal([]byte(p.Body), &body) != nil || body.Error != code || body.Message == "" {
		t.Fatalf("got %d %s, want %d with error %q", p.Status, p.Body, status, code)
	}
	if ct := p.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("error Content-Type = %q", ct)
	}
}

// wantClientError checks an error from dghubble/oauth1's flow methods,
// which carry the status and body in their text.
func wantClientError(t *testing.T, err error, status, code string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), "invalid status "+status) || !strings.Contains(err.Error(), `"error": "`+code+`"`) {
		t.Fatalf("got error %v, want status %s with error %q", err, status, code)
	}
}
