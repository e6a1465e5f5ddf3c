// Package timetable keeps the week screen's data: who is signed in, their
// timetable cached on the device, the term sync, and which week is shown
// and why. It is plain Go (the API, the storage and the clock are small
// interfaces), so its rules run under go test; the app's components only
// render a Model's View and pass it the browser's events.
//
// The rule above all others: one student never sees another student's
// timetable, whether another tab signed out or in as someone else, another
// student signs in on the same device, or a sign-out made offline has not
// reached the backend yet.
//
// The offline timetable lives in the browser's localStorage, not
// IndexedDB:
//   - a term of events is 100-300 KB of JSON, far below localStorage's
//     5 MB per origin, and only one student's timetable is kept at a time;
//   - localStorage reads are synchronous, so the first render after a cold
//     start already shows the cached week: no blank frame waiting on an
//     IndexedDB transaction, no promise plumbing through syscall/js;
//   - it is written once per synced slice (a handful of times per sync),
//     so its synchronous writes cost nothing a student would notice.
//
// Only the timetable and the student's display name are stored, never a
// token: the session stays in the backend's HttpOnly cookie.
package timetable

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/change"
	"github.com/campusweek/campusweek/shared/client"
)

// API is the part of the backend's API the week screen uses;
// *client.Client implements it. Its methods block.
type API interface {
	Session(ctx context.Context) (shared.Session, error)
	Providers(ctx context.Context) ([]shared.Provider, error)
	Timetable(ctx context.Context, from, to shared.Date) (shared.Timetable, error)
	Logout(ctx context.Context) error
}

// Clock tells the time.
type Clock interface{ Now() time.Time }

// CallTimeout bounds one API call, so a request that hangs ends in a
// message instead of an endless spinner. The backend answers sooner
// (upstream_timeout) when a university is slow.
const CallTimeout = 45 * time.Second

// Status is what the backend last said about the session.
type Status int

const (
	// Unconfirmed: no answer yet, or none that settles it (offline, the
	// backend failing). A cached timetable may be shown meanwhile.
	Unconfirmed Status = iota
	// SignedIn: the backend confirmed the session of View.Account.
	SignedIn
	// SignedOut: the session ended; the cached weeks stay visible with a
	// request to sign in again.
	SignedOut
)

// Next is where the screen has to go instead of showing the week.
type Next int

const (
	Stay     Next = iota // show the week
	ToSignIn             // nobody to show: go to the sign-in page
	Reload               // another student signed in in another tab: start over
)

// View is what the week screen shows, as of one moment. Its Cache is a
// snapshot: later changes of the model never alter it.
type View struct {
	Today shared.Date
	Week  shared.Date // Monday of the week shown

	// Account is whose timetable is shown: nil until known, and from the
	// moment the student signs out.
	Account *Account
	Cache   *Cache // Account's timetable
	Status  Status
	Offline bool
	Demo    bool // the sandbox university: say the data is made up

	SessionErr error // blocking: nothing cached to show instead
	RefreshErr error // not blocking: a cached week stays visible
	WeekErr    error // the week shown, outside the sync, failed to load

	SigningOut bool
	SignOutErr error

	Syncing             bool
	SyncDone, SyncTotal int // slices answered, and to fetch
	// Changes counts what the last sync found changed (see Cache.Apply).
	Changes change.Summary
	// Unconfirmed says the university answered no classes at all for a
	// range that had some: the cached ones stay, the change unconfirmed.
	Unconfirmed bool

	Next Next
}

// Config is what a Model works with.
type Config struct {
	API     API
	Storage Storage
	Clock   Clock // nil: the system clock
	// Online is the browser's idea of being online at start; nil means
	// online. Only "false" is reliable.
	Online func() bool
	// Changed is called after every change of the View, from any
	// goroutine; it must not block (the app dispatches a render).
	Changed func()
	// Log receives storage failures, which the student does not see.
	Log func(error)
	// Later runs fn once what the model shows now has painted (the app:
	// after the next frame), from any goroutine. With it the model starts
	// on the cached weeks around today, and reads the rest of the cached
	// term and asks who is signed in afterwards; nil does both at start.
	Later func(fn func())
}

