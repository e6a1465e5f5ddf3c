package timetable

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/client"
)

// now is a Wednesday.
var now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

var (
	anna = shared.Session{SignedIn: true, Provider: "uw", User: &shared.User{ID: "anna", Name: "Anna"}}
	jan  = shared.Session{SignedIn: true, Provider: "uw", User: &shared.User{ID: "jan", Name: "Jan"}}

	errUnreachable = fmt.Errorf("%w: dial tcp: refused", client.ErrUnreachable)
	errSignedOut   = &shared.Error{Code: shared.CodeSignedOut}
	errUpstream    = &shared.Error{Code: shared.CodeUpstream}
)

// fakeAPI answers like the backend for one signed-in student, whose
// events are named after them. Its hooks, when set, answer instead.
type fakeAPI struct {
	mu       sync.Mutex
	student  shared.Session
	calls    []string
	inFlight int
	maxOver  int // most timetable requests in flight at once, after the first

	session   func() (shared.Session, error)
	timetable func(ctx context.Context, r DateRange) (shared.Timetable, error)
	logout    func() error
}

func (f *fakeAPI) record(call string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call)
}

func (f *fakeAPI) called(prefix string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		if strings.HasPrefix(c, prefix) {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeAPI) Session(ctx context.Context) (shared.Session, error) {
	f.record("session")
	if f.session != nil {
		return f.session()
	}
	return f.student, nil
}

func (f *fakeAPI) Providers(ctx context.Context) ([]shared.Provider, error) {
	return []shared.Provider{{ID: "uw", Name: "University", Kind: shared.KindUSOS}}, nil
}

func (f *fakeAPI) Timetable(ctx context.Context, from, to shared.Date) (shared.Timetable, error) {
	r := DateRange{From: from, To: to}
	f.record("timetable " + from.String() + ".." + to.String())
	f.mu.Lock()
	f.inFlight++
	f.maxOver = max(f.maxOver, f.inFlight)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.inFlight--
		f.mu.Unlock()
	}()
	if f.timetable != nil {
		return f.timetable(ctx, r)
	}
	return answer(f.student, r), nil
}

func (f *fakeAPI) Logout(ctx context.Context) error {
	f.record("logout")
	if f.logout != nil {
		return f.logout()
	}
	return nil
}

// answer is s's timetable for r: a class on the Wednesday of every week.
func answer(s shared.Session, r DateRange) shared.Timetable {
	tt := shared.Timetable{Provider: s.Provider, FetchedAt: now}
	for d := r.From; !d.After(r.To); d = d.AddDays(7) {
		start := time.Date(d.Year, d.Month, d.Day+2, 10, 0, 0, 0, time.UTC)
		tt.Events = append(tt.Events, shared.Event{ID: s.User.ID + "-" + d.String(), Title: s.User.Name, Start: start, End: start.Add(time.Hour)})
	}
	return tt
}

// store is a Storage in memory, safe for the model's goroutines, that
// fails writes when told to.
type store struct {
	mu      sync.Mutex
	m       memStorage
	failSet func(k string) bool
	// beforeSet runs before a write lands: another tab acting between
	// this tab's check and its write.
	beforeSet func(k string)
}

func newStore() *store { return &store{m: memStorage{}} }

func (s *store) Get(k string, v any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m.Get(k, v)
}

