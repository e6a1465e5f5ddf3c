package layout

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the DST weeks need Europe/Warsaw and Europe/Amsterdam on any host

	"github.com/campusweek/campusweek/shared"
)

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func date(y int, m time.Month, d int) shared.Date { return shared.Date{Year: y, Month: m, Day: d} }

// timed is a timed event from start to end.
func timed(id string, start, end time.Time) shared.Event {
	return shared.Event{ID: id, Start: start, End: end, Title: id, Category: shared.CategoryClass}
}

// allDay is an all-day event over the dates [from, to).
func allDay(id string, loc *time.Location, from, to shared.Date) shared.Event {
	return shared.Event{ID: id, Start: from.In(loc), End: to.In(loc), AllDay: true, Title: id}
}

func itoa(n int) string { return strconv.Itoa(n) }

func hm(m int) string {
	return strconv.Itoa(m/60) + ":" + strconv.Itoa(m%60/10) + strconv.Itoa(m%10)
}

// blocks renders a column's blocks as "id start-end col/cols" with "<" and
// ">" for a block continuing from the day before or into the next.
func blocks(c Column) string {
	var parts []string
	for _, b := range c.Blocks {
		s := b.Event.ID + " "
		if b.ContinuesBefore {
			s += "<"
		}
		s += hm(b.Start) + "-" + hm(b.End)
		if b.ContinuesAfter {
			s += ">"
		}
		s += " " + strconv.Itoa(b.Col) + "/" + strconv.Itoa(b.Cols)
		parts = append(parts, s)
	}
	for _, e := range c.AllDay {
		parts = append(parts, e.ID+" all-day")
	}
	return strings.Join(parts, ", ")
}

