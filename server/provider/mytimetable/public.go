package mytimetable

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/server/provider/upstream"
	"github.com/campusweek/campusweek/shared"
)

// Non-personal timetables: MyTimetable serves a room's (type location), a
// module's and a staff member's timetable from GET timetables?type&q and
// GET timetables/{key}. Its documentation says such a timetable "may be
// available without any authentication or only requires an API token",
// depending on the institution; the provider sends the configured
// api_token in the apiToken header, or nothing. It never sends a
// student's OAuth token here.

var _ provider.PublicTimetables = (*Provider)(nil)

const (
	// searchLimit is the most matches asked of a search.
	searchLimit = 20
	// roomsPage is the page size of the room list, and roomPages the most
	// pages read of it.
	roomsPage = 500
	roomPages = 10
)

// timetableTypes are the MyTimetable types of the public kinds.
var timetableTypes = map[shared.PublicKind]string{
	shared.PublicRoom:     "location",
	shared.PublicCourse:   "module",
	shared.PublicLecturer: "staff",
}

// publicGet makes an anonymous (or API-token) call of an API method.
func (p *Provider) publicGet(ctx context.Context, op, method string, q url.Values, out any) error {
	u := p.apiBase + method
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	h := http.Header{"Accept-Language": {strings.Join(provider.Languages(ctx), ", ")}}
	if p.cfg.APIToken != "" {
		h.Set("apiToken", p.cfg.APIToken)
	}
	return p.api.Get(ctx, upstream.Call{Op: op, URL: u, Header: h}, out)
}

// timetableRef is an element of GET timetables.
type timetableRef struct {
	Key  string `json:"key"`
	Name string `json:"name"`
}

// search lists the timetables of a type matching q, from offset.
func (p *Provider) search(ctx context.Context, typ, q string, limit, offset int) ([]timetableRef, error) {
	var out []timetableRef
	params := url.Values{"type": {typ}, "q": {q}, "limit": {strconv.Itoa(limit)}, "offset": {strconv.Itoa(offset)}}
	err := p.publicGet(ctx, "search "+typ, "timetables", params, &out)
	return out, err
}

// Rooms implements provider.PublicTimetables: every location, a page at a
// time. A location named "Building - Room", the convention of Dutch
// campuses, is that room of that building; the building's name is its id.
func (p *Provider) Rooms(ctx context.Context) ([]shared.PublicMatch, error) {
	var rooms []shared.PublicMatch
	for page := range roomPages {
		refs, err := p.search(ctx, "location", "", roomsPage, page*roomsPage)
		if err != nil {
			return nil, err
		}
		for _, r := range refs {
			if r.Key == "" {
				continue
			}
			building, room := place([]string{provider.CleanText(r.Name)})
			rooms = append(rooms, shared.PublicMatch{Type: shared.PublicRoom, ID: r.Key, Name: room, Building: building, BuildingID: building})
		}
		if len(refs) < roomsPage {
			return rooms, nil
		}
	}
	return nil, p.api.Error("list locations", http.StatusOK, fmt.Sprintf("more than %d locations", roomPages*roomsPage))
}

// PublicSearch implements provider.PublicTimetables: modules for courses,
// staff for lecturers.
func (p *Provider) PublicSearch(ctx context.Context, kind shared.PublicKind, q string) ([]shared.PublicMatch, error) {
	typ, ok := timetableTypes[kind]
	if !ok || kind == shared.PublicRoom {
		return nil, fmt.Errorf("mytimetable: search for %q: %w", kind, errors.ErrUnsupported)
	}
	refs, err := p.search(ctx, typ, q, searchLimit, 0)
	if err != nil {
		return nil, err
	}
	var out []shared.PublicMatch
	for _, r := range refs {
		if r.Key != "" {
			out = append(out, shared.PublicMatch{Type: kind, ID: r.Key, Name: provider.CleanText(r.Name)})
		}
	}
	return out, nil
}

// PublicTimetable implements provider.PublicTimetables: GET
// timetables/{key} in windows of daysPerCall days, as a student's.
func (p *Provider) PublicTimetable(ctx context.Context, kind shared.PublicKind, id string, from, to shared.Date) ([]shared.Event, error) {
	if _, ok := timetableTypes[kind]; !ok {
		return nil, fmt.Errorf("mytimetable: timetable of a %q: %w", kind, errors.ErrUnsupported)
	}
	if to.Before(from) {
		return nil, fmt.Errorf("mytimetable: range %s..%s is empty", from, to)
	}
	method := "timetables/" + url.PathEscape(id)
	return p.readEvents(ctx, from, to, func(ctx context.Context, q url.Values, out *[]event) error {
		err := p.publicGet(ctx, "read "+timetableTypes[kind]+" timetable", method, q, out)
		var ue *provider.UpstreamError
		if errors.As(err, &ue) && ue.Status == http.StatusNotFound {
			return fmt.Errorf("mytimetable: %s: %w", ue.Op, provider.ErrNoSuchTimetable)
		}
		return err
	})
}