func (s *store) Set(k string, v any) error {
	if s.beforeSet != nil {
		s.beforeSet(k)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failSet != nil && s.failSet(k) {
		return errors.New("QuotaExceededError")
	}
	return s.m.Set(k, v)
}

func (s *store) Del(k string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m.Del(k)
}

func (s *store) ForEach(f func(k string)) {
	s.mu.Lock()
	keys := make([]string, 0, len(s.m))
	for k := range s.m {
		keys = append(keys, k)
	}
	s.mu.Unlock()
	for _, k := range keys {
		f(k)
	}
}

// holds reports whether any stored value mentions s.
func (s *store) holds(str string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.m {
		if strings.Contains(k, str) || strings.Contains(string(v), str) {
			return true
		}
	}
	return false
}

// signedInBefore stores s as the account of this device, with their
// timetable of this week synced at.
func signedInBefore(t *testing.T, st *store, s shared.Session, at time.Time) {
	t.Helper()
	if err := RecordSignIn(st, s); err != nil {
		t.Fatal(err)
	}
	a, _ := AccountOf(s)
	c := NewCache(a)
	mon := DateOf(now).Monday()
	tt := answer(s, DateRange{From: mon, To: mon.AddDays(6)})
	c.Merge(mon, mon.AddDays(6), at, tt.Events)
	if err := saveTimetable(st, c, DateOf(now)); err != nil {
		t.Fatal(err)
	}
}

// DateOf is shared.DateOf, for brevity.
func DateOf(t time.Time) shared.Date { return shared.DateOf(t) }

type harness struct {
	t    *testing.T
	api  *fakeAPI
	st   *store
	m    *Model
	logs []error
	mu   sync.Mutex
}

func newHarness(t *testing.T, api *fakeAPI, st *store, online bool) *harness {
	h := &harness{t: t, api: api, st: st}
	h.m = New(Config{
		API: api, Storage: st, Clock: fixedClock{now},
		Online: func() bool { return online },
		Log: func(err error) {
			h.mu.Lock()
			h.logs = append(h.logs, err)
			h.mu.Unlock()
		},
	})
	t.Cleanup(func() { h.m.Close(); h.m.wg.Wait() })
	return h
}

// start shows this week and waits for every request to end.
func (h *harness) start() View {
	h.m.Show(DateOf(now).Monday())
	h.m.wg.Wait()
	return h.m.View()
}

// shows reports whether the view holds any event of student id.
func shows(v View, id string) bool {
	if v.Cache == nil {
		return false
	}
	for _, e := range v.Cache.Events {
		if strings.HasPrefix(e.ID, id+"-") {
			return true
		}
	}
	return false
}

// gate blocks timetable answers until opened, and tells when the first
// request is in flight.
type gate struct {
	first   chan struct{}
	open    chan struct{}
	once    sync.Once
	mu      sync.Mutex
	student shared.Session // whose session cookie the requests carry
}

func newGate(s shared.Session) *gate {
	return &gate{first: make(chan struct{}), open: make(chan struct{}), student: s}
}

func (g *gate) timetable(ctx context.Context, r DateRange) (shared.Timetable, error) {
	g.once.Do(func() { close(g.first) })
	<-g.open
	g.mu.Lock()
	defer g.mu.Unlock()
	return answer(g.student, r), nil
}

// The privacy rule: whatever order the events of another tab and the
// answers of this one's requests arrive in, this tab never shows, and the
// device never keeps, the timetable of a student who is not signed in.
func TestAnotherTabChangesTheAccountDuringASync(t *testing.T) {
	for _, tc := range []struct {
		name string
		// otherTab is what the other tab does to the shared storage.
		otherTab func(t *testing.T, st *store)
		// cookie is whose timetable the backend answers with afterwards.
		cookie shared.Session
		// eventFirst: this tab hears of it before its sync answers.
		eventFirst bool
		// duringSave: the other tab acts between this tab's check of the
		// account and its write of a slice.
		duringSave bool
		wantNext   Next
	}{
		{"signed out, event first", signOutThere, anna, true, false, ToSignIn},
		{"signed out, answer first", signOutThere, anna, false, false, ToSignIn},
		{"signed out during a save", signOutThere, anna, false, true, ToSignIn},
		{"another student signed in, event first", janSignsInThere, jan, true, false, Reload},
		{"another student signed in, answer first", janSignsInThere, jan, false, false, Reload},
		{"another student signed in during a save", janSignsInThere, jan, false, true, Reload},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newStore()
			signedInBefore(t, st, anna, now.Add(-time.Hour))
			g := newGate(anna)
			api := &fakeAPI{student: anna, timetable: g.timetable}
			h := newHarness(t, api, st, true)
			h.m.Show(DateOf(now).Monday())
			<-g.first // syncing
			if v := h.m.View(); !v.Syncing || v.Account == nil || v.Account.UserID != "anna" {
				t.Fatalf("not syncing Anna's timetable: %+v", v)
			}

			if tc.duringSave {
				var once sync.Once
				st.beforeSet = func(k string) {
					if strings.HasPrefix(k, timetableKeyPrefix) {
						once.Do(func() { tc.otherTab(t, st) })
					}
				}
			} else {
				tc.otherTab(t, st)
				g.mu.Lock()
				g.student = tc.cookie
				g.mu.Unlock()
			}
			if tc.eventFirst {
				h.m.AccountChanged()
				close(g.open)
			} else {
				close(g.open)
				h.m.wg.Wait() // the answers arrive before the event
				if v := h.m.View(); shows(v, "jan") {
					t.Error("Jan's classes shown under Anna's name")
				}
				h.m.AccountChanged()
			}
			h.m.wg.Wait()

			v := h.m.View()
			if v.Account != nil || shows(v, "anna") || v.Next != tc.wantNext {
				t.Errorf("view after the other tab: account %+v, shows Anna %v, next %v", v.Account, shows(v, "anna"), v.Next)
			}
			if st.holds("anna") || st.holds("jan-") {
				t.Errorf("data stored after the other tab's change: %v", st.m)
			}
			if got := api.called("session"); len(got) != 1 {
				t.Errorf("session checked %d times: a sign-out there must not be undone here", len(got))
			}
		})
	}
}

