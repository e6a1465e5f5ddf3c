//go:build !js

package client_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/campusweek/campusweek/internal/testbackend"
	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/client"
)

// The public methods against the real backend, with no cookie jar at all:
// a room found by search, its week, and its building's free rooms.
func TestPublicAgainstTheSandbox(t *testing.T) {
	c := client.NewWithHTTPClient(testbackend.Start(t, "studies"), &http.Client{Timeout: 10 * time.Second})
	ctx := context.Background()
	found, err := c.PublicSearch(ctx, "uw", shared.PublicRoom, "3180")
	if err != nil || len(found.Matches) != 1 || found.Matches[0].BuildingID == "" {
		t.Fatalf("search %+v, %v", found, err)
	}
	room := found.Matches[0]
	monday := shared.DateOf(time.Now()).Monday()
	tt, err := c.PublicTimetable(ctx, "uw", shared.PublicRoom, room.ID, monday.AddDays(-7), monday.AddDays(13))
	if err != nil || tt.ID != room.ID || len(tt.Events) == 0 {
		t.Fatalf("timetable %+v, %v", tt, err)
	}
	at := tt.Events[0].Start
	free, err := c.FreeRooms(ctx, "uw", room.BuildingID, at, 45*time.Minute)
	if err != nil || !free.Until.Equal(at.Add(45*time.Minute)) || free.Checked == 0 {
		t.Fatalf("free rooms %+v, %v", free, err)
	}
	for _, f := range free.Rooms {
		if f.ID == room.ID {
			t.Errorf("room %s is free during its own event", room.Name)
		}
	}
}
