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

func TestTimetableICS(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.signIn()
	monday := shared.DateOf(time.Now()).Monday()
	q := "?from=" + monday.String() + "&to=" + monday.AddDays(27).String()
	r := e.get("/api/timetable.ics" + q)
	if r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".ics") {
		t.Errorf("Content-Disposition %q", cd)
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Error("a personal calendar may be cached")
	}
	cal, err := ics.ParseCalendar(strings.NewReader(string(r.body)))
	if err != nil {
		t.Fatal(err)
	}
	tt := decode[shared.Timetable](t, e.get("/api/timetable"+q))
	events := cal.Events()
	if len(events) != len(tt.Events) || len(events) == 0 {
		t.Fatalf("%d calendar events, %d timetable events", len(events), len(tt.Events))
	}
	host := strings.Split(strings.TrimPrefix(e.api.URL, "http://"), ":")[0]
	for i, ev := range tt.Events {
		if events[i].Id() != ev.ID+"@"+host {
			t.Errorf("UID %q for event %q", events[i].Id(), ev.ID)
		}
		start, err := events[i].GetStartAt()
		if err != nil || !start.Equal(ev.Start) {
			t.Errorf("event %s starts %v (%v), want %v", ev.ID, start, err, ev.Start)
		}
	}
	if !strings.Contains(string(r.body), "TZID=Europe/Warsaw") {
		t.Error("times are not in the university's time zone")
	}
}

func TestTimetableICSSignedOut(t *testing.T) {
	e := newEnv(t, envOptions{})
	r := e.get("/api/timetable.ics")
	if r.status != http.StatusUnauthorized || r.apiError().Code != shared.CodeSignedOut {
		t.Fatalf("%d %s", r.status, r.body)
	}
	r = e.get("/api/timetable.ics?from=" + url.QueryEscape("next week"))
	if r.status != http.StatusBadRequest {
		t.Fatalf("bad range: %d", r.status)
	}
}

// TestTimetableICSHides: a download leaves out the classes its hide
// parameters name, and only those; a malformed one is a 400.
func TestTimetableICSHides(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.signIn()
	monday := shared.DateOf(time.Now()).Monday()
	q := "?from=" + monday.String() + "&to=" + monday.AddDays(27).String()
	tt := decode[shared.Timetable](t, e.get("/api/timetable"+q))
	var h shared.Hide
	for _, ev := range tt.Events {
		if !ev.AllDay {
			h = shared.HideOf(ev, true)
			break
		}
	}
	if h.Course == "" {
		t.Fatal("no class to hide")
	}
	r := e.get("/api/timetable.ics" + q + "&" + shared.HideParam + "=" + url.QueryEscape(h.String()))
	if r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	cal, err := ics.ParseCalendar(strings.NewReader(string(r.body)))
	if err != nil {
		t.Fatal(err)
	}
	uids := map[string]bool{}
	for _, ev := range cal.Events() {
		uids[strings.Split(ev.Id(), "@")[0]] = true
	}
	hidden := 0
	for _, ev := range tt.Events {
		if h.Matches(ev) {
			hidden++
		}
		if uids[ev.ID] == h.Matches(ev) {
			t.Errorf("event %s (%s, %s, %s): in the download %v, hidden %v", ev.ID, ev.Title, ev.Kind, ev.Group, uids[ev.ID], h.Matches(ev))
		}
	}
	if hidden == 0 || len(uids) != len(tt.Events)-hidden {
		t.Errorf("%d of %d events hidden, %d in the download", hidden, len(tt.Events), len(uids))
	}
	if r := e.get("/api/timetable.ics" + q + "&" + shared.HideParam + "=nonsense"); r.status != http.StatusBadRequest {
		t.Errorf("a malformed hide: %d %s", r.status, r.body)
	}
}
