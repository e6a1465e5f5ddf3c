package change

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the DST cases need Europe/Warsaw on any host

	"github.com/campusweek/campusweek/shared"
)

var warsaw = mustZone("Europe/Warsaw")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at is a Warsaw wall time on 2026-mm-dd.
func at(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, warsaw) }

// ev is a 90-minute class of course c in room r.
func ev(id, c, r string, start time.Time) shared.Event {
	return shared.Event{ID: id, Start: start, End: start.Add(90 * time.Minute), Title: c + " - Lecture",
		Course: c, Kind: "Lecture", Category: shared.CategoryClass, Room: r, Building: "MIM", Group: "1"}
}

func moved(e shared.Event, start time.Time) shared.Event {
	e.Start, e.End = start, start.Add(e.End.Sub(e.Start))
	return e
}

func inRoom(e shared.Event, r string) shared.Event { e.Room = r; return e }

func withID(e shared.Event, id string) shared.Event { e.ID = id; return e }

// week is the answer for the week of 2026-03-02.
func week(events ...shared.Event) shared.Timetable {
	return shared.Timetable{From: shared.Date{Year: 2026, Month: 3, Day: 2}, To: shared.Date{Year: 2026, Month: 3, Day: 8}, Events: events}
}

// twoWeeks is the answer for the weeks of 2026-03-02 and 2026-03-09.
func twoWeeks(events ...shared.Event) shared.Timetable {
	tt := week(events...)
	tt.To = tt.To.AddDays(7)
	return tt
}

// describe renders a Result compactly: one "what id [was...]" per change.
func describe(r Result) string {
	if r.Unconfirmed {
		return "unconfirmed"
	}
	var parts []string
	for _, c := range r.Changes {
		var s []string
		for _, k := range []struct {
			w    What
			name string
		}{{Added, "added"}, {Moved, "moved"}, {Room, "room"}, {Cancelled, "cancelled"}} {
			if c.What&k.w != 0 {
				s = append(s, k.name)
			}
		}
		d := strings.Join(s, "+") + " " + c.Event.ID
		if c.What&Moved != 0 {
			d += " was " + c.WasStart.In(warsaw).Format("Mon 15:04") + "-" + c.WasEnd.In(warsaw).Format("15:04")
		}
		if c.What&Room != 0 {
			d += " was " + c.WasRoom
		}
		parts = append(parts, d)
	}
	return strings.Join(parts, "; ")
}

