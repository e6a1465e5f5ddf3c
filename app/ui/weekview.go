package ui

import (
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
	removeListeners []func()
	// notifyOn: this browser receives notifications (stateNotifyOn);
	// stopNotify: the student asked to stop them as they sign out.
	notifyOn, stopNotify bool
	owner
}

func (c *weekView) OnMount(ctx app.Context) {
	c.own(ctx)
	followLang(ctx, &c.lang, func() { c.langChanged(ctx) })
	if !app.IsClient {
		return
	}
	ctx.ObserveState(stateNotifyOn, &c.notifyOn)
	c.tt = timetable.New(timetable.Config{
		API:     modelAPI{},
		Storage: ctx.LocalStorage(),
		Online:  navigatorOnLine,
		Changed: func() { c.dispatch(ctx, c.refresh) },
		Log:     func(err error) { app.Log("campusweek:", err) },
	})
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
	ctx.Page().SetTitle("%s · %s", weekTitle(c.lang, week), appName)
	c.act(ctx, func() { c.tt.Show(week) })
}

// langChanged retitles the page in the language just chosen, and fetches
// the timetable again in it: the university names courses and class types
// in each language (offline, the cached copy stays as it is).
func (c *weekView) langChanged(ctx app.Context) {
	if c.tt == nil {
		return
	}
	if !c.view.Week.IsZero() {
		ctx.Page().SetTitle("%s · %s", weekTitle(c.lang, c.view.Week), appName)
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
func (c *weekView) prevWeek(ctx app.Context, e app.Event) { c.goToWeek(ctx, c.view.Week.AddDays(-7)) }
func (c *weekView) nextWeek(ctx app.Context, e app.Event) { c.goToWeek(ctx, c.view.Week.AddDays(7)) }
func (c *weekView) todayWeek(ctx app.Context, e app.Event) {
	c.goToWeek(ctx, c.view.Today.Monday())
}

func (c *weekView) goToWeek(ctx app.Context, monday shared.Date) {
	if !monday.IsZero() {
		ctx.Navigate(weekURL(monday))
	}
}

func (c *weekView) Render() app.UI {
	return app.Div().Class("page", "page-week").Body(
		c.renderHeader(),
		app.If(c.updateAvailable, func() app.UI { return updateBar(c.lang) }),
		app.Main().Class("content", "content-wide").Body(c.renderMain()),
	)
}

func (c *weekView) renderHeader() app.UI {
	v := &c.view
	l := c.lang
	return app.Header().Class("app-header").Body(
		app.Div().Class("app-header-inner").Body(
			brand(),
			langSwitch(l),
			app.A().ID("public-link").Class("button", "button-quiet", "header-link").Href(routePublic).Text(l.T(i18n.PublicLink)),
			app.If(v.Account != nil, func() app.UI {
				return app.Div().Class("account").Body(
					app.Span().ID("user-name").Class("user-name").Text(v.Account.Name),
					disableButton(app.Button().
						ID("signout").
						Type("button").
						Class("button", "button-quiet").
						OnClick(c.signOut).
						Text(l.T(i18n.WeekSignOut)), v.SigningOut),
					app.If(c.notifyOn, func() app.UI {
						return app.Label().Class("signout-stop-notify").For("signout-stop-notify").Body(
							app.Input().ID("signout-stop-notify").Type("checkbox").Checked(c.stopNotify).OnChange(c.toggleStopNotify),
							app.Text(" "+l.T(i18n.NotifySignOutStop)),
						)
					}),
				)
			}),
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
			return errorBox(signOutMessage(l, v.SignOutErr), c.retryButton())
		case v.SessionErr != nil:
			return errBox(l, v.SessionErr, c.retryButton())
		}
		return loading(l.T(i18n.WeekLoading))
	}
	signedOut := v.Status == timetable.SignedOut
	return app.Div().Class("week-page").Body(
		app.If(v.Demo, func() app.UI { return demoBanner(l) }),
		app.If(v.SignOutErr != nil, func() app.UI { return errorBox(signOutMessage(l, v.SignOutErr)) }),
		app.If(signedOut && !v.SigningOut, func() app.UI {
			return errorBox(l.T(i18n.WeekSignedOutKeep),
				app.A().ID("signin-again").Class("button", "button-primary").Href(routeSignIn).Text(l.T(i18n.SignInButton)))
		}),
		app.If(v.RefreshErr != nil && !signedOut, func() app.UI {
			return app.Div().Class("notice", "refresh-error").Role("status").Body(
				app.Span().Text(l.T(i18n.WeekNotUpdated)+" "+errorMessage(l, v.RefreshErr)),
				button("link-button", l.T(i18n.TryAgain), c.retry).ID("retry"),
			)
		}),
		c.renderWeekNav(),
		c.renderSyncBar(),
		c.renderWeek(),
		&calendarPanel{Provider: v.Account.Provider, Offline: v.Offline, SignedOut: signedOut, Lang: l, Hidden: hiddenOf(v.Cache)},
	)
}

func (c *weekView) retryButton() app.UI {
	return button("button button-primary", c.lang.T(i18n.TryAgain), c.retry).ID("retry")
}

// renderSyncBar says whether the app is offline, how far a sync is and
// when the week shown was synced.
func (c *weekView) renderSyncBar() app.UI {
	v := &c.view
	at, covered := v.Cache.WeekSynced(v.Week)
	return app.Div().Class("sync-bar").Body(
		app.If(v.Offline, func() app.UI {
			return app.Span().ID("offline-indicator").Class("offline-indicator").Role("status").Body(
				app.Span().Class("offline-dot").Aria("hidden", "true"),
				app.Text(c.lang.T(i18n.WeekOffline)),
			)
		}),
		app.If(v.Syncing, func() app.UI {
			return app.Span().ID("sync-status").Class("sync-status").Role("status").Aria("live", "polite").
				Text(syncProgress(c.lang, v.SyncDone, v.SyncTotal))
		}),
		app.If(covered, func() app.UI {
			return app.Span().ID("last-synced").Class("last-synced").
				DataSet("synced-at", at.UTC().Format(time.RFC3339)).
				Title("%s", syncedAt(c.lang, at.Local())).
				Text(c.lang.F(i18n.WeekLastSynced, syncedLabel(c.lang, at, time.Now())))
		}),
	)
}

func (c *weekView) renderWeekNav() app.UI {
	return weekNav(c.lang, c.view.Week, c.prevWeek, c.todayWeek, c.nextWeek)
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
		return errBox(l, v.WeekErr, c.retryButton())
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
