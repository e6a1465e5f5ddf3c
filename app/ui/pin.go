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
	refocus      bool      // the student was typing in the prerendered page
	lang         i18n.Lang // the language shown
}

// OnInit takes what the student typed into the page the server
// prerendered, and whether they were typing there, before go-app replaces
// that page with this component's, and the page's language, so that its
// first render is in it (followLang, in OnMount, comes after).
func (c *pinEntry) OnInit() {
	initLang(&c.lang)
	if !app.IsClient {
		return
	}
	if in := app.Window().GetElementByID("pin-input"); in.Truthy() {
		c.pin = in.Get("value").String()
		c.refocus = in.Equal(app.Window().Get("document").Get("activeElement"))
	}
}

func (c *pinEntry) OnMount(ctx app.Context) {
	followLang(ctx, &c.lang, func() { c.setTitle(ctx) })
	if c.refocus {
		c.refocus = false
		ctx.Defer(func(app.Context) {
			if in := app.Window().GetElementByID("pin-input"); in.Truthy() {
				in.Call("focus")
			}
		})
	}
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
	var reopen, checking, failed app.UI
	if c.authorizeURL != "" {
		reopen = el("p", attrs{"class", "pin-reopen"},
			text("a", attrs{"id", "pin-reopen", "href", c.authorizeURL, "target", "_blank", "rel", "noopener noreferrer"},
				l.T(i18n.PINReopen)),
		)
	}
	if c.busy {
		checking = loading(l.T(i18n.PINChecking))
	}
	switch {
	case message == "":
	case shared.CodeOf(c.err) == shared.CodeFlowExpired:
		failed = errorBox(message,
			text("a", attrs{"class", "button button-primary", "href", routeSignIn}, l.T(i18n.StartAgain)))
	default:
		failed = errorBox(message)
	}
	return cardPage("page page-pin", simpleHeader(l), "card", "pin-title", l.T(i18n.PINTitle), l.T(i18n.PINLead),
		reopen,
		on(el("form", attrs{"id", "pin-form", "class", "pin-form"},
			text("label", attrs{"for", "pin-input"}, l.T(i18n.PINLabel)),
			on(void("input", attrs{"id", "pin-input", "type", "text", "name", "pin",
				"autocomplete", "one-time-code",
				"autocapitalize", "none",
				"autocorrect", "off",
				"spellcheck", "false",
				"maxlength", "64",
				"required", "true",
				"aria-describedby", "pin-help",
				"value", c.pin,
				"disabled", when(c.busy)}), "input", valueTo(&c.pin)),
			text("p", attrs{"id", "pin-help", "class", "hint"}, l.T(i18n.PINHelp)),
			text("button", attrs{"id", "pin-submit", "type", "submit", "class", "button button-primary",
				"disabled", when(c.busy)}, l.T(i18n.PINContinue)),
		), "submit", c.submit),
		checking,
		failed,
		el("p", attrs{"class", "secondary-actions"},
			text("a", attrs{"href", routeSignIn}, l.T(i18n.StartAgain)),
		),
	)
}
