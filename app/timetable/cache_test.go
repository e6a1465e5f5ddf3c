package timetable

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/shared"
)

func TestTimetableKey(t *testing.T) {
	a := Account{Provider: "demo-usos", UserID: "123456"}
	if got := timetableKey(a); got != "campusweek/v1/timetable/demo-usos/123456" {
		t.Errorf("key = %q", got)
	}
	// IDs with a slash cannot make another pair's key.
	x := timetableKey(Account{Provider: "a/b", UserID: "c"})
	y := timetableKey(Account{Provider: "a", UserID: "b/c"})
	if x == y || !strings.HasPrefix(x, timetableKeyPrefix) || !strings.HasPrefix(y, timetableKeyPrefix) {
		t.Errorf("keys %q and %q", x, y)
	}
}

func TestAccountOf(t *testing.T) {
	a, ok := AccountOf(shared.Session{SignedIn: true, Provider: "uw", User: &shared.User{ID: "7", Name: "Ada"}})
	if !ok || a != (Account{Provider: "uw", UserID: "7", Name: "Ada"}) {
		t.Errorf("accountOf = %+v %v", a, ok)
	}
	for _, s := range []shared.Session{
		{},
		{SignedIn: true, Provider: "uw"},
		{SignedIn: true, Provider: "uw", User: &shared.User{Name: "no id"}},
		{SignedIn: false, Provider: "uw", User: &shared.User{ID: "7"}},
	} {
		if _, ok := AccountOf(s); ok {
			t.Errorf("AccountOf(%+v) ok", s)
		}
	}
	if !a.Same(Account{Provider: "uw", UserID: "7", Name: "Other name"}) || a.Same(Account{Provider: "tud", UserID: "7"}) {
		t.Error("same")
	}
}

func ev(t *testing.T, id, start string) shared.Event {
	t.Helper()
	s := mustTime(t, start)
	return shared.Event{ID: id, Title: id, Start: s, End: s.Add(90 * time.Minute)}
}

func ids(es []shared.Event) string {
	var s []string
	for _, e := range es {
		s = append(s, e.ID)
	}
	return strings.Join(s, ",")
}

func TestMergeReplacesTheSyncedRange(t *testing.T) {
	a := Account{Provider: "uw", UserID: "1"}
	c := NewCache(a)
	t1 := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	mon := date(2026, 11, 23)
	c.Merge(mon, mon.AddDays(13), t1, []shared.Event{
		ev(t, "w1-mon", "2026-11-23T10:00:00+01:00"),
		ev(t, "w1-fri", "2026-11-27T10:00:00+01:00"),
		ev(t, "w2-tue", "2026-12-01T10:00:00+01:00"),
	})
	// A later sync of the second week only: a class was cancelled, another
	// added; the first week stays as it was.
	t2 := t1.Add(time.Hour)
	c.Merge(mon.AddDays(7), mon.AddDays(13), t2, []shared.Event{
		ev(t, "w2-wed", "2026-12-02T10:00:00+01:00"),
	})
	if got := ids(c.Events); got != "w1-mon,w1-fri,w2-wed" {
		t.Errorf("events = %s", got)
	}
	if len(c.Ranges) != 2 || c.Ranges[0].To != mon.AddDays(6) || !c.Ranges[1].At.Equal(t2) {
		t.Errorf("ranges = %+v", c.Ranges)
	}
	// The same event (by ID) moved to another range is not duplicated.
	c.Merge(mon.AddDays(14), mon.AddDays(20), t2, []shared.Event{ev(t, "w1-mon", "2026-12-07T10:00:00+01:00")})
	if got := ids(c.Events); got != "w1-fri,w2-wed,w1-mon" {
		t.Errorf("events after a move = %s", got)
	}
}

