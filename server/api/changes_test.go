package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/change"
)

// A sandbox change made on its /changes page (a class moved, another's
// room changed, a third cancelled) shows in the next GET /api/timetable,
// and package change reports exactly those three; an empty answer once by
// mistake is reported as unconfirmed, and the answer after it is whole
// again. Both systems, over real HTTP.
func TestSandboxChangesShowInTheNextSync(t *testing.T) {
	for _, sys := range []struct {
		provider string
		signIn   func(*env)
		page     func(*env) string
	}{
		{"uni", func(e *env) { e.signIn() }, func(e *env) string { return e.sbURL + "changes" }},
		{"mtt", func(e *env) { e.mttSignIn() }, func(e *env) string { return e.mttURL + "changes" }},
	} {
		t.Run(sys.provider, func(t *testing.T) {
			e := newEnv(t, envOptions{mttScopes: []string{"user_read", "profile_read"}})
			sys.signIn(e)
			week := func(monday shared.Date) shared.Timetable {
				t.Helper()
				r := e.get("/api/timetable?from=" + monday.String() + "&to=" + monday.AddDays(6).String())
				if r.status != http.StatusOK {
					t.Fatalf("timetable: %d %s", r.status, r.body)
				}
				return decode[shared.Timetable](t, r)
			}
			// A week with three classes at different times (the current
			// one may be a holiday).
			var monday shared.Date
			var cached shared.Timetable
			var classes []shared.Event
			for w := range 6 {
				monday = shared.DateOf(time.Now()).Monday().AddDays(7 * w)
				cached, classes = week(monday), nil
				for _, ev := range cached.Events {
					if ev.Category == shared.CategoryClass && !ev.AllDay && ev.Room != "" &&
						(len(classes) == 0 || !ev.Start.Equal(classes[len(classes)-1].Start)) {
						classes = append(classes, ev)
					}
				}
				if len(classes) >= 3 {
					break
				}
			}
			if len(classes) < 3 {
				t.Fatalf("no week with three classes in %d weeks", 6)
			}
			moved, room, cancelled := classes[0], classes[1], classes[2]

			page := sys.page(e)
			post := func(form url.Values) {
				t.Helper()
				form.Set("student", "123456")
				r, err := http.PostForm(page, form)
				if err != nil {
					t.Fatal(err)
				}
				r.Body.Close()
				if r.StatusCode != http.StatusOK { // after the 303 back to the list
					t.Fatalf("POST %v: %d", form, r.StatusCode)
				}
			}
			at := func(ev shared.Event) string { return ev.Start.Format(time.RFC3339) }
			post(url.Values{"action": {"later"}, "at": {at(moved)}})
			post(url.Values{"action": {"room"}, "at": {at(room)}, "room": {"9.99"}})
			post(url.Values{"action": {"cancel"}, "at": {at(cancelled)}})

			fresh := week(monday)
			d := change.Diff(cached, fresh)
			if d.Unconfirmed || d.Summary() != (change.Summary{Total: 3, Moved: 1, Room: 1, Cancelled: 1}) {
				t.Fatalf("diff %+v: %+v", d.Summary(), d.Changes)
			}
			for _, c := range d.Changes {
				switch c.What {
				case change.Moved:
					if c.Event.Title != moved.Title || !c.WasStart.Equal(moved.Start) || !c.Event.Start.Equal(moved.Start.Add(time.Hour)) ||
						!c.Event.End.Equal(moved.End.Add(time.Hour)) || c.Event.Room != moved.Room {
						t.Errorf("moved: %+v, was %v", c.Event, c.WasStart)
					}
				case change.Room:
					if c.Event.ID != room.ID || c.WasRoom != room.Room || !strings.Contains(c.Event.Room, "9.99") {
						t.Errorf("room: %q was %q, want 9.99 was %q", c.Event.Room, c.WasRoom, room.Room)
					}
				case change.Cancelled:
					if c.Event.ID != cancelled.ID {
						t.Errorf("cancelled %s, want %s", c.Event.ID, cancelled.ID)
					}
				default:
					t.Errorf("unexpected change %+v", c)
				}
			}

			// The university answers an empty list once, by mistake.
			post(url.Values{"action": {"empty"}})
			empty := week(monday)
			if len(empty.Events) != 0 {
				t.Fatalf("the empty answer has %d events", len(empty.Events))
			}
			if d := change.Diff(fresh, empty); !d.Unconfirmed || len(d.Changes) != 0 {
				t.Errorf("an empty answer: %+v", d)
			}
			if d := change.Diff(fresh, week(monday)); d.Unconfirmed || len(d.Changes) != 0 {
				t.Errorf("the answer after the empty one: %+v", d)
			}

			// Undone, the week is as it was.
			post(url.Values{"action": {"reset"}})
			if d := change.Diff(cached, week(monday)); d.Unconfirmed || len(d.Changes) != 0 {
				t.Errorf("after a reset: %+v", d.Changes)
			}
		})
	}
}
