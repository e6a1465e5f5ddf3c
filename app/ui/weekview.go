package ui

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/campusweek/campusweek/shared"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// weekView is /: the signed-in student's week, Monday to Sunday. The week
// shown is in the URL (/?week=YYYY-MM-DD, its Monday) so reload and Back
// work.
//
// It renders from the timetable cached on the device first (see
// offline.go), then checks the session and syncs the term in the
// background. Offline, or with the backend down, it keeps showing the
// last signed-in student's cached weeks and says so.
type weekView struct {
	app.Compo

	today shared.Date
	week  shared.Date // Monday of the week shown

	started bool
	acct    *account         // whose timetable is shown; nil until known
	persist bool             // whether acct's timetable may be stored
	cache   *cachedTimetable // acct's timetable, in memory

	session    *shared.Session // nil until the backend confirmed it
	sessionErr error           // blocking: nothing cached to show instead
	refreshErr error           // not blocking: a cached week stays visible
	signedOut  bool            // the session is gone; cached weeks stay visible
	offline    bool
	demo       bool

	signingOut bool
	signOutErr error

	syncing    bool
	syncDone   int
	syncTotal  int
	syncCancel context.CancelFunc
	syncSeq    int // ignores answers of superseded syncs
	sessionSeq int // ignores answers of superseded session checks

	// A week outside the synced window, fetched on demand.
	fetching  bool
	fetchWeek shared.Date
	ttErr     error
	cancel    context.CancelFunc
	seq       int

	updateAvailable bool
	removeListeners []func()
	owner
}

// staleAfter is how old a sync may get before coming back to the app
// (an installed PWA resumed from the background) syncs again.
const staleAfter = 30 * time.Minute

func (c *weekView) OnMount(ctx app.Context) {
	c.own(ctx)
	c.removeListeners = append(c.removeListeners,
		// Back online: check the session and sync again by itself.
		listenWindow("online", func(app.Value) {
			ctx.Dispatch(func(ctx app.Context) { c.backOnline(ctx) })
		}),
		listenWindow("offline", func(app.Value) {
			ctx.Dispatch(func(ctx app.Context) { c.offline = true })
		}),
		listenDocument("visibilitychange", func(app.Value) {
			ctx.Dispatch(func(ctx app.Context) { c.resumed(ctx) })
		}),
		// Another tab signed out, or in as someone else.
		listenWindow("storage", func(e app.Value) {
			key := e.Get("key")
			if key.IsNull() || key.String() == accountKey {
				ctx.Dispatch(func(ctx app.Context) { c.accountChanged(ctx) })
			}
		}),
	)
	c.updateAvailable = ctx.AppUpdateAvailable()
	c.removeListeners = append(c.removeListeners, watchForUpdates(ctx))
}

func (c *weekView) OnDismount() {
	for _, remove := range c.removeListeners {
		remove()
	}
	c.removeListeners = nil
	c.stopRequests()
}

func (c *weekView) OnAppUpdate(ctx app.Context) {
	c.updateAvailable = true
}

func (c *weekView) OnNav(ctx app.Context) {
	c.today = shared.DateOf(time.Now())
	c.week = weekFromQuery(ctx.Page().URL().Query().Get("week"), c.today)
	if !app.IsClient {
		// Prerendering: a loading shell, no network calls, no query echo.
		ctx.Page().SetTitle(appName)
		return
	}
	ctx.Page().SetTitle("%s · %s", weekTitle(c.week), appName)
	if !c.started {
		c.start(ctx)
	}
	c.ensureWeek(ctx)
}

// start shows the cached timetable of the account last signed in, if
// any, at once, and then asks the backend who is signed in.
func (c *weekView) start(ctx app.Context) {
	c.started = true
	if a, ok := loadAccount(ctx.LocalStorage()); ok {
		c.acct, c.persist, c.demo = &a, true, a.Demo
		c.cache = loadTimetable(ctx.LocalStorage(), a)
	}
	c.offline = !navigatorOnLine()
	c.checkSession(ctx)
}

