package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/campusweek/campusweek/shared"
)

// getFeed fetches a feed address as a calendar app does: no cookies.
func (e *env) getFeed(feedURL string) response {
	e.t.Helper()
	u, err := url.Parse(feedURL)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.do(newBrowser(e.t), "GET", u.Path, nil, nil)
}

func TestFeedNeedsLongLivedAccess(t *testing.T) {
	e := newEnv(t, envOptions{}) // no offline_access: 2-hour tokens
	e.signIn()
	r := e.post("/api/feed", struct{}{})
	if r.status != http.StatusConflict || r.apiError().Code != shared.CodeUnsupported || !strings.Contains(r.apiError().Message, "offline_access") {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if r := e.post("/api/feed", struct{}{}); r.status != http.StatusConflict {
		t.Fatal(r.status)
	}
	e2 := newEnv(t, envOptions{})
	if r := e2.post("/api/feed", struct{}{}); r.status != http.StatusUnauthorized {
		t.Fatalf("feed without a session: %d", r.status)
	}
}

func TestFeedCreateUseRevoke(t *testing.T) {
	e := newEnv(t, envOptions{scopes: []string{"studies", "offline_access"}})
	e.signIn()
	r := e.post("/api/feed", struct{}{})
	if r.status != http.StatusOK {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	feed := decode[shared.Feed](t, r)
	if !strings.HasPrefix(feed.URL, e.api.URL+"/feed/") || !strings.HasSuffix(feed.URL, "/campusweek.ics") || !feed.Revocable || feed.Note == "" {
		t.Fatalf("feed %+v", feed)
	}
	if d := time.Until(feed.ExpiresAt); d < 170*24*time.Hour || d > 181*24*time.Hour {
		t.Errorf("feed expires in %v", d)
	}
	session := e.cookie("cw_session").Value
	if strings.Contains(feed.URL, session) {
		t.Error("the feed address is the session cookie")
	}

	r = e.getFeed(feed.URL)
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "text/calendar; charset=utf-8" {
		t.Fatalf("feed: %d %s", r.status, r.body)
	}
	cal, err := ics.ParseCalendar(strings.NewReader(string(r.body)))
	if err != nil || len(cal.Events()) < 10 {
		t.Fatalf("feed calendar: %v, %d events", err, len(cal.Events()))
	}
	if strings.Contains(e.logs.String(), strings.Split(strings.TrimPrefix(feed.URL, e.api.URL+"/feed/"), "/")[0]) {
		t.Error("the feed's sealed access is in the logs")
	}

	if r := e.post("/api/feed/revoke", shared.FeedRevokeRequest{URL: feed.URL}); r.status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	r = e.getFeed(feed.URL)
	if r.status != http.StatusGone || !strings.Contains(string(r.body), "revoked") {
		t.Fatalf("revoked feed: %d %s", r.status, r.body)
	}
	if decode[shared.Session](t, e.get("/api/session")).SignedIn {
		t.Error("the session sharing the revoked access is still signed in")
	}
}

func TestFeedBadAndExpiredAddresses(t *testing.T) {
	e := newEnv(t, envOptions{scopes: []string{"offline_access"}})
	e.signIn()
	feed := decode[shared.Feed](t, e.post("/api/feed", struct{}{}))
	if r := e.do(newBrowser(t), "GET", "/feed/not-a-feed/campusweek.ics", nil, nil); r.status != http.StatusNotFound {
		t.Errorf("garbage address: %d", r.status)
	}
	// A session cookie is no feed address.
	if r := e.do(newBrowser(t), "GET", "/feed/"+e.cookie("cw_session").Value+"/campusweek.ics", nil, nil); r.status != http.StatusNotFound {
		t.Errorf("session cookie as a feed: %d", r.status)
	}
	if r := e.post("/api/feed/revoke", shared.FeedRevokeRequest{URL: "https://evil.example/x"}); r.status != http.StatusBadRequest {
		t.Errorf("revoking garbage: %d", r.status)
	}
	e.clock.Advance(181 * 24 * time.Hour)
	r := e.getFeed(feed.URL)
	if r.status != http.StatusGone || !strings.Contains(string(r.body), "expired") {
		t.Errorf("expired feed: %d %s", r.status, r.body)
	}
}

func TestFeedMyTimetable(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.mttSignIn()
	r := e.post("/api/feed", struct{}{})
	if r.status != http.StatusOK {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	feed := decode[shared.Feed](t, r)
	if feed.Revocable || !strings.Contains(feed.Note, "no way to end access early") {
		t.Errorf("feed %+v", feed)
	}
	e.mtt.ExpireAccessTokens() // the feed refreshes on its own
	if r := e.getFeed(feed.URL); r.status != http.StatusOK {
		t.Fatalf("feed after the access token expired: %d %s", r.status, r.body)
	}
	r = e.post("/api/feed/revoke", shared.FeedRevokeRequest{URL: feed.URL})
	if r.status != http.StatusConflict || r.apiError().Code != shared.CodeUnsupported {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
}
