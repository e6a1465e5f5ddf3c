package usos

import (
	"fmt"
	"time"
	_ "time/tzdata" // Europe/Warsaw must exist even on hosts without zoneinfo

	"github.com/campusweek/campusweek/server/sandbox/internal/demo"
)

// warsaw is the zone every USOS time is in. USOS sends wall times without
// an offset, so the sandbox works with civil dates and wall clock times and
// only uses the zone to find "today" and to check that a wall time exists.
var warsaw = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		panic("usos sandbox: Europe/Warsaw time zone: " + err.Error()) // cannot happen with time/tzdata
	}
	return loc
}()

// todayIn returns the civil date of t in Warsaw. Dates are civil dates
// (demo.Date): midnight UTC, so that a date never shifts when Poland
// changes its clocks.
func todayIn(t time.Time) time.Time {
	y, m, d := t.In(warsaw).Date()
	return demo.Date(y, m, d)
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
	e := demo.Easter(d.Year())
	return d.Equal(e.AddDate(0, 0, 1)) || // Easter Monday
		d.Equal(e.AddDate(0, 0, 60)) // Corpus Christi
}

// isBreak reports whether d falls in a university break: Christmas
// (23 December - 6 January) or Easter (Maundy Thursday - Easter Tuesday).
func isBreak(d time.Time) bool {
	if m, day := d.Month(), d.Day(); m == time.December && day >= 23 || m == time.January && day <= 6 {
		return true
	}
	e := demo.Easter(d.Year())
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
	monday := demo.MondayOf(todayIn(now))
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