func TestAddRange(t *testing.T) {
	t1 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	t2 := t1.Add(time.Hour)
	d := func(day int) shared.Date { return date(2026, 3, day) }
	rs := addRange(nil, syncedRange{From: d(1), To: d(28), At: t1})
	// A newer slice in the middle splits the older one.
	rs = addRange(rs, syncedRange{From: d(10), To: d(16), At: t2})
	if len(rs) != 3 || rs[0].To != d(9) || rs[1].From != d(10) || !rs[1].At.Equal(t2) || rs[2].From != d(17) || rs[2].To != d(28) {
		t.Fatalf("split = %+v", rs)
	}
	// Adjacent ranges of the same sync join up.
	rs = addRange(nil, syncedRange{From: d(1), To: d(7), At: t1})
	rs = addRange(rs, syncedRange{From: d(8), To: d(14), At: t1})
	if len(rs) != 1 || rs[0].From != d(1) || rs[0].To != d(14) {
		t.Fatalf("join = %+v", rs)
	}
	// A range covering everything replaces everything.
	rs = addRange(rs, syncedRange{From: date(2026, 2, 1), To: date(2026, 4, 1), At: t2})
	if len(rs) != 1 || !rs[0].At.Equal(t2) {
		t.Fatalf("cover = %+v", rs)
	}
}

func TestWhichWeeksAreCovered(t *testing.T) {
	a := Account{Provider: "uw", UserID: "1"}
	c := NewCache(a)
	mon := date(2026, 11, 23)
	old := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	fresh := old.Add(24 * time.Hour)
	c.Merge(mon, mon.AddDays(6), fresh, nil)
	c.Merge(mon.AddDays(7), mon.AddDays(9), old, nil) // half of the next week
	c.Merge(mon.AddDays(10), mon.AddDays(13), fresh, nil)
	c.Merge(mon.AddDays(21), mon.AddDays(27), fresh, nil) // a gap of a week before

	if at, ok := c.WeekSynced(mon); !ok || !at.Equal(fresh) {
		t.Errorf("this week: %v %v", at, ok)
	}
	// Covered by two ranges: the older time counts.
	if at, ok := c.WeekSynced(mon.AddDays(7)); !ok || !at.Equal(old) {
		t.Errorf("next week: %v %v", at, ok)
	}
	if _, ok := c.WeekSynced(mon.AddDays(14)); ok {
		t.Error("a never synced week is covered")
	}
	if _, ok := c.WeekSynced(mon.AddDays(-7)); ok {
		t.Error("last week is covered")
	}
	if _, ok := c.WeekSynced(mon.AddDays(21)); !ok {
		t.Error("the week after the gap is not covered")
	}
	if _, ok := (*Cache)(nil).WeekSynced(mon); ok {
		t.Error("nil cache covers")
	}
	if got := c.LastSynced(); !got.Equal(fresh) {
		t.Errorf("lastSynced = %v", got)
	}
	// An empty synced week is different from a week never synced.
	if _, ok := c.WeekSynced(mon); !ok || len(c.WeekEvents(mon)) != 0 {
		t.Error("empty synced week")
	}
}

func TestWeekEvents(t *testing.T) {
	c := NewCache(Account{Provider: "uw", UserID: "1"})
	mon := date(2026, 11, 23)
	long := shared.Event{ID: "fair", AllDay: true,
		Start: mustTime(t, "2026-11-20T00:00:00+01:00"), End: mustTime(t, "2026-11-24T00:00:00+01:00")}
	endsMonday := shared.Event{ID: "ends", AllDay: true,
		Start: mustTime(t, "2026-11-21T00:00:00+01:00"), End: mustTime(t, "2026-11-23T00:00:00+01:00")}
	c.Merge(mon.AddDays(-7), mon.AddDays(13), time.Now(), []shared.Event{
		long, endsMonday,
		ev(t, "prev", "2026-11-22T23:00:00+01:00"),
		ev(t, "this", "2026-11-23T08:00:00+01:00"),
		ev(t, "sun", "2026-11-29T23:30:00+01:00"),
		ev(t, "next", "2026-11-30T08:00:00+01:00"),
	})
	if got := ids(c.WeekEvents(mon)); got != "fair,this,sun" {
		t.Errorf("week events = %s", got)
	}
}

