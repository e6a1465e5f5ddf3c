package timetable

import (
	"context"
	"testing"
	"time"

	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/change"
)

func class(id, title, room string, start time.Time) shared.Event {
	return shared.Event{ID: id, Title: title, CourseID: title, Kind: "Lecture", Room: room,
		Start: start, End: start.Add(90 * time.Minute), Category: shared.CategoryClass}
}

func TestApplyMarksChanges(t *testing.T) {
	mon := date(2026, 11, 23)
	from, to := mon, mon.AddDays(6)
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	a := class("a", "Analysis", "2180", at)
	b := class("b", "Botany", "101", at.Add(24*time.Hour))
	c := class("c", "Chemistry", "7", at.Add(48*time.Hour))
	moved := a
	moved.Start, moved.End = a.Start.Add(time.Hour), a.End.Add(time.Hour)
	rehoused := b
	rehoused.Room = "3180"
	added := class("d", "Drawing", "1", at.Add(72*time.Hour))

	for _, tc := range []struct {
		name        string
		synced      bool // the range was synced before with a, b, c
		fresh       []shared.Event
		wantEvents  string
		wantMarks   map[string]change.What
		wantCancel  string
		wantTotal   int
		unconfirmed bool
	}{
		{name: "first sync marks nothing", fresh: []shared.Event{a, b}, wantEvents: "a,b"},
		{name: "no change", synced: true, fresh: []shared.Event{a, b, c}, wantEvents: "a,b,c"},
		{
			name: "moved, rehoused, cancelled, added", synced: true,
			fresh:      []shared.Event{moved, rehoused, added},
			wantEvents: "a,b,d",
			wantMarks:  map[string]change.What{"a": change.Moved, "b": change.Room, "d": change.Added},
			wantCancel: "c", wantTotal: 4,
		},
		{
			name: "an empty answer keeps the cached classes", synced: true,
			wantEvents: "a,b,c", unconfirmed: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cache := NewCache(Account{Provider: "uw", UserID: "anna"})
			if tc.synced {
				cache.Apply(from, to, at, []shared.Event{a, b, c})
			}
			res := cache.Apply(from, to, at.Add(time.Hour), tc.fresh)
			if res.Unconfirmed != tc.unconfirmed || res.Summary().Total != tc.wantTotal {
				t.Errorf("Unconfirmed %v, %d changes; want %v, %d", res.Unconfirmed, res.Summary().Total, tc.unconfirmed, tc.wantTotal)
			}
			s := cache.Shown()
			if got := ids(s.Events); got != tc.wantEvents {
				t.Errorf("events %v, want %v", got, tc.wantEvents)
			}
			if got := ids(s.Cancelled); got != tc.wantCancel {
				t.Errorf("cancelled %v, want %v", got, tc.wantCancel)
			}
			if len(s.Marks) != len(tc.wantMarks) {
				t.Errorf("marks %v, want %v", s.Marks, tc.wantMarks)
			}
			for id, w := range tc.wantMarks {
				if s.Marks[id].What != w {
					t.Errorf("mark of %s: %v, want %v", id, s.Marks[id].What, w)
				}
			}
			if m, ok := s.Marks["a"]; ok && !m.WasStart.Equal(a.Start) {
				t.Errorf("moved from %v, want %v", m.WasStart, a.Start)
			}
			if m, ok := s.Marks["b"]; ok && m.WasRoom != "2180" && m.WasRoom != "101" {
				t.Errorf("room was %q", m.WasRoom)
			}
		})
	}
}

// TestEmptyWeekKeepsItsClasses: universities answer a week per call, so
// the guard against an empty answer by mistake works week by week.
func TestEmptyWeekKeepsItsClasses(t *testing.T) {
	mon := date(2026, 11, 23)
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	a := class("a", "Analysis", "1", at)
	b := class("b", "Botany", "2", at.Add(24*time.Hour))
	c := class("c", "Chemistry", "3", at.Add(7*24*time.Hour)) // the next week
	c2 := c
	c2.Room = "4"
	from, to := mon, mon.AddDays(13)
	for _, tc := range []struct {
		name        string
		fresh       []shared.Event
		want        string
		total       int
		unconfirmed bool
	}{
		{"one week empty: kept, unconfirmed, the other week's change marked", []shared.Event{c2}, "a,b,c", 1, true},
		{"a week losing one class: cancelled", []shared.Event{a, c}, "a,c", 1, false},
		{"the whole range empty: kept", nil, "a,b,c", 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cache := NewCache(Account{Provider: "uw", UserID: "anna"})
			cache.Apply(from, to, at, []shared.Event{a, b, c})
			res := cache.Apply(from, to, at, tc.fresh)
			if got := ids(cache.Events); got != tc.want {
				t.Errorf("events %s, want %s", got, tc.want)
			}
			if res.Summary().Total != tc.total || res.Unconfirmed != tc.unconfirmed {
				t.Errorf("%d changes, unconfirmed %v; want %d, %v", res.Summary().Total, res.Unconfirmed, tc.total, tc.unconfirmed)
			}
		})
	}
}

