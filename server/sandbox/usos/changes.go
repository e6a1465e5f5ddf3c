package usos

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/campusweek/campusweek/server/sandbox/internal/changes"
	"github.com/campusweek/campusweek/server/sandbox/internal/web"
)

// This file lets tests and people trying the demo change a student's
// timetable between two syncs: move a class, give it another room, cancel
// it, or answer the next tt/user call with an empty list once (as real
// installations are known to). The edits are applied to the activities
// tt/user generates; the page at Prefix+"/changes" makes them in a
// browser. A moved class comes back with other start and end times, so a
// client that derives ids from them sees a new id, as with real USOS.

// MoveClass moves the class of student that starts at at (as generated)
// to start at to, keeping its length (its end stays on the same date).
func (u *Server) MoveClass(student string, at, to time.Time) error {
	return u.changes.Edit(student, changes.Edit{At: at, To: to})
}

// ChangeRoom moves the class of student that starts at at into room (a
// room number, in the class's building).
func (u *Server) ChangeRoom(student string, at time.Time, room string) error {
	return u.changes.Edit(student, changes.Edit{At: at, Room: room})
}

// CancelClass cancels the class of student that starts at at.
func (u *Server) CancelClass(student string, at time.Time) error {
	return u.changes.Edit(student, changes.Edit{At: at, Cancel: true})
}

// AnswerEmptyOnce makes the next tt/user call of student get an empty
// list, as an installation does by mistake.
func (u *Server) AnswerEmptyOnce(student string) { u.changes.EmptyOnce(student) }

// ResetChanges forgets every change made to student's timetable.
func (u *Server) ResetChanges(student string) { u.changes.Reset(student) }

// startOf is the instant an activity starts.
func (a activity) startOf() time.Time { return instant(a.date, a.at[0]) }

func instant(d time.Time, c clock) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), c.h, c.m, 0, 0, warsaw)
}

// writeStudentActivities is writeActivities for tt/user: the student's
// plan with the student's changes made.
func (u *Server) writeStudentActivities(w http.ResponseWriter, in *incoming, student string) {
	start, days, fields, e := u.ttWindow(in)
	if e != nil {
		u.fail(w, "tt/user", e)
		return
	}
	now := u.now()
	p := plans[student] // unknown users: no activities
	end := start.AddDate(0, 0, days)
	acts := changes.Apply(&u.changes, student, p.expand(now, start, days), changes.Occurrences[activity]{
		Start:  activity.startOf,
		Change: changeActivity,
		On:     func(at time.Time) []activity { return p.expand(now, todayIn(at), 1) },
		In:     func(a activity) bool { return !a.date.Before(start) && a.date.Before(end) },
	})
	slices.SortStableFunc(acts, func(a, b activity) int {
		if c := strings.Compare(wallTime(a.date, a.at[0]), wallTime(b.date, b.at[0])); c != 0 {
			return c
		}
		return strings.Compare(a.name.PL, b.name.PL)
	})
	out := make([]web.Object, 0, len(acts))
	for _, a := range acts {
		out = append(out, a.render(fields))
	}
	writeJSON(w, out)
}

// changeActivity returns a with c's time and room.
func changeActivity(a activity, c changes.Edit) activity {
	if !c.To.IsZero() {
		length := instant(a.date, a.at[1]).Sub(a.startOf())
		to := c.To.In(warsaw)
		end := to.Add(length)
		if !todayIn(end).Equal(todayIn(to)) {
			end = time.Date(to.Year(), to.Month(), to.Day(), 23, 59, 0, 0, warsaw)
		}
		a.date = todayIn(to)
		a.at = [2]clock{{to.Hour(), to.Minute()}, {end.Hour(), end.Minute()}}
	}
	if c.Room != "" {
		b := bMIM
		if a.room != nil {
			b = a.room.building
		}
		a.room = &room{building: b, number: c.Room, id: smallID(c.Room, 9000, 900)}
	}
	return a
}

// changesPage is Prefix+"/changes".
func (u *Server) changesPage() http.Handler {
	return u.changes.Page(changes.PageConfig{
		Institution: u.name, System: "USOS API", Zone: warsaw, Now: u.now, Logger: u.log,
		List: func(student string, from, to time.Time) []changes.Listing {
			var out []changes.Listing
			first := todayIn(from)
			days := int(todayIn(to).Sub(first).Hours()+1) / 24
			for _, a := range plans[student].expand(u.now(), first, max(days, 1)) {
				l := changes.Listing{Start: a.startOf(), End: instant(a.date, a.at[1]), Title: a.name.PL}
				if a.room != nil {
					l.Room = a.room.number
				}
				out = append(out, l)
			}
			return out
		},
	})
}
