package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/api"
	"github.com/campusweek/campusweek/shared"
)

// readRange reads [from, to] with e's browser.
func (e *env) readRange(from, to shared.Date) response {
	e.t.Helper()
	return e.get("/api/timetable?from=" + from.String() + "&to=" + to.String())
}

// wantRateLimited checks a 429 with a Retry-After, and returns it.
func wantRateLimited(t *testing.T, r response, plain bool) time.Duration {
	t.Helper()
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("%d %.200s, want 429", r.status, r.body)
	}
	if !plain && r.apiError().Code != shared.CodeRateLimited {
		t.Errorf("429 with %s, want %s", r.body, shared.CodeRateLimited)
	}
	secs, err := strconv.Atoi(r.header.Get("Retry-After"))
	if err != nil || secs < 1 {
		t.Fatalf("Retry-After %q", r.header.Get("Retry-After"))
	}
	return time.Duration(secs) * time.Second
}

// A student's real use stays under the default limits: the PWA's term
// sync (17 weeks in 5 requests) twice in a row, browsing twenty weeks one
// by one, a calendar export. Reading the longest range in a loop, at 28
// calls to the university a request, is soon refused, until the bucket
// refills.
func TestTimetableLimitSparesStudentsNotLoops(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.signIn()
	monday := shared.DateOf(e.clock.Now()).Monday()
	for range 2 {
		first := monday.AddDays(-7)
		for w := 0; w < 17; w += 4 {
			from := first.AddDays(7 * w)
			if r := e.readRange(from, from.AddDays(7*min(4, 17-w)-1)); r.status != http.StatusOK {
				t.Fatalf("term sync, weeks %d+: %d %s", w, r.status, r.body)
			}
		}
	}
	for w := range 20 {
		from := monday.AddDays(7 * (w - 10))
		if r := e.readRange(from, from.AddDays(6)); r.status != http.StatusOK {
			t.Fatalf("browsing week %d: %d %s", w, r.status, r.body)
		}
	}
	if r := e.get("/api/timetable.ics"); r.status != http.StatusOK {
		t.Fatalf("export: %d %.200s", r.status, r.body)
	}

	var r response
	for range 6 { // 6 x 28 weeks is more than the whole burst
		if r = e.readRange(monday, monday.AddDays(api.MaxRangeDays-1)); r.status != http.StatusOK {
			break
		}
	}
	wait := wantRateLimited(t, r, false)
	// Retry-After is long enough for the same request.
	e.clock.Advance(wait)
	if r := e.readRange(monday, monday.AddDays(api.MaxRangeDays-1)); r.status != http.StatusOK {
		t.Fatalf("after Retry-After: %d %.200s", r.status, r.body)
	}
}

// Reads are charged to the session and to the client address: sessions
// have their own buckets, but opening more sessions from one address does
// not multiply what it may read. A refused read costs nothing.
func TestTimetableLimitPerSessionAndClient(t *testing.T) {
	e := newEnv(t, envOptions{
		readRateLimit:       api.RateLimit{PerSecond: 0.001, Burst: 8},
		clientReadRateLimit: api.RateLimit{PerSecond: 0.001, Burst: 14},
	})
	monday := shared.DateOf(e.clock.Now()).Monday()
	e.signIn()
	if r := e.readRange(monday, monday.AddDays(6*7-1)); r.status != http.StatusOK { // 6 weeks
		t.Fatalf("%d %.200s", r.status, r.body)
	}
	// 4 more than the session's 2 left: refused, and the address keeps
	// its 8.
	wantRateLimited(t, e.readRange(monday, monday.AddDays(4*7-1)), false)

	e.client = newBrowser(t)
	e.signIn()
	if r := e.readRange(monday, monday.AddDays(8*7-1)); r.status != http.StatusOK { // the address's last 8
		t.Fatalf("another session: %d %.200s", r.status, r.body)
	}
	e.client = newBrowser(t)
	e.signIn()
	wantRateLimited(t, e.readRange(monday, monday.AddDays(6)), false)
	// Without a session nothing reaches the university; the address's
	// limit still applies.
	if r := e.do(newBrowser(t), "GET", "/api/timetable", nil, nil); r.status != http.StatusTooManyRequests {
		t.Fatalf("without a session: %d %.200s", r.status, r.body)
	}
}

// Calendar subscriptions are limited per address (feed) and per client:
// a leaked or scripted feed cannot make the backend call the university
// in a loop. Answers stay plain text, as the feed's others are.
func TestFeedLimits(t *testing.T) {
	const fetch = 17 // weeks a feed fetch reads
	e := newEnv(t, envOptions{
		scopes:              []string{"studies", "offline_access"},
		feedRateLimit:       api.RateLimit{PerSecond: 1, Burst: 2 * fetch},
		clientReadRateLimit: api.RateLimit{PerSecond: 0.001, Burst: 5 * fetch},
	})
	e.signIn()
	one, two := e.makeFeed("uni").Feed.URL, e.makeFeed("uni").Feed.URL
	for range 2 {
		if r := e.getFeed(one); r.status != http.StatusOK {
			t.Fatalf("feed: %d %.200s", r.status, r.body)
		}
	}
	r := e.getFeed(one)
	wantRateLimited(t, r, true)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("429 as %q", ct)
	}
	// Another feed has its own bucket, but the client's is shared.
	for range 2 {
		if r := e.getFeed(two); r.status != http.StatusOK {
			t.Fatalf("another feed: %d %.200s", r.status, r.body)
		}
	}
	e.clock.Advance(time.Hour) // both feeds' buckets refill, not the client's
	if r := e.getFeed(one); r.status != http.StatusOK {
		t.Fatalf("after an hour: %d %.200s", r.status, r.body)
	}
	wantRateLimited(t, e.getFeed(two), true)
}
