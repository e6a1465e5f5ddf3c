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

// TestCalendarDownloadInPolish: a download made in Polish carries the
// university's Polish course names and class types, and labels, and is
// valid iCalendar; the same in English carries the English ones.
func TestCalendarDownloadInPolish(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.signIn()
	monday := shared.DateOf(time.Now()).Monday()
	q := "?from=" + monday.String() + "&to=" + monday.AddDays(13).String()
	inLang := func(lang string) shared.Timetable {
		return decode[shared.Timetable](t, e.do(e.client, "GET", "/api/timetable"+q, nil, map[string]string{"Accept-Language": lang}))
	}
	pl, en := inLang("pl"), inLang("en")
	if len(pl.Events) == 0 || len(pl.Events) != len(en.Events) {
		t.Fatalf("%d Polish events, %d English", len(pl.Events), len(en.Events))
	}
	differ := false
	for i := range pl.Events {
		differ = differ || pl.Events[i].Kind != en.Events[i].Kind
	}
	if !differ {
		t.Fatal("the sandbox gave the same class types in Polish and English")
	}
	// A language the university lacks: English before its own.
	nl := inLang("nl-NL,nl")
	if len(nl.Events) != len(en.Events) {
		t.Fatalf("%d Dutch events, %d English", len(nl.Events), len(en.Events))
	}
	for i := range nl.Events {
		if nl.Events[i].Kind != en.Events[i].Kind || nl.Events[i].Title != en.Events[i].Title {
			t.Errorf("in Dutch at a Polish university: %q %q, want the English %q %q", nl.Events[i].Title, nl.Events[i].Kind, en.Events[i].Title, en.Events[i].Kind)
		}
	}

	// A download is a navigation: the browser's own Accept-Language (here
	// English) comes with it, the app's choice in the lang parameter.
	r := e.do(e.client, "GET", "/api/timetable.ics"+q+"&lang=pl", nil, map[string]string{"Accept-Language": "en-GB,en"})
	if r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if got := r.header.Get("Content-Language"); got != "pl" {
		t.Errorf("Content-Language %q", got)
	}
	cal, err := ics.ParseCalendar(strings.NewReader(string(r.body)))
	if err != nil {
		t.Fatalf("not valid iCalendar: %v", err)
	}
	events := cal.Events()
	if len(events) != len(pl.Events) {
		t.Fatalf("%d calendar events, %d timetable events", len(events), len(pl.Events))
	}
	for i, ev := range pl.Events {
		summary := events[i].GetProperty(ics.ComponentPropertySummary)
		desc := events[i].GetProperty(ics.ComponentPropertyDescription)
		if summary == nil || summary.Value != ev.Title {
			t.Errorf("event %s: summary %v, want the Polish %q", ev.ID, summary, ev.Title)
		}
		if ev.Kind != "" && (desc == nil || !strings.Contains(desc.Value, "Typ zajęć: "+ev.Kind)) {
			t.Errorf("event %s: description %v, want the Polish class type %q", ev.ID, desc, ev.Kind)
		}
		if ev.Course != "" && (desc == nil || !strings.Contains(desc.Value, "Przedmiot: "+ev.Course)) {
			t.Errorf("event %s: description %v, want the Polish course %q", ev.ID, desc, ev.Course)
		}
	}
	if strings.Contains(string(r.body), "Lecture") || strings.Contains(string(r.body), "Type: ") {
		t.Error("the Polish download has English text")
	}
}

