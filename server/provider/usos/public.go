package usos

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dghubble/oauth1"

	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/server/provider/upstream"
	"github.com/campusweek/campusweek/shared"
)

// Public timetables: USOS answers rooms', courses' and lecturers'
// timetables and its directories without a user token. The public USOS API
// documentation states each method's auth_options (services/apiref/method
// answers them per installation): the geo, courses and tt/course_edition
// methods ignore the consumer, so they are called anonymously; tt/room,
// tt/staff, users/search2 and users/users take the consumer's signature,
// so they are called 2-legged. A student's token is never used here.

var _ provider.PublicTimetables = (*Provider)(nil)

// Limits of the public reads.
const (
	// searchResults is the most matches asked of a search method (its
	// maximum "num").
	searchResults = 20
	// maxBuildings bounds the buildings whose rooms Rooms reads.
	maxBuildings = 500
)

// access is how a public method is called.
type access int

const (
	anonymous access = iota // no OAuth parameters at all
	consumer                // 2-legged: signed by the consumer, no token
)

// publicCall returns the way to call public methods with the given access.
func (p *Provider) publicCall(a access) methodCall {
	var rt http.RoundTripper
	if a == consumer {
		rt = &consumerSigner{key: p.cfg.ConsumerKey, secret: p.cfg.ConsumerSecret,
			rt: noReplay{p.api.Transport()}, noncer: oauth1.Base64Noncer{}, now: time.Now}
	}
	return func(ctx context.Context, op, method string, q url.Values, out any) error {
		return p.api.Get(ctx, upstream.Call{Op: op, URL: p.methodURL(method, q), Transport: rt}, out)
	}
}

// building is an element of services/geo/building_index and the reply of
// services/geo/building2.
type building struct {
	ID    flexString `json:"id"`
	Name  langDict   `json:"name"`
	Rooms []struct {
		ID     flexString `json:"id"`
		Number flexString `json:"number"`
	} `json:"rooms"`
}

