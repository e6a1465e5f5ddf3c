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

// startFeed asks to authorize a subscription at provider id.
func (e *env) startFeed(id string) response {
	e.t.Helper()
	return e.post("/api/auth/"+id+"/start", shared.StartRequest{Purpose: shared.PurposeFeed, ReturnTo: "/?week=2026-11-23"})
}

// makeFeed authorizes a subscription at the USOS sandbox ("uni") or the
// MyTimetable one ("mtt") and returns the completion.
func (e *env) makeFeed(id string) shared.CompleteResponse {
	e.t.Helper()
	r := e.startFeed(id)
	if r.status != http.StatusOK {
		e.t.Fatalf("start a feed: %d %s", r.status, r.body)
	}
	authURL := decode[shared.StartResponse](e.t, r).AuthorizeURL
	var params map[string]string
	if id == "mtt" {
		params = e.mttConsent(authURL, "allow")
	} else {
		params = e.callbackParams(authURL, "allow")
	}
	r = e.post("/api/auth/"+id+"/complete", shared.CompleteRequest{Params: params})
	if r.status != http.StatusOK {
		e.t.Fatalf("complete a feed: %d %s", r.status, r.body)
	}
	done := decode[shared.CompleteResponse](e.t, r)
	if done.Feed == nil {
		e.t.Fatalf("no feed in %s", r.body)
	}
	return done
}