// The other tab acts while this tab's session check is on its way: its
// answer (the session as it was) must not make this tab remember the
// account again, which would undo the other tab's sign-out.
func TestAnotherTabChangesTheAccountDuringTheSessionCheck(t *testing.T) {
	for _, tc := range []struct {
		name       string
		otherTab   func(t *testing.T, st *store)
		eventFirst bool
		wantNext   Next
	}{
		{"signed out, event first", signOutThere, true, ToSignIn},
		{"signed out, answer first", signOutThere, false, ToSignIn},
		{"another student signed in, event first", janSignsInThere, true, Reload},
		{"another student signed in, answer first", janSignsInThere, false, Reload},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newStore()
			signedInBefore(t, st, anna, now.Add(-time.Hour))
			asked, answer := make(chan struct{}), make(chan struct{})
			api := &fakeAPI{student: anna}
			api.session = func() (shared.Session, error) { close(asked); <-answer; return anna, nil }
			h := newHarness(t, api, st, true)
			h.m.Show(DateOf(now).Monday())
			<-asked
			tc.otherTab(t, st)
			if tc.eventFirst {
				h.m.AccountChanged()
			}
			close(answer)
			h.m.wg.Wait()
			if !tc.eventFirst {
				h.m.AccountChanged()
			}
			v := h.m.View()
			if v.Account != nil || shows(v, "anna") || v.Next != tc.wantNext {
				t.Errorf("view: account %+v, shows Anna %v, next %v", v.Account, shows(v, "anna"), v.Next)
			}
			if a, ok := loadAccount(st); ok && a.UserID == "anna" {
				t.Error("Anna's account remembered again after the other tab's change")
			}
			if st.holds("anna") {
				t.Errorf("Anna's data stored after the other tab's change: %v", st.m)
			}
			if got := api.called("timetable"); len(got) != 0 {
				t.Errorf("synced %v for a session the other tab ended", got)
			}
		})
	}
}

// Another tab signs out and this tab never hears of it (a background tab
// may get no storage event): the backend's "signed out" answer, with the
// account gone from the device, ends this tab's timetable too, instead of
// showing it as an expired session.
func TestSignedOutThereWithoutAnEvent(t *testing.T) {
	for _, during := range []string{"session", "timetable"} {
		t.Run(during, func(t *testing.T) {
			st := newStore()
			signedInBefore(t, st, anna, now.Add(-time.Hour))
			api := &fakeAPI{student: anna}
			asked, answer := make(chan struct{}), make(chan struct{})
			wait := func() { close(asked); <-answer }
			if during == "session" {
				api.session = func() (shared.Session, error) { wait(); return shared.Session{}, errSignedOut }
			} else {
				var once sync.Once
				api.timetable = func(ctx context.Context, r DateRange) (shared.Timetable, error) {
					once.Do(wait)
					return shared.Timetable{}, errSignedOut
				}
			}
			h := newHarness(t, api, st, true)
			h.m.Show(DateOf(now).Monday())
			<-asked
			signOutThere(t, st)
			close(answer)
			h.m.wg.Wait()
			v := h.m.View()
			if v.Account != nil || shows(v, "anna") || v.Next != ToSignIn || v.Status == SignedOut {
				t.Errorf("view: account %+v, shows Anna %v, next %v, status %v", v.Account, shows(v, "anna"), v.Next, v.Status)
			}
			if st.holds("anna") {
				t.Errorf("Anna's data stored: %v", st.m)
			}
		})
	}
}

