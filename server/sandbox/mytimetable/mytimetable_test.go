package mytimetable

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/sandbox/internal/demo"
	"golang.org/x/oauth2"
)

func TestMyTimetableFlowWithOAuth2(t *testing.T) {
	for _, prefix := range []string{"", "/sandbox/mytimetable"} {
		t.Run("prefix="+prefix, func(t *testing.T) {
			e := newMTTEnv(t, prefix, time.Now())
			cfg := e.oauth("user_read", "profile_read")
			code := e.code(cfg, "xyz/+= state")
			tok, err := cfg.Exchange(e.ctx(), code)
			if err != nil {
				t.Fatalf("Exchange: %v", err)
			}
			if tok.AccessToken == "" || tok.RefreshToken == "" || !strings.EqualFold(tok.TokenType, "bearer") ||
				time.Until(tok.Expiry) < 59*time.Minute || time.Until(tok.Expiry) > 61*time.Minute {
				t.Fatalf("token %+v", tok)
			}
			if s, _ := tok.Extra("scope").(string); s != "user_read profile_read" {
				t.Errorf("scope %q", s)
			}

			p := e.call(tok.AccessToken, "user", nil)
			var user struct{ Username, FeedURL string }
			if p.Status != 200 || json.Unmarshal([]byte(p.Body), &user) != nil {
				t.Fatalf("user: %d %s", p.Status, p.Body)
			}
			if user.Username != "akowalska" || !strings.HasPrefix(user.FeedURL, e.base+"/ical?eu=") {
				t.Errorf("user %+v", user)
			}

			monday := demo.MondayOf(amsterdamDate(time.Now()))
			evs := e.events(tok.AccessToken, localMidnight(monday), localMidnight(monday.AddDate(0, 0, 7)))
			classes := 0
			for _, ev := range evs {
				if ev["allDay"] == false {
					classes++
				}
			}
			if classes < 3 {
				t.Errorf("the current week has %d classes: %v", classes, evs)
			}
		})
	}
}

func TestMyTimetableConsentPage(t *testing.T) {
	e := newMTTEnv(t, "/mtt", time.Now())
	authURL := e.oauth("profile_read").AuthCodeURL("s")
	p := e.Get(authURL)
	if p.Status != 200 {
		t.Fatalf("%d %s", p.Status, p.Body)
	}
	for _, want := range []string{"Sandbox University (MyTimetable)", "MyTimetable &middot; sandbox", mttClientID,
		"your personal timetable", `id="allow"`, `id="deny"`, `name="csrf"`, `name="request"`,
		`<option value="123456" selected>Anna Kowalska (123456)</option>`, `action="/mtt/oauth/authorize"`, "app.example"} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("consent page lacks %q", want)
		}
	}
	for h, want := range map[string]string{
		"Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY", "Cache-Control": "no-store",
		"Content-Type": "text/html; charset=utf-8",
	} {
		if got := p.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if csp := p.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}

	action, form := e.consentForm(authURL, "allow")
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("csrf", "forged")
	if p := e.PostForm(action, bad); p.Status != http.StatusForbidden {
		t.Errorf("forged csrf: %d", p.Status)
	}
	bad = url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("student", "12345") // a lecturer
	if p := e.PostForm(action, bad); p.Status != http.StatusBadRequest {
		t.Errorf("lecturer as student: %d", p.Status)
	}
	if loc := e.redirected(e.PostForm(action, form)); loc.Query().Get("code") == "" {
		t.Fatalf("allow: %s", loc)
	}
	if p := e.PostForm(action, form); p.Status != http.StatusBadRequest || p.Header.Get("Location") != "" {
		t.Errorf("answering twice: %d %s", p.Status, p.Header.Get("Location"))
	}
}

