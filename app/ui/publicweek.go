package ui

import (
	"errors"
	"strconv"
	"time"

	"github.com/campusweek/campusweek/app/public"
	"github.com/campusweek/campusweek/app/timetable"
	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/i18n"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// publicWeek is /public/week: the week of a room, course or lecturer
// (public.ParsePin's address), with week navigation, pinning, and for a
// room its building's free rooms. A pinned timetable shows its cached week
// at once and offline; online, the week is read again (for a pinned one,
// with the next public.PrefetchWeeks weeks, which are then cached too).
type publicWeek struct {
	app.Compo

	lang     i18n.Lang
	signedIn bool
	ok       bool // the address names a timetable
	pin      public.Pin
	week     shared.Date
	today    shared.Date
	pinned   bool

	events  []shared.Event // the week's, when known
	known   bool           // events are the week's (read or cached)
	fetched time.Time      // when the university was read for them
	cached  bool           // events came from the device
	busy    bool
	err     error // the last read failed
	pinErr  error
	offline bool
	seq     int // the read whose answer counts

	removeListeners []func()
	owner
}

func (c *publicWeek) OnMount(ctx app.Context) {
	c.own(ctx)
	followLang(ctx, &c.lang, func() { c.langChanged(ctx) })
	c.signedIn = rememberedAccount(ctx)
	on := func(f func(app.Context)) func(app.Value) {
		return func(app.Value) { ctx.Dispatch(f) }
	}
	c.removeListeners = append(c.removeListeners,
		listenWindow("online", on(func(ctx app.Context) { c.offline = false; c.read(ctx) })),
		listenWindow("offline", on(func(ctx app.Context) { c.offline = true })),
	)
}

func (c *publicWeek) OnDismount() {
	for _, remove := range c.removeListeners {
		remove()
	}
	c.removeListeners = nil
}

func (c *publicWeek) setTitle(ctx app.Context) {
	if !c.ok || !app.IsClient {
		ctx.Page().SetTitle("%s · %s", c.lang.T(i18n.PublicTitle), appName)
		return
	}
	ctx.Page().SetTitle("%s · %s · %s", c.pin.Name, weekTitle(c.lang, c.week), appName)
}

// langChanged retitles the page and reads the week again: the university
// words class types and course names in each language.
func (c *publicWeek) langChanged(ctx app.Context) {
	c.setTitle(ctx)
	if c.ok && app.IsClient {
		c.read(ctx)
	}
}

func (c *publicWeek) OnNav(ctx app.Context) {
	c.lang = pageLang(ctx)
	c.today = shared.DateOf(time.Now())
	if !app.IsClient {
		// Prerendering: a loading shell, no network calls, no query echo.
		c.ok = false
		c.setTitle(ctx)
		return
	}
	c.pin, c.week, c.ok = public.ParsePin(ctx.Page().URL().Query(), c.today)
	c.setTitle(ctx)
	if !c.ok {
		return
	}
	st := ctx.LocalStorage()
	c.pinned = public.IsPinned(st, c.pin.Ref)
	c.events, c.known, c.cached, c.fetched, c.err = nil, false, false, time.Time{}, nil
	if w, ok := public.LoadWeek(st, c.pin.Ref, c.week); ok {
		c.events, c.known, c.cached, c.fetched = w.Events, true, true, w.FetchedAt
	}
	c.offline = !navigatorOnLine()
	c.read(ctx)
}

// read reads the week shown from the backend, and for a pinned timetable
// the next public.PrefetchWeeks-1 weeks too, caching them all.
func (c *publicWeek) read(ctx app.Context) {
	if !c.ok {
		return
	}
	c.seq++
	seq, p, week := c.seq, c.pin, c.week
	weeks := 1
	if c.pinned {
		weeks = public.PrefetchWeeks
	}
	to := week.AddDays(7*weeks - 1)
	c.busy = true
	ctx.Async(func() {
		cctx, cancel := callCtx(ctx)
		defer cancel()
		tt, err := api().PublicTimetable(cctx, p.Provider, p.Kind, p.ID, week, to)
		c.dispatch(ctx, func(ctx app.Context) {
			if seq != c.seq {
				return
			}
			c.busy = false
			if err != nil {
				c.err = err
				c.offline = c.offline || isUnreachable(err)
				return
			}
			c.err, c.offline = nil, false
			c.events, c.known, c.cached, c.fetched = public.WeekEvents(tt.Events, week), true, false, tt.FetchedAt
			if err := public.SaveWeeks(ctx.LocalStorage(), p.Ref, week, to, tt.FetchedAt, tt.Events, c.today); err != nil {
				app.Log("campusweek:", err) // storage full or disabled: online only
			}
		})
	})
}

// togglePin pins the timetable shown (and reads its next weeks, to cache
// them) or unpins it.
func (c *publicWeek) togglePin(ctx app.Context, e app.Event) {
	st := ctx.LocalStorage()
	c.pinErr = nil
	if c.pinned {
		c.pinErr = public.Remove(st, c.pin.Ref)
		c.pinned = public.IsPinned(st, c.pin.Ref)
		return
	}
	if err := public.Add(st, c.pin); err != nil {
		c.pinErr = err
		return
	}
	c.pinned = true
	c.read(ctx)
}

// weekURL is the address of the week of monday of the timetable shown.
func (c *publicWeek) weekURL(monday shared.Date) string {
	return publicURL(routePublicWeek, c.pin.Query(monday))
}

func (c *publicWeek) goToWeek(ctx app.Context, monday shared.Date) {
	if c.ok && !monday.IsZero() {
		ctx.Navigate(c.weekURL(monday))
	}
}

func (c *publicWeek) prevWeek(ctx app.Context, e app.Event)  { c.goToWeek(ctx, c.week.AddDays(-7)) }
func (c *publicWeek) nextWeek(ctx app.Context, e app.Event)  { c.goToWeek(ctx, c.week.AddDays(7)) }
func (c *publicWeek) todayWeek(ctx app.Context, e app.Event) { c.goToWeek(ctx, c.today.Monday()) }
func (c *publicWeek) retry(ctx app.Context, e app.Event)     { c.read(ctx) }

func (c *publicWeek) Render() app.UI {
	return app.Div().Class("page", "page-week", "page-public-week").Body(
		publicHeader(c.lang, c.signedIn),
		app.Main().Class("content", "content-wide").Body(c.renderMain()),
	)
}

func (c *publicWeek) renderMain() app.UI {
	l := c.lang
	if !c.ok {
		if !app.IsClient {
			return loading(l.T(i18n.WeekLoading))
		}
		return app.Div().Class("week-page").Body(
			errorBox(l.T(i18n.PublicNotFound), app.A().ID("public-back").Class("button", "button-primary").
				Href(routePublic).Text(l.T(i18n.PublicBack))),
		)
	}
	p := c.pin
	back := public.Search{Provider: p.Provider, Kind: p.Kind}
	return app.Div().Class("week-page").Body(
		app.P().Class("public-back").Body(
			app.A().ID("public-back").Href(publicURL(routePublic, back.Values())).Text(l.T(i18n.PublicBack)),
		),
		app.Div().Class("public-head").Body(
			app.P().ID("public-kind").Class("public-kind").Text(kindName(l, p.Kind)),
			app.P().ID("public-name").Class("public-name").Text(p.Label()),
			app.Div().Class("public-actions").Body(
				app.Button().ID("public-pin").Type("button").
					Class("button", "button-quiet").
					Aria("pressed", strconv.FormatBool(c.pinned)).
					OnClick(c.togglePin).
					Text(func() string {
						if c.pinned {
							return l.T(i18n.PublicUnpin)
						}
						return l.T(i18n.PublicPin)
					}()),
				app.If(p.Kind == shared.PublicRoom && p.BuildingID != "", func() app.UI {
					b := public.Building{Provider: p.Provider, ID: p.BuildingID, Name: p.Building}
					return app.A().ID("free-rooms-link").Class("button", "button-quiet").
						Href(publicURL(routeFreeRooms, b.Query(public.DefaultSpan))).
						Text(l.T(i18n.FreeRoomsLink))
				}),
			),
		),
		app.If(c.pinned, func() app.UI {
			return app.P().ID("pinned-note").Class("hint").Text(l.T(i18n.PublicPinnedNote))
		}),
		app.If(c.pinErr != nil, func() app.UI {
			if errors.Is(c.pinErr, public.ErrTooManyPins) {
				return errorBoxDetail(l, l.F(i18n.PublicTooManyPins, strconv.Itoa(public.MaxPins)), "")
			}
			return errorBoxDetail(l, l.T(i18n.ErrGeneric), "")
		}),
		// Offline, the indicator says why the copy shown was not read again.
		app.If(c.err != nil && c.known && !(c.cached && c.offline), func() app.UI {
			return app.Div().Class("notice", "refresh-error").Role("status").Body(
				app.Span().Text(publicErrorMessage(l, c.err)),
				button("link-button", l.T(i18n.TryAgain), c.retry).ID("retry"),
			)
		}),
		weekNav(l, c.week, c.prevWeek, c.todayWeek, c.nextWeek),
		c.renderSyncBar(),
		c.renderWeek(),
	)
}

// renderSyncBar says whether the copy shown is the device's, offline, and
// when the university was read for it.
func (c *publicWeek) renderSyncBar() app.UI {
	l := c.lang
	return app.Div().Class("sync-bar").Body(
		app.If(c.cached && c.offline, func() app.UI {
			return app.Span().ID("offline-indicator").Class("offline-indicator").Role("status").Body(
				app.Span().Class("offline-dot").Aria("hidden", "true"),
				app.Text(l.T(i18n.PublicOffline)),
			)
		}),
		app.If(c.known && !c.fetched.IsZero(), func() app.UI {
			return app.Span().ID("last-synced").Class("last-synced").
				DataSet("synced-at", c.fetched.UTC().Format(time.RFC3339)).
				Title("%s", syncedAt(l, c.fetched.Local())).
				Text(l.F(i18n.PublicUpdated, syncedLabel(l, c.fetched, time.Now())))
		}),
	)
}

// renderWeek shows the week when it is known, and otherwise why not.
func (c *publicWeek) renderWeek() app.UI {
	l := c.lang
	switch {
	case c.known:
		return weekEvents(l, c.events, c.week, c.today, c.weekURL)
	case c.err != nil && (c.offline || isUnreachable(c.err)):
		return notSynced(l, l.T(i18n.PublicPinToKeep))
	case c.err != nil:
		return errorBoxDetail(l, publicErrorMessage(l, c.err), errorDetail(c.err),
			button("button button-primary", l.T(i18n.TryAgain), c.retry).ID("retry"))
	}
	return loading(l.T(i18n.WeekLoadingClasses))
}

// weekEvents shows a week of events that are not the student's own, with
// the week's rendering (timeViews, read-only); weekURL is the address of
// another of its weeks.
func weekEvents(l i18n.Lang, events []shared.Event, monday, today shared.Date, weekURL func(shared.Date) string) app.UI {
	cache := timetable.NewCache(timetable.Account{})
	cache.Merge(monday, monday.AddDays(6), time.Time{}, events)
	return &timeViews{View: timetable.View{Today: today, Week: monday, Cache: cache}, Lang: l, WeekURL: weekURL}
}

// weekNav is the week navigation of a week page: previous, the week's
// title (the page's heading), this week, next.
func weekNav(l i18n.Lang, monday shared.Date, prev, today, next app.EventHandler) app.UI {
	return app.Nav().Class("week-nav").Aria("label", l.T(i18n.WeekNav)).Body(
		app.Button().
			ID("prev-week").
			Type("button").
			Class("button", "button-icon").
			Aria("label", l.T(i18n.WeekPrevious)).
			Title(l.T(i18n.WeekPrevious)).
			OnClick(prev).
			Body(app.Span().Class("chevron", "chevron-left").Aria("hidden", "true")),
		app.H1().ID("week-title").Class("week-title").Aria("live", "polite").Text(weekTitle(l, monday)),
		app.Button().
			ID("today").
			Type("button").
			Class("button", "button-quiet", "today-button").
			OnClick(today).
			Text(l.T(i18n.WeekToday)),
		app.Button().
			ID("next-week").
			Type("button").
			Class("button", "button-icon").
			Aria("label", l.T(i18n.WeekNext)).
			Title(l.T(i18n.WeekNext)).
			OnClick(next).
			Body(app.Span().Class("chevron", "chevron-right").Aria("hidden", "true")),
	)
}