// checkSession asks who is signed in, and whether their provider is the
// demo; a signed-in answer starts a sync.
func (c *weekView) checkSession(ctx app.Context) {
	if signOutPending(ctx.LocalStorage()) {
		// The student signed out while the backend was unreachable: the
		// session cookie may still be valid, and asking for it would sign
		// them back in. End it first.
		c.finishSignOut(ctx)
		return
	}
	c.sessionErr, c.refreshErr, c.ttErr = nil, nil, nil
	c.sessionSeq++
	seq := c.sessionSeq
	ctx.Async(func() {
		cctx, cancel := callCtx(ctx)
		defer cancel()
		s, err := api().Session(cctx)
		demo, demoKnown := false, false
		if err == nil && s.SignedIn {
			// Only for the banner: a failure here changes nothing else.
			if ps, perr := api().Providers(cctx); perr == nil {
				demo, demoKnown = isDemo(s.Provider, ps), true
			}
		}
		c.dispatch(ctx, func(ctx app.Context) {
			if seq == c.sessionSeq {
				c.onSession(ctx, s, err, demo, demoKnown)
			}
		})
	})
}

func (c *weekView) onSession(ctx app.Context, s shared.Session, err error, demo, demoKnown bool) {
	if errors.Is(err, context.Canceled) {
		return
	}
	switch {
	case isSignedOut(err), err == nil && !s.SignedIn:
		c.session = nil
		if c.acct != nil && len(c.cache.Ranges) > 0 {
			// Keep the saved weeks visible and ask to sign in again.
			c.signedOut, c.offline = true, false
			return
		}
		ctx.Navigate(routeSignIn)
		return
	case err != nil:
		c.offline = c.offline || isUnreachable(err)
		if c.acct != nil {
			if !isUnreachable(err) {
				c.refreshErr = err
			}
			return
		}
		c.sessionErr = err
		return
	}

	st := ctx.LocalStorage()
	if signOutPending(st) {
		c.finishSignOut(ctx) // signed out in another tab meanwhile
		return
	}
	if _, stored := loadAccount(st); c.acct != nil && c.persist && !stored {
		// Another tab signed out while this answer was on its way (its
		// storage event follows): never store this student again.
		c.accountChanged(ctx)
		return
	}
	a, ok := accountOf(s)
	if !ok {
		// No user ID to key a cache by: show the timetable without
		// keeping it (the backend always sends one; this is defensive).
		a = account{Provider: s.Provider}
		if s.User != nil {
			a.Name = s.User.Name
		}
	}
	if !demoKnown && c.acct != nil && c.acct.same(a) {
		demo = c.acct.Demo
	}
	a.Demo = demo
	if c.acct == nil || !c.acct.same(a) || c.persist != ok {
		// Another student than the one cached: never show their classes.
		c.cache = newCache(a)
	}
	c.acct, c.persist, c.demo = &a, ok, demo
	if ok {
		if err := rememberAccount(st, a); err != nil {
			// Storage full or disabled: work online, keeping nothing.
			app.Log("campusweek: remembering the account:", err)
			c.persist = false
		}
	}
	c.session = &s
	c.signedOut, c.offline, c.sessionErr = false, false, nil
	c.sync(ctx)
}

// sync fetches the sync window (slicesToSync) into the cache, a slice per
// request, syncParallel at a time, and saves each slice as it arrives.
func (c *weekView) sync(ctx app.Context) {
	if c.syncCancel != nil {
		c.syncCancel()
	}
	c.syncSeq++
	seq := c.syncSeq
	slices := slicesToSync(c.cache, c.today, time.Now())
	c.syncing, c.syncDone, c.syncTotal = true, 0, len(slices)
	sctx, cancel := context.WithCancel(ctx)
	c.syncCancel = cancel
	ctx.Async(func() {
		defer cancel()
		fetch := func(r dateRange) {
			cctx, ccancel := context.WithTimeout(sctx, apiTimeout)
			tt, err := api().Timetable(cctx, r.From, r.To)
			ccancel()
			if isSignedOut(err) || isUnreachable(err) {
				cancel() // the other slices would fail the same way
			}
			c.dispatch(ctx, func(ctx app.Context) { c.onSlice(ctx, seq, r, tt, err) })
		}
		// The first slice (last week to three weeks ahead) alone: it holds
		// the week shown, and when
		// the backend refreshes the university's token on it, the
		// refreshed session cookie is in place before the other slices go
		// out (in parallel, each would refresh the same token).
		fetch(slices[0])
		sem := make(chan struct{}, syncParallel)
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
		c.dispatch(ctx, func(ctx app.Context) {
			if seq != c.syncSeq {
				return
			}
			c.syncing, c.syncCancel = false, nil
			c.ensureWeek(ctx)
		})
	})
}