func TestDiff(t *testing.T) {
	alg := ev("a1", "Algebra", "3180", at(3, 3, 10, 0))     // Tuesday
	am := ev("m1", "Analysis", "2180", at(3, 2, 8, 15))     // Monday
	pr := ev("p1", "Programming", "2041", at(3, 4, 13, 30)) // Wednesday
	outside := ev("o1", "Analysis", "2180", at(3, 9, 8, 15))
	dup := ev("d1", "Sport", "Hall", at(3, 5, 15, 15))

	tests := []struct {
		name          string
		cached, fresh shared.Timetable
		want          string
	}{
		{"no change", week(am, alg, pr), week(am, alg, pr), ""},
		{"both empty", week(), week(), ""},
		{"same instants in another offset", week(am, alg),
			week(moved(am, am.Start.UTC()), moved(alg, alg.Start.In(time.FixedZone("", 3600)))), ""},
		{"moved keeps the old times", week(am, alg, pr), week(am, moved(alg, at(3, 3, 11, 45)), pr),
			"moved a1 was Tue 10:00-11:30"},
		{"end only moved", week(am), week(func() shared.Event { e := am; e.End = e.End.Add(15 * time.Minute); return e }()),
			"moved m1 was Mon 08:15-09:45"},
		{"room changed keeps the old room", week(am, alg), week(am, inRoom(alg, "1043")),
			"room a1 was 3180"},
		{"building changed", week(am), week(func() shared.Event { e := am; e.Building = "BUW"; return e }()),
			"room m1 was 2180"},
		{"moved and room together", week(alg), week(inRoom(moved(alg, at(3, 5, 12, 15)), "1043")),
			"moved+room a1 was Tue 10:00-11:30 was 3180"},
		{"cancelled", week(am, alg, pr), week(am, pr), "cancelled a1"},
		{"added", week(am, pr), week(am, alg, pr), "added a1"},
		{"sorted by start, cancelled where it was", week(am, alg), week(pr, inRoom(am, "0.03")),
			"room m1 was 2180; cancelled a1; added p1"},
		// A university whose ids come from the time: a move comes back
		// under a new id and is still a move.
		{"new id, same class, same week: a move", week(am, alg),
			week(am, withID(moved(alg, at(3, 6, 10, 0)), "a2")), "moved a2 was Tue 10:00-11:30"},
		{"new id, same class, nothing else changed", week(am), week(withID(am, "m2")), ""},
		{"new id, pairs with the nearest of two", week(am, withID(moved(am, at(3, 4, 8, 15)), "m3")),
			week(withID(moved(am, at(3, 4, 10, 0)), "m4"), withID(am, "m0")),
			"moved m4 was Wed 08:15-09:45"},
		{"new id, pairing does not depend on the answer's order", week(am, withID(moved(am, at(3, 4, 8, 15)), "m3")),
			week(withID(am, "m0"), withID(moved(am, at(3, 4, 10, 0)), "m4")),
			"moved m4 was Wed 08:15-09:45"},
		{"new id, a week later: not a move", twoWeeks(am), twoWeeks(withID(moved(am, at(3, 9, 8, 15)), "m5")),
			"cancelled m1; added m5"},
		{"new id, another class: not a move", week(am), week(withID(moved(ev("x", "Physics", "2180", am.Start), at(3, 6, 8, 15)), "f1")),
			"cancelled m1; added f1"},
		{"new id, other group: not a move", week(alg), week(func() shared.Event { e := withID(alg, "a9"); e.Group = "2"; return e }()),
			"cancelled a1; added a9"},
		{"cached events outside the range are not compared", week(am, outside), week(am), ""},
		// Ids repeated: matched occurrence by occurrence.
		{"repeated id, both kept", week(dup, dup), week(dup, dup), ""},
		{"repeated id, one gone", week(dup, dup), week(dup), "cancelled d1"},
		{"repeated id, one more", week(dup), week(dup, dup), "added d1"},
		{"repeated id, second moved", week(dup, dup), week(dup, moved(dup, at(3, 5, 17, 0))),
			"moved d1 was Thu 15:15-16:45"},
		// The empty-answer guard.
		{"every class gone at once: unconfirmed", week(am, alg, pr), week(), "unconfirmed"},
		{"the only class gone: unconfirmed", week(alg), week(), "unconfirmed"},
		{"empty range stays empty", week(outside), week(), ""},
		{"all but one gone: cancellations", week(am, alg, pr), week(pr), "cancelled m1; cancelled a1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := describe(Diff(tt.cached, tt.fresh))
			if got != tt.want {
				t.Errorf("Diff:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// The weeks of the last Sundays of March and October, when Europe/Warsaw
// and Europe/Amsterdam change their clocks (2026-03-29, 2026-10-25):
// instants decide, whatever the offset or wall clock says.
func TestDiffDSTWeeks(t *testing.T) {
	for _, zone := range []string{"Europe/Warsaw", "Europe/Amsterdam"} {
		loc := mustZone(zone)
		wall := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, loc) }
		span := func(id string, start, end time.Time) shared.Event {
			e := ev(id, "Astronomy", "B.0.14", start)
			e.End = end
			return e
		}
		spring := func(events ...shared.Event) shared.Timetable {
			return shared.Timetable{From: shared.Date{Year: 2026, Month: 3, Day: 23}, To: shared.Date{Year: 2026, Month: 3, Day: 29}, Events: events}
		}
		autumn := func(events ...shared.Event) shared.Timetable {
			return shared.Timetable{From: shared.Date{Year: 2026, Month: 10, Day: 19}, To: shared.Date{Year: 2026, Month: 10, Day: 25}, Events: events}
		}
		// 01:30-03:30 on the spring Sunday lasts one hour, on the autumn
		// Sunday three.
		night := span("n1", wall(3, 29, 1, 30), wall(3, 29, 3, 30))
		fall := span("f1", wall(10, 25, 1, 30), wall(10, 25, 3, 30))
		// 02:30 happens twice on the autumn Sunday: first in summer time.
		first := wall(10, 25, 2, 30)
		second := first.Add(time.Hour)
		late := span("l1", first, first.Add(30*time.Minute))
		friday := span("w1", wall(3, 27, 10, 0), wall(3, 27, 11, 30))

		tests := []struct {
			name          string
			cached, fresh shared.Timetable
			want          string
		}{
			{"spring night class unchanged", spring(friday, night), spring(friday, night), ""},
			{"spring night class in UTC", spring(night), spring(span("n1", night.Start.UTC(), night.End.UTC())), ""},
			{"spring night class moved after the change", spring(night),
				spring(span("n1", wall(3, 29, 3, 0), wall(3, 29, 5, 0))), "moved n1 was Sun 01:30-03:30"},
			{"spring night class re-issued under a new id, later", spring(friday, night),
				spring(friday, span("n2", wall(3, 29, 4, 0), wall(3, 29, 6, 0))), "moved n2 was Sun 01:30-03:30"},
			{"spring: cancelled", spring(friday, night), spring(friday), "cancelled n1"},
			{"spring: every class gone", spring(friday, night), spring(), "unconfirmed"},
			{"autumn night class unchanged", autumn(fall), autumn(fall), ""},
			{"autumn: the same wall time an hour later is a move", autumn(late),
				autumn(span("l1", second, second.Add(30*time.Minute))), "moved l1 was Sun 02:30-03:00"},
			{"autumn: room changed", autumn(fall), autumn(inRoom(fall, "B.1.01")), "room f1 was B.0.14"},
		}
		for _, tt := range tests {
			t.Run(zone+"/"+tt.name, func(t *testing.T) {
				got := describe(Diff(tt.cached, tt.fresh))
				// describe prints Warsaw wall times; Amsterdam's are the same.
				if got != tt.want {
					t.Errorf("Diff:\n got %q\nwant %q", got, tt.want)
				}
			})
		}
	}
}

func TestSummaryAndDates(t *testing.T) {
	alg := ev("a1", "Algebra", "3180", at(3, 3, 10, 0))
	am := ev("m1", "Analysis", "2180", at(3, 2, 8, 15))
	pr := ev("p1", "Programming", "2041", at(3, 4, 13, 30))
	sp := ev("s1", "Sport", "Hall", at(3, 5, 15, 15))
	r := Diff(week(am, alg, pr), week(inRoom(moved(am, at(3, 6, 8, 15)), "0.03"), inRoom(alg, "1043"), sp))
	want := Summary{Total: 4, Added: 1, Moved: 1, Room: 2, Cancelled: 1}
	if got := r.Summary(); got != want {
		t.Errorf("Summary = %+v, want %+v", got, want)
	}
	var dates []string
	for _, d := range r.Dates() {
		dates = append(dates, d.String())
	}
	// Monday (where am was), Tuesday (alg's room), Wednesday (pr gone),
	// Thursday (sp new), Friday (where am is now).
	if got := strings.Join(dates, " "); got != "2026-03-02 2026-03-03 2026-03-04 2026-03-05 2026-03-06" {
		t.Errorf("Dates = %s", got)
	}
	if s := (Result{Unconfirmed: true}).Summary(); s != (Summary{}) {
		t.Errorf("an unconfirmed result counts %+v", s)
	}
}

// Random answers: an answer compared with itself, in any order, has no
// changes; the order of the answers does not matter; changes never outnumber the events; every added event is in the
// fresh answer and every cancelled one in the cached answer.
func TestDiffRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	courses := []string{"Algebra", "Analysis", "Sport"}
	random := func() []shared.Event {
		var out []shared.Event
		for range r.IntN(12) {
			c := courses[r.IntN(len(courses))]
			e := ev("id"+strconv.Itoa(r.IntN(15)), c, strconv.Itoa(r.IntN(3)), at(3, 2+r.IntN(7), 8+r.IntN(10), 15*r.IntN(4)))
			out = append(out, e)
		}
		return out
	}
	has := func(events []shared.Event, e shared.Event) bool {
		return slices.ContainsFunc(events, func(x shared.Event) bool { return x.ID == e.ID && x.Start.Equal(e.Start) })
	}
	for round := range 500 {
		a, b := random(), random()
		shuffled := slices.Clone(a)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if d := Diff(week(a...), week(shuffled...)); d.Unconfirmed || len(d.Changes) != 0 {
			t.Fatalf("round %d: an answer against itself: %s", round, describe(d))
		}
		d := Diff(week(a...), week(b...))
		shuffledB := slices.Clone(b)
		r.Shuffle(len(shuffledB), func(i, j int) { shuffledB[i], shuffledB[j] = shuffledB[j], shuffledB[i] })
		if got, want := describe(Diff(week(shuffled...), week(shuffledB...))), describe(d); got != want {
			t.Fatalf("round %d: the result depends on the answers' order:\n%s\n%s", round, got, want)
		}
		if d.Unconfirmed != (len(a) > 0 && len(b) == 0) {
			t.Fatalf("round %d: Unconfirmed = %v with %d cached and %d fresh", round, d.Unconfirmed, len(a), len(b))
		}
		if s := d.Summary(); s.Total > len(a)+len(b) || s.Added > len(b) || s.Cancelled > len(a) {
			t.Fatalf("round %d: %+v from %d and %d events", round, s, len(a), len(b))
		}
		for _, c := range d.Changes {
			if c.What == Added && !has(b, c.Event) || c.What == Cancelled && !has(a, c.Event) ||
				c.What&(Moved|Room) != 0 && !has(b, c.Event) {
				t.Fatalf("round %d: %s", round, describe(Result{Changes: []Change{c}}))
			}
		}
	}
}
