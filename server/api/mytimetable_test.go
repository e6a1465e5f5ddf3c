package api_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/shared"
)

// The MyTimetable half of the integration suite: the same backend, the
// sandbox MyTimetable installation as provider "mtt".

func (e *env) mttStart() string {
	e.t.Helper()
	r := e.post("/api/auth/mtt/start", shared.StartRequest{Mode: shared.ModeRedirect, ReturnTo: "/?week=2026-11-23"})
	if r.status != http.StatusOK {
		e.t.Fatalf("start: %d %s", r.status, r.body)
	}
	return decode[shared.StartResponse](e.t, r).AuthorizeURL
}

var (
	formTag   = regexp.MustCompile(`(?is)<form[^>]*action="([^"]*)"`)
	inputTag  = regexp.MustCompile(`(?is)<(?:input|button)\b[^>]*>`)
	selectTag = regexp.MustCompile(`(?is)<select[^>]*name="([^"]+)"[^>]*>.*?<option[^>]*value="([^"]*)"`)
	attr      = func(tag, name string) string {
		m := regexp.MustCompile(`(?i)\b` + name + `="([^"]*)"`).FindStringSubmatch(tag)
		if m == nil {
			return ""
		}
		return htmlUnescape(m[1])
	}
)

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#34;", `"`, "&quot;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">").Replace(s)
}

