// Package ical renders a timetable as an RFC 5545 iCalendar document, for
// downloads and calendar subscriptions, with github.com/arran4/golang-ical.
//
// Times are written in the university's own time zone (TZID plus a
// VTIMEZONE generated from the Go time zone database), so that calendar
// apps show classes at the right wall time on both sides of a DST change.
// UIDs are derived from the stable event ids, so that importing the file
// again, or refreshing a subscription, updates events instead of
// duplicating them.
package ical

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/i18n"
)

// Options describe the calendar around the events.
type Options struct {
	// Name is the calendar's display name, e.g. "CampusWeek: University
	// of Warsaw".
	Name string
	// Domain makes UIDs globally unique: "{event id}@{Domain}".
	Domain string
	// Refresh is how often subscribers should re-fetch; 0 omits the hint.
	Refresh time.Duration
	// Lang is the language of the labels in event descriptions ("Course:
	// …"); the zero value is English.
	Lang i18n.Lang
}

// Write renders tt as iCalendar to w. Control characters that RFC 5545
// forbids in values are left out of every text (newlines are escaped, and
// tabs kept, as TEXT allows; addresses keep neither), so that no value can
// end a line or open a component of its own.
func Write(w io.Writer, tt shared.Timetable, o Options) error {
	cal := ics.NewCalendarFor("CampusWeek")
	cal.SetProductId("-//CampusWeek//Timetable//EN")
	cal.SetCalscale("GREGORIAN")
	cal.SetMethod(ics.MethodPublish)
	if name := text(o.Name); name != "" {
		cal.SetName(name)
		cal.SetXWRCalName(name)
	}
	if o.Refresh > 0 {
		d := icsDuration(o.Refresh)
		cal.SetRefreshInterval(d)
		cal.SetXPublishedTTL(d)
	}

	zones := map[string]*time.Location{}
	for _, ev := range tt.Events {
		if loc := ev.Start.Location(); loc != time.UTC && loc != time.Local && loc.String() != "" {
			zones[loc.String()] = loc
		}
	}
	names := make([]string, 0, len(zones))
	for name := range zones {
		names = append(names, name)
	}
	slices.Sort(names)
	if len(names) == 1 {
		cal.SetXWRTimezone(names[0])
	}
	// The events span [from, to]; the zone definitions cover them with a
	// year of margin, which is what calendar apps need to place them.
	first := tt.From.In(time.UTC).AddDate(-1, 0, 0)
	last := tt.To.In(time.UTC).AddDate(1, 0, 0)
	for _, name := range names {
		addTimezone(cal, zones[name], first, last)
	}

	stamp := tt.FetchedAt.UTC()
	if stamp.IsZero() {
		stamp = time.Now().UTC()
	}
	for _, ev := range tt.Events {
		addEvent(cal, ev, o, stamp)
	}
	return cal.SerializeTo(w, ics.WithNewLine("\r\n")) // RFC 5545 lines end in CRLF
}

func addEvent(cal *ics.Calendar, ev shared.Event, o Options, stamp time.Time) {
	e := cal.AddEvent(text(uid(ev.ID, o.Domain)))
	e.SetDtStampTime(stamp)
	if ev.AllDay {
		e.SetAllDayStartAt(ev.Start)
		e.SetAllDayEndAt(ev.End)
		e.SetTimeTransparency(ics.TransparencyTransparent)
	} else {
		setLocal(&e.ComponentBase, ics.ComponentPropertyDtStart, ev.Start)
		setLocal(&e.ComponentBase, ics.ComponentPropertyDtEnd, ev.End)
	}
	e.SetSummary(text(ev.Title))
	if loc := text(location(ev)); loc != "" {
		e.SetLocation(loc)
	}
	if d := text(description(ev, o.Lang)); d != "" {
		e.SetDescription(d)
	}
	if u := strings.Map(noControl(false), ev.URL); u != "" {
		e.SetURL(u)
	}
	if k := text(ev.Kind); k != "" {
		e.AddProperty(ics.ComponentPropertyCategories, k)
	}
}

// text is s as an RFC 5545 TEXT value may hold it: without control
// characters other than newline (which the library escapes) and tab.
func text(s string) string { return strings.Map(noControl(true), s) }

// noControl is a strings.Map function dropping control characters (CTL:
// U+0000 to U+001F and DEL), except newline and tab when text.
func noControl(text bool) func(rune) rune {
	return func(r rune) rune {
		if (r < 0x20 || r == 0x7f) && !(text && (r == '\n' || r == '\t')) {
			return -1
		}
		return r
	}
}

