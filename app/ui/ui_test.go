package ui

import (
	"context"
	"errors"
	"fmt"
	htmlpkg "html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/app/timetable"
	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/client"
	"github.com/campusweek/campusweek/shared/i18n"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

func date(y int, m time.Month, d int) shared.Date { return shared.Date{Year: y, Month: m, Day: d} }

func TestWeekFromQuery(t *testing.T) {
	today := date(2026, 11, 25) // a Wednesday
	for _, tc := range []struct {
		in   string
		want shared.Date
	}{
		{"", date(2026, 11, 23)},
		{"2026-11-23", date(2026, 11, 23)},
		{"2026-11-29", date(2026, 11, 23)}, // a Sunday belongs to the week before
		{"2026-12-02", date(2026, 11, 30)},
		{"2027-01-01", date(2026, 12, 28)},
		{"2026-02-30", date(2026, 11, 23)}, // no such date: today's week
		{"garbage", date(2026, 11, 23)},
		{"<script>", date(2026, 11, 23)},
	} {
		if got := weekFromQuery(tc.in, today); got != tc.want {
			t.Errorf("weekFromQuery(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	if got := weekURL(date(2026, 11, 23)); got != "/?week=2026-11-23" {
		t.Errorf("weekURL = %q", got)
	}
}

func TestWeekTitle(t *testing.T) {
	for _, tc := range []struct {
		monday shared.Date
		want   string
	}{
		{date(2026, 11, 23), "23 – 29 November 2026"},
		{date(2026, 11, 30), "30 November – 6 December 2026"},
		{date(2026, 12, 28), "28 December 2026 – 3 January 2027"},
		{date(2027, 2, 1), "1 – 7 February 2027"},
	} {
		if got := weekTitle(i18n.English, tc.monday); got != tc.want {
			t.Errorf("weekTitle(%v) = %q, want %q", tc.monday, got, tc.want)
		}
	}
	days := weekDays(date(2026, 12, 28))
	if days[0] != date(2026, 12, 28) || days[6] != date(2027, 1, 3) || dayName(i18n.English, days[0]) != "Monday" || dayName(i18n.English, days[6]) != "Sunday" {
		t.Errorf("weekDays = %v", days)
	}
	if got := dayShortDate(i18n.English, date(2026, 11, 3)); got != "3 Nov" {
		t.Errorf("dayShortDate = %q", got)
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestTimeRangeUsesTheEventsOffset(t *testing.T) {
	// Whatever the zone of the machine, times show in the university's offset.
	old := time.Local
	time.Local = time.FixedZone("far away", -10*3600)
	defer func() { time.Local = old }()

	e := shared.Event{Start: mustTime(t, "2026-11-23T09:15:00+01:00"), End: mustTime(t, "2026-11-23T10:45:00+01:00")}
	if got := timeRange(i18n.English, e); got != "09:15–10:45" {
		t.Errorf("timeRange = %q", got)
	}
	// An end in another offset (a DST change in the middle) still shows in
	// the start's offset.
	e = shared.Event{Start: mustTime(t, "2026-10-25T01:30:00+02:00"), End: mustTime(t, "2026-10-25T02:30:00Z")}
	if got := timeRange(i18n.English, e); got != "01:30–04:30" {
		t.Errorf("timeRange = %q", got)
	}
	if got := timeRange(i18n.English, shared.Event{AllDay: true}); got != "All day" {
		t.Errorf("all day = %q", got)
	}
	e = shared.Event{Start: mustTime(t, "2026-11-23T09:15:00+01:00")}
	if got := timeRange(i18n.English, e); got != "09:15" {
		t.Errorf("no end = %q", got)
	}
}

func TestEventLabels(t *testing.T) {
	e := shared.Event{Kind: " Lecture ", Category: shared.CategoryClass, Room: "101", Building: "Main Building"}
	if eventKind(i18n.English, e) != "Lecture" || eventPlace(e) != "101, Main Building" || eventCategory(e) != "class" {
		t.Errorf("labels = %q %q %q", eventKind(i18n.English, e), eventPlace(e), eventCategory(e))
	}
	e = shared.Event{Category: shared.CategoryExam, Building: "Hall"}
	if eventKind(i18n.English, e) != "Exam" || eventPlace(e) != "Hall" {
		t.Errorf("labels = %q %q", eventKind(i18n.English, e), eventPlace(e))
	}
	if got := eventCategory(shared.Event{Category: "party\" onclick=x"}); got != "other" {
		t.Errorf("unknown category = %q", got)
	}
}

func TestSafeReturnTo(t *testing.T) {
	for in, want := range map[string]string{
		"":                     "/",
		"/":                    "/",
		"/?week=2026-11-23":    "/?week=2026-11-23",
		"//evil.example":       "/",
		"/\\evil.example":      "/",
		"/\t/evil.example":     "/",
		"/\n/evil.example":     "/",
		"/ /x":                 "/",
		"https://evil.example": "/",
		"javascript:alert(1)":  "/",
		"evil.example":         "/",
		"/signin":              "/",
		"/auth/callback/uw":    "/",
		"/a\\b":                "/",
		"/%2F%2Fevil":          "/", // decoded later, it would be a host (shared.CleanReturnTo)
		"/auth/pin/uw":         "/",
		"/feed?x=/signin":      "/feed?x=/signin",
	} {
		if got := safeReturnTo(in); got != want {
			t.Errorf("safeReturnTo(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	apiErr := func(c shared.ErrorCode) error { return fmt.Errorf("wrapped: %w", &shared.Error{Code: c, Message: "x"}) }
	for _, tc := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{context.Canceled, ""},
		{fmt.Errorf("%w: dial tcp: refused", client.ErrUnreachable), "You appear to be offline."},
		{context.DeadlineExceeded, i18n.English.T(i18n.ErrSlow)},
		{apiErr(shared.CodeSignedOut), "Your session has expired. Please sign in again."},
		{apiErr(shared.CodeUpstream), "Your university's system isn't answering right now. Try again in a few minutes."},
		{apiErr(shared.CodeUpstreamTimeout), "Your university's system isn't answering right now. Try again in a few minutes."},
		{apiErr(shared.CodeAccessDenied), "You declined access at your university. Nothing was shared."},
		{apiErr(shared.CodeFlowExpired), "That sign-in link has expired or was already used. Please start again."},
		{apiErr(shared.CodeRateLimited), i18n.English.T(i18n.ErrRateLimited)},
		{apiErr(shared.CodeInternal), i18n.English.T(i18n.ErrGeneric)},
		{apiErr("something_new"), i18n.English.T(i18n.ErrGeneric)},
		{errors.New("decoding failed"), i18n.English.T(i18n.ErrGeneric)},
		{errBadAuthorizeURL, i18n.English.T(i18n.ErrBadAuthorize)},
		{errNotAFeed, i18n.English.T(i18n.ErrNotAFeed)},
		{&shared.Error{Code: shared.CodeUnsupported, Message: "No long-lived access here."}, "Your university's system doesn't offer this."},
	} {
		if got := errorMessage(i18n.English, tc.err); got != tc.want {
			t.Errorf("errorMessage(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
	// The backend's English words are a detail, never the message.
	approval := &shared.Error{Code: shared.CodeBadRequest, Message: "You approved as someone else."}
	if got := feedErrorMessage(i18n.Polish, approval); got != i18n.Polish.T(i18n.ErrFeedApproval) {
		t.Errorf("feedErrorMessage = %q", got)
	}
	if got := errorDetail(approval); got != "You approved as someone else." {
		t.Errorf("errorDetail = %q", got)
	}
	if got := errorDetail(&shared.Error{Code: shared.CodeUnsupported, Message: "No long-lived access here."}); got != "No long-lived access here." {
		t.Errorf("errorDetail = %q", got)
	}
	if got := errorDetail(apiErr(shared.CodeUpstream)); got != "" {
		t.Errorf("errorDetail of an upstream error = %q", got)
	}
	if got := feedErrorMessage(i18n.English, apiErr(shared.CodeSignedOut)); got != i18n.English.T(i18n.ErrSignedOut) {
		t.Errorf("feedErrorMessage = %q", got)
	}
	if got := errorMessage(i18n.Dutch, apiErr(shared.CodeSignedOut)); got != "Je sessie is verlopen. Log opnieuw in." {
		t.Errorf("errorMessage in Dutch = %q", got)
	}
	if got := pinErrorMessage(i18n.English, apiErr(shared.CodeBadRequest)); got != i18n.English.T(i18n.ErrBadPIN) {
		t.Errorf("pinErrorMessage = %q", got)
	}
	if !isSignedOut(apiErr(shared.CodeSignedOut)) || isSignedOut(errors.New("x")) {
		t.Error("isSignedOut")
	}
}

func TestIsWebURL(t *testing.T) {
	for in, want := range map[string]bool{
		"https://usos.example/services/oauth/authorize?oauth_token=x": true,
		"http://localhost:8080/demo/authorize":                        true,
		"javascript:alert(1)":                                         false,
		"/relative":                                                   false,
		"https://":                                                    false,
		"data:text/html,hi":                                           false,
	} {
		if got := isWebURL(in); got != want {
			t.Errorf("isWebURL(%q) = %v", in, got)
		}
	}
}

func TestIsFeedURL(t *testing.T) {
	for in, want := range map[string]bool{
		"https://tt.example.edu/feed/AbC-123_x/campusweek.ics": true,
		"  https://tt.example.edu/feed/x/campusweek.ics":       false, // trimmed by the caller
		"https://tt.example.edu/feed//campusweek.ics":          false,
		"https://tt.example.edu/feed/a/b/campusweek.ics":       false,
		"https://tt.example.edu/feed/x/other.ics":              false,
		"https://tt.example.edu/api/feed/x/campusweek.ics":     false,
		"/feed/x/campusweek.ics":                               false,
		"webcal://tt.example.edu/feed/x/campusweek.ics":        true,
		"ftp://tt.example.edu/feed/x/campusweek.ics":           false,
		"": false,
	} {
		if got := isFeedURL(in); got != want {
			t.Errorf("isFeedURL(%q) = %v", in, got)
		}
	}
}

func TestCallbackParams(t *testing.T) {
	p := callbackParams(map[string][]string{"code": {"c1", "c2"}, "state": {"s"}, "empty": {}})
	if len(p) != 2 || p["code"] != "c1" || p["state"] != "s" {
		t.Errorf("params = %v", p)
	}
}

// contains reports whether the HTML holds s, as is or HTML-escaped.
func contains(h, s string) bool {
	return strings.Contains(h, s) || strings.Contains(h, htmlpkg.EscapeString(s))
}

// render returns the HTML of a component's current state.
func render(c app.UI) string { return app.HTMLString(c) }

// cachedWeek returns a cache holding the week of monday with events.
func cachedWeek(a timetable.Account, monday shared.Date, at time.Time, events ...shared.Event) *timetable.Cache {
	c := timetable.NewCache(a)
	c.Merge(monday, monday.AddDays(6), at, events)
	return c
}

// week returns the week screen showing v.
func week(v timetable.View) *weekView { return &weekView{view: v} }

func TestWeekViewRendersEvents(t *testing.T) {
	monday := date(2026, 11, 23)
	ada := timetable.Account{Provider: "demo", UserID: "1", Name: "Ada <Lovelace>"}
	c := week(timetable.View{
		Today:   date(2026, 11, 25),
		Week:    monday,
		Account: &ada,
		Status:  timetable.SignedIn,
		Demo:    true,
		Cache: cachedWeek(ada, monday, time.Now().Add(-5*time.Minute), shared.Event{
			ID: "ev-1", Title: "Linear Algebra", Kind: "Lecture", Category: shared.CategoryExam,
			Room: "101", Building: "Main", Group: "3", Lecturers: []string{"Dr Smith", "Prof Jones"},
			Start: mustTime(t, "2026-11-25T09:15:00+01:00"), End: mustTime(t, "2026-11-25T10:45:00+01:00"),
		}),
	})
	html := render(c)
	for _, want := range []string{
		`id="user-name"`, `Ada &lt;Lovelace&gt;`, `id="signout"`, `id="demo-banner"`,
		`id="prev-week"`, `id="next-week"`, `id="today"`, `id="week-title"`, `23 – 29 November 2026`,
		`data-date="2026-11-23"`, `data-date="2026-11-29"`, `data-event-id="ev-1"`,
		`09:15–10:45`, `Linear Algebra`, `Lecture`, `101, Main`, `Group 3`, `Dr Smith, Prof Jones`,
		`event-exam`, `No classes`, `id="last-synced"`, `Last synced 5 minutes ago`,
	} {
		if !contains(html, want) {
			t.Errorf("week view lacks %q", want)
		}
	}
	if n := strings.Count(html, `data-date="`); n != 7 {
		t.Errorf("%d days, want 7", n)
	}
	if !strings.Contains(html, `class="day today"`) || strings.Count(html, `class="day today"`) != 1 {
		t.Errorf("today not marked exactly once:\n%s", html)
	}
	// In a browser, the first render holds the day shown alone; the
	// hidden days, the settings and the calendar panel follow once it has
	// painted.
	views := &timeViews{Model: &timetable.Model{}, View: c.view, Lang: c.lang, now: time.Now()}
	for _, unpainted := range []bool{true, false} {
		views.unpainted = unpainted
		first := render(views.Render())
		want := 7
		if unpainted {
			want = 1
		}
		if n := strings.Count(first, `data-date="`); n != want || !strings.Contains(first, `class="day today"`) {
			t.Errorf("unpainted %v: %d days, want %d with today's", unpainted, n, want)
		}
		if got := strings.Contains(first, `id="settings"`); got == unpainted {
			t.Errorf("unpainted %v: settings shown %v", unpainted, got)
		}
		c.unpainted = unpainted
		if got := strings.Contains(render(c), `id="calendar-panel"`); got == unpainted {
			t.Errorf("unpainted %v: calendar panel shown %v", unpainted, got)
		}
	}
	for _, unwanted := range []string{"empty-state", "offline-indicator", "sync-status", "not-synced", "update-app"} {
		if strings.Contains(html, unwanted) {
			t.Errorf("%s shown for a synced week, online", unwanted)
		}
	}
	if strings.Contains(html, "style=") {
		t.Error("inline style attribute (CSP)")
	}
	// HTML reads any boolean attribute present as true: only ARIA
	// attributes, whose values are words, may say "false".
	for _, m := range regexp.MustCompile(`([a-zA-Z-]+)="false"`).FindAllStringSubmatch(html, -1) {
		if !strings.HasPrefix(m[1], "aria-") {
			t.Errorf(`%s="false" reads as true in HTML`, m[1])
		}
	}
}

func TestWeekViewStates(t *testing.T) {
	monday := date(2026, 11, 23)
	ada := timetable.Account{Provider: "demo", UserID: "1", Name: "Ada"}
	signedIn := timetable.SignedIn
	synced := func() *timetable.Cache { return cachedWeek(ada, monday, time.Now()) }

	// Before anything is known: a loading shell (also the prerendered page).
	html := render(week(timetable.View{Week: monday}))
	if !strings.Contains(html, "Loading your timetable") || strings.Contains(html, `id="week-title"`) {
		t.Errorf("loading shell:\n%s", html)
	}

	html = render(week(timetable.View{Week: monday, Account: &ada, Status: signedIn, Cache: synced()}))
	if !strings.Contains(html, `class="empty-state"`) || !strings.Contains(html, "No classes this week.") {
		t.Errorf("empty week:\n%s", html)
	}

	// Offline with the week cached: the week, and the indicator.
	html = render(week(timetable.View{Week: monday, Account: &ada, Cache: synced(), Offline: true}))
	if !strings.Contains(html, `id="offline-indicator"`) || !strings.Contains(html, `data-date="2026-11-23"`) ||
		!strings.Contains(html, `id="user-name"`) || !strings.Contains(html, `id="last-synced"`) {
		t.Errorf("offline, cached:\n%s", html)
	}

	// Offline on a week never synced: says so, no empty week.
	html = render(week(timetable.View{Week: monday.AddDays(70), Account: &ada, Cache: synced(), Offline: true}))
	if !strings.Contains(html, `class="not-synced"`) || strings.Contains(html, "empty-state") ||
		strings.Contains(html, `data-date=`) || strings.Contains(html, `id="last-synced"`) {
		t.Errorf("offline, not synced:\n%s", html)
	}

	// The session is gone: ask to sign in again, keep the cached week.
	html = render(week(timetable.View{Week: monday, Account: &ada, Cache: synced(), Status: timetable.SignedOut}))
	if !strings.Contains(html, `id="signin-again"`) || !strings.Contains(html, `href="/signin"`) ||
		!strings.Contains(html, `data-date="2026-11-23"`) {
		t.Errorf("signed out, cached:\n%s", html)
	}

	html = render(week(timetable.View{Week: monday.AddDays(7), Account: &ada, Status: signedIn, Cache: synced(), WeekErr: &shared.Error{Code: shared.CodeUpstreamTimeout}}))
	if !contains(html, i18n.English.T(i18n.ErrUpstream)) || !strings.Contains(html, `id="retry"`) {
		t.Errorf("upstream:\n%s", html)
	}

	// A failed refresh keeps the cached week and offers to try again.
	html = render(week(timetable.View{Week: monday, Account: &ada, Status: signedIn, Cache: synced(), RefreshErr: &shared.Error{Code: shared.CodeUpstream}}))
	if !contains(html, i18n.English.T(i18n.WeekNotUpdated)) || !strings.Contains(html, `id="retry"`) || !strings.Contains(html, `data-date="2026-11-23"`) {
		t.Errorf("refresh failed:\n%s", html)
	}

	// Offline at the first start, nothing cached.
	html = render(week(timetable.View{Week: monday, SessionErr: fmt.Errorf("%w: x", client.ErrUnreachable)}))
	if !strings.Contains(html, `id="error"`) || !contains(html, i18n.English.T(i18n.ErrOffline)) {
		t.Errorf("offline:\n%s", html)
	}

	html = render(week(timetable.View{Week: monday, Account: &ada, Status: signedIn, Cache: timetable.NewCache(ada), Syncing: true, SyncDone: 2, SyncTotal: 5}))
	if !strings.Contains(html, "Loading classes") || !strings.Contains(html, `id="sync-status"`) || !strings.Contains(html, "Syncing… 2/5") {
		t.Errorf("syncing:\n%s", html)
	}

	c := week(timetable.View{Week: monday, Account: &ada, Status: signedIn, Cache: synced()})
	c.updateAvailable = true
	html = render(c)
	if !strings.Contains(html, `id="update-app"`) {
		t.Errorf("update:\n%s", html)
	}
}

func TestSignInRenders(t *testing.T) {
	html := render(&signIn{})
	if !strings.Contains(html, "Loading universities") || !strings.Contains(html, "CampusWeek never sees it") {
		t.Errorf("loading sign-in:\n%s", html)
	}

	html = render(&signIn{loaded: true, providers: []shared.Provider{
		{ID: "uw", Kind: shared.KindUSOS, Name: "University of Warsaw", Capabilities: shared.Capabilities{PIN: true}},
		{ID: "tud", Kind: shared.KindMyTimetable, Name: "TU Delft"},
	}})
	for _, want := range []string{`data-provider="uw"`, `University of Warsaw`, `data-provider="tud"`, `Use a PIN instead`} {
		if !strings.Contains(html, want) {
			t.Errorf("sign-in lacks %q", want)
		}
	}
	if strings.Count(html, `data-provider="uw"`) != 1 || !strings.Contains(html, `data-pin-provider="uw"`) {
		t.Errorf("[data-provider] must select one element per provider:\n%s", html)
	}
	if strings.Count(html, "Use a PIN instead</button>") != 1 {
		t.Errorf("PIN option must show only for providers capable of it:\n%s", html)
	}
	if strings.Contains(html, "demo-banner") {
		t.Error("demo banner without a demo provider")
	}

	html = render(&signIn{loaded: true, providers: []shared.Provider{{ID: "demo", Kind: shared.KindMyTimetable, Name: "Demo University", Demo: true}}})
	if !strings.Contains(html, `id="demo-banner"`) || !strings.Contains(html, "made-up university and classes") {
		t.Errorf("demo banner missing:\n%s", html)
	}

	html = render(&signIn{loaded: true, loadErr: fmt.Errorf("%w: x", client.ErrUnreachable)})
	if !contains(html, i18n.English.T(i18n.ErrOffline)) || !strings.Contains(html, `id="retry"`) {
		t.Errorf("offline sign-in:\n%s", html)
	}
}

func TestCallbackAndPINRender(t *testing.T) {
	html := render(&authCallback{})
	if !strings.Contains(html, "Signing you in…") {
		t.Errorf("callback:\n%s", html)
	}
	html = render(&authCallback{err: &shared.Error{Code: shared.CodeAccessDenied}})
	if !contains(html, i18n.English.T(i18n.ErrDenied)) || !strings.Contains(html, `href="/signin"`) {
		t.Errorf("denied:\n%s", html)
	}
	html = render(&authCallback{err: &shared.Error{Code: shared.CodeFlowExpired}})
	if !contains(html, i18n.English.T(i18n.ErrFlowExpired)) {
		t.Errorf("expired:\n%s", html)
	}

	html = render(&pinEntry{providerID: "uw"})
	for _, want := range []string{`id="pin-input"`, `id="pin-submit"`, `type="submit"`} {
		if !strings.Contains(html, want) {
			t.Errorf("PIN page lacks %q", want)
		}
	}
	html = render(&pinEntry{providerID: "uw", err: &shared.Error{Code: shared.CodeAccessDenied}})
	if !contains(html, i18n.English.T(i18n.ErrBadPIN)) {
		t.Errorf("bad PIN:\n%s", html)
	}
}

func TestSyncedLabel(t *testing.T) {
	loc := time.FixedZone("CET", 3600)
	now := time.Date(2026, 11, 25, 14, 30, 0, 0, loc)
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{time.Time{}, "never"},
		{now.Add(-20 * time.Second), "just now"},
		{now.Add(-90 * time.Second), "1 minute ago"},
		{now.Add(-42 * time.Minute), "42 minutes ago"},
		{time.Date(2026, 11, 25, 8, 5, 0, 0, time.UTC), "today at 09:05"}, // shown in now's zone
		{time.Date(2026, 11, 24, 18, 2, 0, 0, loc), "yesterday at 18:02"},
		{time.Date(2026, 11, 2, 9, 14, 0, 0, loc), "on 2 Nov at 09:14"},
		{time.Date(2025, 12, 30, 9, 14, 0, 0, loc), "on 30 Dec 2025"},
	} {
		if got := syncedLabel(i18n.English, tc.at, now); got != tc.want {
			t.Errorf("syncedLabel(%v) = %q, want %q", tc.at, got, tc.want)
		}
	}
	if got := syncProgress(i18n.English, 2, 5); got != "Syncing… 2/5" {
		t.Errorf("syncProgress = %q", got)
	}
	for _, tc := range []struct {
		l    i18n.Lang
		at   time.Time
		want string
	}{
		{i18n.Polish, now.Add(-90 * time.Second), "1 minutę temu"},
		{i18n.Polish, now.Add(-3 * time.Minute), "3 minuty temu"},
		{i18n.Polish, now.Add(-12 * time.Minute), "12 minut temu"},
		{i18n.Polish, time.Date(2026, 11, 24, 18, 2, 0, 0, loc), "wczoraj o 18:02"},
		{i18n.Polish, time.Date(2026, 11, 2, 9, 14, 0, 0, loc), "2 lis o 09:14"},
		{i18n.Dutch, time.Date(2026, 11, 25, 8, 5, 0, 0, time.UTC), "vandaag om 09:05"},
		{i18n.Dutch, time.Date(2025, 12, 30, 9, 14, 0, 0, loc), "op 30 dec 2025"},
	} {
		if got := syncedLabel(tc.l, tc.at, now); got != tc.want {
			t.Errorf("%v syncedLabel(%v) = %q, want %q", tc.l, tc.at, got, tc.want)
		}
	}
}
