package shared

import "time"

// PublicKind is what a public timetable belongs to: a room, a course or a
// lecturer. Public timetables are the same for everybody and are read
// without signing in.
type PublicKind string

// Kinds of public timetable.
const (
	PublicRoom     PublicKind = "room"
	PublicCourse   PublicKind = "course"
	PublicLecturer PublicKind = "lecturer"
)

// PublicKinds lists every PublicKind, in the order clients offer them.
var PublicKinds = []PublicKind{PublicRoom, PublicCourse, PublicLecturer}

// Valid reports whether k is one of PublicKinds.
func (k PublicKind) Valid() bool {
	return k == PublicRoom || k == PublicCourse || k == PublicLecturer
}

// MaxPublicQueryLen bounds the q of a public search, in bytes.
const MaxPublicQueryLen = 100

// PublicMatch is one result of a public search.
type PublicMatch struct {
	Type PublicKind `json:"type"`
	// ID identifies the room, course or lecturer at its university; it is
	// stable, and is what GET /api/public/{provider}/timetable takes.
	ID string `json:"id"`
	// Name is a display name: a room's number, a course's name, a
	// lecturer's name with titles.
	Name string `json:"name"`
	// Building is the name of a room's building, and BuildingID what
	// GET /api/public/{provider}/free-rooms takes as building; both are
	// empty for courses and lecturers.
	Building   string `json:"building,omitempty"`
	BuildingID string `json:"building_id,omitempty"`
}

// PublicSearch is the reply to
// GET /api/public/{provider}/search?type=room|course|lecturer&q=...
type PublicSearch struct {
	Provider string     `json:"provider"`
	Type     PublicKind `json:"type"`
	Query    string     `json:"q"`
	// FetchedAt is when the backend read the matches from the university.
	// Public data is cached for up to PublicCacheLifetime, so it may be
	// that old.
	FetchedAt time.Time     `json:"fetched_at"`
	Matches   []PublicMatch `json:"matches"`
}

// PublicTimetable is the reply to
// GET /api/public/{provider}/timetable?type=...&id=...&from=...&to=...:
// the events of a room, course or lecturer, in the same shape as those of
// GET /api/timetable.
type PublicTimetable struct {
	Provider string     `json:"provider"`
	Type     PublicKind `json:"type"`
	ID       string     `json:"id"`
	// From and To are the inclusive range of local dates asked for.
	From Date `json:"from"`
	To   Date `json:"to"`
	// FetchedAt is when the backend read the events from the university.
	// Public data is cached for up to PublicCacheLifetime, so it may be
	// that old.
	FetchedAt time.Time `json:"fetched_at"`
	// Events are sorted by Start, then by Title.
	Events []Event `json:"events"`
}

// PublicCacheLifetime is how long the backend reuses public data it read
// from a university before reading it again.
const PublicCacheLifetime = 15 * time.Minute

// FreeRooms is the reply to
// GET /api/public/{provider}/free-rooms?building=...&at=RFC3339&for=90m.
type FreeRooms struct {
	Provider string `json:"provider"`
	Building string `json:"building"`
	// From and Until are the span asked about: at, and at plus for.
	From  time.Time `json:"from"`
	Until time.Time `json:"until"`
	// FetchedAt is when the oldest of the rooms' timetables was read from
	// the university (they are cached for up to PublicCacheLifetime).
	FetchedAt time.Time `json:"fetched_at"`
	// Checked is how many of the building's rooms were checked (all of
	// them: a building with more than MaxFreeRoomsChecked is refused).
	Checked int `json:"checked"`
	// Rooms are the rooms with no class in the span, by name.
	Rooms []FreeRoom `json:"rooms"`
}

// MaxFreeRoomsChecked is the most rooms one free-room question checks; a
// building with more is answered 409 unsupported.
const MaxFreeRoomsChecked = 40

// FreeRoom is a room with no class in a FreeRooms span.
type FreeRoom struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// BusyFrom is when its next class starts, on the same local day as
	// Until; absent when it has none then.
	BusyFrom *time.Time `json:"busy_from,omitempty"`
}