func (c *weekView) onSlice(ctx app.Context, seq int, r dateRange, tt shared.Timetable, err error) {
	if seq != c.syncSeq || c.acct == nil {
		return
	}
	if !errors.Is(err, context.Canceled) {
		c.syncDone++
	}
	if err != nil {
		c.requestFailed(err)
		return
	}
	c.store(ctx, r.From, r.To, tt)
}

// store merges a timetable answer for [from, to] into the cache and saves
// it.
func (c *weekView) store(ctx app.Context, from, to shared.Date, tt shared.Timetable) {
	if tt.Provider != "" && tt.Provider != c.acct.Provider {
		return // the session changed under us (another tab): not this student's
	}
	if a, ok := loadAccount(ctx.LocalStorage()); c.persist && (!ok || !a.same(*c.acct)) {
		// Another tab signed out or in as someone else a moment ago (its
		// storage event is on its way): this answer may be theirs.
		return
	}
	at := tt.FetchedAt
	if at.IsZero() {
		at = time.Now()
	}
	c.cache.merge(from, to, at, tt.Events)
	c.offline = false
	if c.persist {
		if err := saveTimetable(ctx.LocalStorage(), c.cache, c.today); err != nil {
			// Storage full or disabled: the app still works, online.
			app.Log("campusweek: saving the timetable:", err)
		}
	}
}

// requestFailed records the failure of a timetable request.
func (c *weekView) requestFailed(err error) {
	switch {
	case errors.Is(err, context.Canceled):
	case isSignedOut(err):
		c.signedOut, c.session = true, nil
	case isUnreachable(err):
		c.offline = true
	default:
		c.refreshErr = err
	}
}

// inSyncWindow reports whether the week of monday is one a sync fetches.
func (c *weekView) inSyncWindow(monday shared.Date) bool {
	slices := syncSlices(c.today)
	return !monday.Before(slices[0].From) && !monday.After(slices[len(slices)-1].To)
}

// ensureWeek fetches the week shown when it is not cached and no sync
// will bring it, as long as the student is signed in.
func (c *weekView) ensureWeek(ctx app.Context) {
	if c.session == nil || c.signedOut || c.cache == nil {
		return
	}
	if _, ok := c.cache.weekSynced(c.week); ok {
		return
	}
	if c.syncing && c.inSyncWindow(c.week) {
		return
	}
	if c.fetching && c.fetchWeek == c.week {
		return
	}
	c.loadWeek(ctx)
}

// loadWeek fetches the timetable of c.week, superseding any request for
// another week still in flight.
func (c *weekView) loadWeek(ctx app.Context) {
	if c.cancel != nil {
		c.cancel()
	}
	c.seq++
	seq, week, acct := c.seq, c.week, c.acct
	c.fetching, c.fetchWeek, c.ttErr = true, week, nil
	cctx, cancel := callCtx(ctx)
	c.cancel = cancel
	ctx.Async(func() {
		defer cancel()
		tt, err := api().Timetable(cctx, week, week.AddDays(6))
		c.dispatch(ctx, func(ctx app.Context) {
			if seq != c.seq || c.acct == nil || !c.acct.same(*acct) {
				return // superseded
			}
			c.fetching, c.cancel = false, nil
			if err != nil {
				c.requestFailed(err)
				if !isUnreachable(err) && !isSignedOut(err) {
					c.ttErr = err
				}
				return
			}
			c.store(ctx, week, week.AddDays(6), tt)
		})
	})
}

// stopRequests cancels the sync and the week request in flight and makes
// their answers, and that of a session check, be ignored: after signing
// out, none of them may store the timetable again.
func (c *weekView) stopRequests() {
	if c.syncCancel != nil {
		c.syncCancel()
	}
	if c.cancel != nil {
		c.cancel()
	}
	c.syncSeq++
	c.seq++
	c.sessionSeq++
	c.syncing, c.fetching, c.syncCancel, c.cancel = false, false, nil, nil
}

