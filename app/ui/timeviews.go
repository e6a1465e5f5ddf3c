package ui

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/campusweek/campusweek/app/layout"
	"github.com/campusweek/campusweek/app/palette"
	"github.com/campusweek/campusweek/app/timetable"
	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/change"
	"github.com/campusweek/campusweek/shared/i18n"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// wideQuery is when the time-grid week shows instead of the day view.
const wideQuery = "(min-width: 48rem)"

// swipeMin is how far, in CSS pixels, a horizontal swipe goes to change
// the day.
const swipeMin = 60

// timeViews shows a synced week of the cached timetable as the screen
// suits: on a narrow screen a day view (today first, a week strip, the
// next class on top), on a wide one a time-grid week. It marks what the
// last syncs changed, opens a class's details in a dialog, and holds the
// settings (theme, hidden classes). Where things go is app/layout's;
// what changed and what is hidden, the model's (app/timetable).
//
// Without a Model it shows a timetable that is not the student's (a
// public one) read-only: no hiding, no settings; WeekURL then gives the
// address of another of its weeks.
type timeViews struct {
	app.Compo

	Model *timetable.Model
	View  timetable.View
	Lang  i18n.Lang
	// WeekURL is the address of the week of monday; nil: the student's
	// (weekURL).
	WeekURL func(monday shared.Date) string

	day  shared.Date // the day picked in the day view; zero: today or Monday
	mine bool        // the next OnNav is one this component asked for
	wide bool
	now  time.Time
	open string // the class whose details show: its id, "x"+id when cancelled
	// unpainted holds in a browser until the first render has painted:
	// until then the day view holds the day shown alone (see
	// renderDayView), and the settings, below the week, wait.
	unpainted bool
	pushed    bool // a history entry stands for the open dialog
	theme     string

	touchX, touchY float64
	remove         []func()
	stop           context.CancelFunc
}

// OnInit sets what the first render depends on (the time, the theme, the
// screen's width and the day the address names) before it happens, so
// that it is the one shown: set in OnMount, they would come after a first
// render with a zero clock and the day view, mounted and then replaced
// (by the grid, on a wide screen). The component is created after the
// week loaded, past its navigation: the day is the one OnNav reads.
func (c *timeViews) OnInit() {
	c.now = time.Now()
	c.theme = currentTheme()
	if app.IsClient {
		c.unpainted = true
		c.wide = app.Window().Call("matchMedia", wideQuery).Get("matches").Bool()
		c.day, _ = shared.ParseDate(app.Window().URL().Query().Get("day"))
	}
}

func (c *timeViews) OnMount(ctx app.Context) {
	mql := app.Window().Call("matchMedia", wideQuery)
	onWide := app.FuncOf(func(this app.Value, args []app.Value) any {
		wide := len(args) > 0 && args[0].Get("matches").Bool()
		ctx.Dispatch(func(ctx app.Context) { c.wide = wide; c.afterRender(ctx) })
		return nil
	})
	mql.Call("addEventListener", "change", onWide)
	c.remove = append(c.remove,
		func() { mql.Call("removeEventListener", "change", onWide); onWide.Release() },
		listenDocument("keydown", func(e app.Value) {
			key := e.Get("key").String()
			if key != "ArrowLeft" && key != "ArrowRight" {
				return
			}
			switch strings.ToLower(e.Get("target").Get("tagName").String()) {
			case "input", "select", "textarea":
				return
			}
			ctx.Dispatch(func(ctx app.Context) {
				if c.wide || c.open != "" {
					return
				}
				if key == "ArrowLeft" {
					c.goToDay(ctx, c.selected().AddDays(-1))
				} else {
					c.goToDay(ctx, c.selected().AddDays(1))
				}
			})
		}),
		listenWindow("touchstart", func(e app.Value) {
			if t := e.Get("changedTouches").Index(0); t.Truthy() {
				x, y := t.Get("clientX").Float(), t.Get("clientY").Float()
				ctx.Dispatch(func(app.Context) { c.touchX, c.touchY = x, y })
			}
		}),
		listenWindow("touchend", func(e app.Value) {
			t := e.Get("changedTouches").Index(0)
			if !t.Truthy() {
				return
			}
			x, y := t.Get("clientX").Float(), t.Get("clientY").Float()
			ctx.Dispatch(func(ctx app.Context) {
				dx, dy := x-c.touchX, y-c.touchY
				if c.wide || c.open != "" || math.Abs(dx) < swipeMin || math.Abs(dx) < 2*math.Abs(dy) {
					return
				}
				if dx < 0 {
					c.goToDay(ctx, c.selected().AddDays(1))
				} else {
					c.goToDay(ctx, c.selected().AddDays(-1))
				}
			})
		}),
		// Back closes the details.
		listenWindow("popstate", func(app.Value) {
			ctx.Dispatch(func(ctx app.Context) {
				if c.open != "" {
					c.pushed = false
					closeDialog()
				}
			})
		}),
	)
	// The now line and the card move each minute.
	tctx, stop := context.WithCancel(context.Background())
	c.stop = stop
	ctx.Async(func() {
		for {
			now := time.Now()
			select {
			case <-tctx.Done():
				return
			case <-time.After(now.Truncate(time.Minute).Add(time.Minute).Sub(now)):
				ctx.Dispatch(func(ctx app.Context) { c.now = time.Now(); c.afterRender(ctx) })
			}
		}
	})
	c.afterRender(ctx)
	afterPaint(func() { ctx.Dispatch(func(app.Context) { c.unpainted = false }) })
}

