package mytimetable

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/sandbox/internal/demo"
	"github.com/campusweek/campusweek/server/sandbox/internal/sandboxtest"

	"golang.org/x/oauth2"
)

const (
	mttClientID = "campusweek"
	// The secret has characters that need form encoding, to catch a client
	// or server that forgets it.
	mttClientSecret = "s3cr3t+/=&%"
	mttCallback     = "https://app.example/auth/callback/mtt?src=sandbox"
	mttNoRefreshID  = "no-refresh-app"
)

// mttEnv is a sandbox MyTimetable behind a real HTTP server.
type mttEnv struct {
	sandboxtest.Browser
	m     *Server
	srv   *httptest.Server
	base  string // base URL without the trailing slash
	clock *sandboxtest.Clock
}

// page is a fetched response with its body read.
type page = sandboxtest.Page

func newMTTEnv(t *testing.T, prefix string, now time.Time) *mttEnv {
	t.Helper()
	clock := sandboxtest.NewClock(now)
	m := New(Config{
		Prefix: prefix,
		Clients: map[string]Client{
			mttClientID:    {Secret: mttClientSecret, RedirectURIs: []string{mttCallback, "http://127.0.0.1:9/cb"}},
			mttNoRefreshID: {Secret: "other", RedirectURIs: []string{"https://other.example/cb"}, NoRefresh: true},
		},
		Now: clock.Now,
	})
	var h http.Handler = m
	if prefix != "" {
		mux := http.NewServeMux()
		mux.Handle(prefix+"/", m)
		h = mux
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &mttEnv{Browser: sandboxtest.NewBrowser(t, srv), m: m, srv: srv, base: srv.URL + prefix, clock: clock}
}

// oauth is the x/oauth2 configuration the backend uses.
func (e *mttEnv) oauth(scopes ...string) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     mttClientID,
		ClientSecret: mttClientSecret,
		RedirectURL:  mttCallback,
		Scopes:       scopes,
		Endpoint: oauth2.Endpoint{
			AuthURL:   e.base + "/oauth/authorize",
			TokenURL:  e.base + "/oauth/token",
			AuthStyle: oauth2.AuthStyleInParams,
		},
	}
}

// ctx carries the test server's client for x/oauth2's token calls.
func (e *mttEnv) ctx() context.Context {
	return context.WithValue(context.Background(), oauth2.HTTPClient, e.srv.Client())
}

var (
	mttRequestRE = regexp.MustCompile(`name="request" value="([^"]+)"`)
	mttSelected  = regexp.MustCompile(`<option value="([^"]+)" selected>([^<]+)</option>`)
)

// consentForm loads the consent page at authURL and returns the form a
// browser would submit with the button whose id is button.
func (e *mttEnv) consentForm(authURL, button string) (action string, form url.Values) {
	e.T.Helper()
	p := e.Get(authURL)
	if p.Status != http.StatusOK {
		e.T.Fatalf("consent page: %d %s", p.Status, p.Body)
	}
	csrf, act, req, sel := sandboxtest.CSRF.FindStringSubmatch(p.Body), sandboxtest.FormAction.FindStringSubmatch(p.Body),
		mttRequestRE.FindStringSubmatch(p.Body), mttSelected.FindStringSubmatch(p.Body)
	if csrf == nil || act == nil || req == nil || sel == nil {
		e.T.Fatalf("consent page has no complete form: %s", p.Body)
	}
	button = regexp.QuoteMeta(button)
	b := regexp.MustCompile(`<button name="decision" value="([a-z]+)" id="` + button + `">`).FindStringSubmatch(p.Body)
	if b == nil {
		e.T.Fatalf("no #%s button: %s", button, p.Body)
	}
	return e.srv.URL + act[1], url.Values{"request": {req[1]}, "csrf": {csrf[1]}, "student": {sel[1]}, "decision": {b[1]}}
}

// consent plays the student: it answers the consent page at authURL with
// button ("allow" or "deny") and returns the redirect's target.
func (e *mttEnv) consent(authURL, button string) *url.URL {
	e.T.Helper()
	action, form := e.consentForm(authURL, button)
	p := e.PostForm(action, form)
	return e.redirected(p)
}

func (e *mttEnv) redirected(p page) *url.URL {
	e.T.Helper()
	if p.Status != http.StatusFound {
		e.T.Fatalf("want a redirect, got %d %s", p.Status, p.Body)
	}
	loc, err := url.Parse(p.Header.Get("Location"))
	if err != nil {
		e.T.Fatal(err)
	}
	return loc
}

