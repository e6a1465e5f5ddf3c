package poll

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/metrics"
	"github.com/campusweek/campusweek/server/notify/push"
	"github.com/campusweek/campusweek/server/notify/push/pushtest"
	"github.com/campusweek/campusweek/server/notify/store"
	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/server/seal"
	"github.com/campusweek/campusweek/shared"
)

// uni is a university whose timetable the test sets.
type uni struct {
	mu      sync.Mutex
	events  []shared.Event
	err     error
	reads   int
	byToken map[string]int // reads by access token
	revoked []string
}

func (u *uni) Info() shared.Provider {
	return shared.Provider{ID: "uni", Kind: shared.KindUSOS, Name: "Uni", Capabilities: shared.Capabilities{LongLivedAccess: true, Revoke: true}}
}
func (u *uni) Start(context.Context, string) (string, provider.Flow, error) {
	return "", provider.Flow{}, errors.ErrUnsupported
}
func (u *uni) Complete(context.Context, provider.Flow, provider.CompleteInput) (provider.Credentials, error) {
	return provider.Credentials{}, errors.ErrUnsupported
}
func (u *uni) User(context.Context, *provider.Credentials) (shared.User, error) {
	return shared.User{}, nil
}
func (u *uni) ShortLivedReason() string { return "" }
func (u *uni) Timetable(_ context.Context, creds *provider.Credentials, from, to shared.Date) ([]shared.Event, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.reads++
	if u.byToken == nil {
		u.byToken = map[string]int{}
	}
	u.byToken[creds.Token]++
	if u.err != nil {
		return nil, u.err
	}
	if creds.Token == "revoked" {
		return nil, fmt.Errorf("read: %w", provider.ErrSignedOut)
	}
	return provider.InRange(slices.Clone(u.events), from, to), nil
}
func (u *uni) Revoke(_ context.Context, creds *provider.Credentials) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.revoked = append(u.revoked, creds.Token)
	return nil
}
func (u *uni) set(events ...shared.Event) {
	u.mu.Lock()
	u.events = events
	u.mu.Unlock()
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

type env struct {
	t      *testing.T
	uni    *uni
	clock  *clock
	store  store.Store
	svc    *pushtest.Service
	device *pushtest.Device
	poller *Poller
	sub    *store.Subscription
}

func newEnv(t *testing.T, lang string, reminders int) *env {
	t.Helper()
	sealer, err := seal.New(bytes.Repeat([]byte{3}, seal.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), store.Options{Dir: filepath.Join(t.TempDir(), "data"), Sealer: sealer})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	keys, err := push.GenerateKeys()
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, uni: &uni{}, clock: &clock{now: at(7, 9, 0)}, store: st}
	e.svc = pushtest.New(t, keys.Public)
	e.svc.Now = time.Now
	sender, err := push.NewSender(push.Options{Keys: keys, Contact: "mailto:ops@example.edu", Client: e.svc.Client()})
	if err != nil {
		t.Fatal(err)
	}
	e.poller, err = New(Options{Store: st, Sender: sender, Providers: []provider.Provider{e.uni}, Now: e.clock.Now, Jitter: func() float64 { return 0.5 }})
	if err != nil {
		t.Fatal(err)
	}
	e.device = e.svc.Subscribe()
	now := e.clock.Now()
	e.sub = &store.Subscription{ID: store.NewID(), Owner: "uni:1", Provider: "uni", Language: lang,
		Push:   store.Push{Endpoint: e.device.Endpoint(), P256DH: e.device.P256DH(), Auth: e.device.Auth()},
		Access: json.RawMessage(`{"t":"access"}`), RemindersMinutes: reminders,
		Created: now, Expires: now.Add(90 * 24 * time.Hour), NextCheck: now}
	if err := st.Put(context.Background(), e.sub); err != nil {
		t.Fatal(err)
	}
	return e
}