func (c *weekView) retry(ctx app.Context, e app.Event) {
	c.checkSession(ctx)
}

func (c *weekView) backOnline(ctx app.Context) {
	if c.offline || isUnreachable(c.sessionErr) {
		c.offline = false
		c.checkSession(ctx)
	}
}

// resumed syncs again when the app comes back to the foreground with a
// sync older than staleAfter (an installed PWA stays open for days).
func (c *weekView) resumed(ctx app.Context) {
	if app.Window().Get("document").Get("visibilityState").String() != "visible" {
		return
	}
	today := shared.DateOf(time.Now())
	stale := c.cache != nil && time.Since(c.cache.lastSynced()) > staleAfter
	if c.syncing || c.signingOut || c.signedOut || (!stale && today == c.today) {
		return
	}
	c.today = today
	c.checkSession(ctx)
}

// accountChanged starts over, from what is stored now, when another tab
// changed the account: this tab must not keep showing the timetable of a
// student who signed out there.
func (c *weekView) accountChanged(ctx app.Context) {
	if c.acct == nil || !c.persist || c.signingOut {
		return
	}
	st := ctx.LocalStorage()
	a, ok := loadAccount(st)
	if ok && a.same(*c.acct) {
		return
	}
	c.stopRequests()
	// A save of this tab may have raced with the other tab's change (it
	// checked the account just before the other tab removed it): remove
	// it. The account stored now is another one, or none, so this never
	// touches the timetable of whoever is signed in.
	st.Del(timetableKey(*c.acct))
	c.acct, c.cache, c.session = nil, nil, nil
	if !ok {
		// Signed out there. Not a reload: the other tab's sign-out request
		// may still be on its way, and asking for the session now could
		// sign this tab back in.
		ctx.Navigate(routeSignIn)
		return
	}
	ctx.Reload()
}

func (c *weekView) goToWeek(ctx app.Context, monday shared.Date) {
	if monday.IsZero() {
		return
	}
	ctx.Navigate(weekURL(monday))
}

// signOut removes the student's cached timetable from the device first,
// whatever happens next, then ends the session at the backend. Until the
// backend confirms, the sign-out stays pending on the device (see
// checkSession), so coming back online can never sign the student in
// again.
func (c *weekView) signOut(ctx app.Context, e app.Event) {
	if c.signingOut {
		return
	}
	c.stopRequests()
	st := ctx.LocalStorage()
	forgetAll(st)
	markSignOutPending(st)
	newFeed = nil
	// Off the screen at once too: a shared device shows nobody's name or
	// classes, whatever the network does.
	c.acct, c.cache, c.session = nil, nil, nil
	c.finishSignOut(ctx)
}

// finishSignOut ends the session at the backend and goes to the sign-in
// page; unreachable, it keeps the sign-out pending and says so.
func (c *weekView) finishSignOut(ctx app.Context) {
	if c.signingOut {
		return
	}
	c.signingOut, c.signOutErr = true, nil
	ctx.Async(func() {
		cctx, cancel := callCtx(ctx)
		defer cancel()
		err := api().Logout(cctx)
		c.dispatch(ctx, func(ctx app.Context) {
			c.signingOut = false
			if err != nil && !isSignedOut(err) {
				c.signOutErr = err
				c.offline = c.offline || isUnreachable(err)
				return
			}
			clearSignOutPending(ctx.LocalStorage())
			ctx.Navigate(routeSignIn)
		})
	})
}

func (c *weekView) Render() app.UI {
	return app.Div().Class("page", "page-week").Body(
		c.renderHeader(),
		app.If(c.updateAvailable, updateBar),
		app.Main().Class("content", "content-wide").Body(c.renderMain()),
	)
}

func (c *weekView) renderHeader() app.UI {
	return app.Header().Class("app-header").Body(
		app.Div().Class("app-header-inner").Body(
			brand(),
			app.If(c.acct != nil, func() app.UI {
				return app.Div().Class("account").Body(
					app.Span().ID("user-name").Class("user-name").Text(c.acct.Name),
					disable(app.Button().
						ID("signout").
						Type("button").
						Class("button", "button-quiet").
						OnClick(c.signOut).
						Text("Sign out"), c.signingOut),
				)
			}),
		),
	)
}

