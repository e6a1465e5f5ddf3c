package ui

import (
	"errors"
	"net/url"
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

// OnInit, in a browser, takes the page's language and shows the week
// the address names as this device keeps it, so that the first render is
// that week (as the student's own week screen does): shown from OnNav,
// which runs after the mount, it came a frame later.
func (c *publicWeek) OnInit() {
	initLang(&c.lang)
	if app.IsClient {
		c.showCached(app.Window().URL().Query())
	}
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
	title := c.lang.T(i18n.PublicTitle)
	if c.ok && app.IsClient {
		title = c.pin.Name + " · " + weekTitle(c.lang, c.week)
	}
	ctx.Page().SetTitle("%s · %s", title, appName)
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
	c.showCached(ctx.Page().URL().Query())
	c.setTitle(ctx)
	c.read(ctx)
}

// showCached shows the timetable and week that query names, as this
// device keeps them, and whether it is pinned; the backend is asked by
// read.
func (c *publicWeek) showCached(query url.Values) {
	c.today = shared.DateOf(time.Now())
	c.pin, c.week, c.ok = public.ParsePin(query, c.today)
	if !c.ok {
		return
	}
	st := deviceStorage{}
	c.pinned = public.IsPinned(st, c.pin.Ref)
	c.events, c.known, c.cached, c.fetched, c.err = nil, false, false, time.Time{}, nil
	if w, ok := public.LoadWeek(st, c.pin.Ref, c.week); ok {
		c.events, c.known, c.cached, c.fetched = w.Events, true, true, w.FetchedAt
	}
	c.offline = !navigatorOnLine()
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
			if err := public.SaveWeeks(deviceStorage{}, p.Ref, week, to, tt.FetchedAt, tt.Events, c.today); err != nil {
				app.Log("campusweek:", err) // storage full or disabled: online only
			}
		})
	})
}