func TestMyTimetableAuthorizeNeverRedirectsToUnverifiedURI(t *testing.T) {
	e := newMTTEnv(t, "", time.Now())
	base := url.Values{"response_type": {"code"}, "client_id": {mttClientID}, "redirect_uri": {mttCallback}, "state": {"s"}}
	for _, tc := range []struct {
		name   string
		change func(url.Values)
	}{
		{"unknown client", func(v url.Values) { v.Set("client_id", "evil") }},
		{"missing client", func(v url.Values) { v.Del("client_id") }},
		{"repeated client", func(v url.Values) { v.Add("client_id", mttClientID) }},
		{"other redirect", func(v url.Values) { v.Set("redirect_uri", "https://evil.example/cb") }},
		{"trailing slash", func(v url.Values) { v.Set("redirect_uri", mttCallback+"/") }},
		{"upper-case host", func(v url.Values) {
			v.Set("redirect_uri", strings.Replace(mttCallback, "app.example", "APP.example", 1))
		}},
		{"extra query", func(v url.Values) { v.Set("redirect_uri", mttCallback+"&x=1") }},
		{"missing redirect with two registered", func(v url.Values) { v.Del("redirect_uri") }},
		{"repeated redirect", func(v url.Values) { v.Add("redirect_uri", mttCallback) }},
		{"another client's redirect", func(v url.Values) { v.Set("redirect_uri", "https://other.example/cb") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := url.Values{}
			for k, x := range base {
				v[k] = append([]string(nil), x...)
			}
			tc.change(v)
			p := e.Get(e.base + "/oauth/authorize?" + v.Encode())
			if p.Status != http.StatusBadRequest || p.Header.Get("Location") != "" ||
				!strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") || !strings.Contains(p.Body, `id="error"`) {
				t.Fatalf("got %d Location %q: %s", p.Status, p.Header.Get("Location"), p.Body)
			}
		})
	}
}

func TestMyTimetableAuthorizeRedirectsErrors(t *testing.T) {
	e := newMTTEnv(t, "", time.Now())
	for _, tc := range []struct {
		name      string
		query     string
		wantError string
		wantState string // "-" = no state parameter
		redirect  string
	}{
		{"unsupported response type", "response_type=token&client_id=campusweek&redirect_uri=" + url.QueryEscape(mttCallback) + "&state=a%2Bb",
			"unsupported_response_type", "a+b", mttCallback},
		{"missing response type", "client_id=campusweek&redirect_uri=" + url.QueryEscape(mttCallback) + "&state=x",
			"invalid_request", "x", mttCallback},
		{"unknown scope", "response_type=code&client_id=campusweek&redirect_uri=" + url.QueryEscape(mttCallback) + "&scope=profile_read+grades&state=s",
			"invalid_scope", "s", mttCallback},
		{"repeated scope", "response_type=code&client_id=campusweek&redirect_uri=" + url.QueryEscape(mttCallback) + "&scope=a&scope=b",
			"invalid_request", "-", mttCallback},
		{"no state, the single registered URI", "response_type=code&client_id=" + mttNoRefreshID + "&scope=nope",
			"invalid_scope", "-", "https://other.example/cb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			loc := e.redirected(e.Get(e.base + "/oauth/authorize?" + tc.query))
			q := loc.Query()
			if q.Get("error") != tc.wantError || q.Get("error_description") == "" {
				t.Errorf("error %q (%q), want %q", q.Get("error"), q.Get("error_description"), tc.wantError)
			}
			if _, has := q["state"]; tc.wantState == "-" && has || tc.wantState != "-" && q.Get("state") != tc.wantState {
				t.Errorf("state %q, want %q", q["state"], tc.wantState)
			}
			if target := loc.Scheme + "://" + loc.Host + loc.Path; !strings.HasPrefix(tc.redirect, target) {
				t.Errorf("redirected to %s", loc)
			}
			if tc.redirect == mttCallback && q.Get("src") != "sandbox" {
				t.Errorf("the callback's own query was lost: %s", loc)
			}
		})
	}
}

func TestMyTimetableDenyAndState(t *testing.T) {
	e := newMTTEnv(t, "", time.Now())
	for _, state := range []string{"plain", "with spaces & symbols =+/?#", ""} {
		cfg := e.oauth()
		authURL := cfg.AuthCodeURL(state)
		if state == "" { // x/oauth2 always sends state; take it out
			authURL = strings.Replace(authURL, "&state=", "&x=", 1)
		}
		loc := e.consent(authURL, "deny")
		q := loc.Query()
		if q.Get("error") != "access_denied" || q.Get("error_description") == "" || q.Get("code") != "" {
			t.Errorf("deny: %s", loc)
		}
		if _, has := q["state"]; state == "" && has || state != "" && q.Get("state") != state {
			t.Errorf("state %q echoed as %q", state, q["state"])
		}
		if !strings.HasPrefix(loc.String(), mttCallback+"&") {
			t.Errorf("parameters not appended to the callback's query: %s", loc)
		}
	}
}

