package usos

import (
	"testing"
	"time"
)

// The test hooks change what tt/user answers: a class moved within the
// window and into the next one, a room changed, a class cancelled, an
// empty answer once; a reset restores the plan.
func TestTimetableChanges(t *testing.T) {
	u := fixedUSOS(t, "2026-03-04 12:00:00")
	const anna = "123456"
	at := func(d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, warsaw) }
	summary := func(acts []map[string]any) map[string]string {
		out := map[string]string{}
		for _, a := range acts {
			room, _ := a["room_number"].(string)
			out[a["start_time"].(string)] = a["end_time"].(string)[11:16] + " " + room
		}
		return out
	}
	before := summary(week(t, u, anna, "2026-03-02", "7"))
	if before["2026-03-02 08:15:00"] != "09:45 3180" || before["2026-03-03 10:00:00"] != "11:30 3180" || before["2026-03-06 10:00:00"] != "11:30 " {
		t.Fatalf("the plan changed under the test: %v", before)
	}

	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(u.MoveClass(anna, at(2, 8, 15), at(5, 18, 0)))    // Monday's lecture to Thursday evening
	must(u.MoveClass(anna, at(6, 10, 0), at(9, 17, 0)))    // Friday's into next week
	must(u.ChangeRoom(anna, at(3, 10, 0), "0.07"))         // Tuesday's lecture
	must(u.CancelClass(anna, at(3, 11, 45)))               // Tuesday's classes
	must(u.MoveClass("234567", at(2, 8, 15), at(2, 9, 0))) // someone else's

	after := summary(week(t, u, anna, "2026-03-02", "7"))
	for start, want := range map[string]string{
		"2026-03-02 08:15:00": "", "2026-03-05 18:00:00": "19:30 3180",
		"2026-03-06 10:00:00": "", "2026-03-03 10:00:00": "11:30 0.07", "2026-03-03 11:45:00": "",
	} {
		if after[start] != want {
			t.Errorf("%s: %q, want %q", start, after[start], want)
		}
	}
	if len(after) != len(before)-2 {
		t.Errorf("%d activities after the changes, %d before: want 2 fewer", len(after), len(before))
	}
	if next := summary(week(t, u, anna, "2026-03-09", "1")); next["2026-03-09 17:00:00"] != "18:30 " {
		t.Errorf("next Monday: %v", next)
	}

	u.AnswerEmptyOnce(anna)
	if acts := week(t, u, anna, "2026-03-02", "7"); len(acts) != 0 {
		t.Errorf("the empty answer has %d activities", len(acts))
	}
	if acts := week(t, u, anna, "2026-03-02", "7"); len(acts) != len(after) {
		t.Errorf("the answer after the empty one has %d activities, want %d", len(acts), len(after))
	}

	u.ResetChanges(anna)
	again := summary(week(t, u, anna, "2026-03-02", "7"))
	if len(again) != len(before) || again["2026-03-02 08:15:00"] != before["2026-03-02 08:15:00"] {
		t.Errorf("after a reset: %v", again)
	}
}
