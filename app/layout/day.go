package layout

import (
	"time"

	"github.com/campusweek/campusweek/shared"
)

// Opening is the day a day view opens on.
type Opening struct {
	// Date is today: a day view always opens there.
	Date shared.Date
	// Empty says today has no classes: the view says so, and offers Next
	// when HasNext.
	Empty   bool
	Next    shared.Date
	HasNext bool
}

// Open returns the day a day view opens on for today, given the events
// the device knows. Classes are timed events: an all-day notice (a
// holiday, a self-study day) shows on its days but does not count as a
// class.
func Open(events []shared.Event, today shared.Date) Opening {
	o := Opening{Date: today, Empty: !hasClasses(events, today)}
	if o.Empty {
		o.Next, o.HasNext = NextWithClasses(events, today)
	}
	return o
}

// NextWithClasses returns the first date after d on which a class (a
// timed event) shows.
func NextWithClasses(events []shared.Event, d shared.Date) (shared.Date, bool) {
	var best shared.Date
	found := false
	for _, e := range events {
		if e.AllDay {
			continue
		}
		// The first date after d the event shows on: its start date, or
		// the day after d when it began earlier and is still going.
		c := shared.DateOf(e.Start)
		if !c.After(d) {
			c = d.AddDays(1)
			if !On(e, c) {
				continue
			}
		}
		if !found || c.Before(best) {
			best, found = c, true
		}
	}
	return best, found
}

func hasClasses(events []shared.Event, d shared.Date) bool {
	for _, e := range events {
		if !e.AllDay && On(e, d) {
			return true
		}
	}
	return false
}

// StripDay is one day of a week strip.
type StripDay struct {
	Date shared.Date
	// Dot says the date has classes (timed events).
	Dot             bool
	Today, Selected bool
}

// Strip returns the week strip, Monday to Sunday, of the week holding
// selected.
func Strip(events []shared.Event, selected, today shared.Date) [7]StripDay {
	var s [7]StripDay
	monday := selected.Monday()
	for i := range s {
		d := monday.AddDays(i)
		s[i] = StripDay{Date: d, Dot: hasClasses(events, d), Today: d == today, Selected: d == selected}
	}
	return s
}

// Card is what the "next class" card says at a moment.
type Card struct {
	// Current is the timed event going on now, when InClass (of several,
	// the one ending first); EndsIn is the minutes until it ends, rounded
	// up: "in class until Current.End".
	Current shared.Event
	InClass bool
	EndsIn  int
	// Next is the first timed event starting after now, when HasNext, on
	// whatever date; StartsIn is the minutes until it starts, rounded up:
	// "next: Next.Title, Next.Start, in StartsIn min".
	Next     shared.Event
	HasNext  bool
	StartsIn int
}

// CardAt returns the card for the moment now. All-day events are left out.
func CardAt(events []shared.Event, now time.Time) Card {
	var c Card
	for _, e := range events {
		switch {
		case e.AllDay:
		case !e.Start.After(now) && e.End.After(now):
			if !c.InClass || e.End.Before(c.Current.End) {
				c.Current, c.InClass = e, true
			}
		case e.Start.After(now):
			if !c.HasNext || e.Start.Before(c.Next.Start) {
				c.Next, c.HasNext = e, true
			}
		}
	}
	if c.InClass {
		c.EndsIn = minutesUntil(now, c.Current.End)
	}
	if c.HasNext {
		c.StartsIn = minutesUntil(now, c.Next.Start)
	}
	return c
}

func minutesUntil(now, t time.Time) int {
	return int((t.Sub(now) + time.Minute - 1) / time.Minute)
}
