// Package ui holds the screens of the CampusWeek PWA, one go-app component
// per route. It compiles both into app.wasm and into the server, which uses
// it to prerender pages; network calls happen only in the browser.
package ui

import (
	"sync"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Routes of the PWA.
const (
	routeWeek      = "/"
	routeSignIn    = "/signin"
	prefixCallback = "/auth/callback/"
	prefixPIN      = "/auth/pin/"
)

// Patterns of the routes with a provider ID ([a-z0-9-]+, see shared.Provider).
const (
	CallbackRoutePattern = `^/auth/callback/[a-z0-9-]+$`
	PINRoutePattern      = `^/auth/pin/[a-z0-9-]+$`
)

var routesOnce sync.Once

// Routes registers the app's routes with go-app. Both app.wasm and the
// server (for prerendering) call it; calling it again does nothing.
func Routes() {
	routesOnce.Do(func() {
		app.Route(routeWeek, func() app.Composer { return &weekView{} })
		app.Route(routeSignIn, func() app.Composer { return &signIn{} })
		app.RouteWithRegexp(CallbackRoutePattern, func() app.Composer { return &authCallback{} })
		app.RouteWithRegexp(PINRoutePattern, func() app.Composer { return &pinEntry{} })
	})
}