// TestFeedKeepsItsLanguage: a subscription made in Polish is Polish
// whatever the calendar app asks for, and so are its plain-text answers.
func TestFeedKeepsItsLanguage(t *testing.T) {
	e := newEnv(t, envOptions{scopes: []string{"offline_access"}})
	e.signIn()
	pl := map[string]string{"Accept-Language": "pl"}
	r := e.do(e.client, "POST", "/api/auth/uni/start", shared.StartRequest{Purpose: shared.PurposeFeed, ReturnTo: "/"}, pl)
	if r.status != http.StatusOK {
		t.Fatalf("start: %d %s", r.status, r.body)
	}
	params := e.callbackParams(decode[shared.StartResponse](t, r).AuthorizeURL, "allow")
	r = e.do(e.client, "POST", "/api/auth/uni/complete", shared.CompleteRequest{Params: params}, pl)
	done := decode[shared.CompleteResponse](t, r)
	if done.Feed == nil {
		t.Fatalf("no feed: %s", r.body)
	}
	if !strings.Contains(done.Feed.Note, "nie udostępniaj go") || strings.Contains(done.Feed.Note, "January") {
		t.Errorf("note not in Polish: %q", done.Feed.Note)
	}
	u, err := url.Parse(done.Feed.URL)
	if err != nil {
		t.Fatal(err)
	}
	en := map[string]string{"Accept-Language": "en-US,en"}
	r = e.do(newBrowser(t), "GET", u.Path, nil, en)
	if r.status != http.StatusOK || r.header.Get("Content-Language") != "pl" {
		t.Fatalf("feed: %d %q %s", r.status, r.header.Get("Content-Language"), r.body)
	}
	if _, err := ics.ParseCalendar(strings.NewReader(string(r.body))); err != nil {
		t.Fatalf("not valid iCalendar: %v", err)
	}
	if !strings.Contains(string(r.body), "Wykład") || strings.Contains(string(r.body), "Lecture") {
		t.Error("the Polish feed does not have the Polish class types")
	}

	// A garbled address says so in the browser's language.
	r = e.do(newBrowser(t), "GET", shared.FeedPath("not-sealed"), nil, map[string]string{"Accept-Language": "nl-BE"})
	if r.status != http.StatusNotFound || !strings.Contains(string(r.body), "geen geldig agenda-adres") {
		t.Errorf("garbled address: %d %s", r.status, r.body)
	}
	// Expired: in the address's language.
	e.clock.Advance(181 * 24 * time.Hour)
	r = e.do(newBrowser(t), "GET", u.Path, nil, en)
	if r.status != http.StatusGone || !strings.Contains(string(r.body), "Ten adres kalendarza wygasł") {
		t.Errorf("expired: %d %s", r.status, r.body)
	}
}

// TestMyTimetableInTheAppsLanguage: MyTimetable answers in the language the
// app asks for (its activity types), Dutch or English.
func TestMyTimetableInTheAppsLanguage(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.mttSignIn()
	monday := shared.DateOf(time.Now()).Monday()
	q := "?from=" + monday.String() + "&to=" + monday.AddDays(13).String()
	kinds := func(lang string) string {
		tt := decode[shared.Timetable](t, e.do(e.client, "GET", "/api/timetable"+q, nil, map[string]string{"Accept-Language": lang}))
		var b strings.Builder
		for _, ev := range tt.Events {
			b.WriteString(ev.Kind + "\n")
		}
		return b.String()
	}
	if nl := kinds("nl"); !strings.Contains(nl, "Hoorcollege") || strings.Contains(nl, "Lecture") {
		t.Errorf("Dutch class types:\n%s", nl)
	}
	if en := kinds("en"); !strings.Contains(en, "Lecture") || strings.Contains(en, "Hoorcollege") {
		t.Errorf("English class types:\n%s", en)
	}
}

// The sign-in form's error pages, which a person reads before the app
// runs, are in their language.
func TestSignInFormErrorsInTheirLanguage(t *testing.T) {
	e := newEnv(t, envOptions{})
	for lang, want := range map[string]string{
		"pl-PL,pl": "CampusWeek nie może przyjąć tego żądania.",
		"nl-BE":    "CampusWeek kon dit verzoek niet aannemen.",
		"":         "CampusWeek couldn't accept that request.",
	} {
		r := e.do(e.client, "POST", shared.SignInPath("uni"), nil, map[string]string{
			"Origin": "https://evil.example", "Content-Type": "application/x-www-form-urlencoded", "Accept-Language": lang,
		})
		if r.status != http.StatusForbidden || !strings.Contains(string(r.body), want) {
			t.Errorf("%q: %d %s", lang, r.status, r.body)
		}
	}
}
