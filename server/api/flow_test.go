package api_test

import (
	"bytes"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/shared"
)

func TestProvidersListsNoSecrets(t *testing.T) {
	e := newEnv(t, envOptions{})
	r := e.get("/api/providers")
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	ps := decode[[]shared.Provider](t, r)
	if len(ps) != 2 || ps[0] != (shared.Provider{ID: "uni", Kind: shared.KindUSOS, Name: "Test University",
		Capabilities: shared.Capabilities{PIN: true, Revoke: true, PublicTimetables: true}}) ||
		ps[1] != (shared.Provider{ID: "mtt", Kind: shared.KindMyTimetable, Name: "Test Hogeschool",
			Capabilities: shared.Capabilities{LongLivedAccess: true, PublicTimetables: true}}) {
		t.Fatalf("providers: %+v", ps)
	}
	if bytes.Contains(r.body, []byte(consumerSecret)) || bytes.Contains(r.body, []byte(consumerKey)) ||
		bytes.Contains(r.body, []byte(clientSecret)) || bytes.Contains(r.body, []byte(clientID)) {
		t.Fatal("provider list leaks consumer credentials")
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", r.header.Get("Cache-Control"))
	}
}

// GET /api/providers publishes what each university's system supports,
// as configured: USOS offers long-lived access only with offline_access.
func TestProvidersPublishCapabilities(t *testing.T) {
	for _, tc := range []struct {
		scopes []string
		want   string
	}{
		{nil, `"capabilities":{"pin":true,"revoke":true,"long_lived_access":false,"public_timetables":true}`},
		{[]string{"studies", "offline_access"}, `"capabilities":{"pin":true,"revoke":true,"long_lived_access":true,"public_timetables":true}`},
	} {
		e := newEnv(t, envOptions{scopes: tc.scopes})
		r := e.get("/api/providers")
		ps := decode[[]shared.Provider](t, r)
		if len(ps) != 2 || ps[0].ID != "uni" || !bytes.Contains(r.body, []byte(tc.want)) {
			t.Errorf("scopes %v: %s, want %s", tc.scopes, r.body, tc.want)
		}
		if !bytes.Contains(r.body, []byte(`"id":"mtt","kind":"mytimetable","name":"Test Hogeschool","capabilities":{"pin":false,"revoke":false,"long_lived_access":true,"public_timetables":true}`)) {
			t.Errorf("mytimetable: %s", r.body)
		}
	}
}

