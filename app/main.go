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
	"github.com/campusweek/campusweek/app/startup"
	"github.com/campusweek/campusweek/app/ui"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

func main() {
	// On a page a visitor uses before the app runs, the start takes turns
	// of the browser's (see package startup): after Go's initialization
	// (which takes one halfway), each step of the app's own start, then
	// go-app's, whose first render mounts the screen (which takes one
	// before its OnMount).
	startup.Turn()
	ui.StartLanguage()
	startup.Turn()
	ui.StartTheme()
	startup.Turn()
	ui.StartPrerendered()
	startup.Turn()
	ui.Routes()
	startup.Turn()
	app.RunWhenOnBrowser()
}
