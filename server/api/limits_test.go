package api_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/api"
	"github.com/campusweek/campusweek/server/seal"
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

// signInAs runs the redirect flow in a new browser as the given sandbox
// student and leaves e.client signed in.
func (e *env) signInAs(student string) {
	e.t.Helper()
	e.client = newBrowser(e.t)
	params := e.callbackParamsAs(e.start(shared.ModeRedirect, "/"), student)
	if r := e.post("/api/auth/uni/complete", shared.CompleteRequest{Params: params}); r.status != http.StatusOK {
		e.t.Fatalf("complete: %d %s", r.status, r.body)
	}
}

// Reads are charged to the student and to the client address: students
// have their own buckets, but opening more sessions, as the same student
// or as others, from one address does not multiply what it may read. A
// refused read costs nothing.
func TestTimetableLimitPerStudentAndClient(t *testing.T) {
	e := newEnv(t, envOptions{
		readRateLimit:       api.RateLimit{PerSecond: 0.001, Burst: 8},
		clientReadRateLimit: api.RateLimit{PerSecond: 0.001, Burst: 14},
	})
	monday := shared.DateOf(e.clock.Now()).Monday()
	students := e.sandbox.Students()
	e.signInAs(students[0].ID)
	if r := e.readRange(monday, monday.AddDays(6*7-1)); r.status != http.StatusOK { // 6 weeks
		t.Fatalf("%d %.200s", r.status, r.body)
	}
	// 4 more than the student's 2 left: refused, and the address keeps
	// its 8.
	wantRateLimited(t, e.readRange(monday, monday.AddDays(4*7-1)), false)
	// Signing in again, on another device or to get a fresh bucket, is
	// the same student.
	e.signInAs(students[0].ID)
	wantRateLimited(t, e.readRange(monday, monday.AddDays(4*7-1)), false)
	if r := e.readRange(monday, monday.AddDays(2*7-1)); r.status != http.StatusOK { // the student's last 2
		t.Fatalf("the same student's last weeks: %d %.200s", r.status, r.body)
	}

	e.signInAs(students[1].ID)
	if r := e.readRange(monday, monday.AddDays(6*7-1)); r.status != http.StatusOK { // the address's last 6
		t.Fatalf("another student: %d %.200s", r.status, r.body)
	}
	e.signInAs(students[2].ID)
	wantRateLimited(t, e.readRange(monday, monday.AddDays(6)), false)
	// Without a session nothing reaches the university; the address's
	// limit still applies.
	if r := e.do(newBrowser(t), "GET", "/api/timetable", nil, nil); r.status != http.StatusTooManyRequests {
		t.Fatalf("without a session: %d %.200s", r.status, r.body)
	}
}