func TestRedirectFlowEndToEnd(t *testing.T) {
	e := newEnv(t, envOptions{scopes: []string{"studies"}})
	authURL := e.start(shared.ModeRedirect, "/?week=2026-11-23")

	flow := e.cookie("cw_flow")
	if flow == nil {
		t.Fatal("no flow cookie")
	}
	params := e.callbackParams(authURL, "allow")
	if params["oauth_token"] == "" || params["oauth_verifier"] == "" {
		t.Fatalf("callback params %v", params)
	}
	r := e.post("/api/auth/uni/complete", shared.CompleteRequest{Params: params})
	if r.status != 200 {
		t.Fatalf("complete: %d %s", r.status, r.body)
	}
	done := decode[shared.CompleteResponse](t, r)
	if done.ReturnTo != "/?week=2026-11-23" || !done.Session.SignedIn || done.Session.User == nil ||
		done.Session.User.ID != e.sandbox.Students()[0].ID || done.Session.User.Name == "" {
		t.Fatalf("completion %+v", done)
	}
	if e.cookie("cw_flow") != nil {
		t.Error("flow cookie survives completion")
	}
	checkCookieFlags(t, r.header, "cw_session")
	if exp := done.Session.ExpiresAt; exp == nil || time.Until(*exp) > 2*time.Hour+time.Minute {
		t.Errorf("session without offline_access must end with the 2 h token: %v", exp)
	}

	sess := decode[shared.Session](t, e.get("/api/session"))
	if !sess.SignedIn || sess.Provider != "uni" || sess.User.Name != done.Session.User.Name {
		t.Fatalf("session %+v", sess)
	}

	// This week's classes, with Polish offsets.
	r = e.get("/api/timetable")
	if r.status != 200 {
		t.Fatalf("timetable: %d %s", r.status, r.body)
	}
	tt := decode[shared.Timetable](t, r)
	monday := shared.DateOf(time.Now()).Monday()
	if tt.Provider != "uni" || tt.From != monday || tt.To != monday.AddDays(6) || len(tt.Events) == 0 {
		t.Fatalf("timetable %s..%s with %d events", tt.From, tt.To, len(tt.Events))
	}
	offset := regexp.MustCompile(`"start":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00"`)
	if !offset.Match(r.body) {
		t.Errorf("event times lack the Warsaw offset: %.300s", r.body)
	}
	for i, ev := range tt.Events {
		if ev.ID == "" || ev.Title == "" || !ev.End.After(ev.Start) || ev.Category == "" {
			t.Errorf("event %d incomplete: %+v", i, ev)
		}
		if i > 0 && ev.Start.Before(tt.Events[i-1].Start) {
			t.Error("events not sorted")
		}
		if d := shared.DateOf(ev.Start); d.Before(tt.From) || d.After(tt.To) {
			t.Errorf("event %s outside the range", d)
		}
	}

	// Signing out revokes the token upstream: the old cookie is dead too.
	old := e.cookie("cw_session")
	r = e.post("/api/auth/logout", struct{}{})
	if r.status != http.StatusNoContent {
		t.Fatalf("logout: %d %s", r.status, r.body)
	}
	if e.cookie("cw_session") != nil {
		t.Error("session cookie survives logout")
	}
	if decode[shared.Session](t, e.get("/api/session")).SignedIn {
		t.Error("still signed in after logout")
	}
	replay := newBrowser(t)
	r = e.do(replay, "GET", "/api/timetable", nil, map[string]string{"Cookie": old.Name + "=" + old.Value})
	if r.status != 401 || r.apiError().Code != shared.CodeSignedOut {
		t.Fatalf("revoked token still reads the timetable: %d %s", r.status, r.body)
	}

	// Nothing secret ever reaches the logs.
	logs := e.logs.String()
	for _, secret := range []string{consumerSecret, params["oauth_verifier"], params["oauth_token"], old.Value} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain a secret value %q", secret)
		}
	}
}

func checkCookieFlags(t *testing.T, h http.Header, name string) {
	t.Helper()
	for _, line := range h.Values("Set-Cookie") {
		if strings.HasPrefix(line, name+"=") {
			for _, attr := range []string{"HttpOnly", "SameSite=Lax", "Path=/"} {
				if !strings.Contains(line, attr) {
					t.Errorf("cookie %s lacks %s: %s", name, attr, line)
				}
			}
			return
		}
	}
	t.Errorf("no Set-Cookie for %s", name)
}

func TestPINFlow(t *testing.T) {
	e := newEnv(t, envOptions{})
	authURL := e.start(shared.ModePIN, "")
	resp := e.consent(authURL, "allow")
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`id="pin">\s*([0-9A-Za-z]+)\s*<`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no PIN on page: %s", page)
	}
	r := e.post("/api/auth/uni/complete", shared.CompleteRequest{})
	if r.status != 400 || r.apiError().Code != shared.CodeBadRequest {
		t.Fatalf("empty PIN: %d %s", r.status, r.body)
	}
	r = e.post("/api/auth/uni/complete", shared.CompleteRequest{PIN: " " + string(m[1]) + " "})
	if r.status != 200 {
		t.Fatalf("PIN complete: %d %s", r.status, r.body)
	}
	if done := decode[shared.CompleteResponse](t, r); done.ReturnTo != "/" || !done.Session.SignedIn {
		t.Fatalf("%+v", done)
	}
	if r := e.get("/api/timetable"); r.status != 200 {
		t.Fatalf("timetable after PIN sign-in: %d %s", r.status, r.body)
	}
}

func TestWrongPIN(t *testing.T) {
	e := newEnv(t, envOptions{})
	resp := e.consent(e.start(shared.ModePIN, ""), "allow")
	resp.Body.Close()
	r := e.post("/api/auth/uni/complete", shared.CompleteRequest{PIN: "00000000x"})
	if r.status != 400 || r.apiError().Code != shared.CodeFlowExpired {
		t.Fatalf("wrong PIN: %d %s", r.status, r.body)
	}
}