func (c *weekView) renderMain() app.UI {
	if c.acct == nil {
		if c.signingOut {
			return loading("Signing out…")
		}
		if c.signOutErr != nil {
			return errorBox(signOutMessage(c.signOutErr),
				button("button button-primary", "Try again", c.retry).ID("retry"))
		}
		if c.sessionErr != nil {
			return errorBox(errorMessage(c.sessionErr),
				button("button button-primary", "Try again", c.retry).ID("retry"))
		}
		return loading("Loading your timetable…")
	}
	return app.Div().Class("week-page").Body(
		app.If(c.demo, demoBanner),
		app.If(c.signOutErr != nil, func() app.UI { return errorBox(signOutMessage(c.signOutErr)) }),
		app.If(c.signedOut && !c.signingOut, func() app.UI {
			return errorBox(msgSignedOutKeep,
				app.A().ID("signin-again").Class("button", "button-primary").Href(routeSignIn).Text("Sign in"))
		}),
		app.If(c.refreshErr != nil && !c.signedOut, func() app.UI {
			return app.Div().Class("notice", "refresh-error").Role("status").Body(
				app.Span().Text(msgNotUpdated+" "+errorMessage(c.refreshErr)),
				button("link-button", "Try again", c.retry).ID("retry"),
			)
		}),
		c.renderWeekNav(),
		c.renderSyncBar(),
		c.renderWeek(),
		&calendarPanel{Provider: c.acct.Provider, Offline: c.offline, SignedOut: c.signedOut},
	)
}

// renderSyncBar says whether the app is offline, how far a sync is and
// when the week shown was synced.
func (c *weekView) renderSyncBar() app.UI {
	at, covered := c.cache.weekSynced(c.week)
	return app.Div().Class("sync-bar").Body(
		app.If(c.offline, func() app.UI {
			return app.Span().ID("offline-indicator").Class("offline-indicator").Role("status").Body(
				app.Span().Class("offline-dot").Aria("hidden", "true"),
				app.Text("Offline: showing your saved timetable"),
			)
		}),
		app.If(c.syncing, func() app.UI {
			return app.Span().ID("sync-status").Class("sync-status").Role("status").Aria("live", "polite").
				Text(syncProgress(c.syncDone, c.syncTotal))
		}),
		app.If(covered, func() app.UI {
			return app.Span().ID("last-synced").Class("last-synced").
				DataSet("synced-at", at.UTC().Format(time.RFC3339)).
				Title("%s", at.Local().Format("2 Jan 2006, 15:04")).
				Text("Last synced " + syncedLabel(at, time.Now()))
		}),
	)
}

// syncProgress is "Syncing… 2/5".
func syncProgress(done, total int) string {
	return "Syncing… " + strconv.Itoa(done) + "/" + strconv.Itoa(total)
}

// The handlers read the component's state when they run: go-app keeps the
// first handler it mounted as long as the new one has the same code, so a
// closure over this render's week would go stale.
func (c *weekView) prevWeek(ctx app.Context, e app.Event)  { c.goToWeek(ctx, c.week.AddDays(-7)) }
func (c *weekView) nextWeek(ctx app.Context, e app.Event)  { c.goToWeek(ctx, c.week.AddDays(7)) }
func (c *weekView) todayWeek(ctx app.Context, e app.Event) { c.goToWeek(ctx, c.today.Monday()) }

func (c *weekView) renderWeekNav() app.UI {
	return app.Nav().Class("week-nav").Aria("label", "Week").Body(
		app.Button().
			ID("prev-week").
			Type("button").
			Class("button", "button-icon").
			Aria("label", "Previous week").
			Title("Previous week").
			OnClick(c.prevWeek).
			Body(app.Span().Class("chevron", "chevron-left").Aria("hidden", "true")),
		app.H1().ID("week-title").Class("week-title").Aria("live", "polite").Text(weekTitle(c.week)),
		app.Button().
			ID("today").
			Type("button").
			Class("button", "button-quiet", "today-button").
			OnClick(c.todayWeek).
			Text("Today"),
		app.Button().
			ID("next-week").
			Type("button").
			Class("button", "button-icon").
			Aria("label", "Next week").
			Title("Next week").
			OnClick(c.nextWeek).
			Body(app.Span().Class("chevron", "chevron-right").Aria("hidden", "true")),
	)
}