// setLocal writes a date-time in its own zone with TZID, or in UTC when the
// zone has no IANA name.
func setLocal(c *ics.ComponentBase, p ics.ComponentProperty, t time.Time) {
	name := t.Location().String()
	if t.Location() == time.UTC || t.Location() == time.Local || name == "" {
		c.SetProperty(p, t.UTC().Format("20060102T150405Z"))
		return
	}
	c.SetProperty(p, t.Format("20060102T150405"), ics.WithTZID(name))
}

func uid(id, domain string) string {
	if domain == "" {
		domain = "campusweek"
	}
	return id + "@" + domain
}

func location(ev shared.Event) string {
	var parts []string
	for _, s := range []string{ev.Room, ev.Building} {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}

func description(ev shared.Event, l i18n.Lang) string {
	var lines []string
	add := func(label, v string) {
		if v = strings.TrimSpace(v); v != "" {
			lines = append(lines, label+": "+v)
		}
	}
	add(l.T(i18n.ICSCourse), ev.Course)
	add(l.T(i18n.ICSType), ev.Kind)
	add(l.T(i18n.ICSGroup), ev.Group)
	add(l.T(i18n.ICSLecturers), strings.Join(ev.Lecturers, ", "))
	if n := strings.TrimSpace(ev.Notes); n != "" {
		lines = append(lines, n)
	}
	return strings.Join(lines, "\n")
}

// icsDuration formats d as an RFC 5545 duration (hours and minutes).
func icsDuration(d time.Duration) string {
	h, m := int(d.Hours()), int(d.Minutes())%60
	switch {
	case m == 0:
		return fmt.Sprintf("PT%dH", h)
	case h == 0:
		return fmt.Sprintf("PT%dM", m)
	}
	return fmt.Sprintf("PT%dH%dM", h, m)
}

// addTimezone writes a VTIMEZONE for loc with one observance per offset
// change in [from, to] (and the offset in force at from), read from the Go
// time zone database: correct for any zone, with no rules to maintain.
func addTimezone(cal *ics.Calendar, loc *time.Location, from, to time.Time) {
	tz := cal.AddTimezone(loc.String())
	t := from.In(loc)
	name, offset := t.Zone()
	// The observance in force at the start of the window.
	addObservance(tz, t.IsDST(), t, name, offset, offset)
	for {
		next, ok := nextTransition(t, to)
		if !ok {
			return
		}
		n, off := next.Zone()
		addObservance(tz, next.IsDST(), next, n, offset, off)
		t, offset = next, off
	}
}

// nextTransition finds the next offset change after t, up to limit, by
// stepping a day at a time and bisecting to the second.
func nextTransition(t, limit time.Time) (time.Time, bool) {
	_, off := t.Zone()
	lo := t
	for hi := t.Add(24 * time.Hour); !lo.After(limit); lo, hi = hi, hi.Add(24*time.Hour) {
		if _, o := hi.Zone(); o != off {
			for hi.Sub(lo) > time.Second {
				mid := lo.Add(hi.Sub(lo) / 2)
				if _, o := mid.Zone(); o == off {
					lo = mid
				} else {
					hi = mid
				}
			}
			return hi, true
		}
	}
	return time.Time{}, false
}

// addObservance appends a STANDARD or DAYLIGHT component starting at
// start (a local time in the offset before the change, as RFC 5545 wants).
func addObservance(tz *ics.VTimezone, daylight bool, start time.Time, name string, from, to int) {
	props := []ics.IANAProperty{
		{BaseProperty: ics.BaseProperty{IANAToken: string(ics.ComponentPropertyDtStart),
			Value: start.UTC().Add(time.Duration(from) * time.Second).Format("20060102T150405")}},
		{BaseProperty: ics.BaseProperty{IANAToken: "TZOFFSETFROM", Value: utcOffset(from)}},
		{BaseProperty: ics.BaseProperty{IANAToken: "TZOFFSETTO", Value: utcOffset(to)}},
		{BaseProperty: ics.BaseProperty{IANAToken: "TZNAME", Value: name}},
	}
	if daylight {
		tz.Components = append(tz.Components, &ics.Daylight{ComponentBase: ics.ComponentBase{Properties: props}})
	} else {
		tz.Components = append(tz.Components, &ics.Standard{ComponentBase: ics.ComponentBase{Properties: props}})
	}
}

// utcOffset formats seconds east of UTC as "+HHMM".
func utcOffset(sec int) string {
	sign := '+'
	if sec < 0 {
		sign, sec = '-', -sec
	}
	return fmt.Sprintf("%c%02d%02d", sign, sec/3600, sec/60%60)
}
