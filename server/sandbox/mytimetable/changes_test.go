package mytimetable

import (
	"testing"
	"time"
)

// The test hooks change what GET /api/v0/timetable answers: a class moved
// the same day (its id stays) and into the next week, a room changed, a
// class cancelled, an empty answer once; a reset restores the plan.
func TestTimetableChanges(t *testing.T) {
	e := newMTTEnv(t, "", amsterdamTime(2026, 3, 4, 12, 0))
	_, tok := e.signInAs("123456")
	from, to := amsterdamTime(2026, 3, 2, 0, 0), amsterdamTime(2026, 3, 9, 0, 0)
	type ev struct {
		id, room   string
		start, end time.Time
	}
	get := func(from, to time.Time) []ev {
		t.Helper()
		var out []ev
		for _, m := range e.events(tok, from, to) {
			if m["allDay"] == true {
				continue
			}
			x := ev{id: m["id"].(string), start: time.UnixMilli(int64(m["startDate"].(float64))), end: time.UnixMilli(int64(m["endDate"].(float64)))}
			if locs := m["locations"].([]any); len(locs) > 0 {
				x.room = locs[0].(map[string]any)["name"].(string)
			}
			out = append(out, x)
		}
		return out
	}
	before := get(from, to)
	if len(before) < 5 {
		t.Fatalf("%d classes in the week", len(before))
	}
	a, b, c, d := before[0], before[1], before[2], before[len(before)-1]
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(e.m.MoveClass("123456", a.start, a.start.Add(30*time.Minute)))
	must(e.m.ChangeRoom("123456", b.start, "Pulse - Hall 9"))
	must(e.m.CancelClass("123456", c.start))
	must(e.m.MoveClass("123456", d.start, d.start.AddDate(0, 0, 7).Add(6*time.Hour)))

	after := get(from, to)
	if len(after) != len(before)-2 {
		t.Errorf("%d classes after the changes, %d before: want 2 fewer", len(after), len(before))
	}
	find := func(evs []ev, id string) (ev, bool) {
		for _, x := range evs {
			if x.id == id {
				return x, true
			}
		}
		return ev{}, false
	}
	if x, ok := find(after, a.id); !ok || !x.start.Equal(a.start.Add(30*time.Minute)) || x.end.Sub(x.start) != a.end.Sub(a.start) {
		t.Errorf("moved the same day: %+v (%v), was %+v", x, ok, a)
	}
	if x, ok := find(after, b.id); !ok || x.room != "Pulse - Hall 9" || !x.start.Equal(b.start) {
		t.Errorf("room changed: %+v (%v)", x, ok)
	}
	if _, ok := find(after, c.id); ok {
		t.Error("the cancelled class is still there")
	}
	if _, ok := find(after, d.id); ok {
		t.Error("the class moved to next week is still there")
	}
	next := get(to, to.AddDate(0, 0, 7))
	moved := false
	for _, x := range next {
		moved = moved || x.start.Equal(d.start.AddDate(0, 0, 7).Add(6*time.Hour)) && x.end.Sub(x.start) == d.end.Sub(d.start)
	}
	if !moved {
		t.Errorf("the class moved to next week is not there: %+v", next)
	}

	e.m.AnswerEmptyOnce("123456")
	if evs := e.events(tok, from, to); len(evs) != 0 {
		t.Errorf("the empty answer has %d events", len(evs))
	}
	if got := get(from, to); len(got) != len(after) {
		t.Errorf("the answer after the empty one has %d classes, want %d", len(got), len(after))
	}
	e.m.ResetChanges("123456")
	if got := get(from, to); len(got) != len(before) || got[0] != a {
		t.Errorf("after a reset: %+v", got)
	}
}
