package mytimetable

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/server/provider/upstream"
	"github.com/campusweek/campusweek/shared"
)

// amsterdam is the wall clock of Dutch and Belgian institutions (Brussels
// follows the same rules). The API speaks UTC; students read local time.
var amsterdam = provider.MustLoadLocation("Europe/Amsterdam")

// localMidnight is the first instant of d in Amsterdam.
func localMidnight(d shared.Date) time.Time { return d.In(amsterdam) }

// event is one element of GET /api/v0/timetable. v0 servers send a subset
// (no id, no allDay, staff members as plain strings); fields unknown here
// are ignored, since new ones appear without a version bump.
type event struct {
	ID                      string     `json:"id"`
	StartDate               epochMilli `json:"startDate"`
	EndDate                 epochMilli `json:"endDate"`
	AllDay                  bool       `json:"allDay"`
	ModuleCode              string     `json:"moduleCode"`
	ActivityDescription     string     `json:"activityDescription"`
	ActivityTypeName        string     `json:"activityTypeName"`
	ActivityTypeDescription string     `json:"activityTypeDescription"`
	EventType               *struct {
		Name        string `json:"name"`
		Description string `json:"description"`
	} `json:"eventType"`
	Locations     []named                `json:"locations"`
	StaffMembers  []named                `json:"staffMembers"`
	StudentSets   []named                `json:"studentSets"`
	Notes         string                 `json:"notes"`
	Notes2        string                 `json:"notes2"`
	Notes3        string                 `json:"notes3"`
	ConferenceURL string                 `json:"conferenceUrl"`
	Department    *struct{ Name string } `json:"department"`
}

// epochMilli is an instant sent as epoch milliseconds; ISO 8601 strings and
// numeric strings are accepted too.
type epochMilli struct{ time.Time }

func (t *epochMilli) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err == nil {
		ms, err := n.Int64()
		if err != nil {
			f, ferr := n.Float64()
			if ferr != nil {
				return fmt.Errorf("epoch milliseconds %s: %w", n, err)
			}
			ms = int64(f)
		}
		t.Time = time.UnixMilli(ms)
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("instant: want epoch milliseconds or ISO 8601, got %.40s", b)
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		t.Time = time.UnixMilli(ms)
		return nil
	}
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return fmt.Errorf("instant %q: %w", s, err)
	}
	t.Time = v
	return nil
}

// named is a staff member, location or student set: an object with a name
// on current servers, a plain string on older ones.
type named string