// mttConsent plays the student on the sandbox's consent page: it submits
// the form with the button whose id is button ("allow" or "deny") and
// returns the redirect back to the backend's callback.
func (e *env) mttConsent(authorizeURL, button string) map[string]string {
	e.t.Helper()
	if !strings.HasPrefix(authorizeURL, e.mttURL+"oauth/authorize?") {
		e.t.Fatalf("authorize URL %q is not the configured installation's", authorizeURL)
	}
	c := newBrowser(e.t)
	resp, err := c.Get(authorizeURL)
	if err != nil {
		e.t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fm := formTag.FindSubmatch(page)
	if resp.StatusCode != 200 || fm == nil {
		e.t.Fatalf("consent page: %d %s", resp.StatusCode, page)
	}
	form := url.Values{}
	for _, m := range selectTag.FindAllSubmatch(page, -1) {
		form.Set(string(m[1]), htmlUnescape(string(m[2])))
	}
	found := false
	for _, tag := range inputTag.FindAllString(string(page), -1) {
		name := attr(tag, "name")
		switch {
		case name == "":
		case strings.HasPrefix(strings.ToLower(tag), "<button"):
			if attr(tag, "id") == button {
				form.Set(name, attr(tag, "value"))
				found = true
			}
		case attr(tag, "type") == "hidden":
			form.Set(name, attr(tag, "value"))
		}
	}
	if !found {
		e.t.Fatalf("no #%s button on the consent page:\n%s", button, page)
	}
	action, err := url.Parse(authorizeURL)
	if err != nil {
		e.t.Fatal(err)
	}
	action, err = action.Parse(htmlUnescape(string(fm[1])))
	if err != nil {
		e.t.Fatal(err)
	}
	resp, err = c.PostForm(action.String(), form)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil {
		e.t.Fatalf("consent answered %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if want := e.api.URL + "/auth/callback/mtt"; loc.Scheme+"://"+loc.Host+loc.Path != want {
		e.t.Fatalf("callback %s, want %s", loc, want)
	}
	params := map[string]string{}
	for k, v := range loc.Query() {
		params[k] = v[0]
	}
	return params
}

func (e *env) mttSignIn() map[string]string {
	e.t.Helper()
	params := e.mttConsent(e.mttStart(), "allow")
	r := e.post("/api/auth/mtt/complete", shared.CompleteRequest{Params: params})
	if r.status != http.StatusOK {
		e.t.Fatalf("complete: %d %s", r.status, r.body)
	}
	return params
}

func TestMyTimetableFlowEndToEnd(t *testing.T) {
	e := newEnv(t, envOptions{mttScopes: []string{"user_read", "profile_read"}})
	authURL := e.mttStart()
	q, _ := url.Parse(authURL)
	if q.Query().Get("state") == "" || q.Query().Get("redirect_uri") != e.api.URL+"/auth/callback/mtt" ||
		strings.Contains(authURL, clientSecret) {
		t.Fatalf("authorize URL %s", authURL)
	}
	params := e.mttConsent(authURL, "allow")
	if params["code"] == "" || params["state"] != q.Query().Get("state") {
		t.Fatalf("callback params %v", params)
	}
	r := e.post("/api/auth/mtt/complete", shared.CompleteRequest{Params: params})
	if r.status != http.StatusOK {
		t.Fatalf("complete: %d %s", r.status, r.body)
	}
	done := decode[shared.CompleteResponse](t, r)
	if done.ReturnTo != "/?week=2026-11-23" || !done.Session.SignedIn || done.Session.Provider != "mtt" ||
		done.Session.User == nil || done.Session.User.ID == "" {
		t.Fatalf("completion %+v", done)
	}
	checkCookieFlags(t, r.header, "cw_session")
	if e.cookie("cw_flow") != nil {
		t.Error("flow cookie survives completion")
	}

	// This week and a term, with Dutch offsets, all-day events as such.
	r = e.get("/api/timetable")
	if r.status != 200 {
		t.Fatalf("timetable: %d %s", r.status, r.body)
	}
	tt := decode[shared.Timetable](t, r)
	if tt.Provider != "mtt" || len(tt.Events) == 0 {
		t.Fatalf("timetable %s..%s with %d events", tt.From, tt.To, len(tt.Events))
	}
	monday := shared.DateOf(time.Now()).Monday()
	r = e.get("/api/timetable?from=" + monday.AddDays(-7).String() + "&to=" + monday.AddDays(16*7-1).String())
	if r.status != 200 {
		t.Fatalf("term: %d %s", r.status, r.body)
	}
	term := decode[shared.Timetable](t, r)
	offsets, allDay := map[int]bool{}, 0
	for _, ev := range term.Events {
		_, off := ev.Start.Zone()
		offsets[off] = true
		if ev.AllDay {
			allDay++
			if ev.Start.Hour() != 0 || ev.End.Hour() != 0 || !ev.End.After(ev.Start) {
				t.Errorf("all-day event %s..%s", ev.Start, ev.End)
			}
		}
		if ev.ID == "" || ev.Title == "" {
			t.Errorf("event %+v", ev)
		}
	}
	for off := range offsets {
		if off != 3600 && off != 7200 {
			t.Errorf("an event at UTC offset %d s: not Amsterdam time", off)
		}
	}
	if allDay == 0 {
		t.Error("no all-day event in a term")
	}

	// Sign-out ends the session; the cookie held the only copy of the tokens.
	if r := e.post("/api/auth/logout", struct{}{}); r.status != http.StatusNoContent {
		t.Fatalf("logout: %d %s", r.status, r.body)
	}
	if s := decode[shared.Session](t, e.get("/api/session")); s.SignedIn {
		t.Error("still signed in after logout")
	}

	logs := e.logs.String()
	for _, secret := range []string{clientSecret, params["code"], params["state"]} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain a secret value %q", secret)
		}
	}
}

func TestMyTimetableRejectsBadCallbacks(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mangle func(e *env, params map[string]string) map[string]string
		status int
		code   shared.ErrorCode
	}{
		{"wrong state", func(_ *env, p map[string]string) map[string]string {
			p["state"] = "forged-" + p["state"]
			return p
		}, http.StatusBadRequest, shared.CodeFlowExpired},
		{"missing state", func(_ *env, p map[string]string) map[string]string {
			delete(p, "state")
			return p
		}, http.StatusBadRequest, shared.CodeFlowExpired},
		{"forged code", func(_ *env, p map[string]string) map[string]string {
			p["code"] = "not-a-code"
			return p
		}, http.StatusBadRequest, shared.CodeFlowExpired},
		{"another browser's state", func(e *env, p map[string]string) map[string]string {
			// The callback arrives in another browser, which has a
			// sign-in of its own in progress.
			e.client = newBrowser(e.t)
			e.mttStart()
			return p
		}, http.StatusBadRequest, shared.CodeFlowExpired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envOptions{})
			params := tc.mangle(e, e.mttConsent(e.mttStart(), "allow"))
			r := e.post("/api/auth/mtt/complete", shared.CompleteRequest{Params: params})
			if r.status != tc.status || r.apiError().Code != tc.code {
				t.Fatalf("complete: %d %s, want %d %s", r.status, r.body, tc.status, tc.code)
			}
			if s := decode[shared.Session](t, e.get("/api/session")); s.SignedIn {
				t.Error("signed in")
			}
		})
	}
}

