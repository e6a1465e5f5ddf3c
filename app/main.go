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
	ui.StartLanguage()
	ui.StartTheme()
	ui.StartPrerendered()
	ui.Routes()
	app.RunWhenOnBrowser()
}
