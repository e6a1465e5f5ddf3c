package shared_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/campusweek/campusweek/shared"
)

// Dates are civil dates: no time zone, no DST surprises when counting days.
func ExampleDate() {
	d, err := shared.ParseDate("2026-10-28")
	if err != nil {
		panic(err)
	}
	monday := d.Monday()
	fmt.Println(monday, monday.Weekday(), monday.AddDays(6), monday.DaysUntil(d))
	// Output: 2026-10-26 Monday 2026-11-01 2
}

// A reply of GET /api/timetable decodes into Timetable; times keep the
// university's UTC offset.
func ExampleTimetable() {
	body := `{"provider":"uw","from":"2026-11-23","to":"2026-11-29","fetched_at":"2026-11-23T07:00:00Z",
	  "events":[{"id":"usos-1a2b","start":"2026-11-23T10:15:00+01:00","end":"2026-11-23T11:45:00+01:00",
	  "title":"Linear Algebra - Lecture","kind":"Lecture","category":"class","building":"MIM","room":"3180",
	  "lecturers":["dr Piotr Wójcik"],"brand_new_field":true}]}`
	var tt shared.Timetable
	if err := json.Unmarshal([]byte(body), &tt); err != nil {
		panic(err)
	}
	for _, ev := range tt.Events {
		fmt.Printf("%s %s-%s %s (%s, room %s)\n", ev.Start.Weekday(), ev.Start.Format("15:04"), ev.End.Format("15:04"), ev.Title, ev.Kind, ev.Room)
	}
	fmt.Println(tt.From, "to", tt.To, "fetched", tt.FetchedAt.Format(time.RFC3339))
	// Output:
	// Monday 10:15-11:45 Linear Algebra - Lecture (Lecture, room 3180)
	// 2026-11-23 to 2026-11-29 fetched 2026-11-23T07:00:00Z
}

// Errors come in one envelope; the code says what to do next.
func ExampleErrorResponse() {
	body := `{"error":{"code":"signed_out","message":"You are not signed in, or your session has expired. Sign in again."}}`
	var resp shared.ErrorResponse
	if err := json.Unmarshal([]byte(body), &resp); err != nil {
		panic(err)
	}
	var err error = &resp.Error
	var apiErr *shared.Error
	if errors.As(err, &apiErr) && apiErr.Code == shared.CodeSignedOut {
		fmt.Println("ask the student to sign in again:", apiErr.Message)
	}
	// Output: ask the student to sign in again: You are not signed in, or your session has expired. Sign in again.
}