// Model is the week screen's state. Its methods may be called from any
// goroutine; requests run in goroutines of its own, and their answers
// count only while nothing superseded them.
type Model struct {
	cfg  Config
	base context.Context
	stop context.CancelFunc
	wg   sync.WaitGroup // requests in flight

	mu      sync.Mutex
	v       View
	closed  bool
	started bool
	persist bool   // whether v.Account's timetable may be stored
	cache   *Cache // v.Account's timetable, v.Cache's source

	syncCancel context.CancelFunc
	syncSeq    int  // ignores answers of superseded syncs
	refetch    bool // the next sync fetches every slice (see Refetch)
	sessionSeq int  // ignores answers of superseded session checks

	// The week shown when outside the sync window, fetched on demand.
	fetching    bool
	fetchWeek   shared.Date
	fetchCancel context.CancelFunc
	fetchSeq    int
}

// New returns a model that has not started: the first Show starts it.
func New(cfg Config) *Model {
	base, stop := context.WithCancel(context.Background())
	return &Model{cfg: cfg, base: base, stop: stop}
}

// View returns what to show now.
func (m *Model) View() View {
	m.mu.Lock()
	defer m.mu.Unlock()
	v := m.v
	if m.cache != nil {
		c := *m.cache
		v.Cache = &c
	}
	if v.Account != nil {
		a := *v.Account
		v.Account = &a
	}
	return v
}

// do runs fn on the state, unless the model was closed, and reports the
// change.
func (m *Model) do(fn func()) {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return
	}
	fn()
	m.mu.Unlock()
	if m.cfg.Changed != nil {
		m.cfg.Changed()
	}
}

// async runs fn in a goroutine of its own.
func (m *Model) async(fn func()) {
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		fn()
	}()
}

func (m *Model) now() time.Time {
	if m.cfg.Clock != nil {
		return m.cfg.Clock.Now()
	}
	return time.Now()
}

func (m *Model) log(err error) {
	if m.cfg.Log != nil && err != nil {
		m.cfg.Log(err)
	}
}

// Show shows the week of monday. The first call starts the model: it
// shows the cached timetable of the account last signed in on this
// device, if any, at once, and then (once that has painted, see
// Config.Later) asks the backend who is signed in.
func (m *Model) Show(monday shared.Date) {
	m.do(func() {
		m.v.Today = shared.DateOf(m.now())
		m.v.Week = monday
		if !m.started {
			m.start()
		}
		if _, ok := m.cache.WeekSynced(monday); !ok {
			m.whole() // the first weeks hold no other
		}
		m.ensureWeek()
	})
}

func (m *Model) start() {
	m.started = true
	m.v.Offline = m.cfg.Online != nil && !m.cfg.Online()
	if a, ok := loadAccount(m.cfg.Storage); ok {
		m.v.Account, m.persist, m.v.Demo = &a, true, a.Demo
		if c, ok := loadFirstWeeks(m.cfg.Storage, a, m.v.Week); ok && m.cfg.Later != nil {
			// The week paints from its own few weeks; the whole term
			// (five times as much JSON to decode) follows, and then the
			// session check: its answer, and the sync it starts, would
			// otherwise be handled before the first paint.
			m.cache = c
			m.cfg.Later(func() { m.do(func() { m.whole(); m.checkSession() }) })
			return
		}
		m.cache = loadTimetable(m.cfg.Storage, a)
	}
	m.checkSession()
}

// whole replaces a cache holding only its first weeks with the whole
// cached timetable. Everything but showing those weeks needs it: a sync
// (which slices are due), saving, another week, marks, hiding.
func (m *Model) whole() {
	if m.cache == nil || !m.cache.partial {
		return
	}
	m.cache = loadTimetable(m.cfg.Storage, Account{Provider: m.cache.Provider, UserID: m.cache.UserID})
}

