// Package layout computes where the timetable views put things: the day a
// day view opens on and its week strip, the blocks of a time-grid week
// with overlapping classes side by side, the "now" line and the "next
// class" card. It is plain Go over package shared's types, without a
// browser, so that it is tested by table tests; the views only render what
// it returns.
//
// Times are placed by their wall clock in their own UTC offset, as the
// university gave them: a class from 10:00+01:00 and one from 10:00+02:00
// (across a DST change) both sit at 10:00. An event belongs to every local
// date it overlaps; an all-day event to the dates from its start up to,
// not including, its end.
package layout

import (
	"sort"
	"time"

	"github.com/campusweek/campusweek/shared"
)

// DayMinutes is the length of a day on the grid, in minutes.
const DayMinutes = 24 * 60

// MinBlockMinutes is the shortest a block is drawn (and takes room for
// overlaps), so that a class of zero or a few minutes stays visible.
const MinBlockMinutes = 15

// The hours a week without timed events spans.
const (
	DefaultFirstHour = 8
	DefaultLastHour  = 18
)

// Span is the part of one local date an event covers, in wall-clock
// minutes from midnight.
type Span struct {
	Start, End int // 0 <= Start < End <= DayMinutes
	// ContinuesBefore and ContinuesAfter say the event began on an
	// earlier date or ends on a later one.
	ContinuesBefore, ContinuesAfter bool
}

// SpanOn returns the part of timed event e that lies on date d, and false
// when e does not overlap d. An event ending at midnight ends on the date
// before. On a date whose clocks go back, an event whose end reads earlier
// than its start is drawn for its real duration. Blocks are at least
// MinBlockMinutes long.
func SpanOn(e shared.Event, d shared.Date) (Span, bool) {
	sd, ed := shared.DateOf(e.Start), shared.DateOf(e.End)
	endMin := clock(e.End)
	if endMin == 0 && ed.After(sd) {
		ed, endMin = ed.AddDays(-1), DayMinutes
	}
	if ed.Before(sd) {
		ed = sd
	}
	if d.Before(sd) || d.After(ed) {
		return Span{}, false
	}
	s := Span{Start: 0, End: DayMinutes, ContinuesBefore: d != sd, ContinuesAfter: d != ed}
	if d == sd {
		s.Start = clock(e.Start)
	}
	if d == ed {
		s.End = endMin
		if d == sd && s.End <= s.Start {
			s.End = min(s.Start+int(e.End.Sub(e.Start)/time.Minute), DayMinutes)
		}
	}
	if s.End-s.Start < MinBlockMinutes {
		s.End = min(s.Start+MinBlockMinutes, DayMinutes)
		s.Start = s.End - MinBlockMinutes
	}
	return s, true
}

// On reports whether event e shows on date d: a timed event when it
// overlaps d, an all-day event when d is one of its dates.
func On(e shared.Event, d shared.Date) bool {
	if e.AllDay {
		sd, ed := shared.DateOf(e.Start), shared.DateOf(e.End)
		return d == sd || !d.Before(sd) && d.Before(ed)
	}
	_, ok := SpanOn(e, d)
	return ok
}

// OnDay returns the events that show on date d, all-day events first, then
// by start.
func OnDay(events []shared.Event, d shared.Date) []shared.Event {
	var out []shared.Event
	for _, e := range events {
		if On(e, d) {
			out = append(out, e)
		}
	}
	sort.Stable(&dayOrder{out})
	return out
}

// Sorts are sort.Interface values on pointers: see "Size of `app.wasm`"
// in docs/DEVELOPING.md.

// dayOrder orders events all-day first, then by start.
type dayOrder struct{ es []shared.Event }

func (o *dayOrder) Len() int { return len(o.es) }
func (o *dayOrder) Less(i, j int) bool {
	a, b := &o.es[i], &o.es[j]
	if a.AllDay != b.AllDay {
		return a.AllDay
	}
	return a.Start.Before(b.Start)
}
func (o *dayOrder) Swap(i, j int) { o.es[i], o.es[j] = o.es[j], o.es[i] }

// clock returns t's wall-clock minutes from midnight in t's location.
func clock(t time.Time) int {
	h, m, _ := t.Clock()
	return h*60 + m
}

// byStart orders blocks by start, longer first, then by event id, so that
// layouts do not depend on the order of the answer.
type byStart struct{ bs []Block }

func (o *byStart) Len() int { return len(o.bs) }
func (o *byStart) Less(i, j int) bool {
	a, b := &o.bs[i], &o.bs[j]
	if a.Start != b.Start {
		return a.Start < b.Start
	}
	if a.End != b.End {
		return a.End > b.End
	}
	return a.Event.ID < b.Event.ID
}
func (o *byStart) Swap(i, j int) { o.bs[i], o.bs[j] = o.bs[j], o.bs[i] }