func (c *weekView) renderWeek() app.UI {
	if _, ok := c.cache.weekSynced(c.week); ok {
		return c.renderDays(c.cache.weekEvents(c.week))
	}
	switch {
	case c.ttErr != nil:
		return errorBox(errorMessage(c.ttErr),
			button("button button-primary", "Try again", c.retry).ID("retry"))
	case c.offline:
		return notSynced(msgNotSyncedOffline)
	case c.signedOut:
		return notSynced(msgNotSyncedSignedOut)
	case c.session == nil && c.refreshErr != nil:
		return notSynced(msgNotSynced)
	}
	return loading("Loading classes…")
}

// notSynced says that a week is not on the device, which is not the same
// as a week without classes.
func notSynced(msg string) app.UI {
	return app.Div().Class("not-synced").Role("status").Body(
		app.P().Class("not-synced-title").Text("This week isn't saved on this device."),
		app.P().Class("not-synced-hint").Text(msg),
	)
}

func (c *weekView) renderDays(events []shared.Event) app.UI {
	days := eventsByDay(events, c.week)
	total := 0
	for _, d := range days {
		total += len(d)
	}
	dates := weekDays(c.week)
	return app.Div().Class("week-body").Body(
		app.If(total == 0, func() app.UI {
			return app.P().Class("empty-state").Text("No classes this week.")
		}),
		app.Div().Class("week").Body(
			app.Range(dates[:]).Slice(func(i int) app.UI {
				return c.renderDay(dates[i], days[i])
			}),
		),
	)
}

func (c *weekView) renderDay(d shared.Date, events []shared.Event) app.UI {
	isToday := d == c.today
	classes := []string{"day"}
	if isToday {
		classes = append(classes, "today")
	}
	section := app.Section().
		Class(classes...).
		DataSet("date", d.String()).
		Aria("label", dayName(d)+" "+dayShortDate(d))
	if isToday {
		section = section.Aria("current", "date")
	}
	return section.Body(
		app.H2().Class("day-heading").Body(
			app.Span().Class("day-name").Text(dayName(d)),
			app.Span().Class("day-date").Text(dayShortDate(d)),
			app.If(isToday, func() app.UI { return app.Span().Class("today-badge").Text("Today") }),
		),
		app.If(len(events) == 0, func() app.UI {
			return app.P().Class("no-classes").Text("No classes")
		}).Else(func() app.UI {
			return app.Ul().Class("events").Body(
				app.Range(events).Slice(func(i int) app.UI {
					return app.Li().Body(renderEvent(events[i]))
				}),
			)
		}),
	)
}

// renderEvent shows one class, exam or meeting.
func renderEvent(e shared.Event) app.UI {
	cat := eventCategory(e)
	kind := eventKind(e)
	place := eventPlace(e)
	lecturers := strings.Join(nonEmpty(e.Lecturers), ", ")
	return app.Article().
		Class("event", "event-"+cat).
		DataSet("event-id", e.ID).
		DataSet("category", cat).
		Body(
			app.Time().
				Class("event-time").
				DateTime("%s", e.Start.Format(time.RFC3339)).
				Text(timeRange(e)),
			app.H3().Class("event-title").Text(e.Title),
			app.If(kind != "", func() app.UI {
				return app.P().Class("event-kind").Text(kind)
			}),
			app.If(place != "", func() app.UI {
				return app.P().Class("event-place").Body(
					app.Span().Class("visually-hidden").Text("Where: "),
					app.Text(place),
				)
			}),
			app.If(e.Group != "", func() app.UI {
				return app.P().Class("event-group").Text("Group " + e.Group)
			}),
			app.If(lecturers != "", func() app.UI {
				return app.P().Class("event-lecturers").Body(
					app.Span().Class("visually-hidden").Text("With: "),
					app.Text(lecturers),
				)
			}),
			app.If(isWebURL(e.URL), func() app.UI {
				return app.A().
					Class("event-link").
					Href("%s", e.URL).
					Target("_blank").
					Rel("noopener noreferrer").
					Text("Details")
			}),
		)
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