// Retry checks the session again, and syncs when signed in.
func (m *Model) Retry() { m.do(m.checkSession) }

// WentOffline records that the browser lost its network.
func (m *Model) WentOffline() { m.do(func() { m.v.Offline = true }) }

// BackOnline checks the session and syncs again, when the app was offline.
func (m *Model) BackOnline() {
	m.do(func() {
		if m.v.Offline || isUnreachable(m.v.SessionErr) {
			m.v.Offline = false
			m.checkSession()
		}
	})
}

// Resumed syncs again when the app comes back to the foreground on
// another day, or with a sync older than staleAfter (an installed PWA
// stays open for days).
func (m *Model) Resumed() {
	m.do(func() {
		today := shared.DateOf(m.now())
		stale := m.cache != nil && m.now().Sub(m.cache.LastSynced()) > staleAfter
		if m.v.Syncing || m.v.SigningOut || m.v.Status == SignedOut || (!stale && today == m.v.Today) {
			return
		}
		m.v.Today = today
		m.checkSession()
	})
}

// Refetch syncs every slice of the sync window again, not only those
// due: the timetable's texts changed (the student chose another language,
// in which the university names courses and class types differently). The
// cached weeks stay on screen until their new copies arrive; offline or
// before the session is confirmed, the next sync does it.
func (m *Model) Refetch() {
	m.do(func() {
		m.refetch = true
		if m.v.Status == SignedIn && !m.v.Offline && !m.v.SigningOut {
			m.sync()
		}
	})
}

// Close stops every request and ignores their answers: a closed model
// changes neither its View nor the storage.
func (m *Model) Close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stopRequests()
	m.closed = true
	m.stop()
}

// checkSession asks who is signed in, and whether their university is
// the demo; a signed-in answer starts a sync.
func (m *Model) checkSession() {
	if signOutPending(m.cfg.Storage) {
		// The student signed out while the backend was unreachable: the
		// session cookie may still be valid, and asking for it would sign
		// them back in. End it first.
		m.finishSignOut()
		return
	}
	m.v.SessionErr, m.v.RefreshErr, m.v.WeekErr = nil, nil, nil
	m.sessionSeq++
	seq := m.sessionSeq
	stored, wasStored := loadAccount(m.cfg.Storage)
	m.async(func() {
		cctx, cancel := context.WithTimeout(m.base, CallTimeout)
		defer cancel()
		s, err := m.cfg.API.Session(cctx)
		demo, demoKnown := false, false
		if err == nil && s.SignedIn {
			// Only for the banner: a failure here changes nothing else.
			if ps, perr := m.cfg.API.Providers(cctx); perr == nil {
				demo, demoKnown = isDemo(s.Provider, ps), true
			}
		}
		m.do(func() {
			if seq != m.sessionSeq {
				return
			}
			if now, ok := loadAccount(m.cfg.Storage); wasStored && m.persist && (!ok || !now.Same(stored)) {
				// Another tab signed out or in as someone else while the
				// answer was on its way: it may be about a session that
				// ended, and remembering its account would undo the other
				// tab's sign-out. The storage event says the same.
				m.accountChanged()
				return
			}
			m.onSession(s, err, demo, demoKnown)
		})
	})
}

