package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/app/layout"
	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/change"
	"github.com/campusweek/campusweek/shared/i18n"
)

func TestCardText(t *testing.T) {
	waw := time.FixedZone("CET", 3600)
	at := func(d, h, m int) time.Time { return time.Date(2026, 12, d, h, m, 0, 0, waw) }
	analysis := shared.Event{ID: "a", Title: "Analiza matematyczna", Room: "3180", Start: at(7, 12, 15), End: at(7, 13, 45)}
	online := shared.Event{ID: "b", Title: "Ekonomia", Start: at(8, 10, 0), End: at(8, 11, 30)}
	for _, tc := range []struct {
		name  string
		l     i18n.Lang
		now   time.Time
		event []shared.Event
		want  string
	}{
		{"next today", i18n.English, at(7, 11, 50), []shared.Event{analysis}, "Next: Analiza matematyczna, 12:15, room 3180, in 25 min"},
		{"next today, Polish", i18n.Polish, at(7, 11, 50), []shared.Event{analysis}, "Następne: Analiza matematyczna, 12:15, sala 3180, za 25 min"},
		{"in class", i18n.English, at(7, 12, 30), []shared.Event{analysis, online}, "In class until 13:45: Analiza matematyczna"},
		{"next on a later day, no room", i18n.English, at(7, 14, 0), []shared.Event{analysis, online}, "Next: Ekonomia, Tuesday 8 December, 10:00"},
		{"nothing coming", i18n.Dutch, at(9, 8, 0), []shared.Event{analysis}, "Er komen geen lessen meer aan."},
	} {
		got := cardText(tc.l, layout.CardAt(tc.event, tc.now), shared.DateOf(tc.now))
		if got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestMarkText(t *testing.T) {
	at := time.Date(2026, 12, 7, 11, 0, 0, 0, time.UTC)
	e := shared.Event{ID: "a", Title: "Analysis", Start: at, End: at.Add(time.Hour), Room: "3180"}
	for _, tc := range []struct {
		name      string
		ch        change.Change
		cancelled bool
		want      string
	}{
		{"moved", change.Change{What: change.Moved, Event: e, WasStart: at.Add(-time.Hour)}, false, "Moved from 10:00"},
		{"moved from another day", change.Change{What: change.Moved, Event: e, WasStart: at.AddDate(0, 0, -1)}, false, "Moved from Sunday 6 December, 11:00"},
		{"room", change.Change{What: change.Room, Event: e, WasRoom: "2180"}, false, "Room changed: was 2180"},
		{"both", change.Change{What: change.Moved | change.Room, Event: e, WasStart: at.Add(-time.Hour), WasRoom: "2180"}, false, "Moved from 10:00. Room changed: was 2180"},
		{"new", change.Change{What: change.Added, Event: e}, false, "New"},
		{"cancelled", change.Change{What: change.Cancelled, Event: e}, true, "Cancelled"},
	} {
		if got := markText(i18n.English, tc.ch, tc.cancelled); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := markText(i18n.Polish, change.Change{What: change.Room, Event: e, WasRoom: "2180"}, false); got != "Zmiana sali: było 2180" {
		t.Errorf("Polish: %q", got)
	}
}

func TestHideText(t *testing.T) {
	lab := shared.Event{Title: "Programming", CourseID: "1000-PRG", Kind: "Lab", Group: "5"}
	events := []shared.Event{lab}
	for _, tc := range []struct {
		h    shared.Hide
		want string
	}{
		{shared.HideOf(lab, true), "Programming, Lab, group 5"},
		{shared.HideOf(lab, false), "Programming, Lab, all groups"},
		{shared.Hide{Course: "1000-GONE", Kind: "Lecture"}, "1000-GONE, Lecture, all groups"},
	} {
		if got := hideText(i18n.English, tc.h, events); got != tc.want {
			t.Errorf("hideText(%+v) = %q, want %q", tc.h, got, tc.want)
		}
	}
}

func TestNearWeek(t *testing.T) {
	monday := date(2026, 11, 30)
	at := func(d shared.Date, h int) time.Time { return time.Date(d.Year, d.Month, d.Day, h, 0, 0, 0, time.UTC) }
	ev := func(id string, from, to time.Time) shared.Event { return shared.Event{ID: id, Start: from, End: to} }
	events := []shared.Event{
		ev("before", at(monday.AddDays(-3), 10), at(monday.AddDays(-3), 11)),
		ev("sunday-night", at(monday.AddDays(-1), 23), at(monday, 1)),
		ev("term", at(monday.AddDays(-60), 0), at(monday.AddDays(60), 0)),
		ev("this-week", at(monday.AddDays(2), 10), at(monday.AddDays(2), 11)),
		ev("after-holidays", at(monday.AddDays(40), 10), at(monday.AddDays(40), 11)),
		ev("next-term", at(monday.AddDays(nearWeekDays+1), 10), at(monday.AddDays(nearWeekDays+1), 11)),
		ev("no-end", at(monday.AddDays(3), 9), time.Time{}),
	}
	var got []string
	for _, e := range nearWeek(events, monday) {
		got = append(got, e.ID)
	}
	if want := "sunday-night term this-week after-holidays no-end"; strings.Join(got, " ") != want {
		t.Errorf("nearWeek = %v, want %s", got, want)
	}
}
