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

func (c *freeRooms) OnMount(ctx app.Context) {
	c.own(ctx)
	followLang(ctx, &c.lang, func() { c.setTitle(ctx) })
	c.signedIn = rememberedAccount(ctx)
}

func (c *freeRooms) setTitle(ctx app.Context) {
	if !c.ok {
		ctx.Page().SetTitle("%s · %s", c.lang.T(i18n.FreeRoomsTitle), appName)
		return
	}
	ctx.Page().SetTitle("%s · %s", c.lang.F(i18n.FreeRoomsIn, c.building.Name), appName)
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
	return app.Div().Class("page", "page-public").Body(
		publicHeader(l, c.signedIn),
		app.Main().Class("content").Body(
			app.Section().Class("card", "public-card").Aria("labelledby", "free-title").Body(
				app.P().Class("public-back").Body(
					app.A().ID("public-back").Href(publicURL(routePublic, public.Search{Provider: c.building.Provider, Kind: shared.PublicRoom}.Values())).
						Text(l.T(i18n.PublicBack)),
				),
				app.H1().ID("free-title").Text(func() string {
					if c.ok {
						return l.F(i18n.FreeRoomsIn, c.building.Name)
					}
					return l.T(i18n.FreeRoomsTitle)
				}()),
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
	return app.Div().Class("public-body").Body(
		app.Div().Class("public-form").Body(
			app.Div().Class("field").Body(
				app.Label().For("free-span").Text(l.T(i18n.FreeRoomsFor)),
				app.Select().ID("free-span").Class("select").OnChange(c.pickSpan).Body(
					app.Range(public.Spans).Slice(func(i int) app.UI {
						s := public.Spans[i]
						o := app.Option().Value(strconv.Itoa(int(s / time.Minute))).Text(durationText(l, s))
						if s == c.span {
							o = o.Selected(true) // never Selected(false): see langSwitch
						}
						return o
					}),
				),
			),
			disable(button("button button-quiet", l.T(i18n.FreeRoomsAgain), c.again).ID("free-again"), c.busy),
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
		return app.P().ID("free-too-large").Class("notice").Role("status").Text(l.T(i18n.FreeRoomsTooLarge))
	case c.err != nil:
		return errBox(l, c.err)
	case c.answer == nil:
		return nil
	}
	a := c.answer
	zone := freeRoomsZone(a)
	return app.Section().ID("free-rooms").Class("public-results").Aria("labelledby", "free-span-text").Body(
		app.P().ID("free-span-text").Text(l.F(i18n.FreeRoomsSpan, clock(a.From.In(zone)), clock(a.Until.In(zone)))),
		app.P().Class("hint").Role("status").Text(l.N(i18n.FreeRoomsChecked, a.Checked)+" · "+
			l.F(i18n.PublicUpdated, syncedLabel(l, a.FetchedAt, time.Now()))),
		app.If(len(a.Rooms) == 0, func() app.UI {
			return app.P().ID("free-none").Class("empty-state").Text(l.T(i18n.FreeRoomsNone))
		}),
		app.Ul().Class("public-list").Body(
			app.Range(a.Rooms).Slice(func(i int) app.UI {
				r := a.Rooms[i]
				p := public.Pin{
					Ref:  public.Ref{Provider: c.building.Provider, Kind: shared.PublicRoom, ID: r.ID},
					Name: r.Name, Building: c.building.Name, BuildingID: c.building.ID,
				}
				until := l.T(i18n.FreeRoomsRestOfDay)
				if r.BusyFrom != nil {
					until = l.F(i18n.FreeRoomsUntil, clock(*r.BusyFrom))
				}
				return app.Li().Class("public-item", "free-room").DataSet("room", r.ID).Body(
					app.A().Class("public-match").Href(publicURL(routePublicWeek, p.Query(shared.Date{}))).Body(
						app.Span().Class("public-name").Text(r.Name),
						app.Span().Class("public-kind", "free-until").Text(until),
					),
				)
			}),
		),
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
