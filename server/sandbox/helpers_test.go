package sandbox

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dghubble/oauth1"
)

const (
	testKey = "campusweek-test"
	// The secret has characters that must be percent-encoded in the HMAC
	// key, to catch a client or server that forgets to.
	testSecret = "t0p/secret+key=&more"
)

// testClock is a settable clock. It starts at the real time because
// dghubble/oauth1 always signs with time.Now.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a sandbox behind a real HTTP server.
type env struct {
	browser
	u     *USOS
	srv   *httptest.Server
	base  string // the installation's base URL without the trailing slash
	clock *testClock
}

// browser makes requests without following redirects, so that tests see
// each hop.
type browser struct {
	t          *testing.T
	noRedirect *http.Client
}

func newEnv(t *testing.T, prefix string) *env {
	t.Helper()
	clock := &testClock{t: time.Now()}
	u := NewUSOS(USOSConfig{
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
	client := *srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &env{browser: browser{t: t, noRedirect: &client}, u: u, srv: srv, base: srv.URL + prefix, clock: clock}
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

var (
	csrfRE   = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	actionRE = regexp.MustCompile(`<form method="post" action="([^"]+)"`)
	pinRE    = regexp.MustCompile(`id="pin">([0-9]+)<`)
)

// page is a fetched response with its body read.
type page struct {
	status int
	header http.Header
	body   string
}

func (e *browser) do(req *http.Request) page {
	e.t.Helper()
	resp, err := e.noRedirect.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return page{resp.StatusCode, resp.Header, string(b)}
}

func (e *browser) get(u string) page {
	e.t.Helper()
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.do(req)
}

// consent loads the consent page for requestToken and submits decision
// for student ("" keeps the preselected one), as a browser would.
func (e *env) consent(cfg *oauth1.Config, requestToken, decision, student string) page {
	e.t.Helper()
	authURL, err := cfg.AuthorizationURL(requestToken)
	if err != nil {
		e.t.Fatal(err)
	}
	p := e.get(authURL.String())
	if p.status != http.StatusOK {
		e.t.Fatalf("consent page: status %d: %s", p.status, p.body)
	}
	csrf, action := csrfRE.FindStringSubmatch(p.body), actionRE.FindStringSubmatch(p.body)
	if csrf == nil || action == nil {
		e.t.Fatalf("consent page has no form: %s", p.body)
	}
	form := url.Values{"oauth_token": {requestToken}, "csrf": {csrf[1]}, "decision": {decision}}
	if student != "" {
		form.Set("student", student)
	} else {
		form.Set("student", e.u.Students()[0].ID)
	}
	return e.postForm(e.srv.URL+action[1], form)
}

func (e *env) postForm(u string, form url.Values) page {
	e.t.Helper()
	req, err := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return e.do(req)
}

// verifierFrom reads the verifier from a consent reply: the callback
// redirect, or the PIN page for oob.
func verifierFrom(t *testing.T, p page) string {
	t.Helper()
	if p.status == http.StatusFound {
		loc, err := url.Parse(p.header.Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		return loc.Query().Get("oauth_verifier")
	}
	m := pinRE.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no verifier in consent reply: status %d: %s", p.status, p.body)
	}
	return m[1]
}

// dance runs the whole OAuth 1.0a flow with dghubble/oauth1 and returns
// the client configuration and the access token.
func (e *env) dance(scopes, student string) (*oauth1.Config, *oauth1.Token) {
	e.t.Helper()
	cfg := e.config("http://client.example/callback?keep=1", scopes)
	rt, rs, err := cfg.RequestToken()
	if err != nil {
		e.t.Fatalf("RequestToken: %v", err)
	}
	verifier := verifierFrom(e.t, e.consent(cfg, rt, "allow", student))
	at, as, err := cfg.AccessToken(rt, rs, verifier)
	if err != nil {
		e.t.Fatalf("AccessToken: %v", err)
	}
	return cfg, oauth1.NewToken(at, as)
}

// call makes a signed API call with dghubble/oauth1 and returns the reply.
func (e *env) call(cfg *oauth1.Config, tok *oauth1.Token, method string, q url.Values) page {
	e.t.Helper()
	ctx := context.WithValue(context.Background(), oauth1.HTTPClient, e.srv.Client())
	client := cfg.Client(ctx, tok)
	u := e.base + "/services/" + method
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	resp, err := client.Get(u)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return page{resp.StatusCode, resp.Header, string(b)}
}

// wantError checks that p is a USOS error reply with the given status and
// error code.
func wantError(t *testing.T, p page, status int, code string) {
	t.Helper()
	var body struct{ Message, Error string }
	if p.status != status || json.Unmarshal([]byte(p.body), &body) != nil || body.Error != code || body.Message == "" {
		t.Fatalf("got %d %s, want %d with error %q", p.status, p.body, status, code)
	}
	if ct := p.header.Get("Content-Type"); ct != "application/json" {
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