func TestSpanOn(t *testing.T) {
	loc := zone(t, "Europe/Warsaw")
	at := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, loc) }
	tests := []struct {
		name string
		e    shared.Event
		d    shared.Date
		want string // "" when the event is not on d
	}{
		{"a class", timed("a", at(3, 2, 8, 15), at(3, 2, 9, 45)), date(2026, 3, 2), "8:15-9:45"},
		{"another day", timed("a", at(3, 2, 8, 15), at(3, 2, 9, 45)), date(2026, 3, 3), ""},
		{"crossing midnight, first day", timed("n", at(3, 2, 22, 0), at(3, 3, 1, 30)), date(2026, 3, 2), "22:00-24:00>"},
		{"crossing midnight, second day", timed("n", at(3, 2, 22, 0), at(3, 3, 1, 30)), date(2026, 3, 3), "<0:00-1:30"},
		{"three days, the middle one", timed("n", at(3, 2, 22, 0), at(3, 4, 1, 0)), date(2026, 3, 3), "<0:00-24:00>"},
		{"ending at midnight stays on its day", timed("m", at(3, 2, 22, 0), at(3, 3, 0, 0)), date(2026, 3, 2), "22:00-24:00"},
		{"ending at midnight is not on the next", timed("m", at(3, 2, 22, 0), at(3, 3, 0, 0)), date(2026, 3, 3), ""},
		{"zero length drawn 15 minutes", timed("z", at(3, 2, 12, 0), at(3, 2, 12, 0)), date(2026, 3, 2), "12:00-12:15"},
		{"zero length at 23:55", timed("z", at(3, 2, 23, 55), at(3, 2, 23, 55)), date(2026, 3, 2), "23:45-24:00"},
		{"end before start", timed("x", at(3, 2, 12, 0), at(3, 2, 11, 0)), date(2026, 3, 2), "12:00-12:15"},
		// 01:30-03:30 on the spring Sunday lasts an hour but is drawn by its
		// wall clock, as the hours beside it read.
		{"spring forward", timed("s", at(3, 29, 1, 30), at(3, 29, 3, 30)), date(2026, 3, 29), "1:30-3:30"},
		{"fall back", timed("f", at(10, 25, 1, 30), at(10, 25, 3, 30)), date(2026, 10, 25), "1:30-3:30"},
		// 02:30 summer time to 02:15 winter time: 45 minutes whose end
		// reads earlier than the start.
		{"fall back, end reads earlier", timed("f", at(10, 25, 2, 30), at(10, 25, 2, 30).Add(45*time.Minute)),
			date(2026, 10, 25), "2:30-3:15"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ok := SpanOn(tt.e, tt.d)
			got := ""
			if ok {
				if s.ContinuesBefore {
					got = "<"
				}
				got += hm(s.Start) + "-" + hm(s.End)
				if s.ContinuesAfter {
					got += ">"
				}
			}
			if got != tt.want {
				t.Errorf("SpanOn = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestOnAllDay(t *testing.T) {
	loc := zone(t, "Europe/Amsterdam")
	e := allDay("x", loc, date(2026, 3, 28), date(2026, 3, 30)) // Saturday and Sunday
	for d, want := range map[shared.Date]bool{
		date(2026, 3, 27): false, date(2026, 3, 28): true, date(2026, 3, 29): true, date(2026, 3, 30): false,
	} {
		if got := On(e, d); got != want {
			t.Errorf("On(%v) = %v, want %v", d, got, want)
		}
	}
	if !On(allDay("y", loc, date(2026, 3, 28), date(2026, 3, 28)), date(2026, 3, 28)) {
		t.Error("an all-day event without length is not on its date")
	}
}

func TestGrid(t *testing.T) {
	loc := zone(t, "Europe/Warsaw")
	monday := date(2026, 3, 2)
	// at is a wall time on day i (0 = Monday) of the week of 2026-03-02.
	at := func(day, h, min int) time.Time { return time.Date(2026, 3, 2+day, h, min, 0, 0, loc) }
	class := func(id string, day, h, min, h2, min2 int) shared.Event {
		return timed(id, at(day, h, min), at(day, h2, min2))
	}
	tests := []struct {
		name       string
		events     []shared.Event
		days       int
		hours      string // "first-last"
		wantByDay  map[int]string
		todayIndex int // -1: today not in the week
	}{
		{"empty week", nil, 5, "8-18", map[int]string{0: ""}, -1},
		{"one class", []shared.Event{class("a", 0, 10, 0, 11, 30)}, 5, "10-12", map[int]string{0: "a 10:00-11:30 0/1"}, 0},
		{"touching classes do not overlap", []shared.Event{class("a", 1, 8, 15, 9, 45), class("b", 1, 9, 45, 11, 15)}, 5, "8-12",
			map[int]string{1: "a 8:15-9:45 0/1, b 9:45-11:15 0/1"}, -1},
		{"overlapping triple, a chain", []shared.Event{class("c", 2, 10, 0, 12, 0), class("a", 2, 8, 0, 10, 0), class("b", 2, 9, 0, 11, 0)}, 5, "8-12",
			map[int]string{2: "a 8:00-10:00 0/2, b 9:00-11:00 1/2, c 10:00-12:00 0/2"}, -1},
		{"overlapping triple, all at once", []shared.Event{class("b", 2, 9, 0, 10, 30), class("a", 2, 9, 0, 10, 30), class("c", 2, 9, 0, 10, 30)}, 5, "9-11",
			map[int]string{2: "a 9:00-10:30 0/3, b 9:00-10:30 1/3, c 9:00-10:30 2/3"}, -1},
		{"overlapping triple, one long", []shared.Event{class("a", 3, 8, 0, 12, 0), class("b", 3, 9, 0, 10, 0), class("c", 3, 10, 0, 11, 0)}, 5, "8-12",
			map[int]string{3: "a 8:00-12:00 0/2, b 9:00-10:00 1/2, c 10:00-11:00 1/2"}, -1},
		{"separate clusters keep their own columns", []shared.Event{class("a", 4, 8, 0, 9, 0), class("b", 4, 8, 30, 9, 30), class("d", 4, 11, 0, 12, 0)}, 5, "8-12",
			map[int]string{4: "a 8:00-9:00 0/2, b 8:30-9:30 1/2, d 11:00-12:00 0/1"}, -1},
		{"longer first at the same start", []shared.Event{class("short", 0, 9, 0, 10, 0), class("long", 0, 9, 0, 12, 0)}, 5, "9-12",
			map[int]string{0: "long 9:00-12:00 0/2, short 9:00-10:00 1/2"}, -1},
		{"weekend class adds both weekend columns", []shared.Event{class("a", 0, 8, 15, 9, 45), class("s", 5, 10, 0, 11, 0)}, 7, "8-11",
			map[int]string{5: "s 10:00-11:00 0/1", 6: ""}, 6},
		{"today on an empty Sunday shows the weekend", []shared.Event{class("a", 0, 8, 15, 9, 45)}, 7, "8-10",
			map[int]string{6: ""}, 6},
		{"all-day events: own row, no hours", []shared.Event{allDay("h", loc, date(2026, 3, 4), date(2026, 3, 6)), class("a", 0, 12, 0, 13, 0)}, 5, "12-13",
			map[int]string{2: "h all-day", 3: "h all-day", 4: ""}, -1},
		{"all-day only: the default hours", []shared.Event{allDay("h", loc, date(2026, 3, 7), date(2026, 3, 8))}, 7, "8-18",
			map[int]string{5: "h all-day"}, -1},
		{"crossing midnight: on both days, whole day shown", []shared.Event{timed("n", at(1, 22, 0), at(2, 1, 30))}, 5, "0-24",
			map[int]string{1: "n 22:00-24:00> 0/1", 2: "n <0:00-1:30 0/1"}, -1},
		{"Sunday night into next Monday: only its Sunday part", []shared.Event{timed("n", at(6, 23, 0), at(7, 2, 0))}, 7, "23-24",
			map[int]string{6: "n 23:00-24:00> 0/1"}, -1},
		{"last week's night into this Monday", []shared.Event{timed("n", at(-1, 23, 0), at(0, 2, 0))}, 5, "0-2",
			map[int]string{0: "n <0:00-2:00 0/1"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			today := date(2000, 1, 1)
			if tt.todayIndex >= 0 {
				today = monday.AddDays(tt.todayIndex)
			}
			w := Grid(monday, tt.events, today)
			if len(w.Days) != tt.days {
				t.Fatalf("%d columns, want %d", len(w.Days), tt.days)
			}
			if got := strconv.Itoa(w.FirstHour) + "-" + strconv.Itoa(w.LastHour); got != tt.hours {
				t.Errorf("hours %s, want %s", got, tt.hours)
			}
			for i, c := range w.Days {
				if c.Date != monday.AddDays(i) {
					t.Errorf("column %d is %v", i, c.Date)
				}
				if c.Today != (i == tt.todayIndex) {
					t.Errorf("column %d: Today = %v", i, c.Today)
				}
			}
			for day, want := range tt.wantByDay {
				if got := blocks(w.Days[day]); got != want {
					t.Errorf("day %d:\n got %q\nwant %q", day, got, want)
				}
			}
			checkPlacement(t, w)
		})
	}
}

// checkPlacement checks the fractions against the minutes: a block's top
// and height are proportional to its times within the hours shown, and
// blocks that overlap in time never overlap on screen.
func checkPlacement(t *testing.T, w Week) {
	t.Helper()
	span := float64(w.LastHour-w.FirstHour) * 60
	for _, c := range w.Days {
		for i, b := range c.Blocks {
			if !near(b.Top, float64(b.Start-w.FirstHour*60)/span) || !near(b.Height, float64(b.End-b.Start)/span) {
				t.Errorf("%s: top %v height %v for %d-%d in %d-%d h", b.Event.ID, b.Top, b.Height, b.Start, b.End, w.FirstHour, w.LastHour)
			}
			if b.Top < 0 || b.Top+b.Height > 1+1e-9 || b.Left < 0 || b.Left+b.Width > 1+1e-9 || b.Width <= 0 {
				t.Errorf("%s: outside the grid: top %v height %v left %v width %v", b.Event.ID, b.Top, b.Height, b.Left, b.Width)
			}
			for _, o := range c.Blocks[i+1:] {
				timeOverlap := b.Start < o.End && o.Start < b.End
				screenOverlap := b.Left < o.Left+o.Width-1e-9 && o.Left < b.Left+b.Width-1e-9
				if timeOverlap && screenOverlap {
					t.Errorf("%s and %s overlap on screen", b.Event.ID, o.Event.ID)
				}
			}
		}
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

// The weeks of the last Sundays of March and October (2026-03-29 and
// 2026-10-25) in both universities' zones: every class of a weekly plan
// sits at the same wall time before and after the change, and the night
// class on the Sunday is drawn by its wall clock.
func TestGridDSTWeeks(t *testing.T) {
	for _, name := range []string{"Europe/Warsaw", "Europe/Amsterdam"} {
		loc := zone(t, name)
		for _, monday := range []shared.Date{date(2026, 3, 23), date(2026, 10, 19)} {
			t.Run(name+"/"+monday.String(), func(t *testing.T) {
				at := func(day, h, min int) time.Time {
					d := monday.AddDays(day)
					return time.Date(d.Year, d.Month, d.Day, h, min, 0, 0, loc)
				}
				var events []shared.Event
				for day := range 5 {
					events = append(events, timed("c"+strconv.Itoa(day), at(day, 10, 0), at(day, 11, 30)))
				}
				events = append(events, timed("night", at(6, 1, 30), at(6, 3, 30)))
				// As a client decodes them: each time in a fixed offset.
				for i, e := range events {
					_, off := e.Start.Zone()
					_, offEnd := e.End.Zone()
					events[i].Start = e.Start.In(time.FixedZone("", off))
					events[i].End = e.End.In(time.FixedZone("", offEnd))
				}
				w := Grid(monday, events, monday.AddDays(6))
				if len(w.Days) != 7 || w.FirstHour != 1 || w.LastHour != 12 {
					t.Fatalf("%d days, hours %d-%d", len(w.Days), w.FirstHour, w.LastHour)
				}
				for day := range 5 {
					if got := blocks(w.Days[day]); got != "c"+strconv.Itoa(day)+" 10:00-11:30 0/1" {
						t.Errorf("day %d: %s", day, got)
					}
				}
				if got := blocks(w.Days[6]); got != "night 1:30-3:30 0/1" {
					t.Errorf("Sunday: %s", got)
				}
				if real := events[5].End.Sub(events[5].Start); real != time.Hour && real != 3*time.Hour {
					t.Errorf("the night class lasts %v: not a DST week", real)
				}
				checkPlacement(t, w)
				// The now line on Sunday at 03:00 after the change.
				now := at(6, 3, 0)
				if day, top, ok := w.Now(now); !ok || day != 6 || !near(top, 2.0/11) {
					t.Errorf("Now(%v) = %d, %v, %v", now, day, top, ok)
				}
			})
		}
	}
}

func TestNow(t *testing.T) {
	loc := zone(t, "Europe/Warsaw")
	monday := date(2026, 3, 2)
	w := Grid(monday, []shared.Event{timed("a", time.Date(2026, 3, 3, 8, 0, 0, 0, loc), time.Date(2026, 3, 3, 12, 0, 0, 0, loc))}, monday.AddDays(1))
	tests := []struct {
		now     time.Time
		day     int
		top     float64
		visible bool
	}{
		{time.Date(2026, 3, 3, 10, 0, 0, 0, loc), 1, 0.5, true},
		{time.Date(2026, 3, 3, 8, 0, 0, 0, loc), 1, 0, true},
		{time.Date(2026, 3, 3, 12, 0, 0, 0, loc), 1, 1, true},
		{time.Date(2026, 3, 3, 7, 59, 0, 0, loc), 0, 0, false},
		{time.Date(2026, 3, 3, 12, 1, 0, 0, loc), 0, 0, false},
		{time.Date(2026, 3, 7, 10, 0, 0, 0, loc), 0, 0, false}, // Saturday is not shown
		{time.Date(2026, 3, 10, 10, 0, 0, 0, loc), 0, 0, false},
	}
	for _, tt := range tests {
		day, top, ok := w.Now(tt.now)
		if ok != tt.visible || day != tt.day || !near(top, tt.top) {
			t.Errorf("Now(%v) = %d, %v, %v; want %d, %v, %v", tt.now, day, top, ok, tt.day, tt.top, tt.visible)
		}
	}
}

// Random weeks: every block stays inside the grid, is placed in proportion
// to its times, and never covers a block it overlaps in time; the layout
// does not depend on the order of the events.
func TestGridRandomWeeks(t *testing.T) {
	loc := zone(t, "Europe/Amsterdam")
	monday := date(2026, 10, 19) // the autumn DST week
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 300 {
		var events []shared.Event
		for i := range r.IntN(25) {
			start := time.Date(2026, 10, 18+r.IntN(9), r.IntN(24), 15*r.IntN(4), 0, 0, loc)
			e := timed("e"+strconv.Itoa(i), start, start.Add(time.Duration(r.IntN(8*60))*time.Minute))
			e.AllDay = r.IntN(10) == 0
			events = append(events, e)
		}
		w := Grid(monday, events, monday)
		checkPlacement(t, w)
		shuffled := slices.Clone(events)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		w2 := Grid(monday, shuffled, monday)
		for i := range w.Days {
			if a, b := blocks(w.Days[i]), blocks(w2.Days[i]); a != b && !sameAllDay(w.Days[i], w2.Days[i]) {
				t.Fatalf("round %d, day %d: the layout depends on the order:\n%s\n%s", round, i, a, b)
			}
		}
		if t.Failed() {
			t.Fatalf("round %d: %v", round, events)
		}
	}
}

// sameAllDay reports whether two columns differ only in the order of
// all-day events that start at the same time.
func sameAllDay(a, b Column) bool {
	ids := func(c Column) []string {
		var out []string
		for _, e := range c.AllDay {
			out = append(out, e.ID)
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(ids(a), ids(b)) && blocksOnly(a) == blocksOnly(b)
}

func blocksOnly(c Column) string {
	c.AllDay = nil
	return blocks(c)
}
