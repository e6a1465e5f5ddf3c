package api

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/server/seal"
	"github.com/campusweek/campusweek/shared"
)

func newTestServer(t *testing.T, public string, keys ...[]byte) *Server {
	t.Helper()
	if len(keys) == 0 {
		keys = [][]byte{bytes.Repeat([]byte{9}, seal.KeySize)}
	}
	sl, err := seal.New(keys...)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(public)
	s, err := New(Options{PublicURL: u, Sealer: sl})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCookiesOnHTTPS(t *testing.T) {
	s := newTestServer(t, "https://tt.example.edu")
	rec := httptest.NewRecorder()
	if _, err := s.writeSession(rec, sessionState{Provider: "uw", Creds: provider.Credentials{Token: "t"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.writeFlows(rec, []flowState{{Provider: "uw", Mode: shared.ModeRedirect, Expires: s.now().Add(flowTTL).Unix()}}); err != nil {
		t.Fatal(err)
	}
	cookies := rec.Result().Cookies()
	if len(cookies) != 2 {
		t.Fatalf("cookies %v", cookies)
	}
	for _, c := range cookies {
		if c.Name != "__Host-cw_session" && c.Name != "__Host-cw_flow" {
			t.Errorf("cookie %q lacks the __Host- prefix", c.Name)
		}
		if !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" {
			t.Errorf("cookie %s: Secure=%v HttpOnly=%v SameSite=%v Path=%q Domain=%q", c.Name, c.Secure, c.HttpOnly, c.SameSite, c.Path, c.Domain)
		}
		if c.Name == "__Host-cw_flow" && c.MaxAge > int(flowTTL.Seconds()) {
			t.Errorf("flow cookie lives %d s", c.MaxAge)
		}
	}
}

func TestCookiesOnLoopbackHTTP(t *testing.T) {
	s := newTestServer(t, "http://127.0.0.1:8080")
	rec := httptest.NewRecorder()
	if _, err := s.writeSession(rec, sessionState{Provider: "uw"}); err != nil {
		t.Fatal(err)
	}
	c := rec.Result().Cookies()[0]
	// Browsers refuse __Host- and Secure cookies on plain http.
	if c.Name != "cw_session" || c.Secure || !c.HttpOnly {
		t.Errorf("cookie %s Secure=%v HttpOnly=%v", c.Name, c.Secure, c.HttpOnly)
	}
}

// A session sealed under the old key still opens after rotation; one
// sealed under an unknown key does not.
func TestSessionKeyRotation(t *testing.T) {
	oldKey, newKey := bytes.Repeat([]byte{1}, seal.KeySize), bytes.Repeat([]byte{2}, seal.KeySize)
	before := newTestServer(t, "http://127.0.0.1:8080", oldKey)
	rec := httptest.NewRecorder()
	if _, err := before.writeSession(rec, sessionState{Provider: "uw", User: shared.User{ID: "1"}}); err != nil {
		t.Fatal(err)
	}
	cookie := rec.Result().Cookies()[0]
	read := func(s *Server) error {
		r := httptest.NewRequest("GET", "/api/session", nil)
		r.AddCookie(cookie)
		_, _, _, err := s.readSession(r)
		return err
	}
	rotated := newTestServer(t, "http://127.0.0.1:8080", newKey, oldKey)
	rotated.providers["uw"] = nil // readSession needs the provider configured
	if err := read(rotated); err != nil {
		t.Fatalf("a session sealed under the old key, after rotation: %v", err)
	}
	dropped := newTestServer(t, "http://127.0.0.1:8080", newKey)
	dropped.providers["uw"] = nil
	if err := read(dropped); err == nil {
		t.Fatal("a session sealed under a dropped key opened")
	}
	// New sessions are sealed under the new key.
	rec = httptest.NewRecorder()
	if _, err := rotated.writeSession(rec, sessionState{Provider: "uw"}); err != nil {
		t.Fatal(err)
	}
	cookie = rec.Result().Cookies()[0]
	if err := read(dropped); err != nil {
		t.Fatalf("a session sealed after rotation does not open under the new key alone: %v", err)
	}
}
