package ui

import (
	"testing"

	"github.com/campusweek/campusweek/shared"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// withContext runs f with a go-app context, as the engine gives it to a
// component outside the browser.
type withContext struct {
	app.Compo
	f func(app.Context)
}

func (w *withContext) OnPreRender(ctx app.Context) { w.f(ctx) }
func (w *withContext) Render() app.UI              { return app.Div() }

func runWithContext(t *testing.T, f func(app.Context)) {
	t.Helper()
	e := app.NewTestEngine()
	ran := false
	if err := e.Load(&withContext{f: func(ctx app.Context) { f(ctx); ran = true }}); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	if !ran {
		t.Fatal("no context")
	}
}

// A subscription address made on the callback page reaches the calendar
// panel of the week page once, in memory; a sign-in meanwhile drops it.
func TestNewFeedHandOff(t *testing.T) {
	feed := shared.Feed{URL: "https://tt.example.edu/feed/x/campusweek.ics", Note: "note"}
	for _, tc := range []struct {
		name     string
		between  func(app.Context)
		wantFeed bool
	}{
		{"handed over", func(app.Context) {}, true},
		{"a sign-in drops it", func(ctx app.Context) {
			signedIn(ctx, shared.Session{SignedIn: true, Provider: "uw", User: &shared.User{ID: "2", Name: "Jan"}})
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runWithContext(t, func(ctx app.Context) {
				ctx.SetState(stateNewFeed, feed)
				tc.between(ctx)
				first := &calendarPanel{Provider: "uw"}
				first.takeNewFeed(ctx)
				if got := first.feed != nil && first.feed.URL == feed.URL && first.open; got != tc.wantFeed {
					t.Errorf("panel shows the new address: %v, want %v", got, tc.wantFeed)
				}
				second := &calendarPanel{Provider: "uw"}
				second.takeNewFeed(ctx)
				if second.feed != nil {
					t.Error("the address was shown twice")
				}
			})
		})
	}
}
