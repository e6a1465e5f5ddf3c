package mytimetable

import (
	"encoding/json"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/sandbox/internal/demo"
)

// mttEventJSON is what a client reads of an event.
type mttEventJSON struct {
	ID                  string `json:"id"`
	StartDate           int64  `json:"startDate"`
	EndDate             int64  `json:"endDate"`
	AllDay              bool   `json:"allDay"`
	ModuleCode          *string
	ActivityDescription string `json:"activityDescription"`
	ActivityTypeName    string `json:"activityTypeName"`
	StaffMembers        []json.RawMessage
}

func (ev mttEventJSON) start() time.Time { return time.UnixMilli(ev.StartDate).In(amsterdam) }
func (ev mttEventJSON) end() time.Time   { return time.UnixMilli(ev.EndDate).In(amsterdam) }

// timetableJSON asks the sandbox for the events of [from, to) over HTTP.
func (e *mttEnv) timetableJSON(token string, from, to time.Time) []mttEventJSON {
	e.T.Helper()
	raw := e.events(token, from, to)
	b, _ := json.Marshal(raw)
	var evs []mttEventJSON
	if err := json.Unmarshal(b, &evs); err != nil {
		e.T.Fatal(err)
	}
	return evs
}

func TestMyTimetableDSTInstants(t *testing.T) {
	for _, tc := range []struct {
		name                string
		now                 time.Time
		before, after       time.Time // Mondays around the change
		beforeUTC, afterUTC int       // UTC hour of the 08:45 lecture
		weekendHours        float64
	}{
		{"autumn", amsterdamTime(2026, time.October, 14, 12, 0), demo.Date(2026, time.October, 19), demo.Date(2026, time.October, 26), 6, 7, 49},
		{"spring", amsterdamTime(2026, time.March, 11, 12, 0), demo.Date(2026, time.March, 23), demo.Date(2026, time.March, 30), 7, 6, 47},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newMTTEnv(t, "", tc.now)
			_, tok := e.signIn("profile_read")
			evs := e.timetableJSON(tok.AccessToken, localMidnight(tc.before), localMidnight(tc.after.AddDate(0, 0, 1)))
			var lectures []mttEventJSON
			weekend := false
			for _, ev := range evs {
				if ev.ActivityDescription == "Calculus" && ev.start().Weekday() == time.Monday {
					lectures = append(lectures, ev)
				}
				if ev.AllDay && ev.start().Weekday() == time.Saturday {
					weekend = true
					if h := ev.end().Sub(ev.start()).Hours(); h != tc.weekendHours {
						t.Errorf("the DST weekend lasts %v hours, want %v", h, tc.weekendHours)
					}
				}
			}
			if len(lectures) != 2 {
				t.Fatalf("want the Monday lecture on both sides of the change, got %d: %+v", len(lectures), lectures)
			}
			for i, want := range []time.Time{
				time.Date(tc.before.Year(), tc.before.Month(), tc.before.Day(), tc.beforeUTC, 45, 0, 0, time.UTC),
				time.Date(tc.after.Year(), tc.after.Month(), tc.after.Day(), tc.afterUTC, 45, 0, 0, time.UTC),
			} {
				if got := time.UnixMilli(lectures[i].StartDate).UTC(); !got.Equal(want) {
					t.Errorf("lecture %d starts %s, want %s", i, got, want)
				}
				if lectures[i].start().Hour() != 8 || lectures[i].start().Minute() != 45 {
					t.Errorf("lecture %d at %s local, want 08:45", i, lectures[i].start())
				}
			}
			if !weekend {
				t.Error("no all-day event on the DST weekend")
			}
		})
	}
}

