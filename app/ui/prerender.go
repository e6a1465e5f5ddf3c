package ui

import (
	"encoding/base64"
	"encoding/json"
	"sync/atomic"

	"github.com/campusweek/campusweek/app/startup"
	"github.com/campusweek/campusweek/app/timetable"
	"github.com/campusweek/campusweek/shared"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Prerender is what the server knows when it prerenders a page and the
// app in the browser learns only by asking the backend.
type Prerender struct {
	// Providers are the configured universities: the sign-in page lists
	// them, each a form that starts signing in without the app.
	Providers []shared.Provider
}

var prerender atomic.Pointer[Prerender]

// SetPrerender gives the server's prerendering what it knows (the server
// calls it before serving pages). Without it, the sign-in page is
// prerendered as a loading shell.
func SetPrerender(p Prerender) { prerender.Store(&p) }

// encodeProviders is the value of startup.ProvidersAttr, for the app to
// start from: the universities ps on the server, as base64 of their JSON
// (go-app writes attribute values quoted as Go strings, so only characters
// both read alike may appear), and "" (the attribute left out) in a
// browser, where the app renders from them already.
func encodeProviders(ps []shared.Provider) string {
	if app.IsClient {
		return ""
	}
	b, err := json.Marshal(ps)
	if err != nil {
		return ""
	}
	return base64.StdEncoding.EncodeToString(b)
}

// prerenderedProviders is the element that carries the universities of
// a page prerendered with them, or null.
func prerenderedProviders() app.Value {
	return app.Window().Get("document").Call("querySelector", "["+startup.ProvidersAttr+"]")
}

// startedProviders are the universities of the page the server
// prerendered for this page load, until the screen shown first takes them.
var startedProviders atomic.Pointer[[]shared.Provider]

// StartPrerendered reads what the server prerendered before go-app
// replaces it, so that the app starts where the page is: on a sign-in
// page prerendered at / (a visitor without a session), the app starts on
// the sign-in screen with its universities, instead of the week's screen
// finding out there is no session and then loading the sign-in screen and
// asking for them again. A browser that keeps a student's timetable starts
// on the week as before, which shows it. The sign-in screen and the public
// search start with the universities they were prerendered with, instead
// of asking the backend for them. Call it once in the browser,
// before app.RunWhenOnBrowser; it does nothing on the server.
func StartPrerendered() {
	if !app.IsClient {
		return
	}
	win := app.Window()
	el := prerenderedProviders()
	if !el.Truthy() {
		return
	}
	b, err := base64.StdEncoding.DecodeString(el.Call("getAttribute", startup.ProvidersAttr).String())
	var ps []shared.Provider
	if err != nil || json.Unmarshal(b, &ps) != nil {
		return
	}
	startedProviders.Store(&ps)
	loc := win.Get("location")
	if loc.Get("pathname").String() != routeWeek || loc.Get("search").String() != "" {
		return
	}
	if ls := win.Get("localStorage"); ls.Truthy() && !ls.Call("getItem", timetable.AccountKey).IsNull() {
		return
	}
	win.Get("history").Call("replaceState", nil, "", routeSignIn)
}

// takeStartedProviders returns, once, the universities StartPrerendered
// read.
func takeStartedProviders() ([]shared.Provider, bool) {
	ps := startedProviders.Swap(nil)
	if ps == nil {
		return nil, false
	}
	return *ps, true
}
