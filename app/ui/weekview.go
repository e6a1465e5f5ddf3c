package ui

import (
	"context"
	"strings"
	"time"

	"github.com/campusweek/campusweek/shared"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// weekView is /: the signed-in student's week, Monday to Sunday. The week
// shown is in the URL (/?week=YYYY-MM-DD, its Monday) so reload and Back
// work.
type weekView struct {
	app.Compo

	today shared.Date
	week  shared.Date // Monday of the week shown

	sessionAsked bool
	session      *shared.Session // nil until known
	sessionErr   error
	demo         bool
	signingOut   bool
	signOutErr   error

	tt       *shared.Timetable // for ttWeek
	ttWeek   shared.Date
	ttErr    error
	fetching bool
	cancel   context.CancelFunc // of the timetable request in flight
	seq      int                // ignores answers of superseded requests

	updateAvailable bool
	removeOnline    func()
}

func (c *weekView) OnMount(ctx app.Context) {
	// Back online after an "offline" error: try again by itself.
	c.removeOnline = listenWindow("online", func(app.Value) {
		ctx.Dispatch(func(ctx app.Context) { c.retryIfOffline(ctx) })
	})
	c.updateAvailable = ctx.AppUpdateAvailable()
}

func (c *weekView) OnDismount() {
	if c.removeOnline != nil {
		c.removeOnline()
	}
	if c.cancel != nil {
		c.cancel()
	}
}

func (c *weekView) OnAppUpdate(ctx app.Context) {
	c.updateAvailable = true
}

func (c *weekView) OnNav(ctx app.Context) {
	c.today = shared.DateOf(time.Now())
	c.week = weekFromQuery(ctx.Page().URL().Query().Get("week"), c.today)
	if !app.IsClient {
		// Prerendering: a loading shell, no network calls, no query echo.
		ctx.Page().SetTitle(appName)
		return
	}
	ctx.Page().SetTitle("%s · %s", weekTitle(c.week), appName)
	if !c.sessionAsked {
		c.loadSession(ctx)
	}
	if c.tt == nil || c.ttWeek != c.week || c.ttErr != nil {
		c.loadWeek(ctx)
	}
}

// loadSession asks who is signed in, and whether their provider is the demo.
func (c *weekView) loadSession(ctx app.Context) {
	c.sessionAsked, c.sessionErr = true, nil
	ctx.Async(func() {
		cctx, cancel := callCtx(ctx)
		defer cancel()
		s, err := api().Session(cctx)
		demo := false
		if err == nil && s.SignedIn {
			// Only for the banner: a failure here changes nothing else.
			if ps, perr := api().Providers(cctx); perr == nil {
				demo = isDemo(s.Provider, ps)
			}
		}
		ctx.Dispatch(func(ctx app.Context) {
			switch {
			case isSignedOut(err), err == nil && !s.SignedIn:
				ctx.Navigate(routeSignIn)
			case err != nil:
				c.sessionErr = err
			default:
				c.session, c.demo = &s, demo
			}
		})
	})
}

// loadWeek fetches the timetable of c.week, superseding any request for
// another week still in flight.
func (c *weekView) loadWeek(ctx app.Context) {
	if c.cancel != nil {
		c.cancel()
	}
	c.seq++
	seq, week := c.seq, c.week
	c.fetching, c.ttErr = true, nil
	cctx, cancel := callCtx(ctx)
	c.cancel = cancel
	ctx.Async(func() {
		defer cancel()
		tt, err := api().Timetable(cctx, week, week.AddDays(6))
		ctx.Dispatch(func(ctx app.Context) {
			if seq != c.seq {
				return // superseded
			}
			c.fetching, c.cancel = false, nil
			if err != nil {
				c.ttErr = err
				return
			}
			c.tt, c.ttWeek = &tt, week
		})
	})
}

func (c *weekView) retry(ctx app.Context, e app.Event) {
	if c.sessionErr != nil {
		c.loadSession(ctx)
	}
	c.loadWeek(ctx)
}

func (c *weekView) retryIfOffline(ctx app.Context) {
	if isUnreachable(c.sessionErr) || isUnreachable(c.ttErr) {
		c.retry(ctx, app.Event{})
	}
}

func (c *weekView) goToWeek(ctx app.Context, monday shared.Date) {
	if monday.IsZero() {
		return
	}
	ctx.Navigate(weekURL(monday))
}

func (c *weekView) signOut(ctx app.Context, e app.Event) {
	if c.signingOut {
		return
	}
	c.signingOut, c.signOutErr = true, nil
	ctx.Async(func() {
		cctx, cancel := callCtx(ctx)
		defer cancel()
		err := api().Logout(cctx)
		ctx.Dispatch(func(ctx app.Context) {
			c.signingOut = false
			if err != nil && !isSignedOut(err) {
				c.signOutErr = err
				return
			}
			ctx.Navigate(routeSignIn)
		})
	})
}

func (c *weekView) Render() app.UI {
	return app.Div().Class("page", "page-week").Body(
		c.renderHeader(),
		app.If(c.updateAvailable, func() app.UI {
			return app.Div().Class("update-bar").Role("status").Body(
				app.Span().Text("A new version of "+appName+" is ready."),
				button("link-button", "Reload", func(ctx app.Context, e app.Event) { ctx.Reload() }).ID("reload-app"),
			)
		}),
		app.Main().Class("content", "content-wide").Body(c.renderMain()),
	)
}

func (c *weekView) renderHeader() app.UI {
	signedIn := c.session != nil && c.session.SignedIn
	name := ""
	if signedIn && c.session.User != nil {
		name = c.session.User.Name
	}
	return app.Header().Class("app-header").Body(
		app.Div().Class("app-header-inner").Body(
			brand(),
			app.If(signedIn, func() app.UI {
				return app.Div().Class("account").Body(
					app.Span().ID("user-name").Class("user-name").Text(name),
					disable(app.Button().
						ID("signout").
						Type("button").
						Class("button", "button-quiet").
						OnClick(c.signOut).
						Text("Sign out"), c.signingOut),
				)
			}),
		),
	)
}

func (c *weekView) renderMain() app.UI {
	if c.sessionErr != nil {
		return errorBox(errorMessage(c.sessionErr),
			button("button button-primary", "Try again", c.retry).ID("retry"))
	}
	if c.session == nil {
		return loading("Loading your timetable…")
	}
	return app.Div().Class("week-page").Body(
		app.If(c.demo, demoBanner),
		app.If(c.signOutErr != nil, func() app.UI { return errorBox(errorMessage(c.signOutErr)) }),
		c.renderWeekNav(),
		c.renderWeek(),
	)
}

// The handlers read the component's state when they run: go-app keeps the
// first handler it mounted as long as the new one has the same code, so a
// closure over this render's week would go stale.
func (c *weekView) prevWeek(ctx app.Context, e app.Event)  { c.goToWeek(ctx, c.week.AddDays(-7)) }
func (c *weekView) nextWeek(ctx app.Context, e app.Event)  { c.goToWeek(ctx, c.week.AddDays(7)) }
func (c *weekView) todayWeek(ctx app.Context, e app.Event) { c.goToWeek(ctx, c.today.Monday()) }

func (c *weekView) renderWeekNav() app.UI {
	return app.Nav().Class("week-nav").Aria("label", "Week").Body(
		app.Button().
			ID("prev-week").
			Type("button").
			Class("button", "button-icon").
			Aria("label", "Previous week").
			Title("Previous week").
			OnClick(c.prevWeek).
			Body(app.Span().Class("chevron", "chevron-left").Aria("hidden", "true")),
		app.H1().ID("week-title").Class("week-title").Aria("live", "polite").Text(weekTitle(c.week)),
		app.Button().
			ID("today").
			Type("button").
			Class("button", "button-quiet", "today-button").
			OnClick(c.todayWeek).
			Text("Today"),
		app.Button().
			ID("next-week").
			Type("button").
			Class("button", "button-icon").
			Aria("label", "Next week").
			Title("Next week").
			OnClick(c.nextWeek).
			Body(app.Span().Class("chevron", "chevron-right").Aria("hidden", "true")),
	)
}

func (c *weekView) renderWeek() app.UI {
	if c.ttErr != nil {
		return c.renderTimetableError()
	}
	if c.fetching || c.tt == nil || c.ttWeek != c.week {
		return loading("Loading classes…")
	}
	days := eventsByDay(c.tt.Events, c.week)
	total := 0
	for _, d := range days {
		total += len(d)
	}
	dates := weekDays(c.week)
	return app.Div().Class("week-body").Body(
		app.If(total == 0, func() app.UI {
			return app.P().Class("empty-state").Text("No classes this week.")
		}),
		app.Div().Class("week").Body(
			app.Range(dates[:]).Slice(func(i int) app.UI {
				return c.renderDay(dates[i], days[i])
			}),
		),
	)
}

func (c *weekView) renderTimetableError() app.UI {
	if isSignedOut(c.ttErr) {
		return errorBox(msgSignedOut,
			app.A().ID("signin-again").Class("button", "button-primary").Href(routeSignIn).Text("Sign in"))
	}
	return errorBox(errorMessage(c.ttErr),
		button("button button-primary", "Try again", c.retry).ID("retry"))
}

func (c *weekView) renderDay(d shared.Date, events []shared.Event) app.UI {
	isToday := d == c.today
	classes := []string{"day"}
	if isToday {
		classes = append(classes, "today")
	}
	section := app.Section().
		Class(classes...).
		DataSet("date", d.String()).
		Aria("label", dayName(d)+" "+dayShortDate(d))
	if isToday {
		section = section.Aria("current", "date")
	}
	return section.Body(
		app.H2().Class("day-heading").Body(
			app.Span().Class("day-name").Text(dayName(d)),
			app.Span().Class("day-date").Text(dayShortDate(d)),
			app.If(isToday, func() app.UI { return app.Span().Class("today-badge").Text("Today") }),
		),
		app.If(len(events) == 0, func() app.UI {
			return app.P().Class("no-classes").Text("No classes")
		}).Else(func() app.UI {
			return app.Ul().Class("events").Body(
				app.Range(events).Slice(func(i int) app.UI {
					return app.Li().Body(renderEvent(events[i]))
				}),
			)
		}),
	)
}

// renderEvent shows one class, exam or meeting.
func renderEvent(e shared.Event) app.UI {
	cat := eventCategory(e)
	kind := eventKind(e)
	place := eventPlace(e)
	lecturers := strings.Join(nonEmpty(e.Lecturers), ", ")
	return app.Article().
		Class("event", "event-"+cat).
		DataSet("event-id", e.ID).
		DataSet("category", cat).
		Body(
			app.Time().
				Class("event-time").
				DateTime("%s", e.Start.Format(time.RFC3339)).
				Text(timeRange(e)),
			app.H3().Class("event-title").Text(e.Title),
			app.If(kind != "", func() app.UI {
				return app.P().Class("event-kind").Text(kind)
			}),
			app.If(place != "", func() app.UI {
				return app.P().Class("event-place").Body(
					app.Span().Class("visually-hidden").Text("Where: "),
					app.Text(place),
				)
			}),
			app.If(e.Group != "", func() app.UI {
				return app.P().Class("event-group").Text("Group " + e.Group)
			}),
			app.If(lecturers != "", func() app.UI {
				return app.P().Class("event-lecturers").Body(
					app.Span().Class("visually-hidden").Text("With: "),
					app.Text(lecturers),
				)
			}),
			app.If(isWebURL(e.URL), func() app.UI {
				return app.A().
					Class("event-link").
					Href("%s", e.URL).
					Target("_blank").
					Rel("noopener noreferrer").
					Text("Details")
			}),
		)
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
