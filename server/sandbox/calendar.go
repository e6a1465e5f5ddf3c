package sandbox

import (
	"fmt"
	"time"
	_ "time/tzdata" // Europe/Warsaw must exist even on hosts without zoneinfo
)

// warsaw is the zone every USOS time is in. USOS sends wall times without
// an offset, so the sandbox works with civil dates and wall clock times and
// only uses the zone to find "today" and to check that a wall time exists.
var warsaw = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		panic("sandbox: Europe/Warsaw time zone: " + err.Error()) // cannot happen with time/tzdata
	}
	return loc
}()

// A civil date is a time.Time at midnight UTC. UTC has no DST, so adding
// days is exact and a date never shifts when Poland changes its clocks.
func civil(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// todayIn returns the civil date of t in Warsaw.
func todayIn(t time.Time) time.Time {
	y, m, d := t.In(warsaw).Date()
	return civil(y, m, d)
}

// mondayOf returns the Monday of d's ISO week.
func mondayOf(d time.Time) time.Time {
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// clock is a wall clock time of day.
type clock struct{ h, m int }

// wallTime formats date d at wall time c as USOS does: "YYYY-MM-DD HH:MM:SS",
// Polish local time, no offset.
func wallTime(d time.Time, c clock) string {
	return fmt.Sprintf("%04d-%02d-%02d %02d:%02d:00", d.Year(), int(d.Month()), d.Day(), c.h, c.m)
}

// wallTimeExists reports whether c happens on d in Warsaw. On the last
// Sunday of March 02:00-02:59 does not exist; nothing may be scheduled then.
// (The repeated hour in October does exist, twice, and is kept: clients
// must cope with it.)
func wallTimeExists(d time.Time, c clock) bool {
	t := time.Date(d.Year(), d.Month(), d.Day(), c.h, c.m, 0, 0, warsaw)
	return t.Hour() == c.h && t.Minute() == c.m && t.Day() == d.Day()
}

// easter returns Easter Sunday of year y (Gregorian, the anonymous
// algorithm of Meeus/Jones/Butcher).
func easter(y int) time.Time {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return civil(y, time.Month(month), day)
}

// isPublicHoliday reports whether d is a Polish public holiday (the ones
// that can fall on a teaching day; Easter Sunday and Pentecost are Sundays
// anyway).
func isPublicHoliday(d time.Time) bool {
	switch m, day := d.Month(), d.Day(); {
	case m == time.January && (day == 1 || day == 6),
		m == time.May && (day == 1 || day == 3),
		m == time.August && day == 15,
		m == time.November && (day == 1 || day == 11),
		m == time.December && day >= 24 && day <= 26:
		return true
	}
	e := easter(d.Year())
	return d.Equal(e.AddDate(0, 0, 1)) || // Easter Monday
		d.Equal(e.AddDate(0, 0, 60)) // Corpus Christi
}

// isBreak reports whether d falls in a university break: Christmas
// (23 December - 6 January) or Easter (Maundy Thursday - Easter Tuesday).
func isBreak(d time.Time) bool {
	if m, day := d.Month(), d.Day(); m == time.December && day >= 23 || m == time.January && day <= 6 {
		return true
	}
	e := easter(d.Year())
	return !d.Before(e.AddDate(0, 0, -3)) && !d.After(e.AddDate(0, 0, 2))
}

// semester is the teaching period the sandbox generates classes for.
type semester struct {
	start time.Time // a Monday
	end   time.Time // exclusive, a Monday
}

// semesterAround returns the semester around now: from the Monday 8 weeks
// before the current week to the end of the week 10 weeks after it, 19
// weeks in all. It moves with the clock, so a demo always has classes
// around "today", and it is the same for every request within a week.
func semesterAround(now time.Time) semester {
	monday := mondayOf(todayIn(now))
	return semester{start: monday.AddDate(0, 0, -8*7), end: monday.AddDate(0, 0, 11*7)}
}

func (s semester) contains(d time.Time) bool { return !d.Before(s.start) && d.Before(s.end) }

// week returns the 0-based teaching week of d.
func (s semester) week(d time.Time) int { return int(d.Sub(s.start).Hours()) / 24 / 7 }

// teaching reports whether classes take place on d.
func (s semester) teaching(d time.Time) bool {
	return s.contains(d) && !isPublicHoliday(d) && !isBreak(d)
}

// lastWorkdays returns the semester's last n weekdays on which classes take
// place, latest first. Exams are placed on them, so that they stay "near
// the end of term" even when the term ends in the Christmas break.
func (s semester) lastWorkdays(n int) []time.Time {
	var out []time.Time
	for d := s.end.AddDate(0, 0, -1); !d.Before(s.start) && len(out) < n; d = d.AddDate(0, 0, -1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday && s.teaching(d) {
			out = append(out, d)
		}
	}
	return out
}