func TestForgedCallbackToken(t *testing.T) {
	e := newEnv(t, envOptions{})
	params := e.callbackParams(e.start(shared.ModeRedirect, ""), "allow")
	params["oauth_token"] = "forged" + params["oauth_token"]
	r := e.post("/api/auth/uni/complete", shared.CompleteRequest{Params: params})
	if r.status != 400 || r.apiError().Code != shared.CodeFlowExpired {
		t.Fatalf("forged token: %d %s", r.status, r.body)
	}
	if decode[shared.Session](t, e.get("/api/session")).SignedIn {
		t.Fatal("signed in with a forged token")
	}
}

func TestReplayedVerifier(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.start(shared.ModeRedirect, "")
	// The replay resends the callback from another request, with the flow
	// cookie an attacker may have copied.
	authURL := e.start(shared.ModeRedirect, "")
	flow := e.cookie("cw_flow")
	params := e.callbackParams(authURL, "allow")
	if r := e.post("/api/auth/uni/complete", shared.CompleteRequest{Params: params}); r.status != 200 {
		t.Fatalf("first completion: %d %s", r.status, r.body)
	}
	attacker := newBrowser(t)
	r := e.do(attacker, "POST", "/api/auth/uni/complete", shared.CompleteRequest{Params: params},
		map[string]string{"Cookie": flow.Name + "=" + flow.Value})
	if r.status != 400 || r.apiError().Code != shared.CodeFlowExpired {
		t.Fatalf("replayed verifier: %d %s", r.status, r.body)
	}
}

func TestMissingFlowCookie(t *testing.T) {
	e := newEnv(t, envOptions{})
	params := e.callbackParams(e.start(shared.ModeRedirect, ""), "allow")
	other := newBrowser(t) // the callback arrives in a browser that never started
	r := e.do(other, "POST", "/api/auth/uni/complete", shared.CompleteRequest{Params: params}, nil)
	if r.status != 400 || r.apiError().Code != shared.CodeFlowExpired {
		t.Fatalf("missing flow cookie: %d %s", r.status, r.body)
	}
}

func TestExpiredFlowCookie(t *testing.T) {
	e := newEnv(t, envOptions{})
	params := e.callbackParams(e.start(shared.ModeRedirect, ""), "allow")
	e.clock.Advance(31 * time.Minute)
	r := e.post("/api/auth/uni/complete", shared.CompleteRequest{Params: params})
	if r.status != 400 || r.apiError().Code != shared.CodeFlowExpired {
		t.Fatalf("expired flow: %d %s", r.status, r.body)
	}
}

func TestDeniedConsent(t *testing.T) {
	e := newEnv(t, envOptions{})
	params := e.callbackParams(e.start(shared.ModeRedirect, ""), "deny")
	r := e.post("/api/auth/uni/complete", shared.CompleteRequest{Params: params})
	if r.status != 403 || r.apiError().Code != shared.CodeAccessDenied {
		t.Fatalf("denied: %d %s", r.status, r.body)
	}
}

func TestExpiredUpstreamToken(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.signIn()
	e.sandbox.ExpireAccessTokens()
	r := e.get("/api/timetable")
	if r.status != 401 || r.apiError().Code != shared.CodeSignedOut {
		t.Fatalf("expired token: %d %s", r.status, r.body)
	}
	if e.cookie("cw_session") != nil {
		t.Error("a dead session's cookie is kept")
	}
}

func TestSessionExpiresInsideTheSeal(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.signIn()
	e.clock.Advance(2*time.Hour + time.Minute)
	// The browser would have dropped the cookie; a client that keeps it
	// anyway must still be refused.
	if s := decode[shared.Session](t, e.get("/api/session")); s.SignedIn {
		t.Fatal("session outlives its sealed expiry")
	}
}

func TestOfflineAccessSessionOutlivesTwoHours(t *testing.T) {
	e := newEnv(t, envOptions{scopes: []string{"studies", "offline_access"}})
	done := e.signIn()
	if time.Until(*done.Session.ExpiresAt) < 24*time.Hour {
		t.Fatalf("offline_access session expires at %v", done.Session.ExpiresAt)
	}
}

func TestTamperedSessionCookie(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.signIn()
	c := e.cookie("cw_session")
	forged := c.Value[:len(c.Value)-2] + "AA"
	r := e.do(newBrowser(t), "GET", "/api/timetable", nil, map[string]string{"Cookie": "cw_session=" + forged})
	if r.status != 401 || r.apiError().Code != shared.CodeSignedOut {
		t.Fatalf("tampered cookie: %d %s", r.status, r.body)
	}
}