func (m *Model) onSession(s shared.Session, err error, demo, demoKnown bool) {
	if errors.Is(err, context.Canceled) {
		return
	}
	switch {
	case isSignedOut(err), err == nil && !s.SignedIn:
		if m.accountGone() {
			m.accountChanged() // see requestFailed
			return
		}
		if m.v.Account != nil && !m.cache.empty() {
			// Keep the saved weeks visible and ask to sign in again.
			m.v.Status, m.v.Offline = SignedOut, false
			return
		}
		m.forgetSession()
		m.v.Next = ToSignIn
		return
	case err != nil:
		m.v.Offline = m.v.Offline || isUnreachable(err)
		if m.v.Account != nil {
			if !isUnreachable(err) {
				m.v.RefreshErr = err
			}
			return
		}
		m.v.SessionErr = err
		return
	}

	st := m.cfg.Storage
	if signOutPending(st) {
		m.finishSignOut() // signed out in another tab meanwhile
		return
	}
	if _, stored := loadAccount(st); m.v.Account != nil && m.persist && !stored {
		// Another tab signed out while this answer was on its way (its
		// storage event follows): never store this student again.
		m.accountChanged()
		return
	}
	a, ok := AccountOf(s)
	if !ok {
		// No user ID to key a cache by: show the timetable without
		// keeping it (the backend always sends one; this is defensive).
		a = Account{Provider: s.Provider}
		if s.User != nil {
			a.Name = s.User.Name
		}
	}
	if !demoKnown && m.v.Account != nil && m.v.Account.Same(a) {
		demo = m.v.Account.Demo
	}
	a.Demo = demo
	if m.v.Account == nil || !m.v.Account.Same(a) || m.persist != ok {
		// Another student than the one cached: never show their classes.
		m.cache = NewCache(a)
	}
	m.v.Account, m.persist, m.v.Demo = &a, ok, demo
	if ok {
		if err := rememberAccount(st, a); err != nil {
			// Storage full or disabled: work online, keeping nothing.
			m.log(err)
			m.persist = false
		}
	}
	m.v.Status = SignedIn
	m.v.Offline, m.v.SessionErr = false, nil
	m.sync()
}

// sync fetches the slices of the sync window that are due (slicesToSync)
// into the cache, one request per slice, and saves each slice as it
// arrives.
func (m *Model) sync() {
	if m.syncCancel != nil {
		m.syncCancel()
	}
	m.syncSeq++
	seq := m.syncSeq
	m.whole()
	slices := slicesToSync(m.cache, m.v.Today, m.now())
	if m.refetch {
		slices, m.refetch = SyncSlices(m.v.Today), false
	}
	m.v.Syncing, m.v.SyncDone, m.v.SyncTotal = true, 0, len(slices)
	m.v.Changes, m.v.Unconfirmed = change.Summary{}, false
	sctx, cancel := context.WithCancel(m.base)
	m.syncCancel = cancel
	m.async(func() {
		defer cancel()
		fetch := func(r DateRange) {
			cctx, ccancel := context.WithTimeout(sctx, CallTimeout)
			tt, err := m.cfg.API.Timetable(cctx, r.From, r.To)
			ccancel()
			if isSignedOut(err) || isUnreachable(err) {
				cancel() // the other slices would fail the same way
			}
			m.do(func() { m.onSlice(seq, r, tt, err) })
		}
		// The first slice alone: it holds the week a student opens the
		// app on, and when the backend refreshes the university's token
		// on it, the refreshed session cookie is in place before the
		// other slices go out (in parallel, each would refresh the same
		// token). Then the rest, SyncParallel at a time.
		fetch(slices[0])
		sem := make(chan struct{}, SyncParallel)
		var wg sync.WaitGroup
		for _, r := range slices[1:] {
			if sctx.Err() != nil {
				break
			}
			select {
			case sem <- struct{}{}:
			case <-sctx.Done():
			}
			if sctx.Err() != nil {
				break
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				fetch(r)
			}()
		}
		wg.Wait()
		m.do(func() {
			if seq != m.syncSeq {
				return
			}
			m.v.Syncing, m.syncCancel = false, nil
			m.ensureWeek()
		})
	})
}

func (m *Model) onSlice(seq int, r DateRange, tt shared.Timetable, err error) {
	if seq != m.syncSeq || m.v.Account == nil {
		return
	}
	if !errors.Is(err, context.Canceled) {
		m.v.SyncDone++
	}
	if err != nil {
		m.requestFailed(err)
		return
	}
	m.store(r.From, r.To, tt)
}

