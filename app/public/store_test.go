package public

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/shared"
)

// memStorage is localStorage as JSON strings, like the browser's.
type memStorage struct {
	m    map[string]string
	fail error // every Set fails with it when not nil
}

func newStorage() *memStorage { return &memStorage{m: map[string]string{}} }

func (s *memStorage) Get(k string, v any) error {
	b, ok := s.m[k]
	if !ok {
		return nil
	}
	return json.Unmarshal([]byte(b), v)
}

func (s *memStorage) Set(k string, v any) error {
	if s.fail != nil {
		return s.fail
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	s.m[k] = string(b)
	return nil
}

func (s *memStorage) Del(k string) { delete(s.m, k) }

func (s *memStorage) ForEach(f func(k string)) {
	keys := make([]string, 0, len(s.m))
	for k := range s.m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f(k)
	}
}

func room(id string) Pin {
	return Pin{Ref: Ref{Provider: "uw", Kind: shared.PublicRoom, ID: id}, Name: "Room " + id, Building: "Main", BuildingID: "B1"}
}

func refs(pins []Pin) []string {
	var out []string
	for _, p := range pins {
		out = append(out, p.Provider+"/"+string(p.Kind)+"/"+p.ID)
	}
	return out
}

func TestPins(t *testing.T) {
	lecturer := Pin{Ref: Ref{Provider: "uw", Kind: shared.PublicLecturer, ID: "1"}, Name: "Dr Nowak"}
	for _, tc := range []struct {
		name    string
		ops     func(st *memStorage) error
		want    []string
		wantErr error
	}{
		{"nothing pinned", func(*memStorage) error { return nil }, nil, nil},
		{"in the order pinned", func(st *memStorage) error {
			return errors.Join(Add(st, room("2")), Add(st, lecturer), Add(st, room("1")))
		}, []string{"uw/room/2", "uw/lecturer/1", "uw/room/1"}, nil},
		{"pinning again keeps the place", func(st *memStorage) error {
			return errors.Join(Add(st, room("2")), Add(st, room("1")), Add(st, room("2")))
		}, []string{"uw/room/2", "uw/room/1"}, nil},
		{"same id, other kind or university", func(st *memStorage) error {
			other := room("1")
			other.Provider = "tud"
			return errors.Join(Add(st, room("1")), Add(st, other),
				Add(st, Pin{Ref: Ref{Provider: "uw", Kind: shared.PublicCourse, ID: "1"}, Name: "1"}))
		}, []string{"uw/room/1", "tud/room/1", "uw/course/1"}, nil},
		{"unpin", func(st *memStorage) error {
			return errors.Join(Add(st, room("1")), Add(st, room("2")), Remove(st, room("1").Ref))
		}, []string{"uw/room/2"}, nil},
		{"unpin what is not pinned", func(st *memStorage) error {
			return errors.Join(Add(st, room("1")), Remove(st, room("9").Ref))
		}, []string{"uw/room/1"}, nil},
		{"not a timetable", func(st *memStorage) error {
			return Add(st, Pin{Ref: Ref{Provider: "uw", Kind: "building", ID: "1"}})
		}, nil, errors.New("any")},
		{"too many", func(st *memStorage) error {
			for i := range MaxPins + 1 {
				if err := Add(st, room(fmt.Sprint(i))); err != nil {
					return err
				}
			}
			return nil
		}, nil, ErrTooManyPins},
		{"damaged entries skipped", func(st *memStorage) error {
			st.m[PinsKey] = `[{"provider":"uw","type":"room","id":"1"},{"provider":"","type":"room","id":"2"},` +
				`{"provider":"uw","type":"desk","id":"3"},{"provider":"uw","type":"room","id":"1"}]`
			return nil
		}, []string{"uw/room/1"}, nil},
		{"not JSON", func(st *memStorage) error { st.m[PinsKey] = `{`; return nil }, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newStorage()
			err := tc.ops(st)
			switch {
			case tc.wantErr == ErrTooManyPins:
				if !errors.Is(err, ErrTooManyPins) {
					t.Fatalf("error %v, want %v", err, ErrTooManyPins)
				}
				if n := len(Pins(st)); n != MaxPins {
					t.Errorf("%d pinned, want %d", n, MaxPins)
				}
				return
			case (err != nil) != (tc.wantErr != nil):
				t.Fatalf("error %v, want one: %v", err, tc.wantErr != nil)
			}
			if got := refs(Pins(st)); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("pins %v, want %v", got, tc.want)
			}
			for _, p := range Pins(st) {
				if !IsPinned(st, p.Ref) || p.Name == "" {
					t.Errorf("%+v: IsPinned false or no name", p)
				}
			}
		})
	}
}

