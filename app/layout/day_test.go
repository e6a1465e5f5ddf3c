package layout

import (
	"testing"
	"time"

	"github.com/campusweek/campusweek/shared"
)

func TestOpen(t *testing.T) {
	loc := zone(t, "Europe/Warsaw")
	at := func(d, h int) time.Time { return time.Date(2026, 3, d, h, 0, 0, 0, loc) }
	week := []shared.Event{
		timed("mon", at(2, 8), at(2, 10)),
		timed("wed", at(4, 8), at(4, 10)),
		timed("fri-night", at(6, 23), at(7, 1)), // into Saturday
	}
	tests := []struct {
		name   string
		events []shared.Event
		today  shared.Date
		want   Opening
	}{
		{"a day with classes", week, date(2026, 3, 2), Opening{Date: date(2026, 3, 2)}},
		{"a day without: the next with", week, date(2026, 3, 3),
			Opening{Date: date(2026, 3, 3), Empty: true, Next: date(2026, 3, 4), HasNext: true}},
		{"a night class reaches Saturday", week, date(2026, 3, 7), Opening{Date: date(2026, 3, 7)}},
		{"Sunday, nothing after", week, date(2026, 3, 8), Opening{Date: date(2026, 3, 8), Empty: true}},
		{"Sunday before the week", week, date(2026, 3, 1),
			Opening{Date: date(2026, 3, 1), Empty: true, Next: date(2026, 3, 2), HasNext: true}},
		{"nothing known", nil, date(2026, 3, 1), Opening{Date: date(2026, 3, 1), Empty: true}},
		{"an all-day notice is not a class", []shared.Event{allDay("h", loc, date(2026, 3, 8), date(2026, 3, 11))}, date(2026, 3, 8),
			Opening{Date: date(2026, 3, 8), Empty: true}},
		{"past a holiday to the next class", append(week, allDay("h", loc, date(2026, 3, 3), date(2026, 3, 4)), timed("thu", at(5, 8), at(5, 10))), date(2026, 3, 3),
			Opening{Date: date(2026, 3, 3), Empty: true, Next: date(2026, 3, 4), HasNext: true}},
		{"a long event under way tomorrow", []shared.Event{timed("trip", at(1, 9), at(5, 18))}, date(2026, 3, 3),
			Opening{Date: date(2026, 3, 3)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Open(tt.events, tt.today); got != tt.want {
				t.Errorf("Open = %+v, want %+v", got, tt.want)
			}
		})
	}
	if d, ok := NextWithClasses([]shared.Event{timed("trip", at(1, 9), at(5, 18))}, date(2026, 3, 3)); !ok || d != date(2026, 3, 4) {
		t.Errorf("NextWithClasses during a long event = %v, %v", d, ok)
	}
}

func TestStrip(t *testing.T) {
	loc := zone(t, "Europe/Amsterdam")
	at := func(d, h int) time.Time { return time.Date(2026, 3, d, h, 0, 0, 0, loc) }
	events := []shared.Event{timed("tue", at(24, 9), at(24, 11)), timed("sun", at(29, 1), at(29, 4)),
		allDay("closed", loc, date(2026, 3, 28), date(2026, 3, 29))} // a notice gets no dot
	s := Strip(events, date(2026, 3, 26), date(2026, 3, 29))
	want := "Mon 23 | Tue 24 dot | Wed 25 | Thu 26 selected | Fri 27 | Sat 28 | Sun 29 dot today"
	var got string
	for i, d := range s {
		if i > 0 {
			got += " | "
		}
		got += d.Date.Weekday().String()[:3] + " " + d.Date.String()[8:]
		if d.Dot {
			got += " dot"
		}
		if d.Selected {
			got += " selected"
		}
		if d.Today {
			got += " today"
		}
	}
	if got != want {
		t.Errorf("Strip:\n got %s\nwant %s", got, want)
	}
}

func TestCardAt(t *testing.T) {
	loc := zone(t, "Europe/Warsaw")
	at := func(h, m int) time.Time { return time.Date(2026, 3, 3, h, m, 0, 0, loc) }
	analysis := timed("analysis", at(12, 15), at(13, 45))
	algebra := timed("algebra", at(10, 0), at(11, 30))
	short := timed("short", at(10, 30), at(11, 0))
	tomorrow := timed("tomorrow", at(8, 15).AddDate(0, 0, 1), at(9, 45).AddDate(0, 0, 1))
	holiday := allDay("holiday", loc, date(2026, 3, 3), date(2026, 3, 4))
	events := []shared.Event{holiday, algebra, short, analysis, tomorrow}
	tests := []struct {
		name string
		now  time.Time
		want string
	}{
		{"before the first", at(7, 0), "next algebra in 180"},
		{"25 minutes before", at(11, 50), "next analysis in 25"},
		{"rounded up", at(11, 50).Add(-30 * time.Second), "next analysis in 26"},
		{"at the start: in class", at(12, 15), "in analysis for 90, next tomorrow in 1200"},
		{"two at once: the one ending first", at(10, 45), "in short for 15, next analysis in 90"},
		{"at the end: over", at(13, 45), "next tomorrow in 1110"},
		{"after everything", at(10, 0).AddDate(0, 0, 1), "nothing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := CardAt(events, tt.now)
			got := "nothing"
			switch {
			case c.InClass && c.HasNext:
				got = "in " + c.Current.ID + " for " + itoa(c.EndsIn) + ", next " + c.Next.ID + " in " + itoa(c.StartsIn)
			case c.InClass:
				got = "in " + c.Current.ID + " for " + itoa(c.EndsIn)
			case c.HasNext:
				got = "next " + c.Next.ID + " in " + itoa(c.StartsIn)
			}
			if got != tt.want {
				t.Errorf("CardAt(%v) = %q, want %q", tt.now, got, tt.want)
			}
		})
	}
}