// TestMyTimetableTermsThroughTheYear checks, for a "today" in every week of
// two years, the promises of the generator: a DST change inside the term,
// classes in the current week, all-day events from local midnight to local
// midnight, well-formed unique ids.
func TestMyTimetableTermsThroughTheYear(t *testing.T) {
	idRE := regexp.MustCompile(`^\d{4}![0-9A-F]{13}-\d{8}$`)
	for now := amsterdamTime(2026, time.January, 1, 9, 0); now.Year() < 2028; now = now.AddDate(0, 0, 7) {
		term := mttTermAround(now)
		if !term.contains(term.dst) || !term.contains(term.dst.AddDate(0, 0, -7)) || !term.contains(term.dst.AddDate(0, 0, 7)) {
			t.Fatalf("now %s: term %s..%s misses the DST change %s", now, term.start, term.end, term.dst)
		}
		for id := range mttPlans {
			week := mttTimetable(id, now, localMidnight(term.current), localMidnight(term.current.AddDate(0, 0, 7)))
			classes := 0
			for _, ev := range week {
				if !ev.allDay {
					classes++
				}
			}
			if classes < 3 {
				t.Errorf("now %s, student %s: %d classes in the current week", now.Format(time.DateOnly), id, classes)
			}
		}
		if now.Month() != time.February && now.Month() != time.September { // a full scan now and then is enough
			continue
		}
		ids := map[string]bool{}
		for _, ev := range mttTimetable("123456", now, localMidnight(term.start), localMidnight(term.end)) {
			if ev.allDay {
				s, e := ev.start.In(amsterdam), ev.end.In(amsterdam)
				if s.Hour() != 0 || s.Minute() != 0 || e.Hour() != 0 || e.Minute() != 0 || !e.After(s) {
					t.Errorf("all-day %q %s..%s is not midnight to midnight", ev.title, s, e)
				}
			}
			id := ev.id()
			if !idRE.MatchString(id) || ids[id] {
				t.Errorf("id %q malformed or repeated", id)
			}
			ids[id] = true
		}
	}
}

func TestMyTimetableAllDayEvents(t *testing.T) {
	e := newMTTEnv(t, "", amsterdamTime(2026, time.October, 14, 12, 0))
	_, tok := e.signIn("profile_read")
	term := mttTermAround(e.clock.Now())
	evs := e.timetableJSON(tok.AccessToken, localMidnight(term.start), localMidnight(term.end))
	allDay := 0
	for _, ev := range evs {
		if !ev.AllDay {
			continue
		}
		allDay++
		s, end := ev.start(), ev.end()
		if s.Hour() != 0 || end.Hour() != 0 || s.Minute() != 0 || end.Minute() != 0 || !end.After(s) {
			t.Errorf("all-day %q: %s..%s", ev.ActivityDescription, s, end)
		}
		// End exclusive: a one-day event ends at the next local midnight.
		days := 0
		for d := amsterdamDate(s); d.Before(amsterdamDate(end)); d = d.AddDate(0, 0, 1) {
			days++
		}
		if days < 1 || days > maxEventDays {
			t.Errorf("all-day %q lasts %d days", ev.ActivityDescription, days)
		}
	}
	if allDay < 3 {
		t.Errorf("only %d all-day events in a term", allDay)
	}
	// An all-day event is found by a range that starts inside it.
	sunday := term.dst
	inside := e.timetableJSON(tok.AccessToken, localMidnight(sunday).Add(12*time.Hour), localMidnight(sunday).Add(13*time.Hour))
	if len(inside) != 1 || !inside[0].AllDay {
		t.Errorf("a range inside the DST weekend finds %+v", inside)
	}
}

func TestMyTimetableStableIDs(t *testing.T) {
	e := newMTTEnv(t, "", amsterdamTime(2026, time.November, 23, 10, 0))
	_, tok := e.signIn("profile_read")
	week := func(from time.Time) map[string]mttEventJSON {
		out := map[string]mttEventJSON{}
		for _, ev := range e.timetableJSON(tok.AccessToken, localMidnight(from), localMidnight(from.AddDate(0, 0, 7))) {
			if _, dup := out[ev.ID]; dup {
				t.Errorf("id %s twice in one reply", ev.ID)
			}
			out[ev.ID] = ev
		}
		return out
	}
	monday := demo.Date(2026, time.November, 23)
	a, b := week(monday), week(monday)
	e.clock.Add(7 * 24 * time.Hour) // a week later the same dates keep their ids
	_, tok = e.signIn("profile_read")
	c := week(monday)
	for _, other := range []map[string]mttEventJSON{b, c} {
		if len(other) != len(a) {
			t.Fatalf("%d events, then %d", len(a), len(other))
		}
		for id, ev := range a {
			if !reflect.DeepEqual(other[id], ev) {
				t.Errorf("event %s changed: %+v then %+v", id, ev, other[id])
			}
		}
	}
	// A window that starts mid-week gives the same ids for the same events.
	tail := e.timetableJSON(tok.AccessToken, localMidnight(monday.AddDate(0, 0, 3)), localMidnight(monday.AddDate(0, 0, 7)))
	for _, ev := range tail {
		if _, ok := a[ev.ID]; !ok {
			t.Errorf("event %s of a partial window is not in the full week", ev.ID)
		}
	}
}

