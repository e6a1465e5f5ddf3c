package ui

import (
	"strconv"
	"strings"

	"github.com/campusweek/campusweek/app/startup"
	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/i18n"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// pinURLKey is the sessionStorage key under which the PIN page finds the
// provider's consent page, to offer opening it again.
func pinURLKey(providerID string) string { return "campusweek/pin-authorize-url/" + providerID }

// signIn is /signin: the list of universities to sign in with.
type signIn struct {
	app.Compo

	loaded    bool
	providers []shared.Provider
	loadErr   error

	returnTo string
	busy     string // ID of the provider being started, "" when idle
	startErr error

	removePageShow  func()
	stopUpdates     func()
	updateAvailable bool
	lang            i18n.Lang // the language shown
	owner
}

// OnInit, in a browser, takes the page's language, the address to return
// to and the universities of the sign-in page the server prerendered
// (StartPrerendered), so that go-app's first render of the screen is that
// page: with them taken in OnNav and OnMount, which come after it, the
// first render said "Loading…" in English where the page had listed the
// universities in the student's language, and the next render replaced
// every university's button (its form lost a hidden return_to).
func (c *signIn) OnInit() {
	initLang(&c.lang)
	if app.IsClient {
		c.returnTo = safeReturnTo(app.Window().URL().Query().Get("return_to"))
	}
	if ps, ok := takeStartedProviders(); ok {
		c.providers, c.loaded = ps, true
	}
}

func (c *signIn) OnMount(ctx app.Context) {
	// The page was readable and its forms worked before: the work below
	// waits for the browser's next turn, not to lengthen the first
	// render's task (see package startup).
	startup.Turn()
	c.own(ctx)
	followLang(ctx, &c.lang, func() { c.setTitle(ctx) })
	// Coming back from the provider with the Back button may restore this
	// page from the back/forward cache with the buttons still busy.
	c.removePageShow = listenWindow("pageshow", func(e app.Value) {
		if e != nil && e.Get("persisted").Bool() {
			ctx.Dispatch(func(ctx app.Context) { c.busy = "" })
		}
	})
	c.updateAvailable = ctx.AppUpdateAvailable()
	c.stopUpdates = watchForUpdates(ctx)
}

// OnAppUpdate offers the new version here too: a student who was signed
// out reloads into it before signing in again.
func (c *signIn) OnAppUpdate(ctx app.Context) {
	c.updateAvailable = true
}

func (c *signIn) OnDismount() {
	for _, remove := range []func(){c.removePageShow, c.stopUpdates} {
		if remove != nil {
			remove()
		}
	}
}

func (c *signIn) setTitle(ctx app.Context) {
	ctx.Page().SetTitle(c.lang.T(i18n.SignInTitle) + " · " + appName)
}

func (c *signIn) OnNav(ctx app.Context) {
	c.lang = pageLang(ctx)
	c.setTitle(ctx)
	c.returnTo = safeReturnTo(ctx.Page().URL().Query().Get("return_to"))
	if !app.IsClient {
		// Prerendering: the universities the server knows, as forms that
		// work before the app has started.
		if p := prerender.Load(); p != nil {
			c.providers, c.loaded = p.Providers, true
		}
		return
	}
	if !c.loaded {
		c.load(ctx)
	}
}

func (c *signIn) load(ctx app.Context) {
	c.loadErr = nil
	c.loaded = false
	ctx.Async(func() {
		cctx, cancel := callCtx(ctx)
		defer cancel()
		ps, err := api().Providers(cctx)
		c.dispatch(ctx, func(ctx app.Context) {
			c.loaded = true
			c.providers, c.loadErr = ps, err
		})
	})
}

func (c *signIn) start(ctx app.Context, p shared.Provider, mode shared.SignInMode) {
	if c.busy != "" {
		return
	}
	c.busy, c.startErr = p.ID, nil
	// A subscription's approval given up at the university leaves its
	// marker: this is a sign-in.
	ctx.SessionStorage().Del(feedFlowKey)
	req := shared.StartRequest{Mode: mode, ReturnTo: c.returnTo}
	ctx.Async(func() {
		cctx, cancel := callCtx(ctx)
		defer cancel()
		resp, err := api().Start(cctx, p.ID, req)
		c.dispatch(ctx, func(ctx app.Context) {
			if err == nil && !isWebURL(resp.AuthorizeURL) {
				err = errBadAuthorizeURL
			}
			if err != nil {
				c.busy, c.startErr = "", err
				return
			}
			if mode == shared.ModePIN {
				ctx.SessionStorage().Set(pinURLKey(p.ID), resp.AuthorizeURL)
				openInNewTab(resp.AuthorizeURL)
				c.busy = ""
				ctx.Navigate(prefixPIN + p.ID)
				return
			}
			// Stay busy: the page is being left.
			goToExternal(resp.AuthorizeURL)
		})
	})
}

func (c *signIn) Render() app.UI {
	l := c.lang
	// A nil child is left out: go-app's Body drops it.
	var bar app.UI
	if c.updateAvailable {
		bar = updateBar(l)
	}
	return el("div", attrs{"class", "page page-signin"},
		simpleHeader(l),
		bar,
		el("main", attrs{"class", "content"},
			el("section", attrs{"class", "card signin-card", "aria-labelledby", "signin-title"},
				text("h1", attrs{"id", "signin-title"}, l.T(i18n.SignInHeading)),
				text("p", attrs{"class", "lead"}, l.T(i18n.SignInLead)),
				text("p", attrs{"class", "privacy"}, l.T(i18n.SignInPrivacy)),
				c.renderBody(),
			),
			el("p", attrs{"class", "public-link"},
				text("a", attrs{"id", "public-link", "href", routePublic}, l.T(i18n.PublicLink)),
			),
		),
	)
}

func (c *signIn) renderBody() app.UI {
	l := c.lang
	switch {
	case c.loadErr != nil:
		return errBox(l, c.loadErr,
			on(text("button", attrs{"id", "retry", "type", "button", "class", "button button-primary"}, l.T(i18n.TryAgain)), "click", func(ctx app.Context, e app.Event) { c.load(ctx) }))
	case !c.loaded:
		return loading(l.T(i18n.SignInLoading))
	case len(c.providers) == 0:
		return text("p", attrs{"class", "notice"}, l.T(i18n.SignInNoProviders))
	}

	busy := c.busy != ""
	demo := false
	items := make([]app.UI, len(c.providers))
	for i, p := range c.providers {
		demo = demo || p.Demo
		items[i] = c.renderProvider(p)
	}
	var banner, startErr, opening app.UI
	if demo {
		banner = demoBanner(l)
	}
	if c.startErr != nil {
		startErr = errBox(l, c.startErr)
	}
	if busy {
		opening = loading(l.T(i18n.SignInOpening))
	}
	return el("div", attrs{"class", "signin-body"},
		banner,
		startErr,
		el("ul", attrs{"class", "providers", "aria-busy", strconv.FormatBool(busy),
			startup.ProvidersAttr, encodeProviders(c.providers)}, items...),
		opening,
	)
}

// startRedirect and startPIN handle the clicks on a provider's buttons. They
// find the provider by the button's data-provider when they run: go-app
// keeps the first handler it mounted on an element as long as the new one
// has the same code, so a closure over a render's provider could go stale.
// The PIN option carries data-pin-provider, so that [data-provider] selects
// exactly one element per provider.
func (c *signIn) startRedirect(ctx app.Context, e app.Event) {
	if p, ok := c.clickedProvider(ctx, "data-provider"); ok {
		c.start(ctx, p, shared.ModeRedirect)
	}
}

func (c *signIn) startPIN(ctx app.Context, e app.Event) {
	if p, ok := c.clickedProvider(ctx, "data-pin-provider"); ok {
		c.start(ctx, p, shared.ModePIN)
	}
}

func (c *signIn) clickedProvider(ctx app.Context, attr string) (shared.Provider, bool) {
	id := ctx.JSSrc().Call("getAttribute", attr).String()
	for _, p := range c.providers {
		if p.ID == id {
			return p, true
		}
	}
	return shared.Provider{}, false
}

// renderProvider renders a university's button as a form posting to the
// server, which starts signing in without the app (prerendered pages,
// before app.wasm runs); the running app takes it over with a plain
// button. The PIN option needs the app.
func (c *signIn) renderProvider(p shared.Provider) app.UI {
	l := c.lang
	busy := c.busy != ""
	submit := "button"
	if !app.IsClient {
		submit = "submit"
	}
	var returnTo, tag, pin app.UI
	if c.returnTo != routeWeek {
		// go-app prerenders attribute values quoted as Go strings, which
		// HTML does not read: no '"' may reach one. The escaped form is
		// the same address.
		returnTo = void("input", attrs{"type", "hidden", "name", "return_to", "value", strings.ReplaceAll(c.returnTo, `"`, "%22")})
	}
	if p.Demo {
		tag = text("span", attrs{"class", "provider-tag"}, l.T(i18n.SignInDemoTag))
	}
	if p.Capabilities.PIN {
		pin = on(text("button", attrs{
			"type", "button",
			"class", "link-button pin-option",
			"data-pin-provider", p.ID,
			"aria-label", l.F(i18n.SignInUsePINFor, p.Name),
			"disabled", when(busy || !app.IsClient),
		}, l.T(i18n.SignInUsePIN)), "click", c.startPIN)
	}
	return el("li", attrs{"class", "provider"},
		el("form", attrs{"method", "post", "action", shared.SignInPath(p.ID)},
			returnTo,
			on(el("button", attrs{"type", submit, "class", "button provider-button", "data-provider", p.ID, "disabled", when(busy)},
				text("span", attrs{"class", "provider-name"}, p.Name),
				tag,
			), "click", c.startRedirect),
		),
		pin,
	)
}