// code runs the browser half of a sign-in and returns the code.
func (e *mttEnv) code(cfg *oauth2.Config, state string, opts ...oauth2.AuthCodeOption) string {
	e.T.Helper()
	loc := e.consent(cfg.AuthCodeURL(state, opts...), "allow")
	if got := loc.Query().Get("state"); got != state {
		e.T.Fatalf("state %q, want %q", got, state)
	}
	c := loc.Query().Get("code")
	if c == "" {
		e.T.Fatalf("no code in %s", loc)
	}
	return c
}

// signIn runs a whole sign-in with x/oauth2.
func (e *mttEnv) signIn(scopes ...string) (*oauth2.Config, *oauth2.Token) {
	e.T.Helper()
	cfg := e.oauth(scopes...)
	tok, err := cfg.Exchange(e.ctx(), e.code(cfg, "st4te"))
	if err != nil {
		e.T.Fatalf("Exchange: %v", err)
	}
	return cfg, tok
}

// call makes an API call with a bearer token, asking for JSON.
func (e *mttEnv) call(token, method string, q url.Values) page {
	e.T.Helper()
	u := e.base + "/api/v0/" + method
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		e.T.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return e.Do(req)
}

// events decodes a timetable reply.
func (e *mttEnv) events(token string, from, to time.Time) []map[string]any {
	e.T.Helper()
	p := e.call(token, "timetable", url.Values{
		"startDate": {ms(from)}, "endDate": {ms(to)}})
	if p.Status != http.StatusOK {
		e.T.Fatalf("timetable: %d %s", p.Status, p.Body)
	}
	var evs []map[string]any
	if err := json.Unmarshal([]byte(p.Body), &evs); err != nil {
		e.T.Fatalf("timetable body: %v: %s", err, p.Body)
	}
	return evs
}

func ms(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

// wantMTTError checks an API error reply.
func wantMTTError(t *testing.T, p page, status int, typ string) {
	t.Helper()
	var body struct{ ErrorType, ErrorMessage, Status string }
	if p.Status != status || json.Unmarshal([]byte(p.Body), &body) != nil || body.ErrorType != typ ||
		body.ErrorMessage == "" || body.Status != "error" {
		t.Fatalf("got %d %s, want %d with errorType %q", p.Status, p.Body, status, typ)
	}
}

// wantOAuthError checks a token endpoint error reply.
func wantOAuthError(t *testing.T, p page, status int, code string) {
	t.Helper()
	var body struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if p.Status != status || json.Unmarshal([]byte(p.Body), &body) != nil || body.Error != code || body.Description == "" {
		t.Fatalf("got %d %s, want %d with error %q", p.Status, p.Body, status, code)
	}
	if cc := p.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
}

// retrieveCode returns the OAuth error code of an x/oauth2 failure.
func retrieveCode(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return re.ErrorCode
	}
	return ""
}

// amsterdamTime is a wall time in Amsterdam.
func amsterdamTime(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, amsterdam)
}

// signInAs signs in as one of the demo students and returns the access
// token.
func (e *mttEnv) signInAs(student string) (*oauth2.Config, string) {
	e.T.Helper()
	cfg := e.oauth()
	action, form := e.consentForm(cfg.AuthCodeURL("s"), "allow")
	form.Set("student", student)
	code := e.redirected(e.PostForm(action, form)).Query().Get("code")
	tok, err := cfg.Exchange(e.ctx(), code)
	if err != nil {
		e.T.Fatalf("Exchange: %v", err)
	}
	return cfg, tok.AccessToken
}

// consentNoFatal is consent for other goroutines than the test's: it
// returns nil instead of failing the test.
func (e *mttEnv) consentNoFatal(authURL string) *url.URL {
	resp, err := e.Client.Get(authURL)
	if err != nil {
		return nil
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	csrf, act, req := sandboxtest.CSRF.FindSubmatch(b), sandboxtest.FormAction.FindSubmatch(b), mttRequestRE.FindSubmatch(b)
	if csrf == nil || act == nil || req == nil {
		return nil
	}
	resp, err = e.Client.PostForm(e.srv.URL+string(act[1]), url.Values{"request": {string(req[1])},
		"csrf": {string(csrf[1])}, "student": {demo.Students[0].ID}, "decision": {"allow"}})
	if err != nil {
		return nil
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil {
		return nil
	}
	return loc
}
