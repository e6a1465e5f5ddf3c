package client

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"github.com/campusweek/campusweek/shared"
)

// The public timetables of a university: rooms, courses and lecturers, read
// without signing in. They need no session and send no cookie the server
// reads.

// PublicSearch finds rooms, courses or lecturers at a university whose
// Capabilities.PublicTimetables is true
// (GET /api/public/{provider}/search).
func (c *Client) PublicSearch(ctx context.Context, providerID string, kind shared.PublicKind, q string) (shared.PublicSearch, error) {
	var out shared.PublicSearch
	query := url.Values{"type": {string(kind)}, "q": {q}}
	err := c.do(ctx, "GET", publicPath(providerID, "search"), query, nil, &out)
	return out, err
}

// PublicTimetable returns the events of a room, course or lecturer (an id
// from PublicSearch) between from and to, both inclusive
// (GET /api/public/{provider}/timetable).
func (c *Client) PublicTimetable(ctx context.Context, providerID string, kind shared.PublicKind, id string, from, to shared.Date) (shared.PublicTimetable, error) {
	var out shared.PublicTimetable
	query := url.Values{"type": {string(kind)}, "id": {id}, "from": {from.String()}, "to": {to.String()}}
	err := c.do(ctx, "GET", publicPath(providerID, "timetable"), query, nil, &out)
	return out, err
}

// FreeRooms lists the rooms of a building (a PublicMatch.BuildingID) with
// no class from at for the given duration, rounded down to whole minutes
// (GET /api/public/{provider}/free-rooms).
func (c *Client) FreeRooms(ctx context.Context, providerID, building string, at time.Time, span time.Duration) (shared.FreeRooms, error) {
	var out shared.FreeRooms
	query := url.Values{
		"building": {building},
		"at":       {at.Format(time.RFC3339)},
		"for":      {strconv.Itoa(int(span/time.Minute)) + "m"},
	}
	err := c.do(ctx, "GET", publicPath(providerID, "free-rooms"), query, nil, &out)
	return out, err
}

func publicPath(providerID, what string) string {
	return "/api/public/" + url.PathEscape(providerID) + "/" + what
}