func TestTermSyncSplitsRange(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.signIn()
	from := shared.DateOf(time.Now()).Monday().AddDays(-7)
	to := from.AddDays(16*7 - 1)
	r := e.get("/api/timetable?from=" + from.String() + "&to=" + to.String())
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	tt := decode[shared.Timetable](t, r)
	weeks := map[shared.Date]bool{}
	ids := map[string]bool{}
	for _, ev := range tt.Events {
		weeks[shared.DateOf(ev.Start).Monday()] = true
		if ids[ev.ID] {
			t.Fatalf("duplicate event %s", ev.ID)
		}
		ids[ev.ID] = true
	}
	if len(weeks) < 8 {
		t.Fatalf("16-week range covers only %d weeks with classes", len(weeks))
	}
}

func TestBadInput(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.signIn()
	cases := []struct {
		name, method, path string
		body               any
		hdr                map[string]string
		status             int
		code               shared.ErrorCode
	}{
		{"garbage from", "GET", "/api/timetable?from=yesterday", nil, nil, 400, shared.CodeBadRequest},
		{"impossible date", "GET", "/api/timetable?from=2026-02-30", nil, nil, 400, shared.CodeBadRequest},
		{"to before from", "GET", "/api/timetable?from=2026-11-23&to=2026-11-01", nil, nil, 400, shared.CodeBadRequest},
		{"range too long", "GET", "/api/timetable?from=2026-01-01&to=2026-12-31", nil, nil, 400, shared.CodeBadRequest},
		{"unknown provider", "POST", "/api/auth/nope/start", shared.StartRequest{}, nil, 404, shared.CodeNotFound},
		{"bad mode", "POST", "/api/auth/uni/start", map[string]string{"mode": "magic"}, nil, 400, shared.CodeBadRequest},
		{"open redirect", "POST", "/api/auth/uni/start", shared.StartRequest{ReturnTo: "//evil.example/x"}, nil, 400, shared.CodeBadRequest},
		{"absolute return_to", "POST", "/api/auth/uni/start", shared.StartRequest{ReturnTo: "https://evil.example/"}, nil, 400, shared.CodeBadRequest},
		{"backslash return_to", "POST", "/api/auth/uni/start", shared.StartRequest{ReturnTo: "/\\evil.example"}, nil, 400, shared.CodeBadRequest},
		{"not JSON body", "POST", "/api/auth/uni/start", "mode=pin", nil, 400, shared.CodeBadRequest},
		{"form content type", "POST", "/api/auth/uni/start", shared.StartRequest{}, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 415, shared.CodeUnsupportedMediaType},
		{"cross-site origin", "POST", "/api/auth/logout", struct{}{}, map[string]string{"Origin": "https://evil.example"}, 403, shared.CodeForbidden},
		{"cross-site fetch", "POST", "/api/auth/logout", struct{}{}, map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, shared.CodeForbidden},
		{"huge body", "POST", "/api/auth/uni/complete", shared.CompleteRequest{PIN: strings.Repeat("1", 64<<10)}, nil, 413, shared.CodeTooLarge},
		{"unknown endpoint", "GET", "/api/nothing", nil, nil, 404, shared.CodeNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do(e.client, c.method, c.path, c.body, c.hdr)
			if r.status != c.status || r.apiError().Code != c.code || r.apiError().Message == "" {
				t.Fatalf("got %d %s, want %d %s", r.status, r.body, c.status, c.code)
			}
		})
	}
	// None of that lost the session.
	if !decode[shared.Session](t, e.get("/api/session")).SignedIn {
		t.Fatal("bad input signed the student out")
	}
}

func TestTimetableWithoutSession(t *testing.T) {
	e := newEnv(t, envOptions{})
	r := e.get("/api/timetable")
	if r.status != 401 || r.apiError().Code != shared.CodeSignedOut {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if s := decode[shared.Session](t, e.get("/api/session")); s.SignedIn {
		t.Fatal("signed in without a cookie")
	}
	if r := e.post("/api/auth/logout", struct{}{}); r.status != http.StatusNoContent {
		t.Fatalf("logout without a session: %d", r.status)
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t, envOptions{})
	r := e.get("/api/session")
	for k, v := range map[string]string{"Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"} {
		if got := r.header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	csp := r.header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self' 'wasm-unsafe-eval';", "frame-ancestors 'none'", "object-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "*") {
		t.Errorf("Content-Security-Policy %q allows inline code or any origin", csp)
	}
}