func (c *timeViews) OnDismount() {
	for _, r := range c.remove {
		r()
	}
	c.remove = nil
	if c.stop != nil {
		c.stop()
	}
}

// OnNav keeps the day picked when this component moved to its week, and
// otherwise opens on the day the address names (?day=, as a change
// notification's does), else today (or the week's Monday).
func (c *timeViews) OnNav(ctx app.Context) {
	if !c.mine && c.open == "" {
		c.day, _ = shared.ParseDate(ctx.Page().URL().Query().Get("day"))
	}
	c.mine = false
	c.afterRender(ctx)
}

// OnUpdate runs when the week screen passes a new View.
func (c *timeViews) OnUpdate(ctx app.Context) { c.afterRender(ctx) }

// afterRender, once the DOM is up to date, places the grid's blocks and
// tells the model which days the student sees (their change marks go at
// the next sync).
func (c *timeViews) afterRender(ctx app.Context) {
	ctx.Defer(func(app.Context) {
		placeBlocks()
		if c.Model == nil || c.View.Cache == nil {
			return
		}
		if c.wide {
			dates := weekDays(c.View.Week)
			c.Model.Seen(dates[:]...)
		} else {
			c.Model.Seen(c.selected())
		}
	})
}

// placeBlocks sets the positions the grid's elements carry in data-top,
// data-height, data-left and data-width (fractions) as CSS percentages,
// and data-hours as --hours. Through the CSSOM, which the page's
// Content-Security-Policy allows where style attributes are not.
func placeBlocks() {
	if !app.IsClient {
		return
	}
	els := app.Window().Get("document").Call("querySelectorAll", "[data-top],[data-hours]")
	for i := range els.Length() {
		el := els.Index(i)
		style := el.Get("style")
		for _, p := range []string{"top", "height", "left", "width"} {
			if v := el.Call("getAttribute", "data-"+p); v.Type() == app.TypeString {
				style.Call("setProperty", p, v.String()+"%")
			}
		}
		if v := el.Call("getAttribute", "data-hours"); v.Type() == app.TypeString {
			style.Call("setProperty", "--hours", v.String())
		}
	}
}

// selected is the day the day view shows: the one picked, when in the
// week shown, else today when in it, else the week's Monday.
func (c *timeViews) selected() shared.Date {
	switch week := c.View.Week; {
	case !c.day.IsZero() && c.day.Monday() == week:
		return c.day
	case c.View.Today.Monday() == week:
		return c.View.Today
	}
	return c.View.Week
}

