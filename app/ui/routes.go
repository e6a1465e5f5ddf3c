// Package ui holds the screens of the CampusWeek PWA, one go-app component
// per route. It compiles both into app.wasm and into the server, which uses
// it to prerender pages; network calls happen only in the browser.
package ui

import (
	"sync"

	"github.com/campusweek/campusweek/shared"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Routes of the PWA.
const (
	routeWeek       = "/"
	routeSignIn     = "/signin"
	routePublic     = "/public"
	routePublicWeek = "/public/week"
	routeFreeRooms  = "/public/free-rooms"
	prefixCallback  = shared.CallbackPathPrefix
	prefixPIN       = "/auth/pin/"
	// prefixAuth starts every route of signing in.
	prefixAuth = "/auth/"
)

// Patterns of the routes with a provider ID ([a-z0-9-]+, see shared.Provider).
const (
	CallbackRoutePattern = `^` + prefixCallback + `[a-z0-9-]+$`
	PINRoutePattern      = `^` + prefixPIN + `[a-z0-9-]+$`
)

// pages are the app's screens by route, as regular expressions in the
// syntax Go and JavaScript share (anchored; literals, classes and "+").
var pages = []struct {
	pattern string
	screen  func() app.Composer
}{
	{`^/$`, func() app.Composer { return &weekView{} }},
	{`^/signin$`, func() app.Composer { return &signIn{} }},
	{CallbackRoutePattern, func() app.Composer { return &authCallback{} }},
	{PINRoutePattern, func() app.Composer { return &pinEntry{} }},
	{`^/public$`, func() app.Composer { return &publicSearch{} }},
	{`^/public/week$`, func() app.Composer { return &publicWeek{} }},
	{`^/public/free-rooms$`, func() app.Composer { return &freeRooms{} }},
}

// RoutePatterns lists the paths of the app's pages, for the server, which
// prerenders exactly these, and its service worker, which serves them
// offline.
func RoutePatterns() []string {
	out := make([]string, len(pages))
	for i, p := range pages {
		out[i] = p.pattern
	}
	return out
}

var routesOnce sync.Once

// Routes registers the app's routes with go-app. Both app.wasm and the
// server (for prerendering) call it; calling it again does nothing. A
// pattern that names one path is registered as that path: go-app compiles
// every regular expression route when the app starts, before the first
// paint, and in WebAssembly that takes milliseconds each.
func Routes() {
	routesOnce.Do(func() {
		for _, p := range pages {
			if path, ok := literalPath(p.pattern); ok {
				app.Route(path, p.screen)
			} else {
				app.RouteWithRegexp(p.pattern, p.screen)
			}
		}
	})
}

// literalPath returns the one path an anchored pattern matches ("^/signin$"
// is /signin), and false for a pattern with any other syntax in it.
func literalPath(pattern string) (string, bool) {
	if len(pattern) < 2 || pattern[0] != '^' || pattern[len(pattern)-1] != '$' {
		return "", false
	}
	path := pattern[1 : len(pattern)-1]
	for i := 0; i < len(path); i++ {
		switch c := path[i]; {
		case c == '/' || c == '-' || c == '_' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
		default:
			return "", false
		}
	}
	return path, true
}
