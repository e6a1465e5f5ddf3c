// Command hello is the smallest go-app PWA, built with the same flags as
// CampusWeek's: the framework's floor for size and for start-up (its wasm
// started and its page rendered, go-app's loader gone), which benchreport
// measures the real app against.
package main

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/campusweek/campusweek/server/cmd/benchreport/internal/hello"
)

func main() {
	hello.Route()
	app.RunWhenOnBrowser()
}