// store merges a timetable answer for [from, to] into the cache and saves
// it, unless it may be another student's.
func (m *Model) store(from, to shared.Date, tt shared.Timetable) {
	if tt.Provider != "" && tt.Provider != m.v.Account.Provider {
		return // the session changed under us (another tab): not this student's
	}
	if a, ok := loadAccount(m.cfg.Storage); m.persist && (!ok || !a.Same(*m.v.Account)) {
		// Another tab signed out or in as someone else a moment ago (its
		// storage event is on its way): this answer may be theirs.
		return
	}
	at := tt.FetchedAt
	if at.IsZero() {
		at = m.now()
	}
	m.whole()
	res := m.cache.Apply(from, to, at, tt.Events)
	m.v.Unconfirmed = m.v.Unconfirmed || res.Unconfirmed
	sum := res.Summary()
	m.v.Changes.Total += sum.Total
	m.v.Changes.Added += sum.Added
	m.v.Changes.Moved += sum.Moved
	m.v.Changes.Room += sum.Room
	m.v.Changes.Cancelled += sum.Cancelled
	m.v.Offline = false
	if m.persist {
		// Storage full or disabled: the app still works, online.
		m.log(saveTimetable(m.cfg.Storage, m.cache, m.v.Today))
	}
}

// forgetSession drops a confirmed session; a session known to have ended
// stays so.
func (m *Model) forgetSession() {
	if m.v.Status == SignedIn {
		m.v.Status = Unconfirmed
	}
}

// requestFailed records the failure of a timetable request.
func (m *Model) requestFailed(err error) {
	switch {
	case errors.Is(err, context.Canceled):
	case isSignedOut(err) && m.accountGone():
		// Signed out in another tab, whose storage event has not
		// arrived (or never will: a browser may hold it back in a
		// background tab). Not this student's expired session.
		m.accountChanged()
	case isSignedOut(err):
		m.v.Status = SignedOut
	case isUnreachable(err):
		m.v.Offline = true
	default:
		m.v.RefreshErr = err
	}
}

// accountGone reports whether the account this tab shows is no longer
// the one stored on the device: another tab signed out, or in as someone
// else.
func (m *Model) accountGone() bool {
	if m.v.Account == nil || !m.persist {
		return false
	}
	a, ok := loadAccount(m.cfg.Storage)
	return !ok || !a.Same(*m.v.Account)
}

// ensureWeek fetches the week shown when it is not cached and no sync
// will bring it, as long as the student is signed in.
func (m *Model) ensureWeek() {
	if m.v.Status != SignedIn || m.cache == nil {
		return
	}
	if _, ok := m.cache.WeekSynced(m.v.Week); ok {
		return
	}
	if m.v.Syncing && inSyncWindow(m.v.Today, m.v.Week) {
		return
	}
	if m.fetching && m.fetchWeek == m.v.Week {
		return
	}
	m.loadWeek()
}

// loadWeek fetches the timetable of the week shown, superseding any
// request for another week still in flight.
func (m *Model) loadWeek() {
	if m.fetchCancel != nil {
		m.fetchCancel()
	}
	m.fetchSeq++
	seq, week, acct := m.fetchSeq, m.v.Week, *m.v.Account
	m.fetching, m.fetchWeek, m.v.WeekErr = true, week, nil
	cctx, cancel := context.WithTimeout(m.base, CallTimeout)
	m.fetchCancel = cancel
	m.async(func() {
		defer cancel()
		tt, err := m.cfg.API.Timetable(cctx, week, week.AddDays(6))
		m.do(func() {
			if seq != m.fetchSeq || m.v.Account == nil || !m.v.Account.Same(acct) {
				return // superseded
			}
			m.fetching, m.fetchCancel = false, nil
			if err != nil {
				m.requestFailed(err)
				if !isUnreachable(err) && !isSignedOut(err) {
					m.v.WeekErr = err
				}
				return
			}
			m.store(week, week.AddDays(6), tt)
		})
	})
}