func signOutThere(t *testing.T, st *store) {
	forgetAll(st)
	if err := st.Set(signOutPendingKey, true); err != nil {
		t.Fatal(err)
	}
}

func janSignsInThere(t *testing.T, st *store) {
	if err := RecordSignIn(st, jan); err != nil {
		t.Fatal(err)
	}
}

// Another student signs in on the same device: the backend's session is
// Jan's while the device still holds Anna's timetable.
func TestAnotherStudentOnTheSameDevice(t *testing.T) {
	st := newStore()
	signedInBefore(t, st, anna, now.Add(-time.Hour))
	// The first render, before the backend answers, shows Anna's week:
	// the device's last student, whose session it still believes in.
	api := &fakeAPI{student: jan}
	answered := make(chan struct{})
	api.session = func() (shared.Session, error) { <-answered; return jan, nil }
	h := newHarness(t, api, st, true)
	h.m.Show(DateOf(now).Monday())
	if v := h.m.View(); !shows(v, "anna") {
		t.Errorf("the cached week is not shown at once")
	}
	close(answered)
	h.m.wg.Wait()
	v := h.m.View()
	if v.Account == nil || v.Account.UserID != "jan" || shows(v, "anna") || !shows(v, "jan") {
		t.Errorf("after Jan's session: account %+v, shows Anna %v, shows Jan %v", v.Account, shows(v, "anna"), shows(v, "jan"))
	}
	if st.holds("anna") {
		t.Error("Anna's timetable kept after Jan signed in")
	}
	if a, ok := loadAccount(st); !ok || a.UserID != "jan" {
		t.Errorf("stored account = %+v", a)
	}

	// RecordSignIn on the callback page does the same before the week
	// opens at all.
	st = newStore()
	signedInBefore(t, st, anna, now)
	if err := RecordSignIn(st, jan); err != nil || st.holds("anna") {
		t.Errorf("RecordSignIn(jan) = %v, Anna kept %v", err, st.holds("anna"))
	}
}

func TestOffline(t *testing.T) {
	weekAgo := now.Add(-7 * 24 * time.Hour)
	for _, tc := range []struct {
		name       string
		cached     bool
		wantShown  bool // Anna's cached week is visible
		wantErr    bool // a blocking error instead of a week
		wantOnline bool // after coming back online
	}{
		{"stale cache", true, true, false, true},
		{"nothing cached", false, false, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newStore()
			if tc.cached {
				signedInBefore(t, st, anna, weekAgo)
			}
			var online sync.Mutex
			reachable := false
			api := &fakeAPI{student: anna}
			api.session = func() (shared.Session, error) {
				online.Lock()
				defer online.Unlock()
				if !reachable {
					return shared.Session{}, errUnreachable
				}
				return anna, nil
			}
			h := newHarness(t, api, st, false)
			v := h.start()
			if !v.Offline || v.Status != Unconfirmed || shows(v, "anna") != tc.wantShown || (v.SessionErr != nil) != tc.wantErr {
				t.Errorf("offline: offline %v, status %v, shown %v, err %v", v.Offline, v.Status, shows(v, "anna"), v.SessionErr)
			}
			if tc.cached {
				if at, ok := v.Cache.WeekSynced(v.Week); !ok || !at.Equal(weekAgo) {
					t.Errorf("the stale week says synced %v, %v", at, ok)
				}
			}
			if got := api.called("timetable"); len(got) != 0 {
				t.Errorf("offline, it fetched %v", got)
			}

			online.Lock()
			reachable = true
			online.Unlock()
			h.m.BackOnline()
			h.m.wg.Wait()
			v = h.m.View()
			at, ok := v.Cache.WeekSynced(v.Week)
			if v.Offline || v.Status != SignedIn || v.SessionErr != nil || !ok || !at.Equal(now) {
				t.Errorf("back online: offline %v, status %v, err %v, synced %v %v", v.Offline, v.Status, v.SessionErr, at, ok)
			}
		})
	}
}