// TestMyTimetableEventShape compares events with the v0.5 fixture: every
// key a real server sends is there, staff members are objects or (for
// instruction sessions) strings, notes are sometimes null.
func TestMyTimetableEventShape(t *testing.T) {
	var fixture []map[string]any
	b, err := os.ReadFile("testdata/timetable_v05.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &fixture); err != nil {
		t.Fatal(err)
	}
	e := newMTTEnv(t, "", amsterdamTime(2026, time.November, 23, 10, 0))
	_, tok := e.signIn()
	evs := e.events(tok.AccessToken, localMidnight(demo.Date(2026, time.November, 16)), localMidnight(demo.Date(2026, time.December, 7)))
	var plain, objects, nullNotes, online int
	for _, ev := range evs {
		for k := range fixture[0] {
			if _, ok := ev[k]; !ok {
				t.Errorf("event %v lacks %q", ev["id"], k)
			}
		}
		for _, s := range ev["staffMembers"].([]any) {
			switch s := s.(type) {
			case string:
				plain++
			case map[string]any:
				if s["id"] == nil || s["name"] == nil || s["key"] == nil {
					t.Errorf("staff member %v", s)
				}
				objects++
			}
		}
		if ev["notes"] == nil {
			nullNotes++
		}
		if ev["conferenceUrl"] != nil {
			online++
		}
		if ev["eventType"].(map[string]any)["name"] != ev["activityTypeName"] {
			t.Errorf("eventType and activityTypeName disagree: %v", ev)
		}
	}
	if plain == 0 || objects <= plain || nullNotes == 0 {
		t.Errorf("staff members: %d strings, %d objects; %d null notes", plain, objects, nullNotes)
	}
	_, tok2 := e.signInAs("234567")
	for _, ev := range e.events(tok2, localMidnight(demo.Date(2026, time.November, 23)), localMidnight(demo.Date(2026, time.November, 30))) {
		if ev["conferenceUrl"] != nil {
			online++
			if len(ev["locations"].([]any)) != 0 {
				t.Errorf("online event with a location: %v", ev)
			}
		}
	}
	if online == 0 {
		t.Error("no online event")
	}
}

// TestMyTimetableReplyKeys compares the keys of the token, user and error
// replies with the fixtures of a real installation.
func TestMyTimetableReplyKeys(t *testing.T) {
	keys := func(body []byte) []string {
		t.Helper()
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatalf("%v: %s", err, body)
		}
		var out []string
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	fixture := func(name string) []string {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return keys(b)
	}
	e := newMTTEnv(t, "", time.Now())
	cfg := e.oauth("user_read", "profile_read")
	p := e.PostForm(e.base+"/oauth/token", url.Values{"grant_type": {"authorization_code"}, "code": {e.code(cfg, "s")},
		"redirect_uri": {mttCallback}, "client_id": {mttClientID}, "client_secret": {mttClientSecret}})
	if got, want := keys([]byte(p.Body)), fixture("token.json"); !slices.Equal(got, want) {
		t.Errorf("token reply keys %v, want %v", got, want)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	json.Unmarshal([]byte(p.Body), &tok)
	if got, want := keys([]byte(e.call(tok.AccessToken, "user", nil).Body)), fixture("user.json"); !slices.Equal(got, want) {
		t.Errorf("user keys %v, want %v", got, want)
	}
	if got, want := keys([]byte(e.call("", "user", nil).Body)), fixture("error.json"); !slices.Equal(got, want) {
		t.Errorf("error keys %v, want %v", got, want)
	}
}