// stopRequests cancels the sync and the week request in flight and makes
// their answers, and that of a session check, be ignored: after signing
// out, none of them may store the timetable again.
func (m *Model) stopRequests() {
	if m.syncCancel != nil {
		m.syncCancel()
	}
	if m.fetchCancel != nil {
		m.fetchCancel()
	}
	m.syncSeq++
	m.fetchSeq++
	m.sessionSeq++
	m.v.Syncing, m.fetching, m.syncCancel, m.fetchCancel = false, false, nil, nil
}

// AccountChanged starts over, from what is stored now, when another tab
// changed the account (a storage event for AccountKey, or for all keys):
// this tab must not keep showing the timetable of a student who signed
// out there.
func (m *Model) AccountChanged() { m.do(m.accountChanged) }

func (m *Model) accountChanged() {
	if m.v.Account == nil || !m.persist || m.v.SigningOut {
		return
	}
	st := m.cfg.Storage
	a, ok := loadAccount(st)
	if ok && a.Same(*m.v.Account) {
		return
	}
	m.stopRequests()
	// A save of this tab may have raced with the other tab's change (it
	// checked the account just before the other tab removed it): remove
	// it. The account stored now is another one, or none, so this never
	// touches the timetable of whoever is signed in.
	deleteTimetable(st, *m.v.Account)
	m.v.Account, m.cache = nil, nil
	m.forgetSession()
	if !ok {
		// Signed out there. Not a reload: the other tab's sign-out request
		// may still be on its way, and asking for the session now could
		// sign this tab back in.
		m.v.Next = ToSignIn
		return
	}
	m.v.Next = Reload
}

// SignOut removes the student's cached timetable from the device first,
// whatever happens next, then ends the session at the backend. Until the
// backend confirms, the sign-out stays pending on the device (see
// checkSession), so coming back online can never sign the student in
// again.
func (m *Model) SignOut() {
	m.do(func() {
		if m.v.SigningOut {
			return
		}
		m.stopRequests()
		st := m.cfg.Storage
		forgetAll(st)
		if err := st.Set(signOutPendingKey, true); err != nil {
			m.log(err)
		}
		// Off the screen at once too: a shared device shows nobody's name
		// or classes, whatever the network does.
		m.v.Account, m.cache = nil, nil
		m.forgetSession()
		m.finishSignOut()
	})
}

// finishSignOut ends the session at the backend, then sends the screen to
// the sign-in page; unreachable, it keeps the sign-out pending and says
// so.
func (m *Model) finishSignOut() {
	if m.v.SigningOut {
		return
	}
	m.v.SigningOut, m.v.SignOutErr = true, nil
	m.async(func() {
		cctx, cancel := context.WithTimeout(m.base, CallTimeout)
		defer cancel()
		err := m.cfg.API.Logout(cctx)
		m.do(func() {
			m.v.SigningOut = false
			if err != nil && !isSignedOut(err) {
				m.v.SignOutErr = err
				m.v.Offline = m.v.Offline || isUnreachable(err)
				return
			}
			m.cfg.Storage.Del(signOutPendingKey)
			m.v.Next = ToSignIn
		})
	})
}

// isDemo reports whether the provider with id is the demo sandbox.
func isDemo(id string, ps []shared.Provider) bool {
	for _, p := range ps {
		if p.ID == id {
			return p.Demo
		}
	}
	return false
}

// isSignedOut reports whether err means the student has to sign in again.
func isSignedOut(err error) bool { return shared.CodeOf(err) == shared.CodeSignedOut }

// isUnreachable reports whether err means the backend could not be reached.
func isUnreachable(err error) bool { return errors.Is(err, client.ErrUnreachable) }
