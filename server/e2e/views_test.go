package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/shared"
	"github.com/chromedp/cdproto/browser"
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
	key := eval[string](t, ctx, `Object.keys(localStorage).find(k => k.startsWith('campusweek/v1/timetable/')) || ""`)
	var c struct{ Events []shared.Event }
	if key == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(storedJSON(t, ctx, key)), &c); err != nil {
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

	// Details: a dialog with the class, closed by Escape and by Back; the
	// day shown stays.
	run(t, ctx, "details on another day", chromedp.Click(chromedp.CSS(`#next-day`)), dayShown(today.AddDays(1)))
	run(t, ctx, "open and close them",
		chromedp.Click(chromedp.CSS(`#day-view .day:not([hidden]) .event-open`)),
		chromedp.WaitVisible(chromedp.CSS(`#details`)),
		chromedp.KeyEvent(kb.Escape),
		chromedp.WaitNotPresent(chromedp.CSS(`#details`)),
		chromedp.Sleep(300*time.Millisecond),
	)
	if got := eval[string](t, ctx, `document.querySelector('#day-view .day:not([hidden])').dataset.date`); got != today.AddDays(1).String() {
		t.Errorf("closing the details went to %s", got)
	}
	run(t, ctx, "back to today", chromedp.KeyEvent(kb.ArrowLeft), dayShown(today))
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

// checkGridPositions checks that every class block of the grid week sits
// and stretches in proportion to its times, against the hours shown.
func checkGridPositions(t *testing.T, ctx context.Context) {
	t.Helper()
	type place struct{ Top, Height, WantTop, WantHeight float64 }
	var places []place
	raw := eval[string](t, ctx, `(() => {
		const hours = document.querySelectorAll('#week-grid .grid-hour');
		const first = parseInt(hours[0].textContent, 10) * 60, span = hours.length * 60, out = [];
		for (const col of document.querySelectorAll('#week-grid .grid-day')) {
			const c = col.getBoundingClientRect(), inner = col.clientHeight, border = (c.height - inner) / 2;
			for (const b of col.querySelectorAll('.grid-block')) {
				const m = b.querySelector('.event-time').textContent.match(/(\d\d):(\d\d)–(\d\d):(\d\d)/);
				if (!m) continue;
				const s = +m[1] * 60 + +m[2], e = +m[3] * 60 + +m[4], r = b.getBoundingClientRect();
				out.push({Top: r.top - c.top - border, Height: r.height, WantTop: (s - first) / span * inner, WantHeight: (e - s) / span * inner});
			}
		}
		return JSON.stringify(out);
	})()`)
	if err := json.Unmarshal([]byte(raw), &places); err != nil {
		t.Fatal(err)
	}
	if len(places) < 3 {
		t.Fatalf("only %d class blocks on the grid", len(places))
	}
	for _, p := range places {
		if math.Abs(p.Top-p.WantTop) > 2 || math.Abs(p.Height-p.WantHeight) > 2 {
			t.Errorf("a block at %.1f px, %.1f px high; its times put it at %.1f px, %.1f px high", p.Top, p.Height, p.WantTop, p.WantHeight)
		}
	}
}

// rect is an element's box on the screen.
type rect struct{ Left, Right, Top, Bottom float64 }

// blockRect is the box of the element sel selects.
func blockRect(t *testing.T, ctx context.Context, sel string) rect {
	t.Helper()
	raw := eval[string](t, ctx, `JSON.stringify((b => b ? b.getBoundingClientRect() : null)(document.querySelector(`+jsString(sel)+`)))`)
	var r *struct{ Left, Right, Top, Bottom float64 }
	if err := json.Unmarshal([]byte(raw), &r); err != nil || r == nil {
		t.Fatalf("no block %s (%s)", sel, raw)
	}
	return rect(*r)
}

// TestGridWeekOnADesktop: at 1280x800 the week is a time grid with blocks
// placed by their times; changes made at the university between two syncs
// show marked, two overlapping classes side by side; the theme follows the
// system or the switch; a hidden class stays hidden offline and is left
// out of a download.
func TestGridWeekOnADesktop(t *testing.T) {
	b := buildBackend(t, webDir(t))
	b.start()
	ctx := newLongBrowser(t, 1280, 800, 4*time.Minute)
	signInAs(t, ctx, b.url, "123456", "Anna Kowalska")
	waitForServiceWorker(t, ctx)
	run(t, ctx, "the grid week", chromedp.WaitVisible(chromedp.CSS(`#week-grid .grid-block`)))
	if eval[bool](t, ctx, `!!document.querySelector('#day-view')`) {
		t.Error("the day view shows on a wide screen")
	}
	checkGridPositions(t, ctx)
	assertAccessible(t, ctx, "grid week")

	// At the university: move a class an hour later onto the next one,
	// give another a new room, cancel a third.
	monday := shared.DateOf(time.Now()).Monday()
	events := cachedEvents(t, ctx)
	var moved, under, rehoused, cancelled shared.Event
	for d := monday; d.Before(monday.AddDays(7)) && moved.ID == ""; d = d.AddDays(1) {
		day := classesOn(events, d)
		for i := 0; i+1 < len(day); i++ {
			a, n := day[i], day[i+1]
			if a.Start.Add(time.Hour).Before(n.End) && a.End.Add(time.Hour).After(n.Start) {
				moved, under = a, n
				break
			}
		}
	}
	for _, e := range events {
		if d := shared.DateOf(e.Start); e.AllDay || d.Before(monday) || !d.Before(monday.AddDays(7)) || e.ID == moved.ID || e.ID == under.ID {
			continue
		}
		switch {
		case rehoused.ID == "" && e.Room != "":
			rehoused = e
		case cancelled.ID == "" && rehoused.ID != "" && e.Title != rehoused.Title:
			cancelled = e
		}
	}
	if moved.ID == "" || rehoused.ID == "" || cancelled.ID == "" {
		t.Fatalf("this week has no classes to change: %v", events)
	}
	change := func(action string, e shared.Event, extra string) {
		t.Helper()
		status := evalAwait[int](t, ctx, `fetch('/sandbox/usos/changes', {method: 'POST',
			headers: {'Content-Type': 'application/x-www-form-urlencoded'},
			body: 'student=123456&action=`+action+`&at=' + encodeURIComponent(`+jsString(e.Start.Format(time.RFC3339))+`) + `+jsString(extra)+`}).then(r => r.status)`)
		if status != 200 {
			t.Fatalf("%s %s at the sandbox: %d", action, e.Title, status)
		}
	}
	change("later", moved, "")
	change("room", rehoused, "&room=4242")
	change("cancel", cancelled, "")
	run(t, ctx, "sync: reopen the app",
		chromedp.Navigate(b.url+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#changes-summary`)),
		chromedp.WaitVisible(chromedp.CSS(`.event-cancelled`)),
	)
	if got := eval[string](t, ctx, `document.querySelector('#changes-summary').innerText`); !strings.Contains(got, "3 changes") {
		t.Errorf("the summary says %q, want 3 changes", got)
	}
	marks := eval[[]string](t, ctx, `[...document.querySelectorAll('#week-grid .event-changed, #week-grid .event-cancelled')].map(e => e.innerText.replace(/\s+/g, ' '))`)
	for _, want := range []string{
		regexp.QuoteMeta(moved.Title) + " .*Moved from " + moved.Start.Format("15:04"),
		regexp.QuoteMeta(rehoused.Title) + " .*Room changed: was " + regexp.QuoteMeta(rehoused.Room),
		regexp.QuoteMeta(cancelled.Title) + " .*Cancelled",
	} {
		found := false
		for _, m := range marks {
			if ok, _ := regexp.MatchString(want, m); ok {
				found = true
			}
		}
		if !found {
			t.Errorf("no mark %q among %q", want, marks)
		}
	}
	if !eval[bool](t, ctx, `getComputedStyle(document.querySelector('.event-cancelled .event-title')).textDecorationLine.includes('line-through')`) {
		t.Error("the cancelled class is not struck through")
	}
	// The moved class now overlaps the next one: side by side.
	movedID := eval[string](t, ctx, `([...document.querySelectorAll('#week-grid .event-changed')].find(e => e.innerText.includes('Moved from')) || {dataset: {}}).dataset.eventId || ''`)
	a := blockRect(t, ctx, `#week-grid .grid-block[data-event-id="`+movedID+`"]`)
	u := blockRect(t, ctx, `#week-grid .grid-block[data-event-id="`+under.ID+`"]`)
	if a.Top >= u.Bottom || u.Top >= a.Bottom {
		t.Errorf("the moved class (%v) does not overlap %s (%v) in time", a, under.Title, u)
	}
	if a.Left < u.Right-0.5 && u.Left < a.Right-0.5 {
		t.Errorf("two overlapping classes overlap on screen: %v and %v", a, u)
	}
	checkGridPositions(t, ctx)

	// Dark mode: the system's, or the switch's, remembered.
	bg := func() string { return eval[string](t, ctx, `getComputedStyle(document.body).backgroundColor`) }
	const light, dark = "rgb(245, 247, 251)", "rgb(14, 18, 32)"
	pick := func(theme string) {
		eval[bool](t, ctx, `(s => { s.value = `+jsString(theme)+`; s.dispatchEvent(new Event('change', {bubbles: true})); return true })(document.querySelector('#theme-switch'))`)
		run(t, ctx, "pick the "+theme+" theme", chromedp.Sleep(200*time.Millisecond))
	}
	// The browser's toolbar takes the first theme colour whose media
	// matches.
	toolbar := func(when, want string) {
		t.Helper()
		got := eval[string](t, ctx, `[...document.querySelectorAll('meta[name="theme-color"]')].find(m => !m.media || matchMedia(m.media).matches).content`)
		if got != want {
			t.Errorf("%s: theme-color %s, want %s (%s)", when, got, want, eval[string](t, ctx, `[...document.querySelectorAll('meta[name="theme-color"]')].map(m => m.outerHTML + matchMedia(m.media).matches).join()`))
		}
	}
	run(t, ctx, "the system is dark", setColorScheme("dark"))
	if got := bg(); got != dark {
		t.Errorf("dark system: background %s, want %s", got, dark)
	}
	toolbar("dark system", shared.ThemeColorDark)
	pick("light")
	if got := bg(); got != light {
		t.Errorf("light picked on a dark system: background %s, want %s", got, light)
	}
	toolbar("light picked on a dark system", shared.ThemeColorLight)
	run(t, ctx, "reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`#week-grid`)))
	if got := bg(); got != light {
		t.Errorf("after a reload the light theme picked is gone: background %s", got)
	}
	run(t, ctx, "the system is light", setColorScheme("light"))
	pick("dark")
	if got := bg(); got != dark {
		t.Errorf("dark picked on a light system: background %s, want %s", got, dark)
	}
	toolbar("dark picked on a light system", shared.ThemeColorDark)
	pick("system")
	toolbar("light system", shared.ThemeColorLight)
	run(t, ctx, "end the emulation", setColorScheme(""))
	eval[bool](t, ctx, `document.querySelector('#settings').open = true`)
	assertAccessible(t, ctx, "settings")

	// Hide a class from its details.
	hideID := under.ID
	run(t, ctx, "hide a class",
		chromedp.Click(chromedp.CSS(`#week-grid .grid-block[data-event-id="`+hideID+`"] .event-open`)),
		chromedp.WaitVisible(chromedp.CSS(`#details`)),
	)
	assertAccessible(t, ctx, "details dialog on the grid")
	hideButton := `#hide-all`
	if under.Group != "" {
		hideButton = `#hide-group`
	}
	run(t, ctx, "hide it",
		chromedp.Click(chromedp.CSS(hideButton)),
		chromedp.WaitNotPresent(chromedp.CSS(`#details`)),
		chromedp.WaitNotPresent(chromedp.CSS(`.event[data-event-id="`+hideID+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#hidden-list li`)),
	)

	// A download leaves it out.
	downloads := t.TempDir()
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads,
	}); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "download the calendar",
		chromedp.Click(chromedp.CSS(`#add-to-calendar`)),
		chromedp.WaitVisible(chromedp.CSS(`#download-ics`)),
		chromedp.Click(chromedp.CSS(`#download-ics`)),
	)
	var ics string
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if b, err := os.ReadFile(filepath.Join(downloads, "campusweek-demo-usos.ics")); err == nil && strings.Contains(string(b), "END:VCALENDAR") {
			ics = string(b)
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no calendar file downloaded")
		}
	}
	if strings.Contains(ics, "UID:"+hideID+"@") {
		t.Errorf("the hidden class %s is in the download", hideID)
	}
	if !strings.Contains(ics, "UID:"+rehoused.ID+"@") {
		t.Errorf("a class not hidden, %s, is missing from the download", rehoused.ID)
	}

	// The university answers an empty timetable by mistake: the classes
	// stay, and the app says the change is not confirmed.
	before := eval[int](t, ctx, `document.querySelectorAll('#week-grid .grid-block').length`)
	status := evalAwait[int](t, ctx, `fetch('/sandbox/usos/changes', {method: 'POST',
		headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: 'student=123456&action=empty'}).then(r => r.status)`)
	if status != 200 {
		t.Fatalf("an empty answer at the sandbox: %d", status)
	}
	run(t, ctx, "sync against an empty answer",
		chromedp.Navigate(b.url+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#changes-unconfirmed`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#sync-status`)),
	)
	if after := eval[int](t, ctx, `document.querySelectorAll('#week-grid .grid-block').length`); after != before {
		t.Errorf("after an empty answer %d classes show, %d before", after, before)
	}

	// Offline, after a reload: still hidden.
	b.stop()
	run(t, ctx, "reopen the app offline",
		goOffline(),
		chromedp.Navigate(b.url+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#offline-indicator`)),
		chromedp.WaitVisible(chromedp.CSS(`#week-grid .grid-block`)),
	)
	if eval[bool](t, ctx, `!!document.querySelector('.event[data-event-id="`+hideID+`"]')`) {
		t.Error("offline, the hidden class shows again")
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('#hidden-list li').length`); n != 1 {
		t.Errorf("offline, %d hidden classes listed, want 1", n)
	}
	eval[bool](t, ctx, `document.querySelector('#settings').open = true`)
	run(t, ctx, "bring it back from the list",
		chromedp.Click(chromedp.CSS(`#hidden-list .unhide`)),
		chromedp.WaitVisible(chromedp.CSS(`.event[data-event-id="`+hideID+`"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#hidden-list`)),
	)
}
