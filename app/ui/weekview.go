package ui

import (
	"strconv"
	"time"

	"github.com/campusweek/campusweek/app/timetable"
	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/i18n"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// weekView is /: the signed-in student's week, Monday to Sunday. The week
// shown is in the URL (/?week=YYYY-MM-DD, its Monday) so reload and Back
// work.
//
// Its data lives in a timetable.Model: the cached timetable first, then
// the session check and the term sync in the background; offline, or with
// the backend down, the last signed-in student's cached weeks. The
// component passes the browser's events to the model and renders the
// View it publishes.
type weekView struct {
	app.Compo

	tt      *timetable.Model // nil while prerendering
	view    timetable.View
	leaving bool      // the page is being left (View.Next)
	lang    i18n.Lang // the language shown

	updateAvailable bool
	// unpainted holds in a browser until the first render has painted:
	// until then the calendar panel, below the week, waits.
	unpainted       bool
	removeListeners []func()
	// notifyOn: this browser receives notifications (stateNotifyOn);
	// stopNotify: the student asked to stop them as they sign out.
	notifyOn, stopNotify bool
	owner
}

// OnInit, in a browser, makes the model and shows the address's week
// before the first render, so that the first render is the cached week:
// shown from OnNav, the week came a frame later, after "Loading…" had
// been mounted, only to be replaced. OnNav shows the same week again,
// which changes nothing, and acts on where the model sends the student.
func (c *weekView) OnInit() {
	initLang(&c.lang)
	if !app.IsClient {
		return
	}
	c.unpainted = true
	c.tt = timetable.New(timetable.Config{
		API:     modelAPI{},
		Storage: deviceStorage{},
		Online:  navigatorOnLine,
		Changed: c.changed,
		Log:     func(err error) { app.Log("campusweek:", err) },
		Later:   afterPaint,
	})
	c.tt.Show(weekFromQuery(app.Window().URL().Query().Get("week"), shared.DateOf(time.Now())))
	c.view = c.tt.View()
}

// changed renders the model's new View. Before the component is mounted
// there is nothing to update: its first render takes the View as it is.
func (c *weekView) changed() {
	if c.self.Context != nil {
		c.dispatch(c.self, c.refresh)
	}
}

func (c *weekView) OnMount(ctx app.Context) {
	c.own(ctx)
	followLang(ctx, &c.lang, func() { c.langChanged(ctx) })
	if !app.IsClient {
		return
	}
	ctx.ObserveState(stateNotifyOn, &c.notifyOn)
	// The listeners dispatch: the model is driven from the UI goroutine.
	on := func(f func()) func(app.Value) {
		return func(app.Value) { ctx.Dispatch(func(ctx app.Context) { c.act(ctx, f) }) }
	}
	c.removeListeners = append(c.removeListeners,
		// Back online: check the session and sync again by itself.
		listenWindow("online", on(c.tt.BackOnline)),
		listenWindow("offline", on(c.tt.WentOffline)),
		listenDocument("visibilitychange", on(func() {
			if app.Window().Get("document").Get("visibilityState").String() == "visible" {
				c.tt.Resumed()
			}
		})),
		// Another tab signed out, or in as someone else.
		listenWindow("storage", func(e app.Value) {
			if key := e.Get("key"); key.IsNull() || key.String() == timetable.AccountKey {
				on(c.tt.AccountChanged)(e)
			}
		}),
	)
	c.updateAvailable = ctx.AppUpdateAvailable()
	c.removeListeners = append(c.removeListeners, watchForUpdates(ctx))
	afterPaint(func() { ctx.Dispatch(func(app.Context) { c.unpainted = false }) })
}

func (c *weekView) OnDismount() {
	for _, remove := range c.removeListeners {
		remove()
	}
	c.removeListeners = nil
	if c.tt != nil {
		c.tt.Close()
	}
}

func (c *weekView) OnAppUpdate(ctx app.Context) {
	c.updateAvailable = true
}

func (c *weekView) OnNav(ctx app.Context) {
	c.lang = pageLang(ctx)
	week := weekFromQuery(ctx.Page().URL().Query().Get("week"), shared.DateOf(time.Now()))
	if c.tt == nil {
		// Prerendering: a loading shell, no network calls, no query echo.
		ctx.Page().SetTitle(appName)
		return
	}
	c.setTitle(ctx, week)
	c.act(ctx, func() { c.tt.Show(week) })
}

// setTitle titles the page with the week of monday.
func (c *weekView) setTitle(ctx app.Context, monday shared.Date) {
	ctx.Page().SetTitle(weekTitle(c.lang, monday) + " · " + appName)
}

// langChanged retitles the page in the language just chosen, and fetches
// the timetable again in it: the university names courses and class types
// in each language (offline, the cached copy stays as it is).
func (c *weekView) langChanged(ctx app.Context) {
	if c.tt == nil {
		return
	}
	if !c.view.Week.IsZero() {
		c.setTitle(ctx, c.view.Week)
	}
	c.act(ctx, c.tt.Refetch)
}

// act runs f on the model and renders its outcome at once.
func (c *weekView) act(ctx app.Context, f func()) {
	f()
	c.refresh(ctx)
}

// refresh takes the model's current View, and leaves the page when the
// model says so.
func (c *weekView) refresh(ctx app.Context) {
	c.view = c.tt.View()
	if c.view.Next == timetable.Stay || c.leaving {
		return
	}
	c.leaving = true
	if c.view.Next == timetable.Reload {
		ctx.Reload()
		return
	}
	ctx.Navigate(routeSignIn)
}

func (c *weekView) retry(ctx app.Context, e app.Event) { c.act(ctx, c.tt.Retry) }

// signOut forgets the student on this device at once (see Model.SignOut),
// a subscription address just made included.
func (c *weekView) signOut(ctx app.Context, e app.Event) {
	ctx.DelState(stateNewFeed)
	if c.notifyOn && c.stopNotify {
		stopNotifications(ctx)
	}
	c.act(ctx, c.tt.SignOut)
}

// stopNotifications turns this browser's notifications off as the
// student signs out: DELETE /api/notifications needs no session (the
// browser's marker names the subscription), so it runs beside the
// sign-out.
func stopNotifications(ctx app.Context) {
	ctx.SetState(stateNotifyOn, false)
	ctx.Async(func() {
		cctx, cancel := callCtx(ctx)
		defer cancel()
		if _, err := api().UnsubscribeNotifications(cctx); err != nil {
			app.Log("campusweek: stopping notifications:", err)
			return
		}
		pushUnsubscribe()
	})
}

func (c *weekView) toggleStopNotify(ctx app.Context, e app.Event) {
	c.stopNotify = ctx.JSSrc().Get("checked").Bool()
}

// The handlers read the View when they run: go-app keeps the first handler
// it mounted as long as the new one has the same code, so a closure over
// this render's week would go stale.
func (c *weekView) Render() app.UI {
	// A nil child is left out: go-app's Body drops it.
	var bar app.UI
	if c.updateAvailable {
		bar = updateBar(c.lang)
	}
	return el("div", attrs{"class", "page page-week"},
		c.renderHeader(),
		bar,
		el("main", attrs{"class", "content content-wide"}, c.renderMain()),
	)
}

func (c *weekView) renderHeader() app.UI {
	v := &c.view
	l := c.lang
	var account app.UI
	if v.Account != nil {
		var stop app.UI
		if c.notifyOn {
			stop = el("label", attrs{"class", "signout-stop-notify", "for", "signout-stop-notify"},
				on(void("input", attrs{"id", "signout-stop-notify", "type", "checkbox", "checked", strconv.FormatBool(c.stopNotify)}),
					"change", c.toggleStopNotify),
				app.Text(" "+l.T(i18n.NotifySignOutStop)),
			)
		}
		account = el("div", attrs{"class", "account"},
			text("span", attrs{"id", "user-name", "class", "user-name"}, v.Account.Name),
			on(text("button", attrs{"id", "signout", "type", "button", "class", "button button-quiet", "disabled", when(v.SigningOut)},
				l.T(i18n.WeekSignOut)), "click", c.signOut),
			stop,
		)
	}
	return el("header", attrs{"class", "app-header"},
		el("div", attrs{"class", "app-header-inner"},
			brand(),
			langSwitch(l),
			text("a", attrs{"id", "public-link", "class", "button button-quiet header-link", "href", routePublic}, l.T(i18n.PublicLink)),
			account,
		),
	)
}

func (c *weekView) renderMain() app.UI {
	v := &c.view
	l := c.lang
	if v.Account == nil {
		switch {
		case v.SigningOut:
			return loading(l.T(i18n.WeekSigningOut))
		case v.SignOutErr != nil:
			return errorBox(signOutMessage(l, v.SignOutErr), retryButton(c.lang, "button button-primary", c.retry))
		case v.SessionErr != nil:
			return errBox(l, v.SessionErr, retryButton(c.lang, "button button-primary", c.retry))
		}
		return loading(l.T(i18n.WeekLoading))
	}
	signedOut := v.Status == timetable.SignedOut
	var demo, signOutErr, signInAgain, refreshErr app.UI
	if v.Demo {
		demo = demoBanner(l)
	}
	if v.SignOutErr != nil {
		signOutErr = errorBox(signOutMessage(l, v.SignOutErr))
	}
	if signedOut && !v.SigningOut {
		signInAgain = errorBox(l.T(i18n.WeekSignedOutKeep),
			text("a", attrs{"id", "signin-again", "class", "button button-primary", "href", routeSignIn}, l.T(i18n.SignInButton)))
	}
	if v.RefreshErr != nil && !signedOut {
		refreshErr = el("div", attrs{"class", "notice refresh-error", "role", "status"},
			text("span", nil, l.T(i18n.WeekNotUpdated)+" "+errorMessage(l, v.RefreshErr)),
			retryButton(c.lang, "link-button", c.retry),
		)
	}
	var calendar app.UI
	if !c.unpainted {
		calendar = &calendarPanel{Provider: v.Account.Provider, Offline: v.Offline, SignedOut: signedOut, Lang: l, Hidden: hiddenOf(v.Cache)}
	}
	return el("div", attrs{"class", "week-page"},
		demo,
		signOutErr,
		signInAgain,
		refreshErr,
		c.renderWeekNav(),
		c.renderSyncBar(),
		c.renderWeek(),
		calendar,
	)
}

// renderSyncBar says whether the app is offline, how far a sync is and
// when the week shown was synced.
func (c *weekView) renderSyncBar() app.UI {
	v := &c.view
	l := c.lang
	var syncing app.UI
	if v.Syncing {
		syncing = text("span", attrs{"id", "sync-status", "class", "sync-status", "role", "status", "aria-live", "polite"},
			syncProgress(l, v.SyncDone, v.SyncTotal))
	}
	at, _ := v.Cache.WeekSynced(v.Week)
	return syncBar(l, pick(v.Offline, l.T(i18n.WeekOffline)), syncing, at, i18n.WeekLastSynced)
}

func (c *weekView) renderWeekNav() app.UI {
	return weekNav(c.lang, c.view.Week, c.view.Today, weekURL)
}

// renderWeek shows the week's days when the week is on the device, and
// otherwise why not.
func (c *weekView) renderWeek() app.UI {
	v := &c.view
	l := c.lang
	if _, ok := v.Cache.WeekSynced(v.Week); ok {
		return &timeViews{Model: c.tt, View: *v, Lang: l}
	}
	switch {
	case v.WeekErr != nil:
		return errBox(l, v.WeekErr, retryButton(c.lang, "button button-primary", c.retry))
	case v.Offline:
		return notSynced(l, l.T(i18n.WeekNotSyncedOffline))
	case v.Status == timetable.SignedOut:
		return notSynced(l, l.T(i18n.WeekNotSyncedSignedOut))
	case v.Status != timetable.SignedIn && v.RefreshErr != nil:
		return notSynced(l, l.T(i18n.WeekNotSynced))
	}
	return loading(l.T(i18n.WeekLoadingClasses))
}

// hiddenOf is the classes hidden in c, which may be nil.
func hiddenOf(c *timetable.Cache) []shared.Hide {
	if c == nil {
		return nil
	}
	return c.Hidden
}