// goToDay shows date d in the day view, moving to its week when needed.
func (c *timeViews) goToDay(ctx app.Context, d shared.Date) {
	if d.IsZero() {
		return
	}
	c.day = d
	if d.Monday() != c.View.Week {
		c.mine = true
		to := weekURL
		if c.WeekURL != nil {
			to = c.WeekURL
		}
		ctx.Navigate(to(d.Monday()))
	}
	c.afterRender(ctx)
}

// pickDay is a button showing a day (the day view's previous, next and
// Today, the week strip's days, "next classes"): its date is in data-day
// (go-app keeps the first handler of a button, so a closure over this
// render's date would go stale).
func (c *timeViews) pickDay(ctx app.Context, e app.Event) {
	if d, err := shared.ParseDate(ctx.JSSrc().Get("dataset").Get("day").String()); err == nil {
		c.goToDay(ctx, d)
	}
}

// openDetails shows the details of the class whose button was pressed.
func (c *timeViews) openDetails(ctx app.Context, e app.Event) {
	id := ctx.JSSrc().Get("dataset").Get("open").String()
	if id == "" {
		return
	}
	c.open = id
	if !c.pushed {
		app.Window().Get("history").Call("pushState", map[string]any{"details": true}, "")
		c.pushed = true
	}
	ctx.Defer(func(app.Context) {
		if d := app.Window().Get("document").Call("getElementById", "details"); d.Truthy() && !d.Get("open").Bool() {
			d.Call("showModal")
		}
	})
}

// closeDialog closes the details; its close event does the rest.
func closeDialog() {
	if d := app.Window().Get("document").Call("getElementById", "details"); d.Truthy() && d.Get("open").Bool() {
		d.Call("close")
	}
}

func (c *timeViews) closeDetails(ctx app.Context, e app.Event) { closeDialog() }

// detailsClosed runs when the dialog closed (Escape, the close button,
// back, hiding the class): it takes back the history entry and gives the
// focus back to the class.
func (c *timeViews) detailsClosed(ctx app.Context, e app.Event) {
	id := c.open
	c.open = ""
	if c.pushed {
		// Going back to the entry before the dialog navigates (go-app's
		// popstate): the day shown stays.
		c.pushed, c.mine = false, true
		app.Window().Get("history").Call("back")
	}
	ctx.Defer(func(app.Context) {
		if b := app.Window().Get("document").Call("querySelector", `[data-open="`+cssString(id)+`"]`); b.Truthy() {
			b.Call("focus")
		}
	})
}

// cssString escapes s for a double-quoted CSS string. A loop, not a
// strings.Replacer: nothing else in app.wasm needs the Replacer's code.
func cssString(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '"':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, `\a `...)
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

func (c *timeViews) hide(group bool) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if ev, _, ok := c.openEvent(); ok {
			c.Model.Hide(shared.HideOf(ev, group))
		}
		closeDialog()
	}
}

func (c *timeViews) unhide(ctx app.Context, e app.Event) {
	if h, err := shared.ParseHide(ctx.JSSrc().Get("dataset").Get("hide").String()); err == nil {
		c.Model.Unhide(h)
	}
}

func (c *timeViews) pickTheme(ctx app.Context, e app.Event) {
	c.theme = cleanTheme(ctx.JSSrc().Get("value").String())
	setTheme(ctx, c.theme)
}

// openEvent returns the event whose details show, and whether it is a
// cancelled one.
func (c *timeViews) openEvent() (shared.Event, bool, bool) {
	s := c.View.Cache.Shown()
	if id, ok := strings.CutPrefix(c.open, "x"); ok {
		for _, e := range s.Cancelled {
			if e.ID == id {
				return e, true, true
			}
		}
		return shared.Event{}, false, false
	}
	for _, e := range s.Events {
		if "e"+e.ID == c.open {
			return e, false, true
		}
	}
	return shared.Event{}, false, false
}