func TestPruned(t *testing.T) {
	a := Account{Provider: "uw", UserID: "1"}
	c := NewCache(a)
	today := date(2026, 11, 25)
	mon := today.Monday()
	at := time.Now()
	c.Merge(mon.AddDays(-7*20), mon.AddDays(7*40), at, []shared.Event{
		ev(t, "ancient", "2026-05-04T10:00:00+02:00"),
		ev(t, "now", "2026-11-25T10:00:00+01:00"),
		ev(t, "far", "2027-08-02T10:00:00+02:00"),
	})
	p := c.pruned(today)
	if got := ids(p.Events); got != "now" {
		t.Errorf("pruned events = %s", got)
	}
	if len(p.Ranges) != 1 || p.Ranges[0].From != mon.AddDays(-7*keepWeeksBack) || p.Ranges[0].To != mon.AddDays(7*(keepWeeksAhead+1)-1) {
		t.Errorf("pruned ranges = %+v", p.Ranges)
	}
	if len(c.Events) != 3 {
		t.Error("pruned changed the original")
	}
}

func TestSyncSlices(t *testing.T) {
	today := date(2026, 11, 25)
	slices := SyncSlices(today)
	if len(slices) != 5 {
		t.Fatalf("%d slices: %+v", len(slices), slices)
	}
	mon := today.Monday()
	if slices[0].From != mon.AddDays(-7) || slices[len(slices)-1].To != mon.AddDays(7*17-1) {
		t.Errorf("window %v..%v", slices[0].From, slices[len(slices)-1].To)
	}
	// This week and next come with the first answer.
	if slices[0].To.Before(mon.AddDays(13)) {
		t.Errorf("first slice %+v lacks next week", slices[0])
	}
	for i, s := range slices {
		if s.From.Weekday() != time.Monday || s.To.Weekday() != time.Sunday {
			t.Errorf("slice %d %+v is not whole weeks", i, s)
		}
		if n := s.From.DaysUntil(s.To) + 1; n > 7*syncSliceWeeks || n > 190 {
			t.Errorf("slice %d is %d days", i, n)
		}
		if i > 0 && slices[i-1].To.AddDays(1) != s.From {
			t.Errorf("gap or overlap before slice %d", i)
		}
	}
	// At least 8 weeks ahead and 1 back, for any day of the week.
	for d := 0; d < 7; d++ {
		s := SyncSlices(mon.AddDays(d))
		if s[0].From.After(mon.AddDays(-7)) || s[len(s)-1].To.Before(mon.AddDays(7*9-1)) {
			t.Errorf("window of %v too small", mon.AddDays(d))
		}
	}
}

func TestSlicesToSync(t *testing.T) {
	today := date(2026, 11, 25)
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	c := NewCache(Account{Provider: "uw", UserID: "1"})
	if got := slicesToSync(c, today, now); len(got) != 5 {
		t.Errorf("first sync fetches %d slices, want all 5", len(got))
	}
	all := SyncSlices(today)
	for _, r := range all {
		c.Merge(r.From, r.To, now.Add(-time.Hour), nil)
	}
	// Synced an hour ago: only the first slice again.
	if got := slicesToSync(c, today, now); len(got) != 1 || got[0] != all[0] {
		t.Errorf("a recent sync refetches %+v", got)
	}
	// One slice went stale: it comes too.
	c.Merge(all[3].From, all[3].To, now.Add(-resyncAfter-time.Minute), nil)
	if got := slicesToSync(c, today, now); len(got) != 2 || got[1] != all[3] {
		t.Errorf("stale slice: %+v", got)
	}
	// A new week entered the window (next Monday): its slice is fetched.
	if got := slicesToSync(c, today.AddDays(7), now); len(got) < 2 {
		t.Errorf("a week new in the window is not fetched: %+v", got)
	}
}

