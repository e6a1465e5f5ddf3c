package ui

import (
	"strconv"
	"strings"
	"time"

	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/i18n"
)

// weekFromQuery returns the Monday of the week named by the "week" query
// value (any date of the week, "YYYY-MM-DD"), or of today's week when the
// value is missing or not a date.
func weekFromQuery(v string, today shared.Date) shared.Date {
	if d, err := shared.ParseDate(v); err == nil && v != "" {
		return d.Monday()
	}
	return today.Monday()
}

// weekURL is the app URL of the week starting on monday.
func weekURL(monday shared.Date) string {
	return "/?week=" + monday.String()
}

// weekDays returns the seven dates Monday..Sunday of the week of monday.
func weekDays(monday shared.Date) [7]shared.Date {
	var days [7]shared.Date
	for i := range days {
		days[i] = monday.AddDays(i)
	}
	return days
}

// weekTitle names the week Monday..Sunday of monday in l:
// "23 – 29 November 2026", "30 listopada – 6 grudnia 2026",
// "28 december 2026 – 3 januari 2027".
func weekTitle(l i18n.Lang, monday shared.Date) string { return l.WeekRange(monday) }

// dayName is "Monday", "poniedziałek", "maandag".
func dayName(l i18n.Lang, d shared.Date) string { return l.Weekday(d.Weekday()) }

// dayShortDate is "23 Nov", "23 lis", "23 nov".
func dayShortDate(l i18n.Lang, d shared.Date) string { return l.ShortDate(d) }

// clock formats t as "HH:MM" in t's own offset: the university's local time,
// whatever the browser's time zone.
func clock(t time.Time) string { return i18n.Clock(t) }

// timeRange is "HH:MM–HH:MM" (with an en dash) in the event's own offset, or
// "All day" in l.
func timeRange(l i18n.Lang, e shared.Event) string {
	if e.AllDay {
		return l.T(i18n.EventAllDay)
	}
	if e.End.IsZero() || !e.End.After(e.Start) {
		return clock(e.Start)
	}
	return clock(e.Start) + "–" + clock(e.End.In(e.Start.Location()))
}

// eventKind is the label shown under an event's title: the provider's kind
// ("Wykład"), or a word in l for its category.
func eventKind(l i18n.Lang, e shared.Event) string {
	if k := strings.TrimSpace(e.Kind); k != "" {
		return k
	}
	switch e.Category {
	case shared.CategoryClass:
		return l.T(i18n.EventClass)
	case shared.CategoryExam:
		return l.T(i18n.EventExam)
	case shared.CategoryMeeting:
		return l.T(i18n.EventMeeting)
	}
	return ""
}

// eventCategory is the CSS-safe category of e ("class", "exam", "meeting"
// or "other").
func eventCategory(e shared.Event) string {
	switch e.Category {
	case shared.CategoryClass, shared.CategoryExam, shared.CategoryMeeting:
		return string(e.Category)
	}
	return string(shared.CategoryOther)
}

// eventPlace is "Room, Building", either part, or "".
func eventPlace(e shared.Event) string {
	var parts []string
	for _, p := range []string{e.Room, e.Building} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// syncedLabel says in l when data was synced, relative to now, in now's
// zone: "just now", "5 minutes ago", "today at 09:14", "yesterday at
// 18:02", "on 21 Nov at 09:14", "on 21 Nov 2025".
func syncedLabel(l i18n.Lang, at, now time.Time) string {
	if at.IsZero() {
		return l.T(i18n.WeekSyncedNever)
	}
	at = at.In(now.Location())
	d := now.Sub(at)
	switch {
	case d < time.Minute:
		return l.T(i18n.WeekSyncedJustNow)
	case d < time.Hour:
		return l.N(i18n.WeekSyncedMinutesAgo, int(d/time.Minute))
	}
	day, today := shared.DateOf(at), shared.DateOf(now)
	hm := clock(at)
	switch {
	case day == today:
		return l.F(i18n.WeekSyncedToday, hm)
	case day == today.AddDays(-1):
		return l.F(i18n.WeekSyncedYesterday, hm)
	case day.Year == today.Year:
		return l.F(i18n.WeekSyncedOnAt, dayShortDate(l, day), hm)
	}
	return l.F(i18n.WeekSyncedOn, dayShortDate(l, day)+" "+strconv.Itoa(day.Year))
}

// syncedAt is the exact time of a sync in l, for a tooltip:
// "21 Nov 2026, 09:14".
func syncedAt(l i18n.Lang, at time.Time) string {
	return l.F(i18n.WeekSyncedAt, dayShortDate(l, shared.DateOf(at))+" "+strconv.Itoa(at.Year()), clock(at))
}

// syncProgress is "Syncing… 2/5" in l.
func syncProgress(l i18n.Lang, done, total int) string {
	return l.F(i18n.WeekSyncing, strconv.Itoa(done), strconv.Itoa(total))
}
