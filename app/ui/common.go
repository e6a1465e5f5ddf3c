package ui

import (
	"context"
	"time"

	"github.com/campusweek/campusweek/shared/i18n"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

const appName = "CampusWeek"

// brand is the app name in the header, linking home.
func brand() app.UI {
	return el("a", attrs{"class", "brand", "href", routeWeek},
		el("span", attrs{"class", "brand-mark", "aria-hidden", "true"}),
		text("span", attrs{"class", "brand-name"}, appName),
	)
}

// simpleHeader is the header of the pages shown before signing in, in l.
func simpleHeader(l i18n.Lang) app.UI {
	return el("header", attrs{"class", "app-header"},
		el("div", attrs{"class", "app-header-inner"}, brand(), langSwitch(l)),
	)
}

// loading is a spinner with a label, announced politely to screen readers.
func loading(label string) app.UI {
	return el("div", attrs{"class", "loading", "role", "status", "aria-live", "polite"},
		el("span", attrs{"class", "spinner", "aria-hidden", "true"}),
		text("span", attrs{"class", "loading-label"}, label),
	)
}

// demoBanner says the data is made up, in l. Always the same id, so
// tests and students find it.
func demoBanner(l i18n.Lang) app.UI {
	return el("div", attrs{"id", "demo-banner", "class", "demo-banner", "role", "note"},
		text("strong", nil, l.T(i18n.DemoLabel)),
		app.Text(" "+l.T(i18n.DemoText)),
	)
}

// updateBar offers to reload into a new version of the app, which the
// service worker has already cached completely (see server/pwa).
func updateBar(l i18n.Lang) app.UI {
	return el("div", attrs{"id", "update-bar", "class", "update-bar", "role", "status"},
		text("span", nil, l.T(i18n.UpdateReady)),
		on(text("button", attrs{"id", "update-app", "type", "button", "class", "button button-primary button-small"}, l.T(i18n.UpdateNow)), "click", func(ctx app.Context, e app.Event) { ctx.Reload() }),
	)
}

// errorBox shows message in #error with optional actions (buttons, links).
func errorBox(message string, actions ...app.UI) app.UI {
	return errorBoxDetail(i18n.English, message, "", actions...)
}

// errBox shows err in l in #error: the app's words for it, the backend's
// explanation as a detail when it has one (see errorDetail), and optional
// actions.
func errBox(l i18n.Lang, err error, actions ...app.UI) app.UI {
	return errorBoxDetail(l, errorMessage(l, err), errorDetail(err), actions...)
}

// errorBoxDetail is errorBox with a detail under the message, if not "".
func errorBoxDetail(l i18n.Lang, message, detail string, actions ...app.UI) app.UI {
	body := []app.UI{text("p", attrs{"class", "error-message"}, message)}
	if detail != "" {
		body = append(body, text("p", attrs{"class", "error-detail hint"}, l.F(i18n.ErrDetail, detail)))
	}
	if len(actions) > 0 {
		body = append(body, el("div", attrs{"class", "error-actions"}, actions...))
	}
	return el("div", attrs{"id", "error", "class", "error", "role", "alert"}, body...)
}

// button is the type="button" button (no form submission) with the id,
// class and label, calling onClick; disabled is the disabled attribute's
// value (see when).
func button(id, class, label, disabled string, onClick app.EventHandler) app.UI {
	return on(text("button", attrs{"id", id, "type", "button", "class", class, "disabled", disabled}, label), "click", onClick)
}

// retryButton is #retry, of class class, labelled Try again in l: it
// asks again for what failed (h).
func retryButton(l i18n.Lang, class string, h app.EventHandler) app.UI {
	return button("retry", class, l.T(i18n.TryAgain), "", h)
}

// chevron is an icon control stepping back or forward (a day's button, a
// week's link): the element tag with the attributes a, showing the
// chevron of class icon, named label.
func chevron(tag string, a attrs, icon, label string) app.UI {
	return el(tag, append(a, "class", "button button-icon", "aria-label", label, "title", label),
		el("span", attrs{"class", icon, "aria-hidden", "true"}),
	)
}

// listenWindow adds a listener for a window event and returns its remover.
// h runs on the JavaScript callback goroutine: it must not block (use
// ctx.Dispatch). It does nothing on the server.
func listenWindow(event string, h func(e app.Value)) (remove func()) {
	if !app.IsClient {
		return func() {}
	}
	fn := app.FuncOf(func(this app.Value, args []app.Value) any {
		var e app.Value
		if len(args) > 0 {
			e = args[0]
		}
		h(e)
		return nil
	})
	app.Window().Call("addEventListener", event, fn)
	return func() {
		app.Window().Call("removeEventListener", event, fn)
		fn.Release()
	}
}

// listenDocument is listenWindow for events of the document.
func listenDocument(event string, h func(e app.Value)) (remove func()) {
	if !app.IsClient {
		return func() {}
	}
	fn := app.FuncOf(func(this app.Value, args []app.Value) any {
		var e app.Value
		if len(args) > 0 {
			e = args[0]
		}
		h(e)
		return nil
	})
	doc := app.Window().Get("document")
	doc.Call("addEventListener", event, fn)
	return func() {
		doc.Call("removeEventListener", event, fn)
		fn.Release()
	}
}

// afterPaint runs fn in a goroutine once the browser has painted the next
// frame: a requestAnimationFrame callback runs just before a paint, and a
// task it queues runs after it. On the server it runs fn at once.
func afterPaint(fn func()) {
	if !app.IsClient {
		fn()
		return
	}
	app.Window().Call("requestAnimationFrame", once(func() {
		app.Window().Call("setTimeout", once(func() { go fn() }), 0)
	}))
}

// once is a JavaScript callback, for one call, that runs f and releases
// itself.
func once(f func()) app.Func {
	var fn app.Func
	fn = app.FuncOf(func(app.Value, []app.Value) any {
		fn.Release()
		f()
		return nil
	})
	return fn
}

// navigatorOnLine is the browser's idea of being online. Only "false" is
// reliable (no network at all); "true" may still mean no internet, which
// a failing request then shows.
func navigatorOnLine() bool {
	if !app.IsClient {
		return true
	}
	v := app.Window().Get("navigator").Get("onLine")
	return v.Type() != app.TypeBoolean || v.Bool()
}

// openInNewTab opens u in a new tab without giving it a handle on this one.
func openInNewTab(u string) {
	app.Window().Call("open", u, "_blank", "noopener")
}

// goToExternal sends this tab to u (ctx.Navigate would open a new tab for
// another host).
func goToExternal(u string) {
	app.Window().Get("location").Set("href", u)
}

// updateCheckEvery is how often an app in the foreground looks for a new
// version (one conditional request for the service worker script).
const updateCheckEvery = 30 * time.Minute

// watchForUpdates makes the page look for a new version of the app when it
// comes back to the foreground and every updateCheckEvery while in front:
// an installed app stays open for days, and go-app looks only at start.
// OnAppUpdate then offers the reload. It returns the remover.
func watchForUpdates(ctx app.Context) (remove func()) {
	if !app.IsClient {
		return func() {}
	}
	visible := func() bool {
		return app.Window().Get("document").Get("visibilityState").String() == "visible"
	}
	removeListener := listenDocument("visibilitychange", func(app.Value) {
		if visible() {
			app.TryUpdate()
		}
	})
	// go-app's ctx outlives the component: the ticker needs its own end.
	tctx, stop := context.WithCancel(context.Background())
	ctx.Async(func() {
		t := time.NewTicker(updateCheckEvery)
		defer t.Stop()
		for {
			select {
			case <-tctx.Done():
				return
			case <-t.C:
				if visible() {
					app.TryUpdate()
				}
			}
		}
	})
	return func() { removeListener(); stop() }
}

// owner gives a component its own context, taken in OnMount, to dispatch
// the answers of its requests through. A handler's ctx belongs to the
// element clicked, and go-app drops a dispatch once that element is gone:
// a "Try again" button hidden as soon as it is pressed would lose the
// answer it asked for.
type owner struct{ self app.Context }

// own records the component's context; call it first in OnMount.
func (o *owner) own(ctx app.Context) { o.self = ctx }

// dispatch runs fn on the UI goroutine for the component, however the
// element that started the work has changed since.
func (o *owner) dispatch(ctx app.Context, fn func(app.Context)) {
	if o.self.Context != nil {
		ctx = o.self
	}
	ctx.Dispatch(fn)
}