func TestMarksLastUntilSeenAndSynced(t *testing.T) {
	mon := date(2026, 11, 23)
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	a := class("a", "Analysis", "2180", at)
	b := class("b", "Botany", "101", at.Add(24*time.Hour))
	cache := NewCache(Account{Provider: "uw", UserID: "anna"})
	cache.Apply(mon, mon.AddDays(6), at, []shared.Event{a, b})
	a2, b2 := a, b
	a2.Room, b2.Room = "1", "2"
	cache.Apply(mon, mon.AddDays(6), at, []shared.Event{a2, b2})

	snapshot := *cache
	if !cache.see([]shared.Date{mon}) {
		t.Fatal("seeing Monday changed nothing")
	}
	if cache.see([]shared.Date{mon}) {
		t.Error("seeing Monday twice changed something")
	}
	if snapshot.Marks[0].Seen || snapshot.Marks[1].Seen {
		t.Error("see changed a snapshot")
	}
	// The next sync drops Monday's mark, seen, and keeps Tuesday's.
	cache.Apply(mon, mon.AddDays(6), at, []shared.Event{a2, b2})
	s := cache.Shown()
	if _, ok := s.Marks["a"]; ok {
		t.Error("a seen mark outlived the next sync")
	}
	if _, ok := s.Marks["b"]; !ok {
		t.Error("an unseen mark went at the next sync")
	}
	// A sync of another range keeps even seen marks.
	cache.see([]shared.Date{mon.AddDays(1)})
	cache.Apply(mon.AddDays(7), mon.AddDays(13), at, nil)
	if _, ok := cache.Shown().Marks["b"]; !ok {
		t.Error("a sync of another week dropped a mark")
	}
}

func TestHiddenClasses(t *testing.T) {
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	lecture := class("a", "Analysis", "1", at)
	lab := lecture
	lab.ID, lab.Kind, lab.Group = "b", "Lab", "2"
	cache := NewCache(Account{Provider: "uw", UserID: "anna"})
	mon := date(2026, 11, 23)
	cache.Apply(mon, mon.AddDays(6), at, []shared.Event{lecture, lab})
	gone := lab
	gone.ID = "c"
	cache.Apply(mon, mon.AddDays(6), at, []shared.Event{lecture}) // lab cancelled

	h := shared.HideOf(lab, true)
	if !cache.hide(h) || cache.hide(h) {
		t.Fatal("hide: want a change once")
	}
	s := cache.Shown()
	if got := ids(s.Events); got != "a" || len(s.Cancelled) != 0 {
		t.Errorf("with the lab hidden: events %v, cancelled %v", got, ids(s.Cancelled))
	}
	if p := cache.pruned(mon); len(p.Hidden) != 1 {
		t.Errorf("the stored cache forgets what is hidden: %v", p.Hidden)
	}
	if !cache.unhide(h) || cache.unhide(h) {
		t.Fatal("unhide: want a change once")
	}
	if s := cache.Shown(); len(s.Cancelled) != 1 {
		t.Errorf("unhidden, the cancelled lab is not shown: %v", ids(s.Cancelled))
	}
}

func TestModelCountsChangesAndHides(t *testing.T) {
	api := &fakeAPI{student: anna}
	st := newStore()
	h := newHarness(t, api, st, true)
	v := h.start()
	if v.Changes.Total != 0 || v.Unconfirmed {
		t.Fatalf("first sync: %+v, unconfirmed %v", v.Changes, v.Unconfirmed)
	}
	ev := v.Cache.Shown().Events
	if len(ev) == 0 {
		t.Fatal("nothing synced")
	}
	h.m.Hide(shared.HideOf(ev[0], false))
	if got := StoredHidden(st); len(got) != 1 || got[0] != shared.HideOf(ev[0], false) {
		t.Errorf("hidden classes stored: %v", got)
	}
	if v := h.m.View(); len(v.Cache.Shown().Events) >= len(ev) {
		t.Error("a hidden class is still shown")
	}

	// The university answers nothing at all: the classes stay, unconfirmed.
	api.mu.Lock()
	api.timetable = func(ctx context.Context, r DateRange) (shared.Timetable, error) {
		return shared.Timetable{Provider: "uw", FetchedAt: now}, nil
	}
	api.mu.Unlock()
	h.m.Retry()
	h.m.wg.Wait()
	v = h.m.View()
	if !v.Unconfirmed || v.Changes.Total != 0 || len(v.Cache.Events) != len(ev) {
		t.Errorf("after an empty answer: unconfirmed %v, %d changes, %d of %d classes", v.Unconfirmed, v.Changes.Total, len(v.Cache.Events), len(ev))
	}
}
