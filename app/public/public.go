// Package public is the PWA's logic of public timetables (a university's
// rooms, courses and lecturers, read without signing in) in plain Go: the
// address of a public timetable and of a building's free rooms, and the
// timetables pinned on the device with their weeks cached for offline use.
// The components in app/ui wire it to the browser.
package public

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/campusweek/campusweek/shared"
)

// Ref names one public timetable: a room, course or lecturer (ID, from a
// search) at a university (Provider, a shared.Provider ID).
type Ref struct {
	Provider string            `json:"provider"`
	Kind     shared.PublicKind `json:"type"`
	ID       string            `json:"id"`
}

// Valid reports whether r names a timetable: a provider, a known kind and
// an ID of at most shared.MaxPublicQueryLen bytes.
func (r Ref) Valid() bool {
	return r.Provider != "" && len(r.Provider) <= 64 && r.Kind.Valid() &&
		r.ID != "" && len(r.ID) <= shared.MaxPublicQueryLen
}

// Pin is a public timetable as the app shows it: its Ref, its name and,
// for a room, its building (name and the ID free rooms are asked by).
type Pin struct {
	Ref
	Name       string `json:"name"`
	Building   string `json:"building,omitempty"`
	BuildingID string `json:"building_id,omitempty"`
}

// PinOf is the Pin of a search match at a university.
func PinOf(providerID string, m shared.PublicMatch) Pin {
	return Pin{
		Ref:      Ref{Provider: providerID, Kind: m.Type, ID: m.ID},
		Name:     m.Name,
		Building: m.Building, BuildingID: m.BuildingID,
	}
}

// Label is the pin's name, with its building for a room: "3180, Main
// Building".
func (p Pin) Label() string {
	if p.Building == "" || p.Building == p.Name {
		return p.Name
	}
	return p.Name + ", " + p.Building
}

// Query parameters of the public pages.
const (
	paramProvider     = "u"
	paramKind         = "type"
	paramID           = "id"
	paramName         = "name"
	paramBuilding     = "building"
	paramBuildingName = "building_name"
	paramWeek         = "week"
	paramQuery        = "q"
	paramSpan         = "for"
)

// Query is p as the query of its page; week, when not zero, is the week
// shown (its Monday).
func (p Pin) Query(week shared.Date) url.Values {
	v := url.Values{
		paramProvider: {p.Provider},
		paramKind:     {string(p.Kind)},
		paramID:       {p.ID},
		paramName:     {p.Name},
	}
	if p.Building != "" {
		v.Set(paramBuildingName, p.Building)
	}
	if p.BuildingID != "" {
		v.Set(paramBuilding, p.BuildingID)
	}
	if !week.IsZero() {
		v.Set(paramWeek, week.String())
	}
	return v
}

// ParsePin reads a Pin and the week shown (the Monday of the week named,
// else of today) from the query of its page. It reports false when the
// query names no valid timetable. The name defaults to the ID.
func ParsePin(q url.Values, today shared.Date) (Pin, shared.Date, bool) {
	p := Pin{
		Ref: Ref{
			Provider: q.Get(paramProvider),
			Kind:     shared.PublicKind(q.Get(paramKind)),
			ID:       q.Get(paramID),
		},
		Name:       clip(q.Get(paramName)),
		Building:   clip(q.Get(paramBuildingName)),
		BuildingID: clip(q.Get(paramBuilding)),
	}
	if p.Name == "" {
		p.Name = p.ID
	}
	week := today.Monday()
	if d, err := shared.ParseDate(q.Get(paramWeek)); err == nil && q.Get(paramWeek) != "" {
		week = d.Monday()
	}
	return p, week, p.Valid()
}

// clip bounds a display text taken from an address.
func clip(s string) string {
	const max = 200
	if len(s) > max {
		return s[:max]
	}
	return s
}

// Search is what the search page shows: a university, a kind and a query
// (empty before the first search).
type Search struct {
	Provider string
	Kind     shared.PublicKind
	Query    string
}

// Values is s as the search page's query.
func (s Search) Values() url.Values {
	v := url.Values{paramProvider: {s.Provider}, paramKind: {string(s.Kind)}}
	if s.Query != "" {
		v.Set(paramQuery, s.Query)
	}
	return v
}

// ParseSearch reads a Search from the search page's query: the kind
// defaults to a room, and a query is cut to shared.MaxPublicQueryLen bytes
// (never inside a character).
func ParseSearch(q url.Values) Search {
	s := Search{Provider: q.Get(paramProvider), Kind: shared.PublicKind(q.Get(paramKind)), Query: q.Get(paramQuery)}
	if !s.Kind.Valid() {
		s.Kind = shared.PublicRoom
	}
	s.Query = CleanQuery(s.Query)
	return s
}

// CleanQuery trims q and cuts it to shared.MaxPublicQueryLen bytes,
// never inside a character, and without control characters (which the
// API refuses).
func CleanQuery(q string) string {
	out := make([]rune, 0, len(q))
	n := 0
	for _, r := range q {
		if r < 0x20 || r == 0x7f {
			r = ' '
		}
		if n += len(string(r)); n > shared.MaxPublicQueryLen {
			break
		}
		out = append(out, r)
	}
	return strings.TrimSpace(string(out))
}

// Spans are the lengths a free-room question offers, DefaultSpan first
// among them in use.
var Spans = []time.Duration{30 * time.Minute, time.Hour, 90 * time.Minute, 2 * time.Hour, 3 * time.Hour, 4 * time.Hour}

// DefaultSpan is how long a room must stay free when nothing else is
// chosen: one class.
const DefaultSpan = 90 * time.Minute

// Building is a building whose free rooms are asked for: its ID (a
// shared.PublicMatch.BuildingID) and name.
type Building struct {
	Provider string
	ID       string
	Name     string
}

// Query is b's free-room page's query, asking for span.
func (b Building) Query(span time.Duration) url.Values {
	v := url.Values{paramProvider: {b.Provider}, paramBuilding: {b.ID}, paramName: {b.Name}}
	if span != DefaultSpan {
		v.Set(paramSpan, strconv.Itoa(int(span/time.Minute)))
	}
	return v
}

// ParseBuilding reads a Building and the span (one of Spans in minutes,
// else DefaultSpan) from the free-room page's query. It reports false when
// the query names no building.
func ParseBuilding(q url.Values) (Building, time.Duration, bool) {
	b := Building{Provider: q.Get(paramProvider), ID: clip(q.Get(paramBuilding)), Name: clip(q.Get(paramName))}
	if b.Name == "" {
		b.Name = b.ID
	}
	span := DefaultSpan
	if m, err := strconv.Atoi(q.Get(paramSpan)); err == nil {
		for _, s := range Spans {
			if s == time.Duration(m)*time.Minute {
				span = s
			}
		}
	}
	return b, span, b.Provider != "" && b.ID != ""
}
