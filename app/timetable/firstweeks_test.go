package timetable

import (
	"slices"
	"sync"
	"testing"

	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/change"
)

// cachedTerm stores s as the account of this device with a whole sync
// window of classes cached, one a week.
func cachedTerm(t *testing.T, st *store, s shared.Session) {
	t.Helper()
	if err := RecordSignIn(st, s); err != nil {
		t.Fatal(err)
	}
	a, _ := AccountOf(s)
	c := NewCache(a)
	for _, r := range SyncSlices(DateOf(now)) {
		c.Merge(r.From, r.To, now, answer(s, r).Events)
	}
	if err := saveTimetable(st, c, DateOf(now)); err != nil {
		t.Fatal(err)
	}
}

// laterQueue is a Config.Later that runs nothing until told.
type laterQueue struct {
	mu  sync.Mutex
	fns []func()
}

func (q *laterQueue) later(fn func()) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.fns = append(q.fns, fn)
}

func (q *laterQueue) run() {
	q.mu.Lock()
	fns := q.fns
	q.fns = nil
	q.mu.Unlock()
	for _, fn := range fns {
		fn()
	}
}

// newLaterHarness is newHarness, offline, with Later queued in q.
func newLaterHarness(t *testing.T, st *store, q *laterQueue) *harness {
	api := &fakeAPI{student: anna}
	api.session = func() (shared.Session, error) { return shared.Session{}, errUnreachable }
	h := newHarness(t, api, st, false)
	h.m.cfg.Later = q.later
	return h
}

const termWeeks = syncWeeksBack + 1 + syncWeeksAhead

// The cached week paints from the first weeks alone; the whole term
// follows once that has painted.
func TestFirstWeeksPaintFirst(t *testing.T) {
	st := newStore()
	cachedTerm(t, st, anna)
	q := &laterQueue{}
	h := newLaterHarness(t, st, q)

	v := h.start()
	if !shows(v, "anna") {
		t.Fatal("the cached week is not shown at start")
	}
	if got, want := len(v.Cache.Events), 1+1+firstWeeksAhead; got != want {
		t.Errorf("at start %d weeks are read, want the first %d", got, want)
	}
	if len(q.fns) != 1 {
		t.Fatalf("%d reads of the rest scheduled", len(q.fns))
	}
	if api := h.api.called("session"); len(api) != 0 {
		t.Errorf("the session asked before the first paint: %v", api)
	}
	q.run()
	h.m.wg.Wait()
	if got := len(h.m.View().Cache.Events); got != termWeeks {
		t.Errorf("after the first paint %d weeks, want the term's %d", got, termWeeks)
	}
	if api := h.api.called("session"); len(api) != 1 {
		t.Errorf("the session asked %d times after the first paint, want once", len(api))
	}
}

// Nothing saves a cache holding only its first weeks: an edit before the
// rest is read reads it first.
func TestFirstWeeksNeverSavedAlone(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(m *Model)
	}{
		{"hide", func(m *Model) { m.Hide(shared.Hide{Course: "anna"}) }},
		{"see a change", func(m *Model) { m.Seen(DateOf(now)) }},
		{"another week", func(m *Model) { m.Show(DateOf(now).Monday().AddDays(7 * 6)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newStore()
			cachedTerm(t, st, anna)
			a, _ := AccountOf(anna)
			c := loadTimetable(st, a)
			c.Marks = []Mark{{Change: change.Change{What: change.Added, Event: c.WeekEvents(DateOf(now).Monday())[0]}}}
			if err := saveTimetable(st, c, DateOf(now)); err != nil {
				t.Fatal(err)
			}
			h := newLaterHarness(t, st, &laterQueue{})
			h.start()
			tc.edit(h.m)
			h.m.wg.Wait()
			if got := len(loadTimetable(st, a).Events); got != termWeeks {
				t.Errorf("%d weeks stored, want %d", got, termWeeks)
			}
			if got := len(h.m.View().Cache.Events); got != termWeeks {
				t.Errorf("%d weeks shown, want %d", got, termWeeks)
			}
			for _, err := range h.logs {
				t.Errorf("logged %v", err)
			}
			if api := h.api.called("timetable"); len(api) != 0 {
				t.Errorf("fetched %v for a cached week", api)
			}
		})
	}
}

// First weeks that do not hold the week shown (the app opened a while
// after the last save) are not used: the whole cache is read at start.
func TestFirstWeeksOfAnotherWeek(t *testing.T) {
	st := newStore()
	cachedTerm(t, st, anna)
	q := &laterQueue{}
	h := newLaterHarness(t, st, q)
	h.m.Show(DateOf(now).Monday().AddDays(7 * 5))
	h.m.wg.Wait()
	if v := h.m.View(); !shows(v, "anna") || len(v.Cache.Events) != termWeeks || len(q.fns) != 0 {
		t.Errorf("%d weeks read, %d reads later", len(v.Cache.Events), len(q.fns))
	}
}

// The first weeks are stored and deleted with the whole cache; when they
// cannot be stored, none older stay behind.
func TestFirstWeeksStorage(t *testing.T) {
	st := newStore()
	cachedTerm(t, st, anna)
	a, _ := AccountOf(anna)
	first, ok := loadFirstWeeks(st, a, DateOf(now).Monday())
	if !ok || !first.partial || len(first.Events) != 1+1+firstWeeksAhead {
		t.Fatalf("first weeks stored: %v, %+v", ok, first)
	}
	if _, ok := loadFirstWeeks(st, Account{Provider: "uw", UserID: "jan"}, DateOf(now).Monday()); ok {
		t.Error("another student's first weeks")
	}
	if err := saveTimetable(st, first, DateOf(now)); err == nil {
		t.Error("a partial cache saved")
	}

	st.failSet = func(k string) bool { return k == firstWeeksKey(a) }
	if err := saveTimetable(st, loadTimetable(st, a), DateOf(now)); err == nil {
		t.Error("no error when the first weeks cannot be saved")
	}
	if _, ok := loadFirstWeeks(st, a, DateOf(now).Monday()); ok {
		t.Error("first weeks older than the whole cache kept")
	}
	st.failSet = nil

	cachedTerm(t, st, anna)
	forgetAll(st)
	var left []string
	st.ForEach(func(k string) { left = append(left, k) })
	if slices.ContainsFunc(left, func(k string) bool { return k == firstWeeksKey(a) || k == timetableKey(a) }) {
		t.Errorf("after signing out: %v", left)
	}
}
