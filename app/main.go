// Command app is the CampusWeek PWA, compiled to WebAssembly:
//
//	GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w" \
//	    -gcflags=all=-l -o web/app.wasm ./app
//
// (make wasm: without inlining, see the Makefile).
//
// The backend serves it with server/pwa, which prerenders the same routes.
package main

import (
	"github.com/campusweek/campusweek/app/ui"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

func main() {
	// A visitor on a page prerendered with the universities can read it
	// already, and on the sign-in page start signing in: there the app
	// starts in turns of the browser's, not in one long task (Go's runtime
	// and package initialization, the app's settings and what the server
	// prerendered, its routes, then go-app's start), so that the page keeps
	// answering taps. Anywhere else it starts at once, to paint a student's
	// week from the cache as soon as it can.
	turn := func() {}
	if ui.ProvidersPrerendered() {
		turn = ui.YieldToBrowser
	}
	turn()
	ui.StartLanguage()
	ui.StartTheme()
	ui.StartPrerendered()
	turn()
	ui.Routes()
	turn()
	app.RunWhenOnBrowser()
}