// One failing slice of a sync: what the others bring is kept, and the
// failure is said in the way its kind asks for.
func TestASliceFailsMidSync(t *testing.T) {
	for _, tc := range []struct {
		name          string
		err           error
		wantStatus    Status
		wantOffline   bool
		wantRefresh   bool
		wantFetched   int // slices requested
		wantLastSaved bool
	}{
		{"university error", errUpstream, SignedIn, false, true, 5, true},
		{"session ended", errSignedOut, SignedOut, false, false, 3, false},
		{"backend unreachable", errUnreachable, SignedIn, true, false, 3, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newStore()
			all := SyncSlices(DateOf(now))
			api := &fakeAPI{student: anna}
			failed := make(chan struct{})
			api.timetable = func(ctx context.Context, r DateRange) (shared.Timetable, error) {
				switch r {
				case all[0]:
					return answer(anna, r), nil
				case all[1]:
					defer close(failed)
					return shared.Timetable{}, tc.err
				}
				// The others answer after the failure, as they would
				// behind a slow university, unless the sync gave up.
				<-failed
				select {
				case <-ctx.Done():
					return shared.Timetable{}, ctx.Err()
				case <-time.After(20 * time.Millisecond):
					return answer(anna, r), nil
				}
			}
			h := newHarness(t, api, st, true)
			v := h.start()
			if v.Status != tc.wantStatus || v.Offline != tc.wantOffline || (v.RefreshErr != nil) != tc.wantRefresh || v.Syncing {
				t.Errorf("status %v, offline %v, refresh error %v, syncing %v", v.Status, v.Offline, v.RefreshErr, v.Syncing)
			}
			if _, ok := v.Cache.WeekSynced(v.Week); !ok || !shows(v, "anna") {
				t.Error("the first slice's weeks are lost")
			}
			if _, ok := v.Cache.WeekSynced(all[1].From); ok {
				t.Error("the failed slice counts as synced")
			}
			if got := api.called("timetable"); len(got) > tc.wantFetched {
				t.Errorf("%d slices fetched, want at most %d: %v", len(got), tc.wantFetched, got)
			}
			last := all[len(all)-1]
			if _, ok := loadTimetable(st, Account{Provider: "uw", UserID: "anna"}).WeekSynced(last.From); tc.wantLastSaved && !ok {
				t.Error("a slice after the university's failure was not saved")
			}
		})
	}
}

