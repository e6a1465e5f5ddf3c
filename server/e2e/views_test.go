package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/shared"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// fixClock makes every page opened from now on read the clock as at,
// running on from there: Go's time.Now in app.wasm reads JavaScript's
// Date, which this replaces before any script of the page runs.
func fixClock(at time.Time) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: fmt.Sprintf(`(() => {
				const Real = Date, shift = %d - Real.now();
				class Fixed extends Real {
					constructor(...a) { if (a.length === 0) { super(Real.now() + shift); } else { super(...a); } }
					static now() { return Real.now() + shift; }
				}
				window.Date = Fixed;
			})();`, at.UnixMilli()),
		})
		return err
	})
}

// cachedEvents returns the classes the app keeps on the device, sorted by
// start.
func cachedEvents(t *testing.T, ctx context.Context) []shared.Event {
	t.Helper()
	raw := eval[string](t, ctx, `(() => { const k = Object.keys(localStorage).find(k => k.startsWith('campusweek/v1/timetable/'));
		return k ? localStorage.getItem(k) : '{"events":[]}'; })()`)
	var c struct{ Events []shared.Event }
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		t.Fatalf("the cached timetable: %v", err)
	}
	slices.SortFunc(c.Events, func(a, b shared.Event) int { return a.Start.Compare(b.Start) })
	return c.Events
}

// firstOn returns the classes (timed events) starting on date d.
func classesOn(events []shared.Event, d shared.Date) []shared.Event {
	var out []shared.Event
	for _, e := range events {
		if !e.AllDay && shared.DateOf(e.Start) == d {
			out = append(out, e)
		}
	}
	return out
}

// touchSwipe swipes horizontally across the page from x0 to x1 at height y.
func touchSwipe(x0, x1, y float64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, ev := range []input.DispatchTouchEventParams{
			{Type: input.DispatchTouchEventTypeTouchStart, TouchPoints: []*input.TouchPoint{{X: x0, Y: y}}},
			{Type: input.DispatchTouchEventTypeTouchMove, TouchPoints: []*input.TouchPoint{{X: (x0 + x1) / 2, Y: y}}},
			{Type: input.DispatchTouchEventTypeTouchMove, TouchPoints: []*input.TouchPoint{{X: x1, Y: y}}},
			{Type: input.DispatchTouchEventTypeTouchEnd, TouchPoints: []*input.TouchPoint{}},
		} {
			if _, err := cdp.Call(ctx, t, input.DispatchTouchEvent, ev); err != nil {
				return err
			}
		}
		return nil
	})
}

// dayShown waits until the day view shows date d.
func dayShown(d shared.Date) chromedp.Action[chromedp.Void] {
	return chromedp.WaitVisible(chromedp.CSS(`#day-view .day[data-date="` + d.String() + `"]`))
}

// TestDayViewOnAPhone: on a 360 px phone the app opens on today's day,
// with the next class on top; arrows, swipes, the week strip and Today
// move between days; a class's details open in a dialog that Escape and
// Back close.
func TestDayViewOnAPhone(t *testing.T) {
	b := buildBackend(t, webDir(t))
	b.start()
	ctx := newLongBrowser(t, 1280, 900, 3*time.Minute)
	signInAs(t, ctx, b.url, "123456", "Anna Kowalska")

	// The clock: 25 minutes before Monday's first class of this week.
	monday := shared.DateOf(time.Now()).Monday()
	first := classesOn(cachedEvents(t, ctx), monday)
	if len(first) == 0 {
		t.Fatalf("no classes on %v", monday)
	}
	next := first[0]
	now := next.Start.Add(-25 * time.Minute)
	today := shared.DateOf(now.Local())
	run(t, ctx, "open the app on a phone at "+now.Format(time.RFC3339),
		fixClock(now),
		chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Navigate(b.url+"/"),
		dayShown(today),
		chromedp.WaitVisible(chromedp.CSS(`#next-class`)),
	)
	if n := eval[int](t, ctx, `document.querySelectorAll('#day-view .day:not([hidden])').length`); n != 1 {
		t.Errorf("%d days shown, want 1", n)
	}
	if !eval[bool](t, ctx, `document.querySelector('.day.today:not([hidden])') !== null`) {
		t.Error("the day shown is not today")
	}
	card := eval[string](t, ctx, `document.querySelector('#next-class').innerText`)
	for _, want := range []string{next.Title, next.Start.Format("15:04"), "in 25 min"} {
		if !strings.Contains(card, want) {
			t.Errorf("the next-class card says %q, want %q in it", card, want)
		}
	}
	if next.Room != "" && !strings.Contains(card, "room "+next.Room) {
		t.Errorf("the next-class card says %q, without room %s", card, next.Room)
	}
	if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 360 {
		t.Errorf("page is %d px wide on a 360 px phone", w)
	}
	assertAccessible(t, ctx, "day view")

	run(t, ctx, "arrows: the next day and back",
		chromedp.KeyEvent(kb.ArrowRight), dayShown(today.AddDays(1)),
		chromedp.KeyEvent(kb.ArrowLeft), dayShown(today),
	)
	// Across the day view, within the screen.
	y := eval[float64](t, ctx, `(r => Math.max(r.top + 20, Math.min(r.bottom - 20, innerHeight - 60)))(document.querySelector('#day-view').getBoundingClientRect())`)
	run(t, ctx, "swipe left: the next day; right: back",
		touchSwipe(300, 60, y), dayShown(today.AddDays(1)),
		touchSwipe(60, 300, y), dayShown(today),
	)
	run(t, ctx, "into last week by the arrow, and Today",
		chromedp.KeyEvent(kb.ArrowLeft), dayShown(monday.AddDays(-1)),
		chromedp.Click(chromedp.CSS(`#day-today`)), dayShown(today),
	)
	wed := monday.AddDays(2)
	run(t, ctx, "the week strip jumps to Wednesday",
		chromedp.Click(chromedp.CSS(`.strip-day[data-day="`+wed.String()+`"]`)), dayShown(wed),
		chromedp.Click(chromedp.CSS(`#day-today`)), dayShown(today),
	)

	// Details: a dialog with the class, closed by Escape and by Back.
	open := `.day.today .event-open`
	run(t, ctx, "open a class's details",
		chromedp.Click(chromedp.CSS(open)),
		chromedp.WaitVisible(chromedp.CSS(`#details`)),
	)
	details := eval[string](t, ctx, `document.querySelector('#details').innerText`)
	for _, want := range []string{next.Title, next.Start.Format("15:04"), next.Room} {
		if !strings.Contains(details, want) {
			t.Errorf("details %q lack %q", details, want)
		}
	}
	if !eval[bool](t, ctx, `document.querySelector('#details').contains(document.activeElement)`) {
		t.Error("the focus is not in the dialog")
	}
	assertAccessible(t, ctx, "details dialog")
	run(t, ctx, "Escape closes the details",
		chromedp.KeyEvent(kb.Escape),
		chromedp.WaitNotPresent(chromedp.CSS(`#details`)),
	)
	if !eval[bool](t, ctx, `document.activeElement && document.activeElement.matches('`+open+`')`) {
		t.Error("the focus did not go back to the class")
	}
	run(t, ctx, "Back closes the details and stays on the day",
		chromedp.Click(chromedp.CSS(open)),
		chromedp.WaitVisible(chromedp.CSS(`#details`)),
		chromedp.NavigateBack(),
		chromedp.WaitNotPresent(chromedp.CSS(`#details`)),
		dayShown(today),
	)
}

// near reports whether a and b are within 1.5 px.
func near(a, b float64) bool { return math.Abs(a-b) <= 1.5 }
