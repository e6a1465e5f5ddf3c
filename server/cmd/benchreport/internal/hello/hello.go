// Package hello is the page of the hello-world go-app PWA that benchreport
// measures CampusWeek against. Both the wasm (../../hello) and benchreport's
// server register it: go-app's handler prerenders, and answers 404 for, the
// routes registered in its own process.
package hello

import "github.com/maxence-charriere/go-app/v10/pkg/app"

type page struct{ app.Compo }

func (p *page) Render() app.UI { return app.H1().ID("hello").Text("Hello") }

// Route registers the page at /.
func Route() {
	app.Route("/", func() app.Composer { return &page{} })
}