// togglePin pins the timetable shown (and reads its next weeks, to cache
// them) or unpins it.
func (c *publicWeek) togglePin(ctx app.Context, e app.Event) {
	st := deviceStorage{}
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

func (c *publicWeek) retry(ctx app.Context, e app.Event) { c.read(ctx) }

func (c *publicWeek) Render() app.UI {
	return el("div", attrs{"class", "page page-week page-public-week"},
		publicHeader(c.lang, c.signedIn),
		el("main", attrs{"class", "content content-wide"}, c.renderMain()),
	)
}

func (c *publicWeek) renderMain() app.UI {
	l := c.lang
	if !c.ok {
		if !app.IsClient {
			return loading(l.T(i18n.WeekLoading))
		}
		return el("div", attrs{"class", "week-page"},
			errorBox(l.T(i18n.PublicNotFound),
				text("a", attrs{"id", "public-back", "class", "button button-primary", "href", routePublic}, l.T(i18n.PublicBack))),
		)
	}
	p := c.pin
	back := public.Search{Provider: p.Provider, Kind: p.Kind}
	pin := i18n.PublicPin
	if c.pinned {
		pin = i18n.PublicUnpin
	}
	var freeLink, pinnedNote, pinErr, refreshErr app.UI
	if p.Kind == shared.PublicRoom && p.BuildingID != "" {
		b := public.Building{Provider: p.Provider, ID: p.BuildingID, Name: p.Building}
		freeLink = text("a", attrs{"id", "free-rooms-link", "class", "button button-quiet",
			"href", publicURL(routeFreeRooms, b.Query(public.DefaultSpan))}, l.T(i18n.FreeRoomsLink))
	}
	if c.pinned {
		pinnedNote = text("p", attrs{"id", "pinned-note", "class", "hint"}, l.T(i18n.PublicPinnedNote))
	}
	if c.pinErr != nil {
		msg := l.T(i18n.ErrGeneric)
		if errors.Is(c.pinErr, public.ErrTooManyPins) {
			msg = l.F(i18n.PublicTooManyPins, strconv.Itoa(public.MaxPins))
		}
		pinErr = errorBoxDetail(l, msg, "")
	}
	// Offline, the indicator says why the copy shown was not read again.
	if c.err != nil && c.known && !(c.cached && c.offline) {
		refreshErr = el("div", attrs{"class", "notice refresh-error", "role", "status"},
			text("span", nil, publicErrorMessage(l, c.err)),
			retryButton(c.lang, "link-button", c.retry),
		)
	}
	return el("div", attrs{"class", "week-page"},
		el("p", attrs{"class", "public-back"},
			text("a", attrs{"id", "public-back", "href", publicURL(routePublic, back.Values())}, l.T(i18n.PublicBack)),
		),
		el("div", attrs{"class", "public-head"},
			text("p", attrs{"id", "public-kind", "class", "public-kind"}, kindName(l, p.Kind)),
			text("p", attrs{"id", "public-name", "class", "public-name"}, p.Label()),
			el("div", attrs{"class", "public-actions"},
				on(text("button", attrs{"id", "public-pin", "type", "button", "class", "button button-quiet",
					"aria-pressed", strconv.FormatBool(c.pinned)}, l.T(pin)), "click", c.togglePin),
				freeLink,
			),
		),
		pinnedNote,
		pinErr,
		refreshErr,
		weekNav(l, c.week, c.today, c.weekURL),
		c.renderSyncBar(),
		c.renderWeek(),
	)
}

// renderSyncBar says whether the copy shown is the device's, offline, and
// when the university was read for it.
func (c *publicWeek) renderSyncBar() app.UI {
	l := c.lang
	var at time.Time
	if c.known {
		at = c.fetched
	}
	return syncBar(l, pick(c.cached && c.offline, l.T(i18n.PublicOffline)), nil, at, i18n.PublicUpdated)
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
		return errorBoxDetail(l, publicErrorMessage(l, c.err), errorDetail(c.err), retryButton(c.lang, "button button-primary", c.retry))
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

// syncBar is the line above a week: the indicator saying offline, when
// offline is not "" (its words); status, what a sync is doing (may be
// nil); and when the copy shown was read, when at is not zero, in the
// words of key ("Last synced {1}").
func syncBar(l i18n.Lang, offline string, status app.UI, at time.Time, key i18n.Key) app.UI {
	var indicator, synced app.UI
	if offline != "" {
		indicator = el("span", attrs{"id", "offline-indicator", "class", "offline-indicator", "role", "status"},
			el("span", attrs{"class", "offline-dot", "aria-hidden", "true"}),
			app.Text(offline),
		)
	}
	if !at.IsZero() {
		synced = text("span", attrs{
			"id", "last-synced",
			"class", "last-synced",
			"data-synced-at", at.UTC().Format(time.RFC3339),
			"title", syncedAt(l, at.Local()),
		}, l.F(key, syncedLabel(l, at, time.Now())))
	}
	return el("div", attrs{"class", "sync-bar"}, indicator, status, synced)
}

// weekNav is the week navigation of a week page: previous, the week's
// title (the page's heading), this week, next. The steps are links to
// the weeks' addresses (url): moving between weeks moves between pages.
func weekNav(l i18n.Lang, monday, today shared.Date, url func(shared.Date) string) app.UI {
	return el("nav", attrs{"class", "week-nav", "aria-label", l.T(i18n.WeekNav)},
		chevron("a", attrs{"id", "prev-week", "href", url(monday.AddDays(-7))}, "chevron chevron-left", l.T(i18n.WeekPrevious)),
		text("h1", attrs{"id", "week-title", "class", "week-title", "aria-live", "polite"}, weekTitle(l, monday)),
		text("a", attrs{"id", "today", "class", "button button-quiet today-button", "href", url(today.Monday())}, l.T(i18n.WeekToday)),
		chevron("a", attrs{"id", "next-week", "href", url(monday.AddDays(7))}, "chevron chevron-right", l.T(i18n.WeekNext)),
	)
}
