package api_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/campusweek/campusweek/server/api"
	"github.com/campusweek/campusweek/shared"
)

// postForm posts the sign-in page's form for university id with the
// given headers, as a browser does without the app.
func (e *env) postForm(id string, form url.Values, hdr map[string]string) *http.Response {
	e.t.Helper()
	req, err := http.NewRequest("POST", e.api.URL+shared.SignInPath(id), strings.NewReader(form.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func (e *env) sameOrigin() map[string]string {
	return map[string]string{"Origin": e.api.URL, "Sec-Fetch-Site": "same-origin"}
}

// visit GETs path with the browser and returns the response, body read.
func (e *env) visit(path string) *http.Response {
	e.t.Helper()
	resp, err := e.client.Get(e.api.URL + path)
	if err != nil {
		e.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func (e *env) signedIn() bool {
	e.t.Helper()
	return decode[shared.Session](e.t, e.get("/api/session")).SignedIn
}

// The sign-in form starts a flow only when this site's own page posts it.
func TestStartFormOnlyFromThisOrigin(t *testing.T) {
	e := newEnv(t, envOptions{})
	for _, tc := range []struct {
		name string
		hdr  map[string]string
		want int
	}{
		{"same origin", e.sameOrigin(), http.StatusSeeOther},
		{"same origin, no Sec-Fetch-Site", map[string]string{"Origin": e.api.URL}, http.StatusSeeOther},
		{"no Origin", map[string]string{"Sec-Fetch-Site": "same-origin"}, http.StatusForbidden},
		{"no headers", nil, http.StatusForbidden},
		{"foreign origin", map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"foreign origin without Sec-Fetch-Site", map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
		{"this origin, but a same-site page", map[string]string{"Origin": e.api.URL, "Sec-Fetch-Site": "same-site"}, http.StatusForbidden},
		{"null origin, same-origin (Referrer-Policy no-referrer)", map[string]string{"Origin": "null", "Sec-Fetch-Site": "same-origin"}, http.StatusSeeOther},
		{"null origin without Sec-Fetch-Site", map[string]string{"Origin": "null"}, http.StatusForbidden},
		{"null origin, cross-site", map[string]string{"Origin": "null", "Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"this origin, cross-site", map[string]string{"Origin": e.api.URL, "Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.client = newBrowser(t)
			resp := e.postForm("uni", nil, tc.hdr)
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.want)
			}
			loc := resp.Header.Get("Location")
			if tc.want != http.StatusSeeOther {
				if loc != "" || e.cookie("cw_flow") != nil {
					t.Errorf("refused, yet Location %q, flow cookie %v", loc, e.cookie("cw_flow"))
				}
				return
			}
			if !strings.HasPrefix(loc, e.sbURL+"services/oauth/authorize?oauth_token=") || e.cookie("cw_flow") == nil {
				t.Errorf("Location %q, flow cookie %v", loc, e.cookie("cw_flow"))
			}
			if resp.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q", resp.Header.Get("Cache-Control"))
			}
		})
	}
	if r := e.postForm("nope", nil, e.sameOrigin()); r.StatusCode != http.StatusNotFound {
		t.Errorf("unknown university: %d", r.StatusCode)
	}
}

// A sign-in started by the form and finished on the callback page, with
// no app: the student comes back signed in to where they started, and a
// return_to that is not a path on this site is ignored.
func TestSignInWithoutTheApp(t *testing.T) {
	for _, tc := range []struct{ returnTo, want string }{
		{"", "/"},
		{"/?week=2026-11-23", "/?week=2026-11-23"},
		{"//evil.example/", "/"},
		{"https://evil.example/", "/"},
		{`/\evil.example`, "/"},
	} {
		t.Run(tc.returnTo, func(t *testing.T) {
			e := newEnv(t, envOptions{})
			resp := e.postForm("uni", url.Values{"return_to": {tc.returnTo}}, e.sameOrigin())
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("form: %d", resp.StatusCode)
			}
			params := e.callbackParams(resp.Header.Get("Location"), "allow")
			q := url.Values{}
			for k, v := range params {
				q.Set(k, v)
			}
			cb := e.visit("/auth/callback/uni?" + q.Encode())
			if cb.StatusCode != http.StatusSeeOther || cb.Header.Get("Location") != tc.want {
				t.Fatalf("callback: %d to %q, want 303 to %q", cb.StatusCode, cb.Header.Get("Location"), tc.want)
			}
			if !e.signedIn() {
				t.Fatal("not signed in after the callback")
			}
			if !e.server.SignedIn(&http.Request{Header: http.Header{"Cookie": {e.cookie("cw_session").String()}}}) {
				t.Error("Server.SignedIn is false for the new session")
			}
			// The flow was spent: the same callback again fails, naming
			// only the error's code.
			again := e.visit("/auth/callback/uni?" + q.Encode())
			if again.StatusCode != http.StatusSeeOther || again.Header.Get("Location") != "/auth/callback/uni?failed=flow_expired" {
				t.Errorf("the callback again: %d to %q", again.StatusCode, again.Header.Get("Location"))
			}
		})
	}
}

// Failures on the callback page send the browser to the page with the
// error's code, never with the parameters; what the app completes (no
// parameters, or an error shown) is left to the app's page.
func TestCallbackPageFailures(t *testing.T) {
	e := newEnv(t, envOptions{})
	resp := e.postForm("uni", nil, e.sameOrigin())
	params := e.callbackParams(resp.Header.Get("Location"), "deny")
	q := url.Values{}
	for k, v := range params {
		q.Set(k, v)
	}
	if r := e.visit("/auth/callback/uni?" + q.Encode()); r.Header.Get("Location") != "/auth/callback/uni?failed=access_denied" {
		t.Errorf("declined: %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
	e.client = newBrowser(t) // no flow cookie
	if r := e.visit("/auth/callback/uni?oauth_token=x&oauth_verifier=y"); r.Header.Get("Location") != "/auth/callback/uni?failed=flow_expired" {
		t.Errorf("no flow: %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
	if e.signedIn() {
		t.Error("signed in after failures")
	}
	// The env's PWA answers 404: these reach it.
	for _, path := range []string{"/auth/callback/uni", "/auth/callback/uni?failed=flow_expired", "/auth/callback/nope?state=x"} {
		if r := e.visit(path); r.StatusCode != http.StatusNotFound || r.Header.Get("Location") != "" {
			t.Errorf("%s: %d to %q, want the app's page", path, r.StatusCode, r.Header.Get("Location"))
		}
	}
}

// The form is charged to the same limits as the API's start.
func TestStartFormRateLimited(t *testing.T) {
	e := newEnv(t, envOptions{universitySignInRateLimit: api.RateLimit{PerSecond: 0.001, Burst: 1}})
	if r := e.postForm("uni", nil, e.sameOrigin()); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("first: %d", r.StatusCode)
	}
	r := e.postForm("uni", nil, e.sameOrigin())
	if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Errorf("second: %d, Retry-After %q", r.StatusCode, r.Header.Get("Retry-After"))
	}
}