func TestMyTimetableTokenEndpointErrors(t *testing.T) {
	e := newMTTEnv(t, "", time.Now())
	cfg := e.oauth()
	good := func() url.Values {
		return url.Values{"grant_type": {"authorization_code"}, "code": {e.code(cfg, "s")}, "redirect_uri": {mttCallback},
			"client_id": {mttClientID}, "client_secret": {mttClientSecret}}
	}
	for _, tc := range []struct {
		name   string
		change func(v url.Values) *http.Request
		status int
		code   string
	}{
		{"wrong secret", func(v url.Values) *http.Request { v.Set("client_secret", "nope"); return nil }, 401, "invalid_client"},
		{"missing secret", func(v url.Values) *http.Request { v.Del("client_secret"); return nil }, 401, "invalid_client"},
		{"unknown client", func(v url.Values) *http.Request { v.Set("client_id", "x"); return nil }, 401, "invalid_client"},
		{"another client's secret", func(v url.Values) *http.Request {
			v.Set("client_id", mttNoRefreshID)
			v.Set("client_secret", "other")
			return nil
		}, 400, "invalid_grant"},
		{"wrong redirect_uri", func(v url.Values) *http.Request { v.Set("redirect_uri", "http://127.0.0.1:9/cb"); return nil }, 400, "invalid_grant"},
		{"missing redirect_uri", func(v url.Values) *http.Request { v.Del("redirect_uri"); return nil }, 400, "invalid_grant"},
		{"unknown code", func(v url.Values) *http.Request { v.Set("code", "forged"); return nil }, 400, "invalid_grant"},
		{"missing code", func(v url.Values) *http.Request { v.Del("code"); return nil }, 400, "invalid_request"},
		{"password grant", func(v url.Values) *http.Request { v.Set("grant_type", "password"); return nil }, 400, "unsupported_grant_type"},
		{"client credentials grant", func(v url.Values) *http.Request { v.Set("grant_type", "client_credentials"); return nil }, 400, "unsupported_grant_type"},
		{"missing grant type", func(v url.Values) *http.Request { v.Del("grant_type"); return nil }, 400, "invalid_request"},
		{"repeated parameter", func(v url.Values) *http.Request { v.Add("code", "x"); return nil }, 400, "invalid_request"},
		{"GET", func(v url.Values) *http.Request {
			r, _ := http.NewRequest("GET", e.base+"/oauth/token?"+v.Encode(), nil)
			return r
		}, 405, "method_not_allowed"},
		{"parameters in the query", func(v url.Values) *http.Request {
			r, _ := http.NewRequest("POST", e.base+"/oauth/token?"+v.Encode(), nil)
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}, 400, "invalid_request"},
		{"JSON body", func(v url.Values) *http.Request {
			b, _ := json.Marshal(map[string]string{"grant_type": "authorization_code"})
			r, _ := http.NewRequest("POST", e.base+"/oauth/token", strings.NewReader(string(b)))
			r.Header.Set("Content-Type", "application/json")
			return r
		}, 400, "invalid_request"},
		{"Basic and body at once", func(v url.Values) *http.Request {
			r, _ := http.NewRequest("POST", e.base+"/oauth/token", strings.NewReader(v.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.SetBasicAuth(url.QueryEscape(mttClientID), url.QueryEscape(mttClientSecret))
			return r
		}, 400, "invalid_request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := good()
			req := tc.change(v)
			if req == nil {
				req, _ = http.NewRequest("POST", e.base+"/oauth/token", strings.NewReader(v.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			p := e.Do(req)
			wantOAuthError(t, p, tc.status, tc.code)
			if tc.status == 401 && p.Header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}

	t.Run("HTTP Basic works too", func(t *testing.T) {
		v := good()
		v.Del("client_secret")
		v.Del("client_id")
		req, _ := http.NewRequest("POST", e.base+"/oauth/token", strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
		req.SetBasicAuth(url.QueryEscape(mttClientID), url.QueryEscape(mttClientSecret))
		p := e.Do(req)
		if p.Status != 200 || p.Header.Get("Cache-Control") != "no-store" || !strings.HasPrefix(p.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("%d %v %s", p.Status, p.Header, p.Body)
		}
		var reply map[string]any
		json.Unmarshal([]byte(p.Body), &reply)
		for _, k := range []string{"access_token", "token_type", "refresh_token", "expires_in", "scope"} {
			if _, ok := reply[k]; !ok {
				t.Errorf("token reply lacks %s: %s", k, p.Body)
			}
		}
		if reply["token_type"] != "bearer" || reply["expires_in"] != float64(3600) ||
			reply["scope"] != "username user_read profile_read profile_write alltimetables messages_read" {
			t.Errorf("token reply %s", p.Body)
		}
	})
}

func TestMyTimetableCodeIsSingleUse(t *testing.T) {
	e := newMTTEnv(t, "", time.Now())
	cfg := e.oauth()
	code := e.code(cfg, "s")
	tok, err := cfg.Exchange(e.ctx(), code)
	if err != nil {
		t.Fatal(err)
	}
	if p := e.call(tok.AccessToken, "user", nil); p.Status != 200 {
		t.Fatalf("user: %d %s", p.Status, p.Body)
	}
	_, err = cfg.Exchange(e.ctx(), code)
	if retrieveCode(err) != "invalid_grant" {
		t.Fatalf("replayed code: %v", err)
	}
	// RFC 6749 4.1.2: the tokens issued for the code are revoked.
	wantMTTError(t, e.call(tok.AccessToken, "user", nil), 401, "unauthorized")
	if _, err := cfg.TokenSource(e.ctx(), &oauth2.Token{RefreshToken: tok.RefreshToken}).Token(); retrieveCode(err) != "invalid_grant" {
		t.Errorf("refresh token of a replayed code: %v", err)
	}
	// A failed exchange spends the code too.
	code = e.code(cfg, "s")
	other := *cfg
	other.RedirectURL = "http://127.0.0.1:9/cb"
	if _, err := other.Exchange(e.ctx(), code); retrieveCode(err) != "invalid_grant" {
		t.Fatalf("redirect mismatch: %v", err)
	}
	if _, err := cfg.Exchange(e.ctx(), code); retrieveCode(err) != "invalid_grant" {
		t.Fatalf("code after a failed exchange: %v", err)
	}
}

func TestMyTimetableCodeExpires(t *testing.T) {
	e := newMTTEnv(t, "", time.Now())
	cfg := e.oauth()
	code := e.code(cfg, "s")
	e.clock.Add(5*time.Minute + time.Second)
	if _, err := cfg.Exchange(e.ctx(), code); retrieveCode(err) != "invalid_grant" {
		t.Fatalf("expired code: %v", err)
	}
	code = e.code(cfg, "s")
	e.clock.Add(4 * time.Minute)
	if _, err := cfg.Exchange(e.ctx(), code); err != nil {
		t.Fatalf("code within 5 minutes: %v", err)
	}
}

func TestMyTimetableRefresh(t *testing.T) {
	e := newMTTEnv(t, "", time.Now())
	cfg, tok := e.signIn()

	e.m.ExpireAccessTokens()
	wantMTTError(t, e.call(tok.AccessToken, "user", nil), 401, "unauthorized")
	fresh, err := cfg.TokenSource(e.ctx(), &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if fresh.AccessToken == tok.AccessToken || fresh.RefreshToken != tok.RefreshToken {
		t.Errorf("refresh: new access %v, same refresh %v", fresh.AccessToken != tok.AccessToken, fresh.RefreshToken == tok.RefreshToken)
	}
	if s, _ := fresh.Extra("scope").(string); s != "username user_read profile_read profile_write alltimetables messages_read" {
		t.Errorf("scopes after refresh %q", s)
	}
	if p := e.call(fresh.AccessToken, "user", nil); p.Status != 200 {
		t.Fatalf("user with the refreshed token: %d %s", p.Status, p.Body)
	}

	// Expiry by the clock, not just the hook.
	e.clock.Add(time.Hour)
	wantMTTError(t, e.call(fresh.AccessToken, "user", nil), 401, "unauthorized")
	again, err := cfg.TokenSource(e.ctx(), &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	if err != nil {
		t.Fatalf("the same refresh token again: %v", err)
	}

	// A refresh may narrow the scopes, not widen them.
	// (x/oauth2 never sends scope with a refresh, so by hand.)
	refresh := func(scope string) page {
		return e.PostForm(e.base+"/oauth/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken},
			"scope": {scope}, "client_id": {mttClientID}, "client_secret": {mttClientSecret}})
	}
	p := refresh("user_read")
	var nt struct {
		AccessToken string `json:"access_token"`
		Scope       string
	}
	if p.Status != 200 || json.Unmarshal([]byte(p.Body), &nt) != nil || nt.Scope != "user_read" {
		t.Fatalf("narrowing refresh: %d %s", p.Status, p.Body)
	}
	wantMTTError(t, e.call(nt.AccessToken, "timetable", url.Values{"startDate": {"today"}, "endDate": {"tomorrow"}}), 403, "forbidden")
	e2 := newMTTEnv(t, "", time.Now())
	_, narrowTok := e2.signIn("user_read")
	p = e2.PostForm(e2.base+"/oauth/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {narrowTok.RefreshToken},
		"scope": {"user_read profile_read"}, "client_id": {mttClientID}, "client_secret": {mttClientSecret}})
	wantOAuthError(t, p, 400, "invalid_scope")
	if p := e.call(again.AccessToken, "user", nil); p.Status != 401 {
		t.Errorf("an access token from before a refresh still works: %d", p.Status)
	}

	e.m.RevokeRefreshTokens()
	if _, err := cfg.TokenSource(e.ctx(), &oauth2.Token{RefreshToken: tok.RefreshToken}).Token(); retrieveCode(err) != "invalid_grant" {
		t.Fatalf("revoked refresh token: %v", err)
	}
}

func TestMyTimetableNoRefreshClient(t *testing.T) {
	e := newMTTEnv(t, "", time.Now())
	cfg := e.oauth("profile_read")
	cfg.ClientID, cfg.ClientSecret, cfg.RedirectURL = mttNoRefreshID, "other", "https://other.example/cb"
	tok, err := cfg.Exchange(e.ctx(), e.code(cfg, "s"))
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken != "" || tok.AccessToken == "" {
		t.Errorf("token %+v", tok)
	}
}

func TestMyTimetableAPIAuth(t *testing.T) {
	e := newMTTEnv(t, "", time.Now())
	_, tok := e.signIn("user_read")
	wantMTTError(t, e.call("", "user", nil), 401, "unauthorized")
	wantMTTError(t, e.call("forged", "user", nil), 401, "unauthorized")
	wantMTTError(t, e.call(tok.AccessToken, "timetable", url.Values{"startDate": {"today"}, "endDate": {"tomorrow"}}), 403, "forbidden")
	wantMTTError(t, e.call(tok.AccessToken, "subscriptions", nil), 404, "not_found")
	if p := e.call("", "user", url.Values{"access_token": {tok.AccessToken}}); p.Status != 200 {
		t.Errorf("?access_token=: %d %s", p.Status, p.Body)
	}
	wantMTTError(t, e.call(tok.AccessToken, "user", url.Values{"access_token": {tok.AccessToken}}), 400, "invalid_request")

	// The error shape is testdata/error.json's, key order and spacing included.
	p := e.call("", "user", nil)
	if !regexp.MustCompile(`^\{"errorType": "unauthorized", "errorMessage": "[^"]+", "status": "error"\}$`).MatchString(p.Body) {
		t.Errorf("error body %s", p.Body)
	}
	if !strings.HasPrefix(p.Header.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("WWW-Authenticate %q", p.Header.Get("WWW-Authenticate"))
	}

	// Without Accept: application/json, MyTimetable speaks XML.
	for _, accept := range []string{"", "*/*", "text/html", "application/json;q=0"} {
		req, _ := http.NewRequest("GET", e.base+"/api/v0/user", nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		p := e.Do(req)
		if p.Status != 200 || !strings.HasPrefix(p.Header.Get("Content-Type"), "application/xml") ||
			!strings.Contains(p.Body, "<username>akowalska</username>") {
			t.Errorf("Accept %q: %d %s %s", accept, p.Status, p.Header.Get("Content-Type"), p.Body)
		}
		var v any
		if json.Unmarshal([]byte(p.Body), &v) == nil {
			t.Errorf("Accept %q: the XML reply parses as JSON", accept)
		}
	}
	req, _ := http.NewRequest("GET", e.base+"/api/v0/user", nil)
	if p := e.Do(req); p.Status != 401 || !strings.Contains(p.Body, "<errorType>unauthorized</errorType>") {
		t.Errorf("XML error: %d %s", p.Status, p.Body)
	}
	req, _ = http.NewRequest("GET", e.base+"/api/v0/user", nil)
	req.Header.Set("Accept", "text/html, application/json;q=0.9")
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	if p := e.Do(req); p.Status != 200 || !strings.HasPrefix(p.Header.Get("Content-Type"), "application/json") {
		t.Errorf("JSON with q=0.9: %d %s", p.Status, p.Header.Get("Content-Type"))
	}
	req, _ = http.NewRequest("POST", e.base+"/api/v0/user", nil)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	wantMTTError(t, e.Do(req), 405, "method_not_allowed")
}

func TestMyTimetableTimetableParameters(t *testing.T) {
	now := amsterdamTime(2026, time.October, 14, 12, 0)
	e := newMTTEnv(t, "", now)
	_, tok := e.signIn("profile_read")
	for _, tc := range []struct {
		name       string
		start, end string
		status     int
	}{
		{"epoch milliseconds", "1791324000000", "1791928800000", 200},
		{"ISO with offset", "2026-10-12T00:00:00+02:00", "2026-10-19T00:00:00+02:00", 200},
		{"ISO Z", "2026-10-11T22:00:00Z", "2026-10-18T22:00:00.000Z", 200},
		{"dates", "2026-10-12", "2026-10-19", 200},
		{"today and tomorrow", "today", "tomorrow", 200},
		{"empty range", "2026-10-12", "2026-10-12", 200},
		{"366 days", "2026-01-01", "2027-01-02", 200},
		{"367 days", "2026-01-01", "2027-01-03", 400},
		{"end before start", "2026-10-19", "2026-10-12", 400},
		{"missing start", "", "2026-10-12", 400},
		{"unescaped plus", "2026-10-12T00:00:00 02:00", "2026-10-19T00:00:00 02:00", 400},
		{"no offset", "2026-10-12T00:00:00", "2026-10-19T00:00:00", 400},
		{"garbage", "next week", "2026-10-19", 400},
		{"bad date", "2026-02-30", "2026-10-19", 400},
		{"negative", "-5", "2026-10-19", 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := url.Values{"endDate": {tc.end}}
			if tc.start != "" {
				q.Set("startDate", tc.start)
			}
			p := e.call(tok.AccessToken, "timetable", q)
			if tc.status != 200 {
				wantMTTError(t, p, tc.status, "invalid_parameter")
				return
			}
			var evs []json.RawMessage
			if p.Status != 200 || json.Unmarshal([]byte(p.Body), &evs) != nil || !strings.HasPrefix(p.Body, "[") {
				t.Fatalf("%d %s", p.Status, p.Body)
			}
		})
	}
	p := e.call(tok.AccessToken, "timetable", url.Values{"startDate": {"2026-10-12"}, "endDate": {"2026-10-19"}, "limit": {"2"}})
	var evs []json.RawMessage
	if json.Unmarshal([]byte(p.Body), &evs); len(evs) != 2 {
		t.Errorf("limit=2 gave %d events", len(evs))
	}
	wantMTTError(t, e.call(tok.AccessToken, "timetable", url.Values{"startDate": {"today"}, "endDate": {"tomorrow"}, "limit": {"0"}}), 400, "invalid_parameter")
	if p := e.call(tok.AccessToken, "timetable", url.Values{"startDate": {"2026-10-12"}, "endDate": {"2026-10-12"}}); p.Body != "[]" {
		t.Errorf("an empty range gives %s, want []", p.Body)
	}
}