// Made-up session cookies and feed addresses are answered without calling
// the university, so they are charged to the client address alone: they
// never get a bucket of their own, and cannot fill the tables so that
// real students and feeds end up sharing one overflow bucket.
func TestLimitsIgnoreForgedValues(t *testing.T) {
	e := newEnv(t, envOptions{
		scopes:              []string{"studies", "offline_access"},
		readRateLimit:       api.RateLimit{PerSecond: 0.001, Burst: 8},
		feedRateLimit:       api.RateLimit{PerSecond: 0.001, Burst: 2 * 17},
		clientReadRateLimit: unlimited, // the flood comes from many addresses
	})
	const tableSize = 20
	e.server.SetReadTableSize(tableSize)
	e.signIn()
	feed := e.makeFeed("uni").Feed.URL
	real := e.cookie("cw_session")

	// Far more forged values than the tables hold, each spelled anew, and
	// an authentic value of the wrong kind.
	sealer, err := seal.New(bytes.Repeat([]byte{7}, seal.KeySize)) // the server's key
	if err != nil {
		t.Fatal(err)
	}
	wrongPurpose, err := sealer.Seal("cw_flow", map[string]string{}, e.clock.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	forged := []string{real.Value[:len(real.Value)-4] + "AAAA", wrongPurpose}
	for i := range 10 * tableSize {
		forged = append(forged, fmt.Sprintf("forged-%d-%s", i, real.Value[:40]))
	}
	for _, v := range forged {
		r := e.do(newBrowser(t), "GET", "/api/timetable", nil, map[string]string{"Cookie": "cw_session=" + v})
		if r.status != http.StatusUnauthorized {
			t.Fatalf("a forged session: %d %.200s, want 401", r.status, r.body)
		}
		r = e.getFeed(feedPathOf(t, feed, v))
		if r.status != http.StatusNotFound {
			t.Fatalf("a forged feed: %d %.200s, want 404", r.status, r.body)
		}
	}
	// The real student and feed have their own, full buckets.
	monday := shared.DateOf(e.clock.Now()).Monday()
	if r := e.readRange(monday, monday.AddDays(8*7-1)); r.status != http.StatusOK {
		t.Fatalf("the real student after the flood: %d %.200s", r.status, r.body)
	}
	for range 2 {
		if r := e.getFeed(feed); r.status != http.StatusOK {
			t.Fatalf("the real feed after the flood: %d %.200s", r.status, r.body)
		}
	}
	if students, feeds := e.server.ReadTableLens(); students != 1 || feeds != 1 {
		t.Fatalf("tables hold %d students and %d feeds, want only the real one of each", students, feeds)
	}
}

// feedPathOf is feedURL with its sealed part replaced by token.
func feedPathOf(t *testing.T, feedURL, token string) string {
	t.Helper()
	u, err := url.Parse(feedURL)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(u.Path, "/") // "", "feed", token, "campusweek.ics"
	if len(parts) != 4 {
		t.Fatalf("feed path %q", u.Path)
	}
	parts[2] = url.PathEscape(token)
	u.Path, u.RawPath = "", ""
	return strings.Join(parts, "/")
}

// A sealed value has one spelling: base64 decoders skip line breaks, but
// a feed address with %0A or %0D inserted is no address of a feed (404),
// and fetching it takes nothing from the feed's bucket.
func TestFeedLimitSpellings(t *testing.T) {
	const weeks = 17 // a feed fetch
	e := newEnv(t, envOptions{
		scopes:              []string{"studies", "offline_access"},
		feedRateLimit:       api.RateLimit{PerSecond: 0.001, Burst: 2 * weeks},
		clientReadRateLimit: unlimited,
	})
	e.signIn()
	feed := e.makeFeed("uni").Feed.URL
	u, err := url.Parse(feed)
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSuffix(strings.TrimPrefix(u.Path, "/feed/"), "/campusweek.ics")
	var spellings []string
	for _, at := range []int{1, 10, len(token) / 2, len(token) - 1, len(token)} {
		spellings = append(spellings, "/feed/"+token[:at]+"%0A"+token[at:]+"/campusweek.ics")
	}
	spellings = append(spellings, "/feed/"+token[:5]+"%0D%0A%0A"+token[5:]+"/campusweek.ics", "/feed/%0D"+token+"/campusweek.ics")
	fetch := func(path string) response { return e.do(newBrowser(t), "GET", path, nil, nil) }
	for range 2 {
		for _, p := range spellings {
			if r := fetch(p); r.status != http.StatusNotFound {
				t.Fatalf("%s: %d %.200s, want 404", p, r.status, r.body)
			}
		}
	}
	for range 2 {
		if r := e.getFeed(feed); r.status != http.StatusOK {
			t.Fatalf("feed: %d %.200s", r.status, r.body)
		}
	}
	wantRateLimited(t, e.getFeed(feed), true)
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

// from is a request header that makes the server see the client at addr
// (the env trusts X-Forwarded-For when clientIPHeader is set).
func from(addr string) map[string]string { return map[string]string{"X-Forwarded-For": addr} }

// Each sign-in step calls the university under the operator's key, so
// besides the per-address limit each university has one bucket for all
// clients together: many addresses do not add up to unbounded calls.
// Requests refused before they reach the university (a completion without
// a flow cookie, a start with a bad return_to, a replayed flow) take none
// of its tokens.
func TestSignInLimitPerUniversity(t *testing.T) {
	e := newEnv(t, envOptions{
		universitySignInRateLimit: api.RateLimit{PerSecond: 0.001, Burst: 4},
		clientIPHeader:            "X-Forwarded-For",
	})
	addr := func(i int) string { return fmt.Sprintf("198.51.100.%d", i) }
	for i := range 10 {
		r := e.do(newBrowser(t), "POST", "/api/auth/uni/complete",
			shared.CompleteRequest{Params: map[string]string{"oauth_token": "x", "oauth_verifier": "y"}}, from(addr(100+i)))
		if r.status != http.StatusBadRequest || r.apiError().Code != shared.CodeFlowExpired {
			t.Fatalf("a completion without a flow: %d %.200s", r.status, r.body)
		}
	}

	for i := range 10 {
		r := e.do(newBrowser(t), "POST", "/api/auth/uni/start", shared.StartRequest{ReturnTo: "//evil.example/"}, from(addr(100+i)))
		if r.status != http.StatusBadRequest {
			t.Fatalf("a refused start: %d %.200s", r.status, r.body)
		}
	}

	type signIn struct {
		browser *http.Client
		params  map[string]string
	}
	var started []signIn
	for i := range 4 {
		c := newBrowser(t)
		r := e.do(c, "POST", "/api/auth/uni/start", shared.StartRequest{ReturnTo: "/"}, from(addr(i)))
		if r.status != http.StatusOK {
			t.Fatalf("start %d: %d %.200s", i, r.status, r.body)
		}
		started = append(started, signIn{c, e.callbackParams(decode[shared.StartResponse](t, r).AuthorizeURL, "allow")})
	}
	r := e.do(newBrowser(t), "POST", "/api/auth/uni/start", shared.StartRequest{ReturnTo: "/"}, from(addr(4)))
	wantRateLimited(t, r, false)
	if msg := r.apiError().Message; !strings.Contains(msg, "Test University") {
		t.Errorf("the university's limit explained as %q", msg)
	}
	// Another university has its own bucket.
	if r := e.do(newBrowser(t), "POST", "/api/auth/mtt/start", shared.StartRequest{ReturnTo: "/"}, from(addr(4))); r.status != http.StatusOK {
		t.Fatalf("start at another university: %d %.200s", r.status, r.body)
	}

	u, _ := url.Parse(e.api.URL)
	replay := started[0].browser.Jar.Cookies(u)
	complete := func(i int) {
		t.Helper()
		r := e.do(started[i].browser, "POST", "/api/auth/uni/complete", shared.CompleteRequest{Params: started[i].params}, from(addr(i)))
		if r.status != http.StatusOK {
			t.Fatalf("complete %d: %d %.200s", i, r.status, r.body)
		}
	}
	for i := range 3 {
		complete(i)
	}
	var cookies []string
	for _, c := range replay {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	for i := range 10 {
		hdr := from(addr(200 + i))
		hdr["Cookie"] = strings.Join(cookies, "; ")
		r := e.do(newBrowser(t), "POST", "/api/auth/uni/complete", shared.CompleteRequest{Params: started[0].params}, hdr)
		if r.status != http.StatusBadRequest || r.apiError().Code != shared.CodeFlowExpired {
			t.Fatalf("a replayed flow: %d %.200s", r.status, r.body)
		}
	}
	complete(3) // the university's last token
}

// The default per-university limit lets a lecture hall sign in at once:
// 300 students, each from their own phone's address.
func TestSignInLimitSparesALectureHall(t *testing.T) {
	e := newEnv(t, envOptions{clientIPHeader: "X-Forwarded-For"})
	for i := range 300 {
		addr := fmt.Sprintf("2001:db8:%x::1", i)
		if r := e.do(newBrowser(t), "POST", "/api/auth/uni/start", shared.StartRequest{ReturnTo: "/"}, from(addr)); r.status != http.StatusOK {
			t.Fatalf("student %d: %d %.200s", i+1, r.status, r.body)
		}
	}
}

// An expired feed address is still the server's own: fetching it revokes
// its access at the university, so it is charged to its bucket as a live
// one is, and a calendar app cannot make it call the university in a loop.
func TestFeedLimitExpired(t *testing.T) {
	e := newEnv(t, envOptions{
		scopes:        []string{"studies", "offline_access"},
		feedRateLimit: api.RateLimit{PerSecond: 0.0001, Burst: 2 * 17},
	})
	e.signIn()
	feed := e.makeFeed("uni").Feed.URL
	e.clock.Advance(181 * 24 * time.Hour)
	for range 2 {
		if r := e.getFeed(feed); r.status != http.StatusGone {
			t.Fatalf("an expired feed: %d %.200s, want 410", r.status, r.body)
		}
	}
	wantRateLimited(t, e.getFeed(feed), true)
}