func (n *named) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err == nil {
		if s != nil {
			*n = named(strings.TrimSpace(*s))
		}
		return nil
	}
	var o struct {
		Name string `json:"name"`
		Key  string `json:"key"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return fmt.Errorf("want a name or an object with one, got %.40s", b)
	}
	*n = named(strings.TrimSpace(o.Name))
	if *n == "" {
		*n = named(strings.TrimSpace(o.Key))
	}
	return nil
}

// names keeps the non-empty names, in order, without repeats.
func names(ns []named) []string {
	var out []string
	for _, n := range ns {
		s := string(n)
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// normalize maps a MyTimetable event to the shared event type.
func (e event) normalize() (shared.Event, error) {
	if e.StartDate.IsZero() || e.EndDate.IsZero() {
		return shared.Event{}, errors.New("mytimetable: event without startDate or endDate")
	}
	if e.EndDate.Before(e.StartDate.Time) {
		return shared.Event{}, fmt.Errorf("mytimetable: event ends (%d) before it starts (%d)", e.EndDate.UnixMilli(), e.StartDate.UnixMilli())
	}
	ev := shared.Event{
		Start:     e.StartDate.In(amsterdam),
		End:       e.EndDate.In(amsterdam),
		AllDay:    e.AllDay,
		Course:    strings.TrimSpace(e.ModuleCode),
		CourseID:  strings.TrimSpace(e.ModuleCode),
		Title:     strings.TrimSpace(e.ActivityDescription),
		Kind:      strings.TrimSpace(e.ActivityTypeDescription),
		Lecturers: names(e.StaffMembers),
		URL:       upstream.SafeURL(e.ConferenceURL),
	}
	typeName := e.ActivityTypeName
	if e.EventType != nil { // the successor of activityType* since 3.4
		if ev.Kind == "" {
			ev.Kind = strings.TrimSpace(e.EventType.Description)
		}
		if typeName == "" {
			typeName = e.EventType.Name
		}
	}
	ev.Category = category(typeName, ev.Kind)
	if e.AllDay {
		// Local midnight to local midnight, end exclusive, whatever
		// instants the server picked inside those days.
		start, end := shared.DateOf(ev.Start), shared.DateOf(ev.End)
		if !ev.End.Equal(localMidnight(end)) || !end.After(start) {
			end = end.AddDays(1)
		}
		if !end.After(start) {
			end = start.AddDays(1)
		}
		ev.Start, ev.End = localMidnight(start), localMidnight(end)
	}
	if ev.Title == "" {
		ev.Title = strings.Trim(strings.Join([]string{ev.Course, ev.Kind}, " - "), " -")
	}
	if ev.Title == "" {
		ev.Title = "Event"
	}
	ev.Building, ev.Room = place(names(e.Locations))
	ev.Group = strings.Join(names(e.StudentSets), ", ")
	var notes []string
	for _, n := range []string{e.Notes, e.Notes2, e.Notes3} {
		if n = strings.TrimSpace(n); n != "" {
			notes = append(notes, n)
		}
	}
	ev.Notes = strings.Join(notes, "\n")
	ev.ID = e.stableID()
	return ev, nil
}

// stableID prefixes MyTimetable's own occurrence id (v0.5 servers), or
// derives one from what identifies an occurrence (v0 servers have none).
func (e event) stableID() string {
	if id := strings.TrimSpace(e.ID); id != "" {
		return "mtt-" + id
	}
	h := sha256.Sum256([]byte(strings.Join([]string{
		strconv.FormatInt(e.StartDate.UnixMilli(), 10), strconv.FormatInt(e.EndDate.UnixMilli(), 10),
		e.ModuleCode, e.ActivityDescription, e.ActivityTypeName, strings.Join(names(e.Locations), "|"),
	}, "\x00")))
	return "mtt-" + hex.EncodeToString(h[:12])
}

// place splits a single "Building - Room" location name, the convention of
// Dutch campuses (e.g. "Drebbelweg - IZ 2"); several locations stay
// together as the room.
func place(locs []string) (building, room string) {
	if len(locs) == 1 {
		if b, r, ok := strings.Cut(locs[0], " - "); ok && strings.TrimSpace(b) != "" && strings.TrimSpace(r) != "" {
			return strings.TrimSpace(b), strings.TrimSpace(r)
		}
	}
	return "", strings.Join(locs, ", ")
}

// category classifies MyTimetable's activity type names, which vary by
// institution; the description is a fallback for unknown names.
func category(typeName, description string) shared.Category {
	for _, s := range []string{typeName, description} {
		s = strings.ToUpper(s)
		switch {
		case s == "":
			continue
		case strings.Contains(s, "EXAM") || strings.Contains(s, "TEST") || strings.Contains(s, "TENTAMEN") || strings.Contains(s, "RESIT"):
			return shared.CategoryExam
		case strings.Contains(s, "MEETING") || strings.Contains(s, "CONSULT"):
			return shared.CategoryMeeting
		case strings.Contains(s, "LECTURE") || strings.Contains(s, "TUTORIAL") || strings.Contains(s, "INSTRUCTION") ||
			strings.Contains(s, "PRACTICAL") || strings.Contains(s, "LAB") || strings.Contains(s, "WORKSHOP") ||
			strings.Contains(s, "SEMINAR") || strings.Contains(s, "COLLEGE") || strings.Contains(s, "PROJECT"):
			return shared.CategoryClass
		}
	}
	return shared.CategoryOther
}
