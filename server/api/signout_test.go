package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/campusweek/campusweek/shared"
)

// What signing out ends, as README says: a copy of the session cookie
// taken before stops working at once for USOS (the token is revoked at
// the university), but a MyTimetable copy, which nothing can revoke, keeps
// working until the session's 30 days are over.
func TestCopiedSessionAfterSignOut(t *testing.T) {
	week := "/api/timetable?from=2026-11-23&to=2026-11-29"
	withCookie := func(value string) map[string]string {
		return map[string]string{"Cookie": "cw_session=" + value}
	}

	e := newEnv(t, envOptions{})
	e.signIn()
	usosCopy := e.cookie("cw_session").Value
	if r := e.post("/api/auth/logout", struct{}{}); r.status != http.StatusNoContent {
		t.Fatalf("logout: %d %s", r.status, r.body)
	}
	if r := e.do(newBrowser(t), "GET", week, nil, withCookie(usosCopy)); r.status != http.StatusUnauthorized || r.apiError().Code != shared.CodeSignedOut {
		t.Errorf("a USOS session copied before sign-out: %d %.200s, want 401 signed_out", r.status, r.body)
	}

	e.mttSignIn()
	mttCopy := e.cookie("cw_session").Value
	if r := e.post("/api/auth/logout", struct{}{}); r.status != http.StatusNoContent {
		t.Fatalf("logout: %d %s", r.status, r.body)
	}
	if r := e.do(newBrowser(t), "GET", week, nil, withCookie(mttCopy)); r.status != http.StatusOK {
		t.Errorf("a MyTimetable session copied before sign-out: %d %.200s, want 200 (nothing revokes it)", r.status, r.body)
	}
	e.clock.Advance(30*24*time.Hour + time.Minute)
	if r := e.do(newBrowser(t), "GET", "/api/session", nil, withCookie(mttCopy)); decode[shared.Session](t, r).SignedIn {
		t.Error("a MyTimetable session copied before sign-out outlives its 30 days")
	}
}
