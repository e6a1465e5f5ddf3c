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
	// The app starts in turns of the browser's, not in one long task: Go's
	// runtime and package initialization, the app's settings and what the
	// server prerendered, its routes, then go-app's start.
	ui.YieldToBrowser()
	ui.StartLanguage()
	ui.StartTheme()
	ui.StartPrerendered()
	ui.YieldToBrowser()
	ui.Routes()
	ui.YieldToBrowser()
	app.RunWhenOnBrowser()
}
