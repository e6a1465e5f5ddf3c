package ical

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/i18n"
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
	zones := cal.Timezones()
	if len(zones) != 1 || zones[0].GetProperty(ics.ComponentPropertyTzid) == nil || zones[0].GetProperty(ics.ComponentPropertyTzid).Value != "Europe/Warsaw" {
		t.Fatalf("%d VTIMEZONEs, want one for Europe/Warsaw", len(zones))
	}
	// Every property of every event, as the library reads it back.
	want := []map[ics.ComponentProperty]string{{
		ics.ComponentPropertyUniqueId:    "usos-aaa@tt.example.edu",
		ics.ComponentPropertyDtstamp:     "20261020T060000Z",
		ics.ComponentPropertyDtStart:     "20261023T101500",
		ics.ComponentPropertyDtEnd:       "20261023T114500",
		ics.ComponentPropertySummary:     "Analiza matematyczna, wykład; sala",
		ics.ComponentPropertyLocation:    "3180, Wydział MIM",
		ics.ComponentPropertyDescription: "Course: Analiza matematyczna I\nType: Wykład\nGroup: 1\nLecturers: prof. dr hab. Krzysztof Zieliński, dr Piotr Wójcik",
		ics.ComponentPropertyUrl:         "https://usosweb.uw.edu.pl/x?a=1&b=2",
		ics.ComponentPropertyCategories:  "Wykład",
	}, {
		ics.ComponentPropertyUniqueId:    "usos-bbb@tt.example.edu",
		ics.ComponentPropertyDtstamp:     "20261020T060000Z",
		ics.ComponentPropertyDtStart:     "20261027T101500",
		ics.ComponentPropertyDtEnd:       "20261027T114500",
		ics.ComponentPropertySummary:     "Analiza matematyczna - Wykład",
		ics.ComponentPropertyDescription: "Type: Wykład",
		ics.ComponentPropertyCategories:  "Wykład",
	}, {
		ics.ComponentPropertyUniqueId:    "mtt-2026!X-20261026@tt.example.edu",
		ics.ComponentPropertyDtstamp:     "20261020T060000Z",
		ics.ComponentPropertyDtStart:     "20261026",
		ics.ComponentPropertyDtEnd:       "20261027",
		ics.ComponentPropertySummary:     "Self-study day",
		ics.ComponentPropertyDescription: "Line one\nLine two",
		ics.ComponentPropertyTransp:      string(ics.TransparencyTransparent),
	}}
	checked := []ics.ComponentProperty{
		ics.ComponentPropertyUniqueId, ics.ComponentPropertyDtstamp, ics.ComponentPropertyDtStart, ics.ComponentPropertyDtEnd,
		ics.ComponentPropertySummary, ics.ComponentPropertyLocation, ics.ComponentPropertyDescription, ics.ComponentPropertyUrl,
		ics.ComponentPropertyCategories, ics.ComponentPropertyTransp,
	}
	for i, ev := range tt.Events {
		e := events[i]
		for _, p := range checked {
			got := ""
			if v := e.GetProperty(p); v != nil {
				got = v.Value
			}
			if got != want[i][p] {
				t.Errorf("%s: %s = %q, want %q", ev.ID, p, got, want[i][p])
			}
		}
		if ev.AllDay {
			for _, p := range []ics.ComponentProperty{ics.ComponentPropertyDtStart, ics.ComponentPropertyDtEnd} {
				if v := e.GetProperty(p); v == nil || v.ICalParameters["VALUE"][0] != "DATE" {
					t.Errorf("%s: %s is not a DATE: %v", ev.ID, p, v)
				}
			}
			continue
		}
		// The instants, resolved through the VTIMEZONE written (not the
		// reader's own zone database): the same wall time on both sides
		// of the change gives different offsets.
		for _, c := range []struct {
			p    ics.ComponentProperty
			want time.Time
		}{{ics.ComponentPropertyDtStart, ev.Start}, {ics.ComponentPropertyDtEnd, ev.End}} {
			v := e.GetProperty(c.p)
			if tzid := v.ICalParameters["TZID"]; len(tzid) != 1 || tzid[0] != "Europe/Warsaw" {
				t.Errorf("%s: %s TZID %v", ev.ID, c.p, tzid)
			}
			if got := resolve(t, zones[0], v.Value); !got.Equal(c.want) {
				t.Errorf("%s: %s resolves to %v through the VTIMEZONE, want %v", ev.ID, c.p, got, c.want)
			}
		}
	}
	for _, want := range []string{
		"X-WR-CALNAME:CampusWeek: UW", "X-WR-TIMEZONE:Europe/Warsaw", "REFRESH-INTERVAL;VALUE=DURATION:PT6H", "METHOD:PUBLISH",
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

// resolve turns a local date-time of the zone tz into an instant, with the
// observances of tz alone: the last one starting at or before it gives the
// offset (RFC 5545 3.6.5; DTSTART is local time before the change).
func resolve(t *testing.T, tz *ics.VTimezone, local string) time.Time {
	t.Helper()
	wall, err := time.Parse("20060102T150405", local)
	if err != nil {
		t.Fatalf("local time %q: %v", local, err)
	}
	var best time.Time
	offset, found := 0, false
	for _, c := range tz.Components {
		var props []ics.IANAProperty
		switch o := c.(type) {
		case *ics.Standard:
			props = o.Properties
		case *ics.Daylight:
			props = o.Properties
		default:
			continue
		}
		var start time.Time
		var to int
		for _, p := range props {
			switch p.IANAToken {
			case "DTSTART":
				start, err = time.Parse("20060102T150405", p.Value)
			case "TZOFFSETTO":
				to, err = parseOffset(p.Value)
			}
			if err != nil {
				t.Fatalf("observance %s: %v", p.IANAToken, err)
			}
		}
		if !start.After(wall) && (!found || start.After(best)) {
			best, offset, found = start, to, true
		}
	}
	if !found {
		t.Fatalf("no observance covers %s", local)
	}
	return wall.Add(-time.Duration(offset) * time.Second)
}

// parseOffset reads "+HHMM" or "-HHMM" as seconds east of UTC.
func parseOffset(s string) (int, error) {
	var h, m int
	if len(s) != 5 || (s[0] != '+' && s[0] != '-') {
		return 0, fmt.Errorf("offset %q", s)
	}
	if _, err := fmt.Sscanf(s[1:], "%02d%02d", &h, &m); err != nil {
		return 0, fmt.Errorf("offset %q: %w", s, err)
	}
	sec := h*3600 + m*60
	if s[0] == '-' {
		sec = -sec
	}
	return sec, nil
}

// The VTIMEZONE has an observance for every change in the window, with the
// offsets of the tz database: here summer time ends on 25 October 2026 and
// begins on 29 March 2026 and 28 March 2027.
func TestTimezoneObservances(t *testing.T) {
	_, cal := render(t, dstWeek())
	tz := cal.Timezones()[0]
	var got []string
	for _, c := range tz.Components {
		kind := "STANDARD"
		props := []ics.IANAProperty(nil)
		switch o := c.(type) {
		case *ics.Standard:
			props = o.Properties
		case *ics.Daylight:
			kind, props = "DAYLIGHT", o.Properties
		}
		line := kind
		for _, p := range props {
			line += " " + p.IANAToken + "=" + p.Value
		}
		got = append(got, line)
	}
	for _, want := range []string{
		"DAYLIGHT DTSTART=20260329T020000 TZOFFSETFROM=+0100 TZOFFSETTO=+0200 TZNAME=CEST",
		"STANDARD DTSTART=20261025T030000 TZOFFSETFROM=+0200 TZOFFSETTO=+0100 TZNAME=CET",
		"DAYLIGHT DTSTART=20270328T020000 TZOFFSETFROM=+0100 TZOFFSETTO=+0200 TZNAME=CEST",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("no observance %q in\n%s", want, strings.Join(got, "\n"))
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

// Text from a university may hold control characters, which RFC 5545
// forbids in TEXT: a bare carriage return would end the line, so that a
// title could close the event and open others. The file holds no control
// character but the CRLF ending each line, and every value reads back as
// the text without its control characters.
func TestHostileText(t *testing.T) {
	const inject = "\rEND:VEVENT\rBEGIN:VEVENT\rUID:forged\r\nSUMMARY:forged\x00\x1b\x7f"
	at := time.Date(2026, 10, 23, 10, 15, 0, 0, warsaw)
	tt := shared.Timetable{
		From: shared.Date{Year: 2026, Month: 10, Day: 19}, To: shared.Date{Year: 2026, Month: 10, Day: 25},
		FetchedAt: time.Date(2026, 10, 20, 6, 0, 0, 0, time.UTC),
		Events: []shared.Event{{
			ID: "usos-1" + inject, Start: at, End: at.Add(90 * time.Minute), Title: "Lecture" + inject,
			Kind: "Wykład" + inject, Room: "3180" + inject, Building: "MIM",
			Lecturers: []string{"dr X" + inject}, Notes: "Bring\ta laptop" + inject,
			URL: "https://usosweb.example/x" + inject,
		}},
	}
	var b bytes.Buffer
	if err := Write(&b, tt, Options{Name: "CampusWeek: UW" + inject, Domain: "tt.example.edu"}); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	for _, line := range strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n") {
		if i := strings.IndexFunc(line, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }); i >= 0 {
			t.Errorf("control character %q in line %q", line[i], line)
		}
	}
	cal, err := ics.ParseCalendar(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(cal.Events()); n != 1 {
		t.Fatalf("%d events, want 1:\n%s", n, text)
	}
	const clean = "END:VEVENTBEGIN:VEVENTUID:forged\nSUMMARY:forged"
	ev := cal.Events()[0]
	for p, want := range map[ics.ComponentProperty]string{
		ics.ComponentPropertyUniqueId:    "usos-1" + clean + "@tt.example.edu",
		ics.ComponentPropertySummary:     "Lecture" + clean,
		ics.ComponentPropertyCategories:  "Wykład" + clean,
		ics.ComponentPropertyLocation:    "3180" + clean + ", MIM",
		ics.ComponentPropertyDescription: "Type: Wykład" + clean + "\nLecturers: dr X" + clean + "\nBring\ta laptop" + clean,
		// An address holds no line breaks at all.
		ics.ComponentPropertyUrl: "https://usosweb.example/xEND:VEVENTBEGIN:VEVENTUID:forgedSUMMARY:forged",
	} {
		if got := ev.GetProperty(p); got == nil || got.Value != want {
			t.Errorf("%s = %+v, want %q", p, got, want)
		}
	}
	if got := cal.CalendarProperties; len(got) == 0 {
		t.Fatal("no calendar properties")
	}
	for _, p := range cal.CalendarProperties {
		if p.IANAToken == string(ics.PropertyXWRCalName) && p.Value != "CampusWeek: UW"+clean {
			t.Errorf("X-WR-CALNAME = %q", p.Value)
		}
	}
}

func TestDescriptionLabelsInTheLanguage(t *testing.T) {
	for _, c := range []struct {
		lang i18n.Lang
		want string
	}{
		{i18n.English, "Course: Analiza matematyczna I\nType: Wykład\nGroup: 1\nLecturers: "},
		{i18n.Polish, "Przedmiot: Analiza matematyczna I\nTyp zajęć: Wykład\nGrupa: 1\nProwadzący: "},
		{i18n.Dutch, "Vak: Analiza matematyczna I\nSoort: Wykład\nGroep: 1\nDocenten: "},
	} {
		var b bytes.Buffer
		if err := Write(&b, dstWeek(), Options{Domain: "tt.example.edu", Lang: c.lang}); err != nil {
			t.Fatal(err)
		}
		cal, err := ics.ParseCalendar(strings.NewReader(b.String()))
		if err != nil {
			t.Fatalf("%v: %v", c.lang, err)
		}
		d := cal.Events()[0].GetProperty(ics.ComponentPropertyDescription)
		if d == nil || !strings.HasPrefix(d.Value, c.want) {
			t.Errorf("%v: description %v, want it to start with %q", c.lang, d, c.want)
		}
	}
}
