package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/campusweek/campusweek/server/api"
	"github.com/campusweek/campusweek/shared"
)

const pwaOrigin = "https://pwa.example.edu"

func TestCORS(t *testing.T) {
	e := newEnv(t, envOptions{allowedOrigins: []string{pwaOrigin}})
	preflight := func(origin string) response {
		return e.do(e.client, "OPTIONS", "/api/auth/uni/start", nil, map[string]string{
			"Origin":                         origin,
			"Access-Control-Request-Method":  "POST",
			"Access-Control-Request-Headers": "content-type",
		})
	}
	for _, origin := range []string{pwaOrigin, e.api.URL} {
		r := preflight(origin)
		if r.status/100 != 2 || r.header.Get("Access-Control-Allow-Origin") != origin ||
			r.header.Get("Access-Control-Allow-Credentials") != "true" ||
			!strings.Contains(strings.ToLower(r.header.Get("Access-Control-Allow-Methods")), "post") {
			t.Errorf("preflight from %s: %d %v", origin, r.status, r.header)
		}
	}
	r := preflight("https://evil.example")
	if acao := r.header.Get("Access-Control-Allow-Origin"); acao != "" {
		t.Errorf("preflight from a foreign origin allowed %q", acao)
	}

	// Actual requests: credentials for the allowed origin, never "*".
	r = e.do(e.client, "GET", "/api/session", nil, map[string]string{"Origin": pwaOrigin})
	if r.header.Get("Access-Control-Allow-Origin") != pwaOrigin || r.header.Get("Access-Control-Allow-Credentials") != "true" {
		t.Errorf("GET from the PWA origin: %v", r.header)
	}
	if !strings.Contains(r.header.Get("Vary"), "Origin") {
		t.Errorf("CORS answers without Vary: Origin: %v", r.header)
	}
	r = e.do(e.client, "GET", "/api/session", nil, map[string]string{"Origin": "https://evil.example"})
	if acao := r.header.Get("Access-Control-Allow-Origin"); acao != "" {
		t.Errorf("GET from a foreign origin allowed %q", acao)
	}

	// A state-changing request from the allowed origin passes the CSRF
	// check; the same from a foreign origin does not.
	r = e.do(e.client, "POST", "/api/auth/uni/start", shared.StartRequest{}, map[string]string{"Origin": pwaOrigin})
	if r.status != http.StatusOK {
		t.Errorf("start from the PWA origin: %d %s", r.status, r.body)
	}
	r = e.do(e.client, "POST", "/api/auth/uni/start", shared.StartRequest{}, map[string]string{"Origin": "https://evil.example"})
	if r.status != http.StatusForbidden {
		t.Errorf("start from a foreign origin: %d %s", r.status, r.body)
	}
}

// What an attacker's page can send cross-site without CORS: an HTML form
// post. It must change nothing.
func TestCrossSiteFormPostRefused(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.signIn()
	for _, hdr := range []map[string]string{
		{"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
		{"Content-Type": "text/plain", "Sec-Fetch-Site": "cross-site"},
		{"Content-Type": "application/x-www-form-urlencoded"}, // an old browser sending no Origin
	} {
		req, _ := http.NewRequest("POST", e.api.URL+"/api/auth/logout", strings.NewReader("a=b"))
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := e.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("form post %v: %d", hdr, resp.StatusCode)
		}
	}
	if !decode[shared.Session](t, e.get("/api/session")).SignedIn {
		t.Fatal("a cross-site form post signed the student out")
	}
}

func TestHeadersOnEveryResponse(t *testing.T) {
	e := newEnv(t, envOptions{})
	for _, path := range []string{"/", "/auth/callback/uni?oauth_token=x&oauth_verifier=y", "/api/providers", "/api/nothing", "/healthz"} {
		r := e.get(path)
		for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"} {
			if r.header.Get(h) == "" {
				t.Errorf("%s: no %s", path, h)
			}
		}
		if r.header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: Referrer-Policy %q", path, r.header.Get("Referrer-Policy"))
		}
	}
}

// A page of another site can send a student's browser to an API address
// (a link, a redirect: top-level navigations carry the Lax session
// cookie). Such requests are refused before they are charged to anyone or
// reach the university, so four of them no longer drain the student's
// read budget; the same page may still fetch a calendar subscription,
// which is meant to be fetched from anywhere.
func TestCrossSiteReadsRefused(t *testing.T) {
	e := newEnv(t, envOptions{scopes: []string{"studies", "offline_access"}})
	e.signIn()
	monday := shared.DateOf(e.clock.Now()).Monday()
	longest := "?from=" + monday.String() + "&to=" + monday.AddDays(api.MaxRangeDays-1).String()
	for _, hdr := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
		{"Sec-Fetch-Site": "cross-site", "Origin": "null"},
		{"Origin": "https://evil.example"}, // a browser from before Sec-Fetch-Site
		{"Sec-Fetch-Site": "cross-site"},
	} {
		for _, path := range []string{"/api/timetable.ics" + longest, "/api/timetable" + longest} {
			r := e.do(e.client, "GET", path, nil, hdr)
			if r.status != http.StatusForbidden || r.apiError().Code != shared.CodeForbidden {
				t.Errorf("GET %s with %v: %d %.200s, want 403 forbidden", path, hdr, r.status, r.body)
			}
		}
	}
	// The whole budget is left: the longest range read four times (the
	// burst holds four, not five).
	for i := range 4 {
		if r := e.do(e.client, "GET", "/api/timetable.ics"+longest, nil, map[string]string{"Sec-Fetch-Site": "same-origin"}); r.status != http.StatusOK {
			t.Fatalf("the student's own export %d: %d %.200s", i+1, r.status, r.body)
		}
	}
	// Typing the address, or a same-site link, still works.
	for _, site := range []string{"none", "same-site"} {
		if r := e.do(e.client, "GET", "/api/session", nil, map[string]string{"Sec-Fetch-Site": site}); r.status != http.StatusOK {
			t.Errorf("GET /api/session with Sec-Fetch-Site %s: %d", site, r.status)
		}
	}

	feed := e.makeFeed("uni").Feed
	u, _ := url.Parse(feed.URL)
	if r := e.do(newBrowser(t), "GET", u.Path, nil, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://calendar.example"}); r.status != http.StatusOK {
		t.Errorf("a cross-site feed fetch: %d %.200s", r.status, r.body)
	}
}
