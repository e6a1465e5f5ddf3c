package provider

import (
	"context"
	"errors"

	"github.com/campusweek/campusweek/shared"
)

// PublicTimetables is implemented by the providers whose system publishes
// timetables that are the same for everybody: rooms, courses and
// lecturers. Exactly those whose Info().Capabilities.PublicTimetables is
// true implement it.
//
// Public reads use the university's public methods only, signed with the
// operator's key or anonymous as each method requires, and never a
// student's credentials: they work for visitors who are not signed in.
// The university's answers are the same for every caller (in a given
// language, see WithLanguages), so callers may cache them.
type PublicTimetables interface {
	// Rooms lists every room of the university, with its building. Rooms
	// are found, and a building's rooms listed, from it.
	Rooms(ctx context.Context) ([]shared.PublicMatch, error)

	// PublicSearch finds courses or lecturers matching q (a part of a
	// name or code). Rooms are found in Rooms instead.
	PublicSearch(ctx context.Context, kind shared.PublicKind, q string) ([]shared.PublicMatch, error)

	// PublicTimetable reads the events of the room, course or lecturer
	// with the given id (a PublicMatch.ID) whose start falls within the
	// inclusive local date range [from, to]. An id the university does
	// not know is an error wrapping ErrNoSuchTimetable.
	PublicTimetable(ctx context.Context, kind shared.PublicKind, id string, from, to shared.Date) ([]shared.Event, error)
}

// ErrNoSuchTimetable: the university knows no room, course or lecturer
// with the id asked for.
var ErrNoSuchTimetable = errors.New("no such room, course or lecturer")
