package ui

import (
	"strings"

	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/i18n"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// pinEntry is /auth/pin/{id}: the student allowed access on the provider's
// page, opened in another tab, and types the PIN it showed.
type pinEntry struct {
	app.Compo

	providerID   string
	authorizeURL string // to open the provider's page again, when known
	pin          string
	busy         bool
	err          error
	empty        bool      // the student sent no PIN
	lang         i18n.Lang // the language shown
}

func (c *pinEntry) OnMount(ctx app.Context) {
	followLang(ctx, &c.lang, func() { c.setTitle(ctx) })
}

func (c *pinEntry) setTitle(ctx app.Context) {
	ctx.Page().SetTitle(c.lang.T(i18n.PINTitle) + " · " + appName)
}

func (c *pinEntry) OnNav(ctx app.Context) {
	c.lang = pageLang(ctx)
	c.setTitle(ctx)
	c.providerID = strings.TrimPrefix(ctx.Page().URL().Path, prefixPIN)
	if !app.IsClient {
		return
	}
	var u string
	if err := ctx.SessionStorage().Get(pinURLKey(c.providerID), &u); err == nil && isWebURL(u) {
		c.authorizeURL = u
	}
}

func (c *pinEntry) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if c.busy {
		return
	}
	// Read the field too: an autofill may have set it without an input event.
	if in := app.Window().GetElementByID("pin-input"); in.Truthy() {
		c.pin = in.Get("value").String()
	}
	pin := strings.TrimSpace(c.pin)
	c.err, c.empty = nil, false
	if pin == "" {
		c.empty = true
		return
	}
	c.busy = true
	id := c.providerID
	ctx.Async(func() {
		cctx, cancel := callCtx(ctx)
		defer cancel()
		resp, err := api().Complete(cctx, id, shared.CompleteRequest{PIN: pin})
		ctx.Dispatch(func(ctx app.Context) {
			c.busy = false
			if err != nil {
				c.err = err
				return
			}
			ctx.SessionStorage().Del(pinURLKey(id))
			signedIn(ctx, resp.Session)
			ctx.Navigate(safeReturnTo(resp.ReturnTo))
		})
	})
}

func (c *pinEntry) Render() app.UI {
	l := c.lang
	message := ""
	switch {
	case c.err != nil:
		message = pinErrorMessage(l, c.err)
	case c.empty:
		message = l.T(i18n.ErrEmptyPIN)
	}
	expired := shared.CodeOf(c.err) == shared.CodeFlowExpired
	return app.Div().Class("page", "page-pin").Body(
		simpleHeader(l),
		app.Main().Class("content").Body(
			app.Section().Class("card").Aria("labelledby", "pin-title").Body(
				app.H1().ID("pin-title").Text(l.T(i18n.PINTitle)),
				app.P().Class("lead").Text(l.T(i18n.PINLead)),
				app.If(c.authorizeURL != "", func() app.UI {
					return app.P().Class("pin-reopen").Body(
						app.A().
							ID("pin-reopen").
							Href("%s", c.authorizeURL).
							Target("_blank").
							Rel("noopener noreferrer").
							Text(l.T(i18n.PINReopen)),
					)
				}),
				app.Form().ID("pin-form").Class("pin-form").OnSubmit(c.submit).Body(
					app.Label().For("pin-input").Text(l.T(i18n.PINLabel)),
					disableInput(app.Input().
						ID("pin-input").
						Type("text").
						Name("pin").
						Attr("autocomplete", "one-time-code").
						Attr("autocapitalize", "none").
						Attr("autocorrect", "off").
						Spellcheck(false).
						MaxLength(64).
						Required(true).
						Aria("describedby", "pin-help").
						Value(c.pin).
						OnInput(c.ValueTo(&c.pin)), c.busy),
					app.P().ID("pin-help").Class("hint").Text(l.T(i18n.PINHelp)),
					disableButton(app.Button().
						ID("pin-submit").
						Type("submit").
						Class("button", "button-primary").
						Text(l.T(i18n.PINContinue)), c.busy),
				),
				app.If(c.busy, func() app.UI { return loading(l.T(i18n.PINChecking)) }),
				app.If(message != "", func() app.UI {
					if expired {
						return errorBox(message,
							app.A().Class("button", "button-primary").Href(routeSignIn).Text(l.T(i18n.StartAgain)))
					}
					return errorBox(message)
				}),
				app.P().Class("secondary-actions").Body(
					app.A().Href(routeSignIn).Text(l.T(i18n.StartAgain)),
				),
			),
		),
	)
}