// A sync fetches the slice holding the weeks around today alone and
// first, then the rest of the term, a few at a time; a sync soon after
// fetches only that first slice again.
func TestSyncOrder(t *testing.T) {
	st := newStore()
	all := SyncSlices(DateOf(now))
	var mu sync.Mutex
	firstDone := false
	var early []DateRange // slices asked for before the first answered
	api := &fakeAPI{student: anna}
	api.timetable = func(ctx context.Context, r DateRange) (shared.Timetable, error) {
		mu.Lock()
		if r != all[0] && !firstDone {
			early = append(early, r)
		}
		mu.Unlock()
		time.Sleep(5 * time.Millisecond) // let the others pile up if they would
		if r == all[0] {
			mu.Lock()
			firstDone = true
			mu.Unlock()
		}
		return answer(anna, r), nil
	}
	h := newHarness(t, api, st, true)
	v := h.start()

	mon := DateOf(now).Monday()
	want := []string{
		"timetable " + mon.AddDays(-7).String() + ".." + mon.AddDays(20).String(), // last week to two weeks ahead
	}
	got := api.called("timetable")
	if len(got) != 5 || got[0] != want[0] {
		t.Fatalf("requests %v, want 5 starting with %s", got, want[0])
	}
	if len(early) != 0 {
		t.Errorf("%v asked for before the first slice answered", early)
	}
	if api.maxOver > SyncParallel {
		t.Errorf("%d requests in flight, want at most %d", api.maxOver, SyncParallel)
	}
	for _, r := range all {
		if _, ok := v.Cache.covered(r.From, r.To); !ok {
			t.Errorf("slice %v not synced", r)
		}
	}
	if v.SyncDone != 5 || v.SyncTotal != 5 {
		t.Errorf("progress %d/%d", v.SyncDone, v.SyncTotal)
	}

	// The app opened again an hour later (the clock is fixed: the
	// answers are "now"): only the first slice again.
	h2 := newHarness(t, &fakeAPI{student: anna}, st, true)
	h2.start()
	if got := h2.api.called("timetable"); len(got) != 1 || got[0] != want[0] {
		t.Errorf("a second sync fetches %v, want only %s", got, want[0])
	}
}

func TestStorageFailing(t *testing.T) {
	for _, tc := range []struct {
		name    string
		failSet func(k string) bool
	}{
		{"every write", func(string) bool { return true }},
		{"timetables only (quota)", func(k string) bool { return strings.HasPrefix(k, timetableKeyPrefix) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newStore()
			st.failSet = tc.failSet
			api := &fakeAPI{student: anna}
			h := newHarness(t, api, st, true)
			v := h.start()
			if v.Status != SignedIn || !shows(v, "anna") || v.RefreshErr != nil || v.Syncing {
				t.Errorf("storage failing: status %v, shown %v, error %v", v.Status, shows(v, "anna"), v.RefreshErr)
			}
			if _, ok := v.Cache.WeekSynced(v.Week); !ok {
				t.Error("the week is not shown online")
			}
			if st.holds("anna-") {
				t.Error("a timetable was stored")
			}
			if len(h.logs) == 0 {
				t.Error("the failure is not logged")
			}
			// Another week, outside the sync window, is fetched on demand.
			far := v.Week.AddDays(7 * 30)
			h.m.Show(far)
			h.m.wg.Wait()
			if _, ok := h.m.View().Cache.WeekSynced(far); !ok {
				t.Error("a week on demand is not shown")
			}
		})
	}
}

// A sign-out made offline stays pending: the next start ends the session
// before it asks for one, so it can never sign the student back in.
func TestSignOutOffline(t *testing.T) {
	st := newStore()
	signedInBefore(t, st, anna, now)
	reachable := false
	var mu sync.Mutex
	api := &fakeAPI{student: anna}
	answered := make(chan struct{})
	api.logout = func() error {
		<-answered
		mu.Lock()
		defer mu.Unlock()
		if !reachable {
			return errUnreachable
		}
		return nil
	}
	h := newHarness(t, api, st, true)
	h.start()
	h.m.SignOut()
	if v := h.m.View(); v.Account != nil || v.Cache != nil || !v.SigningOut {
		t.Errorf("signing out still shows %+v", v.Account)
	}
	close(answered)
	h.m.wg.Wait()
	v := h.m.View()
	if v.Account != nil || !errors.Is(v.SignOutErr, client.ErrUnreachable) || !v.Offline || v.Next != Stay {
		t.Errorf("offline sign-out: %+v", v)
	}
	if st.holds("anna") || !signOutPending(st) {
		t.Errorf("after signing out offline: pending %v, stored %v", signOutPending(st), st.m)
	}

	// The app starts again, still offline, then online.
	sessions := len(api.called("session"))
	h2 := newHarness(t, api, st, true)
	v = h2.start()
	if v.Account != nil || v.SignOutErr == nil || len(api.called("session")) != sessions {
		t.Errorf("restart with a pending sign-out: %+v, session asked %v", v, len(api.called("session")) != sessions)
	}
	mu.Lock()
	reachable = true
	mu.Unlock()
	h2.m.Retry()
	h2.m.wg.Wait()
	v = h2.m.View()
	if v.Next != ToSignIn || signOutPending(st) || len(api.called("session")) != sessions {
		t.Errorf("sign-out completed: next %v, pending %v", v.Next, signOutPending(st))
	}
}