func TestAddUpdatesNameAndReportsStorageErrors(t *testing.T) {
	st := newStorage()
	p := room("1")
	if err := Add(st, p); err != nil {
		t.Fatal(err)
	}
	p.Name = "Aula"
	if err := Add(st, p); err != nil {
		t.Fatal(err)
	}
	if got := Pins(st); len(got) != 1 || got[0].Name != "Aula" || got[0].Label() != "Aula, Main" {
		t.Errorf("pins %+v", got)
	}
	st.fail = errors.New("quota exceeded")
	if err := Add(st, room("2")); err == nil || !strings.Contains(err.Error(), "quota") {
		t.Errorf("Add with a full storage: %v", err)
	}
}

func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func ev(t *testing.T, id, start, end string, allDay bool) shared.Event {
	return shared.Event{ID: id, Title: id, Start: at(t, start), End: at(t, end), AllDay: allDay}
}

func eventIDs(es []shared.Event) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

func TestWeekEvents(t *testing.T) {
	monday := shared.Date{Year: 2026, Month: 11, Day: 30}
	events := []shared.Event{
		ev(t, "before", "2026-11-29T23:30:00+01:00", "2026-11-30T00:30:00+01:00", false),
		// 23:30 UTC on Sunday is Monday in Warsaw: its own offset counts.
		ev(t, "monday-local", "2026-11-30T00:30:00+01:00", "2026-11-30T01:30:00+01:00", false),
		ev(t, "sunday", "2026-12-06T22:00:00+01:00", "2026-12-06T23:00:00+01:00", false),
		ev(t, "next-monday", "2026-12-07T08:00:00+01:00", "2026-12-07T09:00:00+01:00", false),
		ev(t, "holiday-into", "2026-11-27T00:00:00+01:00", "2026-12-01T00:00:00+01:00", true),
		ev(t, "holiday-ends-before", "2026-11-27T00:00:00+01:00", "2026-11-30T00:00:00+01:00", true),
		ev(t, "holiday-out", "2026-12-06T00:00:00+01:00", "2026-12-09T00:00:00+01:00", true),
		ev(t, "all-day-no-end", "2026-12-02T00:00:00+01:00", "2026-12-02T00:00:00+01:00", true),
	}
	want := []string{"monday-local", "sunday", "holiday-into", "holiday-out", "all-day-no-end"}
	if got := eventIDs(WeekEvents(events, monday)); !reflect.DeepEqual(got, want) {
		t.Errorf("week of %s: %v, want %v", monday, got, want)
	}
}