func TestMyTimetableDenied(t *testing.T) {
	e := newEnv(t, envOptions{})
	params := e.mttConsent(e.mttStart(), "deny")
	if params["error"] != "access_denied" {
		t.Fatalf("callback params %v", params)
	}
	r := e.post("/api/auth/mtt/complete", shared.CompleteRequest{Params: params})
	if r.status != http.StatusForbidden || r.apiError().Code != shared.CodeAccessDenied {
		t.Fatalf("complete: %d %s", r.status, r.body)
	}
}

func TestMyTimetableReplayedCode(t *testing.T) {
	e := newEnv(t, envOptions{})
	params := e.mttSignIn()
	// The same callback again, in a browser that starts a new sign-in
	// (so its flow cookie is fresh) but replays the old code and state.
	e.mttStart()
	r := e.post("/api/auth/mtt/complete", shared.CompleteRequest{Params: params})
	if r.status != http.StatusBadRequest || r.apiError().Code != shared.CodeFlowExpired {
		t.Fatalf("replayed callback: %d %s", r.status, r.body)
	}
	// Another browser without the flow cookie cannot use it either.
	other := newBrowser(t)
	r = e.do(other, "POST", "/api/auth/mtt/complete", shared.CompleteRequest{Params: params}, nil)
	if r.status != http.StatusBadRequest || r.apiError().Code != shared.CodeFlowExpired {
		t.Fatalf("callback in another browser: %d %s", r.status, r.body)
	}
}

func TestMyTimetableRefresh(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.mttSignIn()
	before := e.cookie("cw_session").Value
	e.mtt.ExpireAccessTokens()
	r := e.get("/api/timetable")
	if r.status != 200 {
		t.Fatalf("timetable after the access token expired: %d %s", r.status, r.body)
	}
	after := e.cookie("cw_session")
	if after == nil || after.Value == before {
		t.Fatal("the refreshed token was not sealed into the session")
	}
	// The new session works without another refresh.
	if r := e.get("/api/timetable"); r.status != 200 {
		t.Fatalf("timetable with the refreshed session: %d %s", r.status, r.body)
	}

	// When the refresh token is refused too, the student is signed out.
	e.mtt.ExpireAccessTokens()
	e.mtt.RevokeRefreshTokens()
	r = e.get("/api/timetable")
	if r.status != http.StatusUnauthorized || r.apiError().Code != shared.CodeSignedOut {
		t.Fatalf("timetable with dead tokens: %d %s", r.status, r.body)
	}
	if c := e.cookie("cw_session"); c != nil {
		t.Error("the dead session cookie was kept")
	}
}

func TestMyTimetableWithoutRefreshTokens(t *testing.T) {
	e := newEnv(t, envOptions{noRefresh: true})
	e.mttSignIn()
	sess := decode[shared.Session](t, e.get("/api/session"))
	if sess.ExpiresAt == nil || time.Until(*sess.ExpiresAt) > 2*time.Hour {
		t.Errorf("a session without a refresh token must end with its access token: %v", sess.ExpiresAt)
	}
	e.mtt.ExpireAccessTokens()
	r := e.get("/api/timetable")
	if r.status != http.StatusUnauthorized || r.apiError().Code != shared.CodeSignedOut {
		t.Fatalf("timetable with an expired token and no refresh token: %d %s", r.status, r.body)
	}
}

func TestMyTimetableHasNoPINFlow(t *testing.T) {
	e := newEnv(t, envOptions{})
	r := e.post("/api/auth/mtt/start", shared.StartRequest{Mode: shared.ModePIN})
	if r.status != http.StatusBadRequest || r.apiError().Code != shared.CodeBadRequest {
		t.Fatalf("PIN start: %d %s", r.status, r.body)
	}
}
