package ical

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/campusweek/campusweek/shared"
)

var warsaw = func() *time.Location {
	l, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		panic(err)
	}
	return l
}()

// A week across the end of summer time in 2026 (25 October).
func dstWeek() shared.Timetable {
	at := func(d, h, m int) time.Time { return time.Date(2026, 10, d, h, m, 0, 0, warsaw) }
	return shared.Timetable{
		Provider:  "uw",
		From:      shared.Date{Year: 2026, Month: 10, Day: 19},
		To:        shared.Date{Year: 2026, Month: 10, Day: 31},
		FetchedAt: time.Date(2026, 10, 20, 6, 0, 0, 0, time.UTC),
		Events: []shared.Event{
			{ID: "usos-aaa", Start: at(23, 10, 15), End: at(23, 11, 45), Title: "Analiza matematyczna, wykład; sala", Course: "Analiza matematyczna I",
				Kind: "Wykład", Category: shared.CategoryClass, Building: "Wydział MIM", Room: "3180", Group: "1",
				Lecturers: []string{"prof. dr hab. Krzysztof Zieliński", "dr Piotr Wójcik"}, URL: "https://usosweb.uw.edu.pl/x?a=1&b=2"},
			{ID: "usos-bbb", Start: at(27, 10, 15), End: at(27, 11, 45), Title: "Analiza matematyczna - Wykład", Kind: "Wykład", Category: shared.CategoryClass},
			{ID: "mtt-2026!X-20261026", Start: time.Date(2026, 10, 26, 0, 0, 0, 0, warsaw), End: time.Date(2026, 10, 27, 0, 0, 0, 0, warsaw),
				AllDay: true, Title: "Self-study day", Category: shared.CategoryOther, Notes: "Line one\nLine two"},
		},
	}
}

func render(t *testing.T, tt shared.Timetable) (string, *ics.Calendar) {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, tt, Options{Name: "CampusWeek: UW", Domain: "tt.example.edu", Refresh: 6 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	cal, err := ics.ParseCalendar(strings.NewReader(b.String()))
	if err != nil {
		t.Fatalf("the library cannot parse what it wrote: %v\n%s", err, b.String())
	}
	return b.String(), cal
}

func TestRoundTripAcrossDST(t *testing.T) {
	tt := dstWeek()
	text, cal := render(t, tt)
	events := cal.Events()
	if len(events) != len(tt.Events) {
		t.Fatalf("%d events, want %d", len(events), len(tt.Events))
	}
	for i, want := range tt.Events {
		e := events[i]
		if got := e.Id(); got != want.ID+"@tt.example.edu" {
			t.Errorf("UID %q", got)
		}
		prop := func(p ics.ComponentProperty) string {
			if v := e.GetProperty(p); v != nil {
				return v.Value
			}
			return ""
		}
		if prop(ics.ComponentPropertySummary) != want.Title {
			t.Errorf("summary %q, want %q", prop(ics.ComponentPropertySummary), want.Title)
		}
		if want.AllDay {
			start, err1 := e.GetAllDayStartAt()
			end, err2 := e.GetAllDayEndAt()
			if err1 != nil || err2 != nil || start.Format("2006-01-02") != "2026-10-26" || end.Format("2006-01-02") != "2026-10-27" {
				t.Errorf("all-day %v..%v (%v, %v)", start, end, err1, err2)
			}
			if !strings.Contains(text, "DTSTART;VALUE=DATE:20261026") {
				t.Error("all-day start is not a DATE")
			}
			continue
		}
		start, err := e.GetStartAt()
		if err != nil || !start.Equal(want.Start) {
			t.Errorf("%s: start %v (%v), want %v", want.ID, start, err, want.Start)
		}
		end, err := e.GetEndAt()
		if err != nil || !end.Equal(want.End) {
			t.Errorf("%s: end %v (%v), want %v", want.ID, end, err, want.End)
		}
		// Same wall time on both sides of the change, different instants.
		if start.In(warsaw).Hour() != 10 || start.In(warsaw).Minute() != 15 {
			t.Errorf("%s: wall time %v", want.ID, start.In(warsaw))
		}
	}
	first := events[0]
	if v := first.GetProperty(ics.ComponentPropertyLocation); v == nil || v.Value != "3180, Wydział MIM" {
		t.Errorf("location %v", v)
	}
	if v := first.GetProperty(ics.ComponentPropertyDescription); v == nil || !strings.Contains(v.Value, "prof. dr hab. Krzysztof Zieliński, dr Piotr Wójcik") {
		t.Errorf("description %v", v)
	}
	if v := first.GetProperty(ics.ComponentPropertyUrl); v == nil || v.Value != "https://usosweb.uw.edu.pl/x?a=1&b=2" {
		t.Errorf("url %v", v)
	}
	for _, want := range []string{
		"DTSTART;TZID=Europe/Warsaw:20261023T101500", "DTSTART;TZID=Europe/Warsaw:20261027T101500",
		"BEGIN:VTIMEZONE", "TZID:Europe/Warsaw", "BEGIN:DAYLIGHT", "BEGIN:STANDARD",
		"TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "DTSTART:20261025T030000",
		"X-WR-CALNAME:CampusWeek: UW", "REFRESH-INTERVAL;VALUE=DURATION:PT6H", "METHOD:PUBLISH",
		"Analiza matematyczna\\, wykład\\; sala",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	for _, line := range strings.Split(text, "\r\n") {
		if len(line) > 75 {
			t.Errorf("line longer than 75 octets: %q", line)
		}
	}
}

// Re-exporting the same timetable gives the same UIDs: calendar apps update
// instead of duplicating.
func TestStableUIDs(t *testing.T) {
	_, a := render(t, dstWeek())
	later := dstWeek()
	later.FetchedAt = later.FetchedAt.Add(48 * time.Hour)
	later.Events[1].Room = "moved"
	_, b := render(t, later)
	for i := range a.Events() {
		if a.Events()[i].Id() != b.Events()[i].Id() {
			t.Errorf("UID changed: %q -> %q", a.Events()[i].Id(), b.Events()[i].Id())
		}
	}
}

func TestEmptyTimetable(t *testing.T) {
	text, cal := render(t, shared.Timetable{From: shared.Date{Year: 2026, Month: 1, Day: 5}, To: shared.Date{Year: 2026, Month: 1, Day: 11}})
	if len(cal.Events()) != 0 || !strings.Contains(text, "BEGIN:VCALENDAR") || !strings.Contains(text, "VERSION:2.0") {
		t.Errorf("empty calendar:\n%s", text)
	}
}
