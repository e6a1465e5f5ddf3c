package api_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/campusweek/campusweek/shared"
)

// verifiers records the PKCE code_verifier of every token request.
type verifiers struct {
	mu   sync.Mutex
	seen []string
}

func (v *verifiers) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/oauth/token") {
			b, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(b))
			if q, err := url.ParseQuery(string(b)); err == nil && q.Get("code_verifier") != "" {
				v.mu.Lock()
				v.seen = append(v.seen, q.Get("code_verifier"))
				v.mu.Unlock()
			}
		}
		next.ServeHTTP(w, r)
	})
}

// injectCode plays an attacker who got hold of a student's authorization
// code (a leaked callback address) and completes their own sign-in with
// it: the callback of the attacker's flow, with the student's code.
func (e *env) injectCode(code string) (*http.Client, response) {
	e.t.Helper()
	attacker := newBrowser(e.t)
	r := e.do(attacker, "POST", "/api/auth/mtt/start", shared.StartRequest{Mode: shared.ModeRedirect}, nil)
	if r.status != http.StatusOK {
		e.t.Fatalf("the attacker's start: %d %s", r.status, r.body)
	}
	u, err := url.Parse(decode[shared.StartResponse](e.t, r).AuthorizeURL)
	if err != nil {
		e.t.Fatal(err)
	}
	return attacker, e.do(attacker, "POST", "/api/auth/mtt/complete",
		shared.CompleteRequest{Params: map[string]string{"code": code, "state": u.Query().Get("state")}}, nil)
}

// With pkce: S256, against an installation that enforces PKCE, a sign-in
// works; its verifier goes to the university with the code and nowhere
// else (it lives in the sealed flow cookie). A code that leaked from one
// student's browser no longer signs in another browser, whose flow has
// another verifier.
func TestMyTimetablePKCE(t *testing.T) {
	var rec verifiers
	e := newEnv(t, envOptions{mttPKCE: "S256", mttRequirePKCE: true, mttFront: rec.wrap})
	var seen bytes.Buffer // all the browser was given
	r := e.post("/api/auth/mtt/start", shared.StartRequest{Mode: shared.ModeRedirect, ReturnTo: "/"})
	if r.status != http.StatusOK {
		t.Fatalf("start: %d %s", r.status, r.body)
	}
	seen.Write(r.body)
	authURL := decode[shared.StartResponse](t, r).AuthorizeURL
	if q, _ := url.Parse(authURL); q.Query().Get("code_challenge_method") != "S256" || len(q.Query().Get("code_challenge")) != 43 {
		t.Fatalf("authorize URL without an S256 challenge: %s", authURL)
	}
	params := e.mttConsent(authURL, "allow")
	r = e.post("/api/auth/mtt/complete", shared.CompleteRequest{Params: params})
	if r.status != http.StatusOK || !decode[shared.CompleteResponse](t, r).Session.SignedIn {
		t.Fatalf("complete: %d %s", r.status, r.body)
	}
	seen.Write(r.body)
	u, _ := url.Parse(e.api.URL)
	for _, c := range e.client.Jar.Cookies(u) {
		seen.WriteString(c.Value)
	}
	if len(rec.seen) != 1 {
		t.Fatalf("%d token requests with a verifier, want 1", len(rec.seen))
	}
	if strings.Contains(seen.String()+authURL, rec.seen[0]) {
		t.Error("the browser was given the PKCE verifier")
	}

	// A code injected into another browser's flow is refused there.
	authURL = e.mttStart()
	victim := e.mttConsent(authURL, "allow")
	attacker, r := e.injectCode(victim["code"])
	if r.status != http.StatusBadRequest || r.apiError().Code != shared.CodeFlowExpired {
		t.Errorf("an injected code: %d %s, want 400 flow_expired", r.status, r.body)
	}
	if decode[shared.Session](t, e.do(attacker, "GET", "/api/session", nil, nil)).SignedIn {
		t.Error("the attacker is signed in with the student's code")
	}
}

// Without PKCE the installation's sign-in works as before, but the state,
// bound to the browser, does not bind the code to the flow: a leaked code
// signs in another browser as the student (the residual risk README
// describes). A provider without PKCE cannot sign in at an installation
// that enforces it.
func TestMyTimetableWithoutPKCE(t *testing.T) {
	e := newEnv(t, envOptions{})
	victim := e.mttConsent(e.mttStart(), "allow")
	attacker, r := e.injectCode(victim["code"])
	if r.status != http.StatusOK || !decode[shared.Session](t, e.do(attacker, "GET", "/api/session", nil, nil)).SignedIn {
		t.Errorf("an injected code without PKCE: %d %s (if this is refused now, update README)", r.status, r.body)
	}

	e = newEnv(t, envOptions{mttRequirePKCE: true})
	resp, err := newBrowser(t).Get(e.mttStart())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || loc == nil || loc.Query().Get("error") != "invalid_request" {
		t.Fatalf("authorize without a challenge: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	params := map[string]string{}
	for k, v := range loc.Query() {
		params[k] = v[0]
	}
	if r := e.post("/api/auth/mtt/complete", shared.CompleteRequest{Params: params}); r.status == http.StatusOK {
		t.Errorf("complete after the installation refused: %d %s", r.status, r.body)
	}
}
