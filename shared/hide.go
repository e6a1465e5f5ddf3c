package shared

import (
	"errors"
	"net/url"
	"strings"
)

// HideParam is the query parameter of GET /api/timetable.ics (and of
// starting a subscription) naming classes the student hides, one Hide per
// value.
const HideParam = "hide"

// MaxHides bounds how many Hide rules one request may carry.
const MaxHides = 50

// Hide hides the classes a student does not attend: those of one course
// (Event.CourseID, else Event.Course, else Event.Title) of one kind, and,
// when Group is set, of one group only. An empty Kind matches every kind.
type Hide struct {
	Course string `json:"course"`
	Kind   string `json:"kind,omitempty"`
	Group  string `json:"group,omitempty"`
}

// ErrHide says a hide value is not one Hide.String returns.
var ErrHide = errors.New("hide: want course/kind/group, each path-escaped")

// CourseKey is what identifies e's course whatever the language: its
// course id, else its course name, else its title.
func CourseKey(e Event) string {
	switch {
	case e.CourseID != "":
		return e.CourseID
	case e.Course != "":
		return e.Course
	}
	return e.Title
}

// HideOf returns the rule hiding e's course's classes of e's kind, in
// e's group only when group is set.
func HideOf(e Event, group bool) Hide {
	h := Hide{Course: CourseKey(e), Kind: e.Kind}
	if group {
		h.Group = e.Group
	}
	return h
}

// Matches reports whether h hides e. All-day events (holidays, notices)
// are never hidden.
func (h Hide) Matches(e Event) bool {
	return !e.AllDay && h.Course != "" && CourseKey(e) == h.Course &&
		(h.Kind == "" || e.Kind == h.Kind) && (h.Group == "" || e.Group == h.Group)
}

// String is h as a query value: course/kind/group, each path-escaped.
func (h Hide) String() string {
	return url.PathEscape(h.Course) + "/" + url.PathEscape(h.Kind) + "/" + url.PathEscape(h.Group)
}

// ParseHide parses a value of String.
func ParseHide(s string) (Hide, error) {
	parts := strings.Split(s, "/")
	if len(parts) != 3 {
		return Hide{}, ErrHide
	}
	var h Hide
	for i, p := range []*string{&h.Course, &h.Kind, &h.Group} {
		v, err := url.PathUnescape(parts[i])
		if err != nil {
			return Hide{}, ErrHide
		}
		*p = v
	}
	if h.Course == "" {
		return Hide{}, ErrHide
	}
	return h, nil
}

// Hidden reports whether any of hs hides e.
func Hidden(hs []Hide, e Event) bool {
	for _, h := range hs {
		if h.Matches(e) {
			return true
		}
	}
	return false
}

// WithoutHidden returns the events none of hs hides; events itself when
// hs is empty.
func WithoutHidden(events []Event, hs []Hide) []Event {
	if len(hs) == 0 {
		return events
	}
	out := make([]Event, 0, len(events))
	for _, e := range events {
		if !Hidden(hs, e) {
			out = append(out, e)
		}
	}
	return out
}
