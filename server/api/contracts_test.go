package api_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/campusweek/campusweek/shared"
)

// The paths the server routes by and the addresses it makes are those
// shared/ defines for its clients.
func TestSharedPaths(t *testing.T) {
	e := newEnv(t, envOptions{scopes: []string{"studies", "offline_access"}})
	// The university sends the browser back to the PWA's callback route.
	resp := e.consent(e.start(shared.ModeRedirect, "/"), "allow")
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Path != shared.CallbackPath("uni") {
		t.Errorf("callback %q, want the path %s", resp.Header.Get("Location"), shared.CallbackPath("uni"))
	}
	if r := e.post("/api/auth/uni/complete", shared.CompleteRequest{Params: e.callbackParamsOf(resp)}); r.status != http.StatusOK {
		t.Fatalf("complete: %d %s", r.status, r.body)
	}

	// A subscription address has the shape of shared.FeedPath, and that
	// shape is what the feed route serves.
	feed := e.makeFeed("uni").Feed
	u, err := url.Parse(feed.URL)
	if err != nil {
		t.Fatal(err)
	}
	token, ok := shared.FeedToken(u.Path)
	if !ok || feed.URL != e.api.URL+shared.FeedPath(token) {
		t.Fatalf("feed address %q is not %s", feed.URL, shared.FeedPath("{token}"))
	}
	if r := e.get(shared.FeedPath(token)); r.status != http.StatusOK || !strings.HasPrefix(string(r.body), "BEGIN:VCALENDAR") {
		t.Errorf("GET %s: %d %.60s", shared.FeedPath("{token}"), r.status, r.body)
	}
	if r := e.get(shared.FeedPath("not-sealed")); r.status != http.StatusNotFound || !strings.Contains(string(r.body), "not a valid CampusWeek calendar address") {
		t.Errorf("GET %s: %d %s", shared.FeedPath("not-sealed"), r.status, r.body)
	}
}

// return_to is refused unless shared.CleanReturnTo accepts it, with a 400
// that says what is wrong and no flow started; an encoded slash no longer
// comes back decoded into a path to another site.
func TestReturnToRefused(t *testing.T) {
	for _, returnTo := range []string{
		`{"return_to":"/%2F%2Fevil.com/ü"}`,
		`{"return_to":"/%5Cevil.com"}`,
		`{"return_to":"//evil.com"}`,
		`{"return_to":"/./x"}`,
		`{"return_to":"week"}`,
	} {
		e := newEnv(t, envOptions{})
		r := e.do(e.client, "POST", "/api/auth/uni/start", json.RawMessage(returnTo), nil)
		if r.status != http.StatusBadRequest || r.apiError().Code != shared.CodeBadRequest ||
			!strings.Contains(r.apiError().Message, "return_to must be a path on this site") {
			t.Errorf("%s: %d %s", returnTo, r.status, r.body)
		}
		if e.cookie("cw_flow") != nil {
			t.Errorf("%s: a refused start left a flow cookie", returnTo)
		}
	}
}

// The return_to handed back by complete is exactly the one checked at
// start, never a re-encoding of it.
func TestReturnToKeptExactly(t *testing.T) {
	for _, returnTo := range []string{"", "/?week=2026-11-23", "/week/ü?name=ü#top", "/?q=a%20b"} {
		e := newEnv(t, envOptions{})
		authURL := e.start(shared.ModeRedirect, returnTo)
		r := e.post("/api/auth/uni/complete", shared.CompleteRequest{Params: e.callbackParams(authURL, "allow")})
		if r.status != http.StatusOK {
			t.Fatalf("%q: complete: %d %s", returnTo, r.status, r.body)
		}
		want, _ := shared.CleanReturnTo(returnTo)
		if got := decode[shared.CompleteResponse](t, r).ReturnTo; got != want || (returnTo != "" && got != returnTo) {
			t.Errorf("return_to %q came back as %q", returnTo, got)
		}
	}
}
