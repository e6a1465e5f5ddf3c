package shared

import "time"

// Timetable is the reply to GET /api/timetable?from=YYYY-MM-DD&to=YYYY-MM-DD.
type Timetable struct {
	// Provider is the ID of the provider the events come from.
	Provider string `json:"provider"`
	// From and To are the inclusive range of local dates asked for.
	From Date `json:"from"`
	To   Date `json:"to"`
	// FetchedAt is when the backend read the events from the provider.
	FetchedAt time.Time `json:"fetched_at"`
	// Events are sorted by Start, then by Title.
	Events []Event `json:"events"`
}

// Category is a provider-independent classification of an event.
type Category string

// Event categories.
const (
	CategoryClass   Category = "class"   // a lecture, tutorial, lab, seminar...
	CategoryExam    Category = "exam"    // an exam or test
	CategoryMeeting Category = "meeting" // office hours, consultations
	CategoryOther   Category = "other"
)

// Event is one class, exam or meeting, normalized across providers.
type Event struct {
	// ID is stable for the same occurrence across fetches, so clients can
	// diff and calendar exports can update instead of duplicating.
	ID string `json:"id"`
	// Start and End are RFC 3339 times with the university's UTC offset.
	// For all-day events they are local midnights and End is exclusive.
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	AllDay bool      `json:"all_day,omitempty"`
	// Title is what a student calls the event, e.g. "Linear Algebra - Lecture".
	Title string `json:"title"`
	// Course is the course or module name, when known.
	Course string `json:"course,omitempty"`
	// CourseID identifies the course at its university whatever the
	// language Course is in, when known: the same on every device (the
	// PWA colours courses by it).
	CourseID string `json:"course_id,omitempty"`
	// Kind is the provider's label for the type of class, e.g. "Lecture",
	// "Laboratory", "Exam".
	Kind string `json:"kind,omitempty"`
	// Category is a coarse classification for icons and filters.
	Category Category `json:"category"`
	Building string   `json:"building,omitempty"`
	Room     string   `json:"room,omitempty"`
	// Group is the class group or student set, e.g. "3".
	Group     string   `json:"group,omitempty"`
	Lecturers []string `json:"lecturers,omitempty"`
	// URL is a provider page about the course or class, when known.
	URL   string `json:"url,omitempty"`
	Notes string `json:"notes,omitempty"`
}
