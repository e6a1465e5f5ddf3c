package ui

import (
	"strings"

	"github.com/campusweek/campusweek/app/layout"
	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/change"
	"github.com/campusweek/campusweek/shared/i18n"
)

// The words of the day view, the grid week and the change marks, as plain
// functions of what app/layout and shared/change return.

// cardText is the next-class card: "Next: Analysis, 12:15, room 3180, in
// 25 min" (a later day: "Next: Analysis, Monday 7 December, 08:15, room
// 3180"), "In class until 13:45: Analysis", or that nothing is coming up.
func cardText(l i18n.Lang, c layout.Card, today shared.Date) string {
	if c.InClass {
		return l.F(i18n.CardInClass, clock(c.Current.End.In(c.Current.Start.Location())), c.Current.Title)
	}
	if !c.HasNext {
		return l.T(i18n.CardNoMore)
	}
	e := c.Next
	var parts []string
	if d := shared.DateOf(e.Start); d != today {
		parts = append(parts, dayName(l, d)+" "+l.DayMonth(d))
	}
	parts = append(parts, clock(e.Start))
	if place := eventPlace(e); place != "" {
		parts = append(parts, roomText(l, e))
	}
	if shared.DateOf(e.Start) == today {
		parts = append(parts, l.N(i18n.CardInMinutes, c.StartsIn))
	}
	return l.F(i18n.CardNext, e.Title, strings.Join(parts, ", "))
}

// roomText is "room 3180, Building" or just the building.
func roomText(l i18n.Lang, e shared.Event) string {
	room, building := strings.TrimSpace(e.Room), strings.TrimSpace(e.Building)
	switch {
	case room == "":
		return building
	case building == "":
		return l.F(i18n.ViewRoom, room)
	}
	return l.F(i18n.ViewRoom, room) + ", " + building
}

// markText is what a change mark says: "Moved from 10:00" (from another
// day: "Moved from Monday 7 December, 10:00"), "Room changed: was 2180",
// both, "New", or "Cancelled". cancelled marks a class shown struck
// through.
func markText(l i18n.Lang, ch change.Change, cancelled bool) string {
	if cancelled {
		return l.T(i18n.ChangeCancelled)
	}
	var parts []string
	if ch.What&change.Added != 0 {
		parts = append(parts, l.T(i18n.ChangeNew))
	}
	if ch.What&change.Moved != 0 {
		was := clock(ch.WasStart)
		if d := ch.WasDate(); d != ch.Date() {
			was = dayName(l, d) + " " + l.DayMonth(d) + ", " + was
		}
		parts = append(parts, l.F(i18n.ChangeMovedFrom, was))
	}
	if ch.What&change.Room != 0 {
		was := strings.TrimSpace(ch.WasRoom)
		if was == "" {
			was = strings.TrimSpace(ch.WasBuilding)
		}
		if was == "" {
			was = "—"
		}
		parts = append(parts, l.F(i18n.ChangeRoomWas, was))
	}
	return strings.Join(parts, ". ")
}

// hideText names a rule of the hidden classes list: "Analysis, Lecture,
// all groups", with the title of a class it hides when one is cached.
func hideText(l i18n.Lang, h shared.Hide, events []shared.Event) string {
	name := h.Course
	for _, e := range events {
		if h.Matches(e) {
			name = e.Title
			break
		}
	}
	parts := []string{name}
	if h.Kind != "" {
		parts = append(parts, h.Kind)
	}
	if h.Group != "" {
		parts = append(parts, l.F(i18n.HiddenGroup, h.Group))
	} else {
		parts = append(parts, l.T(i18n.HiddenAllGroups))
	}
	return strings.Join(parts, ", ")
}

// nearWeekDays is how far after the week of monday nearWeek keeps events:
// enough to offer the next day with classes after a holiday.
const nearWeekDays = 7 * 8

// nearWeek returns the events that show between the day before the week
// of monday and nearWeekDays after it, so that laying out a week costs the
// same whatever the length of the cached term.
func nearWeek(events []shared.Event, monday shared.Date) []shared.Event {
	from, to := monday.AddDays(-1), monday.AddDays(nearWeekDays)
	var out []shared.Event
	for _, e := range events {
		end := e.End
		if end.Before(e.Start) {
			end = e.Start // no end given
		}
		if shared.DateOf(e.Start).After(to) || shared.DateOf(end).Before(from) {
			continue
		}
		out = append(out, e)
	}
	return out
}