func TestSessionEnded(t *testing.T) {
	for _, tc := range []struct {
		name     string
		cached   bool
		err      error
		wantNext Next
	}{
		{"cached, signed-out answer", true, nil, Stay},
		{"cached, signed-out error", true, errSignedOut, Stay},
		{"nothing cached", false, nil, ToSignIn},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newStore()
			if tc.cached {
				signedInBefore(t, st, anna, now)
			}
			api := &fakeAPI{student: anna, session: func() (shared.Session, error) { return shared.Session{}, tc.err }}
			v := newHarness(t, api, st, true).start()
			if v.Next != tc.wantNext || (tc.cached && (v.Status != SignedOut || !shows(v, "anna"))) {
				t.Errorf("next %v, status %v, shown %v", v.Next, v.Status, shows(v, "anna"))
			}
			if len(api.called("timetable")) != 0 {
				t.Error("fetched without a session")
			}
		})
	}
}

// A closed model (the page left) changes neither its view nor the
// storage, whatever answers arrive late.
func TestClosedModelStoresNothing(t *testing.T) {
	st := newStore()
	g := newGate(anna)
	api := &fakeAPI{student: anna, timetable: g.timetable}
	h := newHarness(t, api, st, true)
	h.m.Show(DateOf(now).Monday())
	<-g.first
	h.m.Close()
	close(g.open)
	h.m.wg.Wait()
	if st.holds("anna-") {
		t.Error("a late answer was stored after Close")
	}
}

// Another language: every slice is fetched again at once when online, and
// by the next sync when offline, while the cached weeks stay shown.
func TestRefetch(t *testing.T) {
	api := &fakeAPI{student: anna}
	h := newHarness(t, api, newStore(), true)
	h.start()
	first := len(api.called("timetable"))
	if first != len(SyncSlices(DateOf(now))) {
		t.Fatalf("the first sync fetched %d slices", first)
	}
	// A fresh cache: a sync now fetches only the first slice.
	h.m.Retry()
	h.m.wg.Wait()
	if got := len(api.called("timetable")) - first; got != 1 {
		t.Fatalf("a sync of a fresh cache fetched %d slices, want 1", got)
	}
	before := len(api.called("timetable"))
	h.m.Refetch()
	h.m.wg.Wait()
	if got := len(api.called("timetable")) - before; got != first {
		t.Errorf("Refetch fetched %d slices, want all %d", got, first)
	}

	h.m.WentOffline()
	before = len(api.called("timetable"))
	h.m.Refetch()
	h.m.wg.Wait()
	v := h.m.View()
	if got := len(api.called("timetable")) - before; got != 0 || !shows(v, "anna") {
		t.Errorf("offline: %d fetches, cached week shown %v", got, shows(v, "anna"))
	}
	h.m.BackOnline()
	h.m.wg.Wait()
	if got := len(api.called("timetable")) - before; got != first {
		t.Errorf("back online after a Refetch: %d slices fetched, want all %d", got, first)
	}
}

// A session answer for the student already recorded writes nothing: a
// write could land just after another tab's sign-out removed the account
// and sign the student back in on the device.
func TestRememberAccountWritesOnlyAChange(t *testing.T) {
	st := newStore()
	signedInBefore(t, st, anna, now)
	writes := 0
	st.beforeSet = func(k string) {
		if k == AccountKey {
			writes++
		}
	}
	h := newHarness(t, &fakeAPI{student: anna}, st, true)
	if v := h.start(); v.Status != SignedIn {
		t.Fatalf("status %v", v.Status)
	}
	if writes != 0 {
		t.Errorf("the account recorded already was written %d times", writes)
	}
	a, _ := AccountOf(jan)
	if err := rememberAccount(st, a); err != nil || writes != 1 {
		t.Errorf("another account: %v, %d writes", err, writes)
	}
}
