package mytimetable

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/campusweek/campusweek/server/sandbox/internal/changes"
)

// This file lets tests and people trying the demo change a student's
// timetable between two syncs: move a class, give it another room, cancel
// it, or answer the next timetable request with an empty list once. The
// edits are applied to the generated events of GET /api/v0/timetable; the
// page at Prefix+"/changes" makes them in a browser.

// MoveClass moves the class of student that starts at at (as generated)
// to start at to, keeping its length. Its id stays that of its original
// date only when it stays on that date.
func (m *Server) MoveClass(student string, at, to time.Time) error {
	return m.changes.Edit(student, changes.Edit{At: at, To: to})
}

// ChangeRoom moves the class of student that starts at at into room.
func (m *Server) ChangeRoom(student string, at time.Time, room string) error {
	return m.changes.Edit(student, changes.Edit{At: at, Room: room})
}

// CancelClass cancels the class of student that starts at at.
func (m *Server) CancelClass(student string, at time.Time) error {
	return m.changes.Edit(student, changes.Edit{At: at, Cancel: true})
}

// AnswerEmptyOnce makes the next timetable request of student get an empty
// list, as a university does by mistake.
func (m *Server) AnswerEmptyOnce(student string) { m.changes.EmptyOnce(student) }

// ResetChanges forgets every change made to student's timetable.
func (m *Server) ResetChanges(student string) { m.changes.Reset(student) }

// changed returns the events of student's reply for [from, to) with the
// student's changes made, sorted as mttTimetable sorts.
func (m *Server) changed(student string, now, from, to time.Time, events []mttEvent) []mttEvent {
	p := mttPlans[student]
	term := mttTermAround(now)
	events = changes.Apply(&m.changes, student, events, changes.Occurrences[mttEvent]{
		Start: func(e mttEvent) time.Time { return e.start },
		Change: func(e mttEvent, c changes.Edit) mttEvent {
			if !c.To.IsZero() {
				e.start, e.end = c.To, c.To.Add(e.end.Sub(e.start))
			}
			if c.Room != "" {
				e.locs, e.online = []*mttLocation{{id: "LOC-" + hexID(c.Room)[:6], name: c.Room, key: strings.ToUpper(c.Room)}}, false
			}
			return e
		},
		On: func(at time.Time) []mttEvent { return mttDay(p, term, amsterdamDate(at)) },
		In: func(e mttEvent) bool { return e.start.Before(to) && e.end.After(from) },
	})
	slices.SortStableFunc(events, func(a, b mttEvent) int {
		if c := a.start.Compare(b.start); c != 0 {
			return c
		}
		return strings.Compare(a.title, b.title)
	})
	return events
}

// changesPage is Prefix+"/changes".
func (m *Server) changesPage() http.Handler {
	return m.changes.Page(changes.PageConfig{
		Institution: m.name, System: "MyTimetable", Zone: amsterdam, Now: m.now, Logger: m.log,
		List: func(student string, from, to time.Time) []changes.Listing {
			var out []changes.Listing
			for _, e := range mttTimetable(student, m.now(), from, to) {
				if e.allDay || e.start.Before(from) {
					continue
				}
				l := changes.Listing{Start: e.start, End: e.end, Title: e.title}
				if len(e.locs) > 0 {
					l.Room = e.locs[0].name
				}
				out = append(out, l)
			}
			return out
		},
	})
}
