package provider

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/shared"
)

func TestInRange(t *testing.T) {
	at := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, time.UTC) }
	events := []shared.Event{
		{ID: "b", Start: at(24, 10), Title: "B"},
		{ID: "before", Start: at(22, 23), Title: "Sunday night"},
		{ID: "a", Start: at(24, 10), Title: "A"},
		{ID: "b", Start: at(24, 10), Title: "B"}, // the overlap of two windows
		{ID: "first", Start: at(23, 8), Title: "Z"},
		{ID: "after", Start: at(30, 0), Title: "next week"},
	}
	got := InRange(events, shared.Date{Year: 2026, Month: 11, Day: 23}, shared.Date{Year: 2026, Month: 11, Day: 29})
	var ids []string
	for _, ev := range got {
		ids = append(ids, ev.ID)
	}
	if got, want := strings.Join(ids, " "), "first a b"; got != want {
		t.Errorf("InRange = %q, want %q", got, want)
	}
}

func TestCleanText(t *testing.T) {
	for in, want := range map[string]string{
		"":                                       "",
		"Lineaire algebra – Hörcollege":          "Lineaire algebra – Hörcollege",
		"Line one\nLine two\tand a tab":          "Line one\nLine two\tand a tab",
		"Lecture\rEND:VEVENT\rBEGIN:VEVENT":      "LectureEND:VEVENTBEGIN:VEVENT",
		"a\r\nb":                                 "a\nb",
		"\x00nul\x01soh\x1b[31mred\x1fus\x7fdel": "nulsoh[31mredusdel",
		"\u0085 and \u2028 are not C0":           "\u0085 and \u2028 are not C0",
	} {
		if got := CleanText(in); got != want {
			t.Errorf("CleanText(%q) = %q, want %q", in, got, want)
		}
	}
}

// Every text of every event a provider returns passes through CleanText,
// whichever system it came from: both finish Timetable with InRange. The
// check walks the Event type, so a text field added later is covered too.
func TestInRangeCleansEveryText(t *testing.T) {
	const hostile = "x\rEND:VEVENT\r\nBEGIN:VEVENT\x00\x7f\x1b"
	var ev shared.Event
	ev.Start = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	ev.Lecturers = []string{hostile, "dr " + hostile}
	v := reflect.ValueOf(&ev).Elem()
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.String {
			f.SetString(v.Type().Field(i).Name + hostile)
		}
	}
	day := shared.DateOf(ev.Start)
	out := InRange([]shared.Event{ev}, day, day)
	if len(out) != 1 {
		t.Fatalf("%d events", len(out))
	}
	check := func(name, s string) {
		if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r == 0x7f }) {
			t.Errorf("%s = %q still holds control characters", name, s)
		}
		if !strings.Contains(s, "xEND:VEVENT\nBEGIN:VEVENT") {
			t.Errorf("%s = %q lost more than the control characters", name, s)
		}
	}
	got := reflect.ValueOf(out[0])
	for i := range got.NumField() {
		if f := got.Field(i); f.Kind() == reflect.String {
			check(got.Type().Field(i).Name, f.String())
		}
	}
	for _, l := range out[0].Lecturers {
		check("Lecturers", l)
	}
}
