package ui

import (
	"strconv"
	"time"

	"github.com/campusweek/campusweek/app/public"
	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/i18n"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// freeRooms is /public/free-rooms: the rooms of a building with no class
// from now for a span (public.ParseBuilding's address), each with when it
// becomes busy next, each linking to its week. A building with more rooms
// than the backend checks at once (409) says so.
type freeRooms struct {
	app.Compo

	lang     i18n.Lang
	signedIn bool
	ok       bool // the address names a building
	building public.Building
	span     time.Duration

	answer *shared.FreeRooms
	busy   bool
	err    error
	seq    int // the question whose answer counts
	owner
}

// OnInit takes the page's language for the first render (see initLang).
func (c *freeRooms) OnInit() { initLang(&c.lang) }

func (c *freeRooms) OnMount(ctx app.Context) {
	c.own(ctx)
	followLang(ctx, &c.lang, func() { c.setTitle(ctx) })
	c.signedIn = rememberedAccount(ctx)
}

func (c *freeRooms) setTitle(ctx app.Context) {
	ctx.Page().SetTitle("%s · %s", c.title(), appName)
}

// title is the page's heading: the building's free rooms, when the
// address names one.
func (c *freeRooms) title() string {
	if !c.ok {
		return c.lang.T(i18n.FreeRoomsTitle)
	}
	return c.lang.F(i18n.FreeRoomsIn, c.building.Name)
}

func (c *freeRooms) OnNav(ctx app.Context) {
	c.lang = pageLang(ctx)
	if !app.IsClient {
		// Prerendering: a loading shell, no network calls, no query echo.
		c.ok = false
		c.setTitle(ctx)
		return
	}
	c.building, c.span, c.ok = public.ParseBuilding(ctx.Page().URL().Query())
	c.setTitle(ctx)
	c.answer, c.err = nil, nil
	c.ask(ctx)
}

// ask asks which rooms are free from now for the span.
func (c *freeRooms) ask(ctx app.Context) {
	if !c.ok {
		return
	}
	c.seq++
	seq, b, span := c.seq, c.building, c.span
	c.busy, c.err = true, nil
	ctx.Async(func() {
		cctx, cancel := callCtx(ctx)
		defer cancel()
		res, err := api().FreeRooms(cctx, b.Provider, b.ID, time.Now(), span)
		c.dispatch(ctx, func(ctx app.Context) {
			if seq != c.seq {
				return
			}
			c.busy, c.err = false, err
			if err == nil {
				c.answer = &res
			}
		})
	})
}

func (c *freeRooms) again(ctx app.Context, e app.Event) { c.ask(ctx) }

// pickSpan puts the span chosen (minutes) in the address, which asks again.
func (c *freeRooms) pickSpan(ctx app.Context, e app.Event) {
	m, err := strconv.Atoi(ctx.JSSrc().Get("value").String())
	if err != nil || !c.ok {
		return
	}
	ctx.Navigate(publicURL(routeFreeRooms, c.building.Query(time.Duration(m)*time.Minute)))
}

func (c *freeRooms) Render() app.UI {
	l := c.lang
	back := public.Search{Provider: c.building.Provider, Kind: shared.PublicRoom}
	return el("div", attrs{"class", "page page-public"},
		publicHeader(l, c.signedIn),
		el("main", attrs{"class", "content"},
			el("section", attrs{"class", "card public-card", "aria-labelledby", "free-title"},
				el("p", attrs{"class", "public-back"},
					text("a", attrs{"id", "public-back", "href", publicURL(routePublic, back.Values())}, l.T(i18n.PublicBack)),
				),
				text("h1", attrs{"id", "free-title"}, c.title()),
				c.renderBody(),
			),
		),
	)
}

func (c *freeRooms) renderBody() app.UI {
	l := c.lang
	if !c.ok {
		if !app.IsClient {
			return loading(l.T(i18n.FreeRoomsChecking))
		}
		return errorBox(l.T(i18n.PublicNotFound))
	}
	spans := make([]app.UI, len(public.Spans))
	for i, s := range public.Spans {
		spans[i] = text("option", attrs{"value", strconv.Itoa(int(s / time.Minute)), "selected", when(s == c.span)}, durationText(l, s))
	}
	return el("div", attrs{"class", "public-body"},
		el("div", attrs{"class", "public-form"},
			el("div", attrs{"class", "field"},
				text("label", attrs{"for", "free-span"}, l.T(i18n.FreeRoomsFor)),
				on(el("select", attrs{"id", "free-span", "class", "select"}, spans...), "change", c.pickSpan),
			),
			on(text("button", attrs{"id", "free-again", "type", "button", "class", "button button-quiet", "disabled", when(c.busy)},
				l.T(i18n.FreeRoomsAgain)), "click", c.again),
		),
		c.renderAnswer(),
	)
}

func (c *freeRooms) renderAnswer() app.UI {
	l := c.lang
	switch {
	case c.busy:
		return loading(l.T(i18n.FreeRoomsChecking))
	case shared.CodeOf(c.err) == shared.CodeUnsupported:
		return text("p", attrs{"id", "free-too-large", "class", "notice", "role", "status"}, l.T(i18n.FreeRoomsTooLarge))
	case c.err != nil:
		return errBox(l, c.err)
	case c.answer == nil:
		return nil
	}
	a := c.answer
	zone := freeRoomsZone(a)
	var none app.UI
	if len(a.Rooms) == 0 {
		none = text("p", attrs{"id", "free-none", "class", "empty-state"}, l.T(i18n.FreeRoomsNone))
	}
	rooms := make([]app.UI, len(a.Rooms))
	for i, r := range a.Rooms {
		p := public.Pin{
			Ref:  public.Ref{Provider: c.building.Provider, Kind: shared.PublicRoom, ID: r.ID},
			Name: r.Name, Building: c.building.Name, BuildingID: c.building.ID,
		}
		until := l.T(i18n.FreeRoomsRestOfDay)
		if r.BusyFrom != nil {
			until = l.F(i18n.FreeRoomsUntil, clock(*r.BusyFrom))
		}
		rooms[i] = el("li", attrs{"class", "public-item free-room", "data-room", r.ID},
			el("a", attrs{"class", "public-match", "href", publicURL(routePublicWeek, p.Query(shared.Date{}))},
				text("span", attrs{"class", "public-name"}, r.Name),
				text("span", attrs{"class", "public-kind free-until"}, until),
			),
		)
	}
	return el("section", attrs{"id", "free-rooms", "class", "public-results", "aria-labelledby", "free-span-text"},
		text("p", attrs{"id", "free-span-text"}, l.F(i18n.FreeRoomsSpan, clock(a.From.In(zone)), clock(a.Until.In(zone)))),
		text("p", attrs{"class", "hint", "role", "status"}, l.N(i18n.FreeRoomsChecked, a.Checked)+" · "+
			l.F(i18n.PublicUpdated, syncedLabel(l, a.FetchedAt, time.Now()))),
		none,
		el("ul", attrs{"class", "public-list"}, rooms...),
	)
}

// freeRoomsZone is the zone a free-room answer is shown in: the
// university's, which the times rooms become busy are written in, else
// the span's own (the device's).
func freeRoomsZone(a *shared.FreeRooms) *time.Location {
	for _, r := range a.Rooms {
		if r.BusyFrom != nil {
			return r.BusyFrom.Location()
		}
	}
	return a.From.Location()
}
