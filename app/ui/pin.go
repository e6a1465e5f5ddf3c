package ui

import (
	"strings"

	"github.com/campusweek/campusweek/shared"
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
	msg          string // a message that is not an API error
}

func (c *pinEntry) OnNav(ctx app.Context) {
	ctx.Page().SetTitle("Enter your PIN · " + appName)
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
	c.err, c.msg = nil, ""
	if pin == "" {
		c.msg = msgEmptyPIN
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
	message := c.msg
	if c.err != nil {
		message = pinErrorMessage(c.err)
	}
	expired := errorCode(c.err) == shared.CodeFlowExpired
	return app.Div().Class("page", "page-pin").Body(
		simpleHeader(),
		app.Main().Class("content").Body(
			app.Section().Class("card").Aria("labelledby", "pin-title").Body(
				app.H1().ID("pin-title").Text("Enter your PIN"),
				app.P().Class("lead").Text("Your university's page opened in a new tab. Allow "+appName+" there, and your university shows a PIN. Type it here."),
				app.If(c.authorizeURL != "", func() app.UI {
					return app.P().Class("pin-reopen").Body(
						app.A().
							ID("pin-reopen").
							Href("%s", c.authorizeURL).
							Target("_blank").
							Rel("noopener noreferrer").
							Text("Didn't see it? Open your university's page again"),
					)
				}),
				app.Form().ID("pin-form").Class("pin-form").OnSubmit(c.submit).Body(
					app.Label().For("pin-input").Text("PIN"),
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
					app.P().ID("pin-help").Class("hint").Text("The PIN is only valid for a few minutes and for this sign-in."),
					disable(app.Button().
						ID("pin-submit").
						Type("submit").
						Class("button", "button-primary").
						Text("Continue"), c.busy),
				),
				app.If(c.busy, func() app.UI { return loading("Checking your PIN…") }),
				app.If(message != "", func() app.UI {
					if expired {
						return errorBox(message,
							app.A().Class("button", "button-primary").Href(routeSignIn).Text("Start again"))
					}
					return errorBox(message)
				}),
				app.P().Class("secondary-actions").Body(
					app.A().Href(routeSignIn).Text("Start again"),
				),
			),
		),
	)
}