func TestFeedNeedsLongLivedAccess(t *testing.T) {
	e := newEnv(t, envOptions{}) // no offline_access: 2-hour tokens
	e.signIn()
	// Refused before the student is sent to the university for nothing.
	r := e.startFeed("uni")
	if r.status != http.StatusConflict || r.apiError().Code != shared.CodeUnsupported || !strings.Contains(r.apiError().Message, "offline_access") {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if e.cookie("cw_flow") != nil {
		t.Error("a refused feed left a flow cookie")
	}
	e2 := newEnv(t, envOptions{})
	if r := e2.startFeed("uni"); r.status != http.StatusUnauthorized || r.apiError().Code != shared.CodeSignedOut {
		t.Fatalf("feed without a session: %d %s", r.status, r.body)
	}
	// Signed in at one university, a feed at another is refused.
	if r := e.startFeed("mtt"); r.status != http.StatusBadRequest {
		t.Fatalf("feed at another university: %d %s", r.status, r.body)
	}
	if r := e.post("/api/auth/uni/start", shared.StartRequest{Purpose: "calendar"}); r.status != http.StatusBadRequest {
		t.Fatalf("unknown purpose: %d %s", r.status, r.body)
	}
}

func TestFeedCreateUseRevoke(t *testing.T) {
	e := newEnv(t, envOptions{scopes: []string{"studies", "offline_access"}})
	signedIn := e.signIn()
	session := e.cookie("cw_session").Value
	done := e.makeFeed("uni")
	feed := *done.Feed
	if !strings.HasPrefix(feed.URL, e.api.URL+"/feed/") || !strings.HasSuffix(feed.URL, "/campusweek.ics") || !feed.Revocable || feed.Note == "" {
		t.Fatalf("feed %+v", feed)
	}
	if done.ReturnTo != "/?week=2026-11-23" || !done.Session.SignedIn || done.Session.User.ID != signedIn.Session.User.ID {
		t.Errorf("completion %+v", done)
	}
	if d := time.Until(feed.ExpiresAt); d < 170*24*time.Hour || d > 181*24*time.Hour {
		t.Errorf("feed expires in %v", d)
	}
	if e.cookie("cw_session").Value != session {
		t.Error("making a feed changed the session cookie")
	}
	if strings.Contains(feed.URL, session) {
		t.Error("the feed address is the session cookie")
	}

	r := e.getFeed(feed.URL)
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

	// The feed has an access of its own: signing out (which revokes the
	// session's token at USOS) leaves it working.
	if r := e.post("/api/auth/logout", struct{}{}); r.status != http.StatusNoContent {
		t.Fatalf("logout: %d", r.status)
	}
	if r := e.getFeed(feed.URL); r.status != http.StatusOK {
		t.Fatalf("the feed after signing out: %d %s", r.status, r.body)
	}

	// Stopping it ends its access at the university, and only its.
	e.signIn()
	if r := e.post("/api/feed/revoke", shared.FeedRevokeRequest{URL: feed.URL}); r.status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	r = e.getFeed(feed.URL)
	if r.status != http.StatusGone || !strings.Contains(string(r.body), "revoked") {
		t.Fatalf("revoked feed: %d %s", r.status, r.body)
	}
	if r := e.get("/api/timetable"); r.status != http.StatusOK {
		t.Errorf("stopping a feed signed the student out: %d %s", r.status, r.body)
	}
}

// TestFeedApprovedAsSomeoneElse: a feed is for the student signed in here;
// approving as another student at the university makes none, and the
// access just granted is revoked.
func TestFeedApprovedAsSomeoneElse(t *testing.T) {
	e := newEnv(t, envOptions{scopes: []string{"offline_access"}})
	e.signIn()
	r := e.startFeed("uni")
	authURL := decode[shared.StartResponse](t, r).AuthorizeURL
	params := e.callbackParamsAs(authURL, e.sandbox.Students()[1].ID)
	r = e.post("/api/auth/uni/complete", shared.CompleteRequest{Params: params})
	if r.status != http.StatusBadRequest || !strings.Contains(r.apiError().Message, "someone else") {
		t.Fatalf("feed approved by another student: %d %s", r.status, r.body)
	}
	if !strings.Contains(e.logs.String(), "access token revoked") {
		t.Error("the unused access was not revoked")
	}
	if r := e.get("/api/timetable"); r.status != http.StatusOK {
		t.Errorf("the session suffered: %d", r.status)
	}
}

// TestFeedOwnerWithoutSession: the flow itself remembers whose feed it is,
// so dropping the session cookie before completing does not let another
// student's approval through.
func TestFeedOwnerWithoutSession(t *testing.T) {
	e := newEnv(t, envOptions{scopes: []string{"offline_access"}})
	e.signIn()
	dropSession := func() {
		u, _ := url.Parse(e.api.URL)
		e.client.Jar.SetCookies(u, []*http.Cookie{{Name: "cw_session", Value: "", Path: "/", MaxAge: -1}})
	}
	authURL := decode[shared.StartResponse](t, e.startFeed("uni")).AuthorizeURL
	dropSession()
	params := e.callbackParamsAs(authURL, e.sandbox.Students()[1].ID)
	if r := e.post("/api/auth/uni/complete", shared.CompleteRequest{Params: params}); r.status != http.StatusBadRequest || !strings.Contains(r.apiError().Message, "someone else") {
		t.Fatalf("another student's approval without a session cookie: %d %s", r.status, r.body)
	}
	// The owner's own approval still makes the feed, signed in or not.
	e.signIn()
	authURL = decode[shared.StartResponse](t, e.startFeed("uni")).AuthorizeURL
	dropSession()
	params = e.callbackParams(authURL, "allow")
	r := e.post("/api/auth/uni/complete", shared.CompleteRequest{Params: params})
	if r.status != http.StatusOK {
		t.Fatalf("the owner's approval: %d %s", r.status, r.body)
	}
	if done := decode[shared.CompleteResponse](t, r); done.Feed == nil || done.Session.SignedIn {
		t.Errorf("completion %s", r.body)
	}
}

func TestFeedBadAndExpiredAddresses(t *testing.T) {
	e := newEnv(t, envOptions{scopes: []string{"offline_access"}})
	e.signIn()
	feed := *e.makeFeed("uni").Feed
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
	other := *e.makeFeed("uni").Feed
	e.clock.Advance(181 * 24 * time.Hour)
	r := e.getFeed(feed.URL)
	if r.status != http.StatusGone || !strings.Contains(string(r.body), "expired") {
		t.Errorf("expired feed: %d %s", r.status, r.body)
	}
	// The access it carried (offline_access: it never expires at USOS) is
	// ended at the first fetch after the address expired, or when it is
	// revoked.
	if !strings.Contains(e.logs.String(), "expired feed's access revoked") {
		t.Error("the expired feed's access was left alive at the university")
	}
	if r := e.post("/api/feed/revoke", shared.FeedRevokeRequest{URL: other.URL}); r.status != http.StatusNoContent {
		t.Errorf("revoking an expired feed: %d %s", r.status, r.body)
	}
	if n := strings.Count(e.logs.String(), "usos sandbox: access token revoked"); n != 2 {
		t.Errorf("%d accesses revoked at the university, want 2", n)
	}
}

func TestFeedMyTimetable(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.mttSignIn()
	feed := *e.makeFeed("mtt").Feed
	if feed.Revocable || !strings.Contains(feed.Note, "no way to end access early") {
		t.Errorf("feed %+v", feed)
	}
	// Feed and session refresh their own grants: neither invalidates the
	// other's access token, however they take turns.
	for range 2 {
		e.mtt.ExpireAccessTokens()
		if r := e.getFeed(feed.URL); r.status != http.StatusOK {
			t.Fatalf("feed after the access token expired: %d %s", r.status, r.body)
		}
		if r := e.get("/api/timetable"); r.status != http.StatusOK {
			t.Fatalf("session after the feed refreshed: %d %s", r.status, r.body)
		}
		if r := e.getFeed(feed.URL); r.status != http.StatusOK {
			t.Fatalf("feed after the session refreshed: %d %s", r.status, r.body)
		}
	}
	r := e.post("/api/feed/revoke", shared.FeedRevokeRequest{URL: feed.URL})
	if r.status != http.StatusConflict || r.apiError().Code != shared.CodeUnsupported {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
}

// TestFeedWithoutRefreshTokens: a MyTimetable client without refresh
// tokens cannot keep a calendar up to date.
func TestFeedWithoutRefreshTokens(t *testing.T) {
	e := newEnv(t, envOptions{noRefresh: true})
	e.mttSignIn()
	if r := e.startFeed("mtt"); r.status != http.StatusConflict || r.apiError().Code != shared.CodeUnsupported {
		t.Fatalf("%d %s", r.status, r.body)
	}
}

// TestFeedKeepsTheHiddenClasses: a subscription made while classes are
// hidden in the app leaves them out, whoever fetches it; a malformed hide
// makes no address.
func TestFeedKeepsTheHiddenClasses(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.mttSignIn()
	tt := decode[shared.Timetable](t, e.get("/api/timetable"))
	var h shared.Hide
	for _, ev := range tt.Events {
		if !ev.AllDay {
			h = shared.HideOf(ev, false)
			break
		}
	}
	if h.Course == "" {
		t.Fatal("no class to hide")
	}
	complete := func(hide ...string) response {
		t.Helper()
		r := e.startFeed("mtt")
		if r.status != http.StatusOK {
			t.Fatalf("start a feed: %d %s", r.status, r.body)
		}
		params := e.mttConsent(decode[shared.StartResponse](t, r).AuthorizeURL, "allow")
		return e.post("/api/auth/mtt/complete", shared.CompleteRequest{Params: params, Hide: hide})
	}
	if r := complete("not a hide"); r.status != http.StatusBadRequest {
		t.Fatalf("a malformed hide: %d %s", r.status, r.body)
	}
	r := complete(h.String())
	if r.status != http.StatusOK {
		t.Fatalf("complete a feed: %d %s", r.status, r.body)
	}
	feed := decode[shared.CompleteResponse](t, r).Feed
	if feed == nil {
		t.Fatalf("no feed in %s", r.body)
	}
	body := string(e.getFeed(feed.URL).body)
	plain := string(e.getFeed(e.makeFeed("mtt").Feed.URL).body)
	hidden := 0
	for _, ev := range tt.Events {
		uid := "UID:" + ev.ID + "@"
		if !strings.Contains(plain, uid) {
			continue // outside the feed's weeks
		}
		if h.Matches(ev) {
			hidden++
		}
		if strings.Contains(body, uid) == h.Matches(ev) {
			t.Errorf("event %s (%s, %s): in the feed %v, hidden %v", ev.ID, ev.Title, ev.Kind, strings.Contains(body, uid), h.Matches(ev))
		}
	}
	if hidden == 0 {
		t.Error("no hidden class was in the feed's weeks")
	}
}