func (c *timeViews) Render() app.UI {
	l := c.Lang
	v := &c.View
	s := v.Cache.Shown()
	all := append(append([]shared.Event(nil), s.Events...), s.Cancelled...)
	cancelled := make(map[string]bool, len(s.Cancelled))
	for _, e := range s.Cancelled {
		cancelled[e.ID] = true
	}
	r := renderer{l: l, marks: s.Marks, cancelled: cancelled, onOpen: c.openDetails}
	var view app.UI
	if c.wide {
		view = c.renderGrid(r, nearWeek(all, v.Week))
	} else {
		view = c.renderDayView(r, s.Events, nearWeek(s.Events, v.Week), nearWeek(all, v.Week))
	}
	var unconfirmed, summary, empty, settings app.UI
	if v.Unconfirmed {
		unconfirmed = text("p", attrs{"id", "changes-unconfirmed", "class", "notice changes-unconfirmed", "role", "status"},
			l.T(i18n.ChangesUnconfirmed))
	}
	if !v.Syncing && v.Changes.Total > 0 {
		summary = text("p", attrs{"id", "changes-summary", "class", "changes-summary", "role", "status"},
			l.N(i18n.ChangesSummary, v.Changes.Total))
	}
	if v.Cache != nil && len(shared.WithoutHidden(v.Cache.WeekEvents(v.Week), v.Cache.Hidden)) == 0 {
		empty = text("p", attrs{"class", "empty-state"}, l.T(i18n.WeekNoClassesWeek))
	}
	if c.Model != nil && !c.unpainted {
		settings = c.renderSettings()
	}
	// A nil child is none: go-app's Body leaves nils out.
	return el("div", attrs{"class", "time-views"}, unconfirmed, summary, empty, view, c.renderDetails(r), settings)
}

// renderer renders classes with their marks.
type renderer struct {
	l         i18n.Lang
	marks     map[string]change.Change
	cancelled map[string]bool
	onOpen    app.EventHandler
}

// class renders one class on date d: a button opening its details, named
// for screen readers by day, time, course and room; at is its place on
// the grid, when on one.
func (r renderer) class(e shared.Event, d shared.Date, at *layout.Block) app.UI {
	l := r.l
	cat := eventCategory(e)
	gone := r.cancelled[e.ID]
	mark := ""
	if gone {
		mark = markText(l, change.Change{What: change.Cancelled}, true)
	} else if ch, ok := r.marks[e.ID]; ok {
		mark = markText(l, ch, false)
	}
	class := "event event-" + cat + " course-" + strconv.Itoa(palette.For(palette.Key(e)).Index)
	open := "e" + e.ID
	if gone {
		class, open = class+" event-cancelled", "x"+e.ID
	} else if mark != "" {
		class += " event-changed"
	}
	a := attrs{"data-event-id", e.ID, "data-category", cat}
	// On the grid a class shows only its time, title, place and mark.
	var kind, group, lecturers string
	if at != nil {
		class += " grid-block" + pick(at.ContinuesBefore, " cut-before") + pick(at.ContinuesAfter, " cut-after")
		a = append(a, "data-top", pct(at.Top), "data-height", pct(at.Height), "data-left", pct(at.Left), "data-width", pct(at.Width))
	} else {
		kind, lecturers = eventKind(l, e), strings.Join(nonEmpty(e.Lecturers), ", ")
		if e.Group != "" {
			group = l.F(i18n.EventGroup, e.Group)
		}
	}
	return el("article", append(a, "class", class),
		// Its name, read from its text: the day (for screen readers), time,
		// course, room and change.
		on(el("button", attrs{"type", "button", "class", "event-open", "data-open", open},
			text("span", attrs{"class", "visually-hidden"}, dayLabel(l, d)+", "),
			text("time", attrs{"class", "event-time", "datetime", e.Start.Format(time.RFC3339)}, timeRange(l, e)),
			text("span", attrs{"class", "event-title"}, e.Title),
			eventPart("event-kind", kind),
			eventPart("event-place", eventPlace(e)),
			eventPart("event-group", group),
			eventPart("event-lecturers", lecturers),
			eventPart("event-mark", mark),
		), "click", r.onOpen),
	)
}

// eventPart is a span of class with the text s on a class's button, or
// nil (no element) when s is "".
func eventPart(class, s string) app.UI {
	if s == "" {
		return nil
	}
	return text("span", attrs{"class", class}, s)
}

// pct formats a fraction as a percentage for CSS.
func pct(f float64) string { return strconv.FormatFloat(f*100, 'f', 3, 64) }
