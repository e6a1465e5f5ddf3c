package api_test

import (
	"net/http"
	"strings"
	"testing"

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