// memStorage is an app.BrowserStorage in memory.
type memStorage map[string][]byte

func (m memStorage) Set(k string, v any) error {
	b, err := json.Marshal(v)
	if err == nil {
		m[k] = b
	}
	return err
}

func (m memStorage) Get(k string, v any) error {
	if b, ok := m[k]; ok {
		return json.Unmarshal(b, v)
	}
	return nil
}

func (m memStorage) Del(k string)           { delete(m, k) }
func (m memStorage) Len() int               { return len(m) }
func (m memStorage) Clear()                 { clear(m) }
func (m memStorage) Contains(k string) bool { _, ok := m[k]; return ok }
func (m memStorage) ForEach(f func(k string)) {
	for k := range m {
		f(k)
	}
}

func TestStorageKeepsOneStudent(t *testing.T) {
	st := memStorage{"unrelated": []byte(`1`)}
	today := date(2026, 11, 25)
	anna := Account{Provider: "demo-usos", UserID: "123456", Name: "Anna"}
	jan := Account{Provider: "demo-usos", UserID: "234567", Name: "Jan"}

	if _, ok := loadAccount(st); ok {
		t.Fatal("an account in empty storage")
	}
	if err := rememberAccount(st, anna); err != nil {
		t.Fatal(err)
	}
	c := NewCache(anna)
	c.Merge(today.Monday(), today.Monday().AddDays(6), time.Now(), []shared.Event{ev(t, "anna-1", "2026-11-25T10:00:00+01:00")})
	if err := saveTimetable(st, c, today); err != nil {
		t.Fatal(err)
	}
	if got, ok := loadAccount(st); !ok || got != anna {
		t.Fatalf("account = %+v", got)
	}
	if got := loadTimetable(st, anna); ids(got.Events) != "anna-1" {
		t.Fatalf("loaded %+v", got)
	}
	// Jan's key never holds Anna's classes, even if the storage is mixed up.
	st[timetableKey(jan)] = st[timetableKey(anna)]
	if got := loadTimetable(st, jan); len(got.Events) != 0 || !got.belongsTo(jan) {
		t.Errorf("Jan sees %+v", got)
	}

	// Jan signs in on the same browser: Anna's timetable is deleted.
	if err := rememberAccount(st, jan); err != nil {
		t.Fatal(err)
	}
	for k := range st {
		if strings.Contains(k, anna.UserID) || strings.Contains(string(st[k]), "anna-1") {
			t.Errorf("Anna's data left under %q", k)
		}
	}
	// A sync of Anna's still in flight does not write her data back.
	if err := saveTimetable(st, c, today); err != nil {
		t.Fatal(err)
	}
	if st.Contains(timetableKey(anna)) {
		t.Error("a stale sync saved the previous student's timetable")
	}

	// Signing out removes the account and every timetable, nothing else.
	if err := saveTimetable(st, NewCache(jan), today); err != nil {
		t.Fatal(err)
	}
	forgetAll(st)
	for k := range st {
		if strings.HasPrefix(k, storagePrefix) {
			t.Errorf("%q left after signing out", k)
		}
	}
	if !st.Contains("unrelated") {
		t.Error("signing out removed another app's data")
	}
}

// Nothing but the timetable and a display name is stored.
func TestStoredDataHasNoSecrets(t *testing.T) {
	st := memStorage{}
	a, _ := AccountOf(shared.Session{SignedIn: true, Provider: "uw", User: &shared.User{ID: "1", Name: "Ada"}, ExpiresAt: new(time.Now())})
	if err := rememberAccount(st, a); err != nil {
		t.Fatal(err)
	}
	for k, v := range st {
		for _, bad := range []string{"token", "secret", "expires", "cookie"} {
			if strings.Contains(strings.ToLower(string(v)), bad) {
				t.Errorf("%s holds %q: %s", k, bad, v)
			}
		}
	}
}
