// Package changes keeps the edits made to demo students' timetables
// between two syncs, so that tests and people trying the demo can see how
// a client reports "what changed": a class moved, given another room or
// cancelled, and a reply that is empty once by mistake (as USOS is known
// to answer). Each sandbox applies the edits to the occurrences it
// generates, with [Apply], and serves [Store.Page] under its own mount.
//
// Edits live in memory, bounded, and last until Reset or a restart.
package changes

import (
	"errors"
	"slices"
	"sync"
	"time"
)

// MaxEdits bounds the edits kept per student; more are refused.
const MaxEdits = 100

// Edit changes one generated occurrence of a student's timetable: the one
// that starts at At (every one that does, should several).
type Edit struct {
	At time.Time
	// To, when not zero, is the occurrence's new start; it keeps its
	// length.
	To time.Time
	// Room, when not "", is the occurrence's new room.
	Room string
	// Cancel drops the occurrence from replies.
	Cancel bool
}

// Errors of Store.Edit.
var (
	ErrNoChange = errors.New("changes: an edit needs At and a new time, a room or a cancellation")
	ErrTooMany  = errors.New("changes: too many edits for this student")
)

// Store holds the edits by student. The zero Store is empty and ready;
// a Store is safe for concurrent use.
type Store struct {
	mu    sync.Mutex
	edits map[string][]Edit // by student
	empty map[string]bool   // by student: the next reply is empty
}

// Edit records e for student, merged with an earlier edit of the same
// occurrence: a new time or room replaces the earlier one, a cancellation
// stays.
func (s *Store) Edit(student string, e Edit) error {
	if e.At.IsZero() || e.To.IsZero() && e.Room == "" && !e.Cancel {
		return ErrNoChange
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.edits == nil {
		s.edits = map[string][]Edit{}
	}
	list := s.edits[student]
	if i := slices.IndexFunc(list, func(o Edit) bool { return o.At.Equal(e.At) }); i >= 0 {
		o := &list[i]
		if !e.To.IsZero() {
			o.To = e.To
		}
		if e.Room != "" {
			o.Room = e.Room
		}
		o.Cancel = o.Cancel || e.Cancel
		return nil
	}
	if len(list) >= MaxEdits {
		return ErrTooMany
	}
	s.edits[student] = append(list, e)
	return nil
}

// Undo forgets the edit of the occurrence starting at at.
func (s *Store) Undo(student string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.edits[student] = slices.DeleteFunc(s.edits[student], func(o Edit) bool { return o.At.Equal(at) })
}

// EmptyOnce makes the next timetable reply for student an empty list,
// whatever the range.
func (s *Store) EmptyOnce(student string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.empty == nil {
		s.empty = map[string]bool{}
	}
	s.empty[student] = true
}

// Reset forgets every edit of student, and a pending empty reply.
func (s *Store) Reset(student string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.edits, student)
	delete(s.empty, student)
}

// Edits returns student's edits, in the order they were first made.
func (s *Store) Edits(student string) []Edit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.edits[student])
}

// EmptyPending reports whether the next reply for student is to be empty.
func (s *Store) EmptyPending(student string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.empty[student]
}

// takeEmpty reports whether this reply is to be empty, and spends it.
func (s *Store) takeEmpty(student string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.empty[student] {
		return false
	}
	delete(s.empty, student)
	return true
}

// Occurrences is how a sandbox lets Apply see and change its own
// occurrences of type T.
type Occurrences[T any] struct {
	// Start returns when an occurrence starts.
	Start func(T) time.Time
	// Change returns the occurrence with e's new time and room applied.
	Change func(T, Edit) T
	// On returns the generated occurrences that start on the sandbox's
	// local date of an instant, without edits: where a moved occurrence
	// comes from.
	On func(time.Time) []T
	// In reports whether an occurrence, edited, belongs in the reply.
	In func(T) bool
}

// Apply returns reply, the occurrences a sandbox generated for one
// timetable reply of student, with student's edits made: cancelled ones
// left out, moved ones where they moved (also into this reply from
// elsewhere), rooms changed. When an empty reply is pending, it returns an
// empty list and the next reply is whole again. The caller sorts.
func Apply[T any](s *Store, student string, reply []T, o Occurrences[T]) []T {
	if s.takeEmpty(student) {
		return reply[:0]
	}
	edits := s.Edits(student)
	if len(edits) == 0 {
		return reply
	}
	find := func(at time.Time) (Edit, bool) {
		i := slices.IndexFunc(edits, func(e Edit) bool { return e.At.Equal(at) })
		if i < 0 {
			return Edit{}, false
		}
		return edits[i], true
	}
	out := make([]T, 0, len(reply))
	for _, occ := range reply {
		e, ok := find(o.Start(occ))
		switch {
		case !ok:
			out = append(out, occ)
		case e.Cancel:
		default:
			if occ = o.Change(occ, e); o.In(occ) {
				out = append(out, occ)
			}
		}
	}
	// Occurrences moved into this reply from dates it does not cover.
	for _, e := range edits {
		if e.To.IsZero() || e.Cancel {
			continue
		}
		for _, occ := range o.On(e.At) {
			if !o.Start(occ).Equal(e.At) || o.In(occ) {
				continue // not the one, or already handled above
			}
			if occ = o.Change(occ, e); o.In(occ) {
				out = append(out, occ)
			}
		}
	}
	return out
}