// Rooms implements provider.PublicTimetables: the buildings of
// services/geo/building_index, then each one's rooms from
// services/geo/building2, a few at a time.
func (p *Provider) Rooms(ctx context.Context) ([]shared.PublicMatch, error) {
	get := p.publicCall(anonymous)
	var index []building
	if err := get(ctx, "list buildings", "services/geo/building_index", url.Values{"fields": {"id|name"}}, &index); err != nil {
		return nil, err
	}
	if len(index) > maxBuildings {
		return nil, p.api.Error("list buildings", http.StatusOK, fmt.Sprintf("%d buildings, more than the %d read", len(index), maxBuildings))
	}
	langs := provider.Languages(ctx)
	parts := make([][]shared.PublicMatch, len(index))
	err := upstream.Each(ctx, index, func(ctx context.Context, i int, b building) error {
		if b.ID == "" {
			return nil
		}
		var full building
		q := url.Values{"building_id": {string(b.ID)}, "fields": {"id|name|rooms[id|number]"}}
		if err := get(ctx, "list rooms", "services/geo/building2", q, &full); err != nil {
			return err
		}
		name := full.Name.pick(langs)
		for _, r := range full.Rooms {
			if r.ID == "" {
				continue
			}
			parts[i] = append(parts[i], shared.PublicMatch{Type: shared.PublicRoom, ID: string(r.ID),
				Name: provider.CleanText(string(r.Number)), Building: provider.CleanText(name), BuildingID: string(b.ID)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var rooms []shared.PublicMatch
	for _, part := range parts {
		rooms = append(rooms, part...)
	}
	return rooms, nil
}

// searchReply is the reply of services/courses/search and
// services/users/search2.
type searchReply struct {
	Items []struct {
		CourseID flexString `json:"course_id"`
		Match    string     `json:"match"`
		User     *user      `json:"user"`
	} `json:"items"`
}

// PublicSearch implements provider.PublicTimetables: courses with
// services/courses/search, lecturers with services/users/search2 among
// the current teachers.
func (p *Provider) PublicSearch(ctx context.Context, kind shared.PublicKind, q string) ([]shared.PublicMatch, error) {
	lang := "en"
	if provider.Languages(ctx)[0] == "pl" {
		lang = "pl"
	}
	var out []shared.PublicMatch
	switch kind {
	case shared.PublicCourse:
		var r searchReply
		params := url.Values{"name": {q}, "lang": {lang}, "num": {itoa(searchResults)}}
		if err := p.publicCall(anonymous)(ctx, "search courses", "services/courses/search", params, &r); err != nil {
			return nil, err
		}
		for _, it := range r.Items {
			if it.CourseID != "" {
				out = append(out, shared.PublicMatch{Type: kind, ID: string(it.CourseID), Name: provider.CleanText(stripTags(it.Match))})
			}
		}
	case shared.PublicLecturer:
		var r searchReply
		params := url.Values{"query": {q}, "lang": {lang}, "among": {"current_teachers"}, "num": {itoa(searchResults)},
			"fields": {"items[user[id|first_name|last_name|titles]]|next_page"}}
		if err := p.publicCall(consumer)(ctx, "search lecturers", "services/users/search2", params, &r); err != nil {
			return nil, err
		}
		for _, it := range r.Items {
			if it.User != nil && it.User.ID != "" {
				out = append(out, shared.PublicMatch{Type: kind, ID: string(it.User.ID), Name: provider.CleanText(it.User.fullName(true))})
			}
		}
	default:
		return nil, fmt.Errorf("usos: search for %q: %w", kind, errors.ErrUnsupported)
	}
	return out, nil
}

// stripTags drops the markup a search's "match" highlights with.
func stripTags(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			break
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			s = ""
			break
		}
		s = s[i+j+1:]
	}
	b.WriteString(s)
	return strings.TrimSpace(b.String())
}

// PublicTimetable implements provider.PublicTimetables: services/tt/room
// and services/tt/staff (2-legged) or services/tt/course_edition
// (anonymous, one term at a time) in 7-day windows, and the lecturers'
// names from services/users/users (2-legged). Event ids are made as for a
// student's timetable, so the same class has the same id in both.
func (p *Provider) PublicTimetable(ctx context.Context, kind shared.PublicKind, id string, from, to shared.Date) ([]shared.Event, error) {
	if to.Before(from) {
		return nil, fmt.Errorf("usos: range %s..%s is empty", from, to)
	}
	var fetch func(context.Context, upstream.Window) ([]activity, error)
	switch kind {
	case shared.PublicRoom, shared.PublicLecturer:
		method, param, op := "services/tt/room", "room_id", "read room timetable"
		if kind == shared.PublicLecturer {
			method, param, op = "services/tt/staff", "user_id", "read lecturer timetable"
		}
		get := p.publicCall(consumer)
		fetch = func(ctx context.Context, w upstream.Window) ([]activity, error) {
			var out []activity
			q := url.Values{param: {id}, "start": {w.Start.String()}, "days": {itoa(w.Days)}, "fields": {ttFields}}
			return out, p.noSuch(get(ctx, op, method, q, &out))
		}
	case shared.PublicCourse:
		terms, err := p.courseTerms(ctx, id, from, to)
		if err != nil {
			return nil, err
		}
		get := p.publicCall(anonymous)
		fetch = func(ctx context.Context, w upstream.Window) ([]activity, error) {
			var all []activity
			for _, term := range terms {
				if !term.overlaps(w.Start, w.End().AddDays(-1)) {
					continue
				}
				var out []activity
				q := url.Values{"course_id": {id}, "term_id": {term.ID}, "start": {w.Start.String()}, "days": {itoa(w.Days)}, "fields": {ttFields}}
				if err := p.noSuch(get(ctx, "read course timetable", "services/tt/course_edition", q, &out)); err != nil {
					return nil, err
				}
				all = append(all, out...)
			}
			return all, nil
		}
	default:
		return nil, fmt.Errorf("usos: timetable of a %q: %w", kind, errors.ErrUnsupported)
	}
	activities, err := upstream.FetchWindows(ctx, from, to, maxDaysPerCall, fetch)
	if err != nil {
		return nil, err
	}
	langs := provider.Languages(ctx)
	lecturers := p.lecturerNames(ctx, p.publicCall(consumer), activities, langs)
	return p.events(ctx, activities, langs, lecturers, from, to), nil
}

// noSuch turns USOS's refusal of an id (400 param_invalid) into
// provider.ErrNoSuchTimetable.
func (p *Provider) noSuch(err error) error {
	var ue *provider.UpstreamError
	if errors.As(err, &ue) && ue.Status == http.StatusBadRequest && strings.HasPrefix(ue.Detail, "param_invalid") {
		return fmt.Errorf("usos: %s: %w", ue.Op, provider.ErrNoSuchTimetable)
	}
	return err
}

// term is an academic term as services/courses/course lists a course's.
type term struct {
	ID        string     `json:"id"`
	StartDate flexString `json:"start_date"`
	EndDate   flexString `json:"end_date"`
}

// overlaps reports whether t has a day in [from, to]. A term whose dates
// cannot be read is taken to overlap.
func (t term) overlaps(from, to shared.Date) bool {
	start, err1 := shared.ParseDate(string(t.StartDate))
	end, err2 := shared.ParseDate(string(t.EndDate))
	if err1 != nil || err2 != nil {
		return true
	}
	return !end.Before(from) && !start.After(to)
}

// courseTerms are the terms of course id (services/courses/course,
// anonymous) that overlap [from, to]: a course's timetable is read per
// edition, a course in a term.
func (p *Provider) courseTerms(ctx context.Context, id string, from, to shared.Date) ([]term, error) {
	var c struct {
		ID    flexString `json:"id"`
		Terms []term     `json:"terms"`
	}
	q := url.Values{"course_id": {id}, "fields": {"id|terms"}}
	if err := p.noSuch(p.publicCall(anonymous)(ctx, "read course", "services/courses/course", q, &c)); err != nil {
		return nil, err
	}
	var out []term
	for _, t := range c.Terms {
		if t.ID != "" && t.overlaps(from, to) {
			out = append(out, t)
		}
	}
	return out, nil
}