// check advances the clock by d and runs the due checks; it returns how
// many were checked.
func (e *env) check(d time.Duration) int {
	e.t.Helper()
	e.clock.Advance(d)
	n, err := e.poller.RunOnce(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *env) messages() []Payload {
	e.t.Helper()
	var out []Payload
	for _, m := range e.device.Messages() {
		var p Payload
		if err := json.Unmarshal(m.Payload, &p); err != nil {
			e.t.Fatalf("payload %s: %v", m.Payload, err)
		}
		out = append(out, p)
	}
	return out
}

func (e *env) stored() *store.Subscription {
	e.t.Helper()
	s, err := e.store.Get(context.Background(), e.sub.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

func TestCheckSendsOneMessagePerCheckWithChanges(t *testing.T) {
	e := newEnv(t, "pl", 0)
	analiza := event("Analiza matematyczna", at(8, 12, 15), 90, "2180")
	algebra := event("Algebra liniowa", at(9, 10, 0), 90, "3180")
	e.uni.set(analiza, algebra)
	if n := e.check(0); n != 1 || len(e.messages()) != 0 {
		t.Fatalf("first check: %d checked, %d messages: it only takes the snapshot", n, len(e.messages()))
	}
	if next := e.stored().NextCheck; !next.Equal(at(7, 9, 30)) {
		t.Errorf("next check %v, want in 30 minutes", next)
	}
	if n := e.check(10 * time.Minute); n != 0 {
		t.Errorf("checked %d before it was due", n)
	}
	if e.check(20 * time.Minute); len(e.messages()) != 0 {
		t.Fatalf("nothing changed, yet %d messages", len(e.messages()))
	}

	moved := analiza
	moved.Start, moved.End = at(8, 14, 0), at(8, 15, 30)
	roomed := algebra
	roomed.Room = "0.11"
	e.uni.set(moved, roomed)
	e.check(30 * time.Minute)
	msgs := e.messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(msgs))
	}
	want := Payload{Title: "2 zmiany w planie", Body: "Analiza matematyczna, jutro 12:15 → 14:00\nzmiana sali: 3180 → 0.11 (Algebra liniowa, środa 10:00)",
		Date: shared.DateOf(at(8, 0, 0)), URL: "/?day=2026-12-08&week=2026-12-07", Tag: TagChanges, Lang: "pl"}
	if msgs[0] != want {
		t.Errorf("message\n%+v\nwant\n%+v", msgs[0], want)
	}
	if e.check(30 * time.Minute); len(e.messages()) != 1 {
		t.Errorf("the same changes were sent again")
	}

	// An empty answer by mistake is no mass cancellation; the snapshot
	// stays, so the classes are not "new" when they come back.
	e.uni.set()
	e.check(30 * time.Minute)
	e.uni.set(moved, roomed)
	e.check(30 * time.Minute)
	if len(e.messages()) != 1 {
		t.Errorf("an empty answer sent %+v", e.messages()[1:])
	}
	// A real cancellation of one of them is told.
	e.uni.set(moved)
	e.check(30 * time.Minute)
	if m := e.messages(); len(m) != 2 || m[1].Body != "odwołane: Algebra liniowa, środa 10:00" {
		t.Errorf("cancellation: %+v", m)
	}
}

func TestCheckWindowMovingOnIsNoChange(t *testing.T) {
	e := newEnv(t, "en", 0)
	// A class every day for four weeks: each day the window reaches one
	// more, which is not new.
	var evs []shared.Event
	for d := range 28 {
		evs = append(evs, event("Daily", at(7, 10, 0).AddDate(0, 0, d), 60, "1"))
	}
	e.uni.set(evs...)
	e.check(0)
	e.check(24 * time.Hour)
	e.check(24 * time.Hour)
	if m := e.messages(); len(m) != 0 {
		t.Errorf("the window moving on sent %+v", m)
	}
}

func TestCheckTodayIsCheckedMoreOften(t *testing.T) {
	e := newEnv(t, "en", 0)
	e.uni.set(event("Later today", at(7, 15, 0), 90, "1"))
	e.check(0)
	if next := e.stored().NextCheck; !next.Equal(at(7, 9, 10)) {
		t.Errorf("next check %v, want in 10 minutes", next)
	}
}

func TestCheckEndsRevokedAccess(t *testing.T) {
	e := newEnv(t, "en", 0)
	e.uni.set(event("A", at(8, 10, 0), 60, "1"))
	e.check(0)
	sub := e.stored()
	sub.Access = json.RawMessage(`{"t":"revoked"}`)
	sub.NextCheck = e.clock.Now()
	if err := e.store.Put(context.Background(), sub); err != nil {
		t.Fatal(err)
	}
	e.check(time.Minute)
	if _, err := e.store.Get(context.Background(), e.sub.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the subscription of a revoked access is still there: %v", err)
	}
	if !slices.Equal(e.uni.revoked, []string{"revoked"}) {
		t.Errorf("revoked %v", e.uni.revoked)
	}
}

func TestCheckEndsGonePushSubscription(t *testing.T) {
	e := newEnv(t, "en", 0)
	a := event("A", at(8, 10, 0), 60, "1")
	e.uni.set(a)
	e.check(0)
	e.device.Unsubscribe()
	e.uni.set()
	e.uni.set(event("B", at(8, 12, 0), 60, "1"))
	e.check(30 * time.Minute)
	if _, err := e.store.Get(context.Background(), e.sub.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a gone push subscription is still stored: %v", err)
	}
	if !slices.Equal(e.uni.revoked, []string{"access"}) {
		t.Errorf("revoked %v", e.uni.revoked)
	}
}

func TestCheckRetriesAFailedPushAndBacksOff(t *testing.T) {
	e := newEnv(t, "en", 0)
	e.uni.set(event("A", at(8, 10, 0), 60, "1"))
	e.check(0)
	e.uni.set(event("A", at(8, 11, 0), 60, "1"))
	e.device.AnswerNext(http.StatusServiceUnavailable)
	e.check(30 * time.Minute)
	if s := e.stored(); s.Failures != 1 || len(e.messages()) != 0 {
		t.Fatalf("failures %d, messages %d", s.Failures, len(e.messages()))
	}
	e.check(30 * time.Minute)
	if m := e.messages(); len(m) != 1 || m[0].Body != "A, tomorrow 10:00 → 11:00" {
		t.Errorf("the change was not sent again: %+v", m)
	}

	// University errors back off: 30 min, 1 h, 2 h.
	e.uni.mu.Lock()
	e.uni.err = &provider.UpstreamError{Provider: "uni", Op: "read timetable", Status: 503}
	e.uni.mu.Unlock()
	for i, want := range []time.Duration{30 * time.Minute, time.Hour, 2 * time.Hour} {
		e.check(e.stored().NextCheck.Sub(e.clock.Now()))
		s := e.stored()
		if s.Failures != i+1 || !s.NextCheck.Equal(e.clock.Now().Add(want)) {
			t.Errorf("failure %d: %d failures, next in %v, want %v", i+1, s.Failures, s.NextCheck.Sub(e.clock.Now()), want)
		}
	}
}

func TestReminders(t *testing.T) {
	e := newEnv(t, "nl", 15)
	e.uni.set(event("Statistiek", at(7, 11, 0), 90, "B.2"))
	e.check(0)
	if next := e.stored().NextCheck; !next.Equal(at(7, 9, 10)) {
		t.Errorf("next check %v", next)
	}
	// Checks until the reminder's time send nothing; then one reminder.
	for e.clock.Now().Before(at(7, 10, 45)) {
		e.check(e.stored().NextCheck.Sub(e.clock.Now()))
	}
	if !e.clock.Now().Equal(at(7, 10, 45)) {
		t.Errorf("the reminder's check came at %v", e.clock.Now())
	}
	m := e.messages()
	if len(m) != 1 || m[0].Title != "Zo meteen les" || m[0].Body != "Statistiek om 11:00, zaal B.2" {
		t.Fatalf("reminders %+v", m)
	}
	e.check(e.stored().NextCheck.Sub(e.clock.Now()))
	if len(e.messages()) != 1 {
		t.Errorf("reminded twice")
	}
}

func TestLeasesDoNotCheckTwice(t *testing.T) {
	e := newEnv(t, "en", 0)
	e.uni.set(event("A", at(8, 10, 0), 60, "1"))
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := e.poller.RunOnce(context.Background()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if e.uni.reads != 1 {
		t.Errorf("%d reads, want 1", e.uni.reads)
	}
}

// A week answered empty by mistake (a university read a week per call)
// cancels nothing and keeps its classes; the other weeks' changes are
// told.
func TestGuardedDiff(t *testing.T) {
	from := shared.DateOf(at(7, 0, 0))
	a := event("A", at(8, 10, 0), 60, "1")  // week 1
	b := event("B", at(15, 10, 0), 60, "1") // week 2
	c := event("C", at(16, 10, 0), 60, "1") // week 2
	cached := shared.Timetable{From: from, To: from.AddDays(13), Events: []shared.Event{a, b, c}}
	a2 := a
	a2.Room = "2"
	for _, tc := range []struct {
		name        string
		fresh       []shared.Event
		changes     int
		keep        []shared.Event
		unconfirmed int
	}{
		{"second week empty", []shared.Event{a2}, 1, []shared.Event{a2, b, c}, 1},
		{"all empty", nil, 0, []shared.Event{a, b, c}, 2},
		{"one of two cancelled", []shared.Event{a, c}, 1, []shared.Event{a, c}, 0},
		{"unchanged", []shared.Event{a, b, c}, 0, []shared.Event{a, b, c}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fresh := shared.Timetable{From: from, To: from.AddDays(13), Events: tc.fresh}
			changes, keep, unconfirmed := GuardedDiff(cached, fresh)
			if len(changes) != tc.changes || unconfirmed != tc.unconfirmed || !slices.EqualFunc(keep.Events, tc.keep, func(x, y shared.Event) bool { return x.ID == y.ID && x.Room == y.Room }) {
				t.Errorf("changes %+v, keep %v, unconfirmed %d", changes, keep.Events, unconfirmed)
			}
		})
	}
}

// A check is counted with its outcome, the changes it found and the push
// it sent.
func TestMetrics(t *testing.T) {
	e := newEnv(t, "en", 0)
	m := metrics.New()
	e.poller.o.Metrics = m
	e.uni.set(event("A", at(8, 10, 0), 60, "1"))
	e.check(0)
	e.uni.set(event("A", at(8, 11, 0), 60, "2"))
	e.check(30 * time.Minute)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, want := range []string{
		`campusweek_notification_checks_total{outcome="ok",provider="uni"} 2`,
		`campusweek_notification_changes_total{provider="uni"} 1`,
		`campusweek_notification_pushes_total{outcome="sent"} 1`,
		`campusweek_notification_queue_lag_seconds_count 2`,
	} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
