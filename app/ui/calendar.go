package ui

import (
	"strconv"
	"strings"
	"time"

	"github.com/campusweek/campusweek/app/notify"
	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/i18n"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// calendarPanel offers the timetable to the calendar the student already
// uses: a one-off .ics download, or a subscription address that calendar
// apps keep up to date.
//
// A subscription is an authorization of its own at the university
// (shared.PurposeFeed): the student approves there, comes back through
// the callback page, and finds the address here. The address is a secret:
// it is shown only to be copied, kept in memory only (go-app's state
// stateNewFeed, never persisted), never in browser storage or the address
// bar.
type calendarPanel struct {
	app.Compo

	// Props: the university of the signed-in student, and whether the
	// app is offline or signed out (then only an address just made is
	// still shown, so that it is never lost).
	Provider  string
	Offline   bool
	SignedOut bool
	Lang      i18n.Lang // the language shown
	// Hidden are the classes the student hid: a download leaves them out.
	Hidden []shared.Hide

	open     bool
	busy     bool
	feed     *shared.Feed
	err      error
	revoked  bool
	copied   bool
	copyFail bool

	stopURL  string
	stopping bool
	stopErr  error
	stopped  bool

	owner
}

// stateNewFeed is the go-app state (a shared.Feed, in memory only) that
// hands a subscription address from the callback page to the panel. It is
// deleted when taken, and whenever a student signs in or out.
const stateNewFeed = "campusweek/new-feed"

// feedFlowKey is the sessionStorage key that tells the callback page an
// authorization is for a subscription, before the backend says so.
const feedFlowKey = "campusweek/feed-flow"

func (c *calendarPanel) OnMount(ctx app.Context) {
	c.own(ctx)
	c.takeNewFeed(ctx)
}

// takeNewFeed shows, open, the address the callback page just made, and
// removes it from the app's state: it is shown once.
func (c *calendarPanel) takeNewFeed(ctx app.Context) {
	var f shared.Feed
	ctx.GetState(stateNewFeed, &f)
	if f.URL != "" {
		c.feed, c.open = &f, true
		ctx.DelState(stateNewFeed)
	}
}

func (c *calendarPanel) toggle(ctx app.Context, e app.Event) { c.open = !c.open }

// createFeed sends the student to the university to approve the
// subscription's own access.
func (c *calendarPanel) createFeed(ctx app.Context, e app.Event) {
	if c.busy || c.Provider == "" {
		return
	}
	c.busy, c.err, c.revoked, c.copied, c.copyFail = true, nil, false, false, false
	req := shared.StartRequest{Mode: shared.ModeRedirect, Purpose: shared.PurposeFeed, ReturnTo: safeReturnTo(ctx.Page().URL().RequestURI())}
	id := c.Provider
	ctx.Async(func() {
		cctx, cancel := callCtx(ctx)
		defer cancel()
		resp, err := api().Start(cctx, id, req)
		c.dispatch(ctx, func(ctx app.Context) {
			if err == nil && !isWebURL(resp.AuthorizeURL) {
				err = errBadAuthorizeURL
			}
			if err != nil {
				c.busy, c.err = false, err
				return
			}
			ctx.SessionStorage().Set(feedFlowKey, id)
			// The latest approval asked for is the one coming back.
			ctx.SessionStorage().Del(notify.FlowKey)
			goToExternal(resp.AuthorizeURL) // stay busy: the page is being left
		})
	})
}

// revokeFeed ends the address just made.
func (c *calendarPanel) revokeFeed(ctx app.Context, e app.Event) {
	if c.busy || c.feed == nil {
		return
	}
	c.busy, c.err = true, nil
	url := c.feed.URL
	ctx.Async(func() {
		cctx, cancel := callCtx(ctx)
		defer cancel()
		err := api().RevokeFeed(cctx, url)
		c.dispatch(ctx, func(ctx app.Context) {
			c.busy = false
			if err != nil {
				c.err = err
				return
			}
			c.feed, c.revoked = nil, true
		})
	})
}

// stopFeed ends an address made before, pasted from a calendar app: the
// app keeps no list of addresses.
func (c *calendarPanel) stopFeed(ctx app.Context, e app.Event) {
	if c.stopping {
		return
	}
	url := strings.TrimSpace(c.stopURL)
	if !isFeedURL(url) {
		c.stopErr, c.stopped = errNotAFeed, false
		return
	}
	c.stopping, c.stopErr, c.stopped = true, nil, false
	ctx.Async(func() {
		cctx, cancel := callCtx(ctx)
		defer cancel()
		err := api().RevokeFeed(cctx, url)
		c.dispatch(ctx, func(ctx app.Context) {
			c.stopping = false
			if err != nil {
				c.stopErr = err
				return
			}
			c.stopped, c.stopURL = true, ""
			if c.feed != nil && c.feed.URL == url {
				c.feed = nil
			}
		})
	})
}

// download fetches the .ics file. The session is checked first: a link
// with a download attribute would save a "signed out" error as a
// calendar file.
func (c *calendarPanel) download(ctx app.Context, e app.Event) {
	if c.busy {
		return
	}
	c.busy, c.err = true, nil
	monday := shared.DateOf(time.Now()).Monday()
	// A download is a navigation, made without the app's Accept-Language:
	// the URL carries the language.
	u := api().CalendarURL(monday, monday.AddDays(7*shared.ExportWeeks-1), c.Hidden...)
	ctx.Async(func() {
		cctx, cancel := callCtx(ctx)
		defer cancel()
		s, err := api().Session(cctx)
		if err == nil && !s.SignedIn {
			err = &shared.Error{Code: shared.CodeSignedOut}
		}
		c.dispatch(ctx, func(ctx app.Context) {
			c.busy = false
			if err != nil {
				c.err = err
				return
			}
			// An attachment: the browser saves it and stays on this page.
			goToExternal(u)
		})
	})
}

// copyFeed puts the address on the clipboard, where the browser allows it.
func (c *calendarPanel) copyFeed(ctx app.Context, e app.Event) {
	if c.feed == nil {
		return
	}
	clip := app.Window().Get("navigator").Get("clipboard")
	if !clip.Truthy() {
		c.copyFail = true
		return
	}
	promise := clip.Call("writeText", c.feed.URL)
	promise.Call("then", app.FuncOf(func(this app.Value, args []app.Value) any {
		c.dispatch(ctx, func(ctx app.Context) { c.copied, c.copyFail = true, false })
		return nil
	}), app.FuncOf(func(this app.Value, args []app.Value) any {
		c.dispatch(ctx, func(ctx app.Context) { c.copyFail = true })
		return nil
	}))
}

func (c *calendarPanel) Render() app.UI {
	if c.feed == nil && (c.Offline || c.SignedOut) {
		return el("section", attrs{"id", "calendar-panel", "class", "calendar-panel", "hidden", "true"})
	}
	offline := c.Offline || c.SignedOut
	l := c.Lang
	body := []app.UI{
		on(text("button", attrs{"id", "add-to-calendar", "type", "button", "class", "link-button", "aria-expanded", strconv.FormatBool(c.open)}, l.T(i18n.CalAddToCalendar)), "click", c.toggle),
	}
	if c.open {
		options := []app.UI{
			el("p", nil,
				button("download-ics", "button", l.T(i18n.CalDownload), when(c.busy || offline), c.download),
				text("span", attrs{"class", "hint"}, l.N(i18n.CalDownloadHint, shared.ExportWeeks)),
			),
			c.renderFeed(offline),
		}
		if c.err != nil {
			options = append(options, errBox(l, c.err))
		}
		options = append(options, c.renderStop(offline))
		body = append(body, el("div", attrs{"class", "calendar-options"}, options...))
	}
	body = append(body, &notifySetting{Provider: c.Provider, Offline: c.Offline, SignedOut: c.SignedOut, Lang: c.Lang})
	return el("section", attrs{"id", "calendar-panel", "class", "calendar-panel"}, body...)
}

func (c *calendarPanel) renderFeed(offline bool) app.UI {
	l := c.Lang
	disabled := when(c.busy || offline)
	if c.feed == nil {
		body := []app.UI{
			button("create-feed", "button", l.T(i18n.CalSubscribe), disabled, c.createFeed),
			text("span", attrs{"class", "hint"}, l.T(i18n.CalSubscribeHint)),
		}
		if c.revoked {
			body = append(body, text("p", attrs{"id", "feed-revoked", "class", "hint", "role", "status"}, l.T(i18n.CalRevoked)))
		}
		return el("div", attrs{"class", "feed"}, body...)
	}
	f := c.feed
	actions := []app.UI{
		button("copy-feed", "button", l.T(i18n.CalCopy), "", c.copyFeed),
	}
	if rest, ok := strings.CutPrefix(f.URL, "https://"); ok {
		// Calendar apps (Apple's, Outlook) subscribe to webcal:// links
		// in one step.
		actions = append(actions, text("a", attrs{"id", "open-feed", "class", "button", "href", "webcal://" + rest}, l.T(i18n.CalOpenInApp)))
	}
	if f.Revocable {
		actions = append(actions, button("revoke-feed", "button button-quiet", l.T(i18n.CalStopThis), disabled, c.revokeFeed))
	}
	body := []app.UI{feedField(l, f), el("div", attrs{"class", "feed-actions"}, actions...)}
	if c.copied {
		body = append(body, text("p", attrs{"class", "hint", "role", "status"}, l.T(i18n.CalCopied)))
	}
	if c.copyFail {
		body = append(body, text("p", attrs{"class", "hint"}, l.T(i18n.CalCopyManually)))
	}
	body = append(body, text("p", attrs{"id", "feed-note", "class", "hint"}, f.Note))
	return el("div", attrs{"class", "feed"}, body...)
}

// feedField shows a subscription address for copying, labelled in l.
func feedField(l i18n.Lang, f *shared.Feed) app.UI {
	return el("div", attrs{"class", "feed-field"},
		text("label", attrs{"for", "feed-url"}, l.T(i18n.CalFeedLabel)),
		on(void("input", attrs{"id", "feed-url", "type", "text", "readonly", "true", "value", f.URL}), "focus", func(ctx app.Context, e app.Event) { e.Get("target").Call("select") }),
	)
}

// renderStop is the form that ends an address made before.
func (c *calendarPanel) renderStop(offline bool) app.UI {
	l := c.Lang
	body := []app.UI{
		text("summary", nil, l.T(i18n.CalStopSummary)),
		text("label", attrs{"for", "stop-feed-url", "class", "hint"}, l.T(i18n.CalStopLabel)),
		on(void("input", attrs{"id", "stop-feed-url", "type", "url", "value", c.stopURL, "autocomplete", "off", "spellcheck", "false", "disabled", when(c.stopping)}), "input", func(ctx app.Context, e app.Event) { c.stopURL = ctx.JSSrc().Get("value").String() }),
		button("stop-feed", "button button-quiet", l.T(i18n.CalStopIt), when(c.stopping || offline), c.stopFeed),
	}
	if c.stopped {
		body = append(body, text("p", attrs{"id", "feed-stopped", "class", "hint", "role", "status"}, l.T(i18n.CalRevoked)))
	}
	if c.stopErr != nil {
		msg := errorMessage(l, c.stopErr)
		if d := errorDetail(c.stopErr); d != "" {
			msg += " " + l.F(i18n.ErrDetail, d)
		}
		body = append(body, text("p", attrs{"id", "stop-error", "class", "error-message", "role", "alert"}, msg))
	}
	return el("details", attrs{"class", "feed-stop"}, body...)
}
