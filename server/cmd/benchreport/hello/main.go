// Command hello is the smallest go-app PWA, built with the same flags as
// CampusWeek's: the framework's floor for size and first paint, which
// benchreport measures the real app against.
package main

import "github.com/maxence-charriere/go-app/v10/pkg/app"

type hello struct{ app.Compo }

func (h *hello) Render() app.UI { return app.H1().ID("hello").Text("Hello") }

func main() {
	app.Route("/", func() app.Composer { return &hello{} })
	app.RunWhenOnBrowser()
}