func TestSaveAndLoadWeeks(t *testing.T) {
	today := shared.Date{Year: 2026, Month: 12, Day: 2} // a Wednesday
	monday := today.Monday()
	fetched := at(t, "2026-12-02T10:00:00Z")
	events := []shared.Event{
		ev(t, "a", "2026-12-01T10:00:00+01:00", "2026-12-01T11:30:00+01:00", false),
		ev(t, "b", "2026-12-08T10:00:00+01:00", "2026-12-08T11:30:00+01:00", false),
	}
	p := room("1")

	st := newStorage()
	if err := SaveWeeks(st, p.Ref, monday, monday.AddDays(13), fetched, events, today); err != nil {
		t.Fatal(err)
	}
	if _, ok := LoadWeek(st, p.Ref, monday); ok || len(st.m) != 0 {
		t.Fatalf("a timetable not pinned was cached: %v", st.m)
	}

	if err := Add(st, p); err != nil {
		t.Fatal(err)
	}
	if err := SaveWeeks(st, p.Ref, monday, monday.AddDays(20), fetched, events, today); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		monday shared.Date
		ok     bool
		want   []string
	}{
		{monday, true, []string{"a"}},
		{monday.AddDays(7), true, []string{"b"}},
		{monday.AddDays(14), true, []string{}}, // read, no classes: not the same as not cached
		{monday.AddDays(21), false, nil},
		{monday.AddDays(-7), false, nil},
	} {
		w, ok := LoadWeek(st, p.Ref, tc.monday)
		if ok != tc.ok {
			t.Errorf("week of %s cached: %v, want %v", tc.monday, ok, tc.ok)
			continue
		}
		if ok && (!reflect.DeepEqual(eventIDs(w.Events), tc.want) || !w.FetchedAt.Equal(fetched)) {
			t.Errorf("week of %s: %v at %v, want %v at %v", tc.monday, eventIDs(w.Events), w.FetchedAt, tc.want, fetched)
		}
	}

	// A later read of one week replaces that week only.
	later := fetched.Add(time.Hour)
	if err := SaveWeeks(st, p.Ref, monday, monday.AddDays(6), later, nil, today); err != nil {
		t.Fatal(err)
	}
	if w, _ := LoadWeek(st, p.Ref, monday); len(w.Events) != 0 || !w.FetchedAt.Equal(later) {
		t.Errorf("re-read week: %+v", w)
	}
	if w, _ := LoadWeek(st, p.Ref, monday.AddDays(7)); len(w.Events) != 1 || !w.FetchedAt.Equal(fetched) {
		t.Errorf("next week changed: %+v", w)
	}

	// Unpinning deletes the weeks.
	if err := Remove(st, p.Ref); err != nil {
		t.Fatal(err)
	}
	if _, ok := st.m[weeksKey(p.Ref)]; ok {
		t.Error("weeks kept after unpinning")
	}
	if err := Add(st, p); err != nil {
		t.Fatal(err)
	}
	if _, ok := LoadWeek(st, p.Ref, monday.AddDays(7)); ok {
		t.Error("a week came back after unpinning and pinning again")
	}
}

func TestPruneWeeks(t *testing.T) {
	today := shared.Date{Year: 2026, Month: 12, Day: 2}
	monday := today.Monday()
	var mondays []shared.Date
	for i := -3; i < KeepWeeks+3; i++ {
		mondays = append(mondays, monday.AddDays(7*i))
	}
	st := newStorage()
	p := room("1")
	if err := Add(st, p); err != nil {
		t.Fatal(err)
	}
	// Saved in a scrambled order, one week at a time.
	for _, i := range []int{5, 0, 9, 3, 1, 12, 7, 2, 4, 10, 6, 8, 11, 13} {
		if err := SaveWeeks(st, p.Ref, mondays[i], mondays[i].AddDays(6), time.Now(), nil, today); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, w := range load(st, p.Ref).Weeks {
		got = append(got, w.Monday.String())
	}
	var want []string
	for i := range KeepWeeks {
		want = append(want, monday.AddDays(7*(i-1)).String()) // last week first
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("weeks kept %v, want %v", got, want)
	}
}

func TestStoredWeeksOfAnotherTimetableIgnored(t *testing.T) {
	st := newStorage()
	a, b := room("1"), room("2")
	for _, p := range []Pin{a, b} {
		if err := Add(st, p); err != nil {
			t.Fatal(err)
		}
	}
	today := shared.Date{Year: 2026, Month: 12, Day: 2}
	if err := SaveWeeks(st, a.Ref, today.Monday(), today.Monday().AddDays(6), time.Now(), nil, today); err != nil {
		t.Fatal(err)
	}
	st.m[weeksKey(b.Ref)] = st.m[weeksKey(a.Ref)] // a copy under the wrong key
	if _, ok := LoadWeek(st, b.Ref, today.Monday()); ok {
		t.Error("another timetable's weeks were shown")
	}
	if weeksKey(Ref{"a/b", "room", "c"}) == weeksKey(Ref{"a", "room", "b/c"}) {
		t.Error("keys collide")
	}
}
