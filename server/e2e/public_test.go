package e2e

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/app/startup"
	"github.com/campusweek/campusweek/shared/i18n"
	"github.com/chromedp/chromedp"
)

// appRunning is true once app.wasm has taken the page over from the
// prerendered HTML: go-app has removed its loader, which it does when Go
// first pauses, and has rendered the screen, whose elements carry no
// startup.ProvidersAttr in a browser. On a page prerendered with the
// universities, Go pauses several times before go-app renders (see
// package startup).
const appRunning = `(() => {
	const l = document.querySelector('#app-wasm-loader');
	return (!l || getComputedStyle(l).display === 'none') &&
		!document.querySelector('[` + startup.ProvidersAttr + `]');
})()`

// signInPageReady waits until the sign-in page shows the control of the
// university with ID provider and app.wasm has taken the page over from
// the prerendered HTML, whose nodes it replaces: a click then reaches the
// app's own control, not a node being swapped out under it.
func signInPageReady(provider string) chromedp.Action[chromedp.Void] {
	control := chromedp.CSS(`[data-provider="` + provider + `"]`)
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.WaitVisible(control),
		chromedp.Poll[chromedp.Void](appRunning),
		chromedp.WaitVisible(control),
	}
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		for _, step := range steps {
			if _, err := step(ctx, t); err != nil {
				return chromedp.Void{}, err
			}
		}
		return chromedp.Void{}, nil
	}
}

// saveScreenshot writes what the tab shows to name in the directory
// CAMPUSWEEK_SCREENSHOTS names, if set.
func saveScreenshot(ctx context.Context, name string) {
	dir := os.Getenv("CAMPUSWEEK_SCREENSHOTS")
	if dir == "" {
		return
	}
	if shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
		_ = os.WriteFile(filepath.Join(dir, name), shot, 0o644)
	}
}

// TestPublicTimetables is a visitor who never signs in: from the sign-in
// page to the search, a room found at the demo university, its week, its
// building's free rooms; then the room pinned, and its weeks shown again
// offline with the backend gone.
func TestPublicTimetables(t *testing.T) {
	b := buildBackend(t, webDir(t))
	b.start()
	ctx := newLongBrowser(t, 1280, 900, 3*time.Minute)

	run(t, ctx, "open the search from the sign-in page",
		chromedp.Navigate(b.url+"/signin"),
		chromedp.WaitVisible(chromedp.CSS(`#public-link`)),
	)
	waitForServiceWorker(t, ctx)
	run(t, ctx, "follow the link once the app runs",
		chromedp.Poll[chromedp.Void](appRunning),
		chromedp.Click(chromedp.CSS(`#public-link`)),
		chromedp.WaitVisible(chromedp.CSS(`#public-search`)),
	)
	assertAccessible(t, ctx, "public search")
	providers := eval[[]string](t, ctx, `[...document.querySelectorAll('#public-provider option')].map(o => o.value)`)
	if !slices.Contains(providers, "demo-usos") || !slices.Contains(providers, "demo-mytimetable") {
		t.Errorf("universities offered: %v", providers)
	}

	run(t, ctx, "search room 3180 at the demo USOS university",
		chromedp.Evaluate[chromedp.Void](`(() => {
			const s = document.querySelector('#public-provider');
			s.value = 'demo-usos';
			s.dispatchEvent(new Event('change', {bubbles: true}));
		})()`),
		chromedp.SendKeys(chromedp.CSS(`#public-q`), "3180"),
		chromedp.Click(chromedp.CSS(`#public-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#public-results .public-match`)),
	)
	assertAccessible(t, ctx, "public search results")
	saveScreenshot(ctx, "public-search.png")
	if got := eval[string](t, ctx, `location.search`); !strings.Contains(got, "q=3180") || !strings.Contains(got, "u=demo-usos") {
		t.Errorf("the search is not in the address: %q", got)
	}
	if got := eval[string](t, ctx, `document.querySelector('#public-results .public-match').innerText`); !strings.Contains(got, "3180") {
		t.Errorf("first match %q", got)
	}

	run(t, ctx, "open the room's week",
		chromedp.Click(chromedp.CSS(`#public-results .public-match`)),
		chromedp.WaitVisible(chromedp.CSS(`#public-name`)),
		chromedp.WaitVisible(chromedp.CSS(`#last-synced`)),
	)
	// The demo's lectures in 3180 are weekly: this week or the next has some.
	thisWeek := eventIDs(t, ctx)
	if len(thisWeek) == 0 {
		run(t, ctx, "next week", chromedp.Click(chromedp.CSS(`#next-week`)), chromedp.WaitVisible(chromedp.CSS(`.event`)))
		thisWeek = eventIDs(t, ctx)
	}
	if len(thisWeek) == 0 {
		t.Fatal("no classes in room 3180")
	}
	weekURL := eval[string](t, ctx, `location.href`)
	run(t, ctx, "open a class's details",
		chromedp.Click(chromedp.CSS(`.event-open`)),
		chromedp.WaitVisible(chromedp.CSS(`#details`)),
	)
	if eval[bool](t, ctx, `!!document.querySelector('#hide-all, #hide-group, #settings')`) {
		t.Error("a public timetable offers hiding classes or the student's settings")
	}
	run(t, ctx, "close the details",
		chromedp.Click(chromedp.CSS(`#details-close`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#details[open]`)),
	)
	saveScreenshot(ctx, "public-week.png")

	run(t, ctx, "find free rooms in its building",
		chromedp.Click(chromedp.CSS(`#free-rooms-link`)),
		chromedp.WaitVisible(chromedp.CSS(`#free-span-text`)),
	)
	assertAccessible(t, ctx, "free rooms")
	saveScreenshot(ctx, "free-rooms.png")
	free := eval[[]string](t, ctx, `[...document.querySelectorAll('.free-room')].map(r => r.innerText)`)
	if len(free) == 0 {
		t.Error("no free rooms, though the demo has rooms that never have classes")
	}
	run(t, ctx, "ask for a longer span",
		chromedp.Evaluate[chromedp.Void](`(() => {
			const s = document.querySelector('#free-span');
			s.value = '240';
			s.dispatchEvent(new Event('change', {bubbles: true}));
		})()`),
		chromedp.WaitVisible(chromedp.CSS(`#free-span-text`)),
	)
	if got := eval[string](t, ctx, `location.search`); !strings.Contains(got, "for=240") {
		t.Errorf("span not in the address: %q", got)
	}

	// MyTimetable too, the search straight from an address.
	run(t, ctx, "a lecturer at the demo MyTimetable university",
		chromedp.Navigate(b.url+"/public?u=demo-mytimetable&type=lecturer&q=Jansen"),
		chromedp.WaitVisible(chromedp.CSS(`#public-results .public-match`)),
		chromedp.Click(chromedp.CSS(`#public-results .public-match`)),
		chromedp.WaitVisible(chromedp.CSS(`#last-synced`)),
	)
	if name := eval[string](t, ctx, `document.querySelector('#public-name').innerText`); !strings.Contains(name, "Jansen") {
		t.Errorf("the lecturer's week is %q's", name)
	}
	if len(eventIDs(t, ctx)) == 0 {
		run(t, ctx, "the lecturer's next week", chromedp.Click(chromedp.CSS(`#next-week`)), chromedp.WaitVisible(chromedp.CSS(`.event`)))
	}

	run(t, ctx, "pin the room",
		chromedp.Navigate(weekURL),
		chromedp.WaitVisible(chromedp.CSS(`#last-synced`)),
		chromedp.Click(chromedp.CSS(`#public-pin`)),
		chromedp.WaitVisible(chromedp.CSS(`#pinned-note`)),
		chromedp.Poll[chromedp.Void](`Object.keys(localStorage).some(k => k.startsWith('campusweek/v1/public/weeks/demo-usos/room/')) &&
			!document.querySelector('.loading')`),
	)
	if got := eventIDs(t, ctx); !slices.Equal(got, thisWeek) {
		t.Errorf("after pinning the week shows %v, want %v", got, thisWeek)
	}
	if keys := storedKeys(t, ctx); slices.ContainsFunc(keys, func(k string) bool { return strings.HasPrefix(k, "campusweek/v1/timetable/") }) {
		t.Errorf("a visitor's public timetable stored as a student's: %v", keys)
	}

	// No network, and no backend either.
	b.stop()
	run(t, ctx, "go offline", goOffline())
	run(t, ctx, "the pinned list offline",
		chromedp.Navigate(b.url+"/public"),
		chromedp.WaitVisible(chromedp.CSS(`#pinned .public-match`)),
	)
	run(t, ctx, "open the pinned room offline",
		chromedp.Click(chromedp.CSS(`#pinned .public-match`)),
		chromedp.WaitVisible(chromedp.CSS(`#public-name`)),
		chromedp.WaitVisible(chromedp.CSS(`#offline-indicator`)),
	)
	run(t, ctx, "reopen the room's week offline",
		chromedp.Navigate(weekURL),
		chromedp.WaitVisible(chromedp.CSS(`#offline-indicator`)),
		chromedp.WaitVisible(chromedp.CSS(`#last-synced`)),
	)
	assertAccessible(t, ctx, "pinned room offline")
	saveScreenshot(ctx, "public-week-offline.png")
	if got := eventIDs(t, ctx); !slices.Equal(got, thisWeek) {
		t.Errorf("offline the week shows %v, want %v", got, thisWeek)
	}
	run(t, ctx, "the same on a phone",
		chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Navigate(weekURL),
		chromedp.WaitVisible(chromedp.CSS(`#offline-indicator`)),
		chromedp.WaitVisible(chromedp.CSS(`.day-view`)),
	)
	saveScreenshot(ctx, "public-week-phone.png")
	if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 360 {
		t.Errorf("the page is %d px wide on a 360 px phone", w)
	}
	assertAccessible(t, ctx, "pinned room offline on a phone")
	run(t, ctx, "the week after, cached when pinned",
		chromedp.Click(chromedp.CSS(`#next-week`)),
		chromedp.WaitVisible(chromedp.CSS(`#last-synced`)),
	)
	if eval[bool](t, ctx, `!!document.querySelector('.not-synced, #error')`) {
		t.Error("the week after a pinned week is not on the device")
	}
	run(t, ctx, "unpin it",
		chromedp.Navigate(b.url+"/public"),
		chromedp.WaitVisible(chromedp.CSS(`#pinned .unpin`)),
		chromedp.Click(chromedp.CSS(`#pinned .unpin`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#pinned`)),
	)
	if keys := storedKeys(t, ctx); slices.ContainsFunc(keys, func(k string) bool { return strings.HasPrefix(k, "campusweek/v1/public/weeks/") }) {
		t.Errorf("weeks kept after unpinning: %v", keys)
	}
}

// A first visit to the public search: the app takes over the page the
// server prerendered with the universities as it is, never saying
// "Loading…" in its place while it asks the backend for them again.
func TestPublicSearchFirstVisit(t *testing.T) {
	b := buildBackend(t, webDir(t))
	b.start()
	ctx := newLongBrowser(t, 1280, 900, 2*time.Minute)
	run(t, ctx, "open the public search",
		watchInserted(),
		chromedp.Navigate(b.url+"/public"),
		chromedp.WaitVisible(chromedp.CSS(`#public-search`)),
		// The server renders the button disabled, the app enabled.
		chromedp.WaitVisible(chromedp.CSS(`#public-submit:not([disabled])`)),
	)
	if inserted := eval[string](t, ctx, `window.__inserted.join("\n")`); strings.Contains(inserted, i18n.English.T(i18n.SignInLoading)) {
		t.Errorf("the app replaced the search form with %q", i18n.English.T(i18n.SignInLoading))
	}
	providers := eval[[]string](t, ctx, `[...document.querySelectorAll('#public-provider option')].map(o => o.value)`)
	if !slices.Contains(providers, "demo-usos") || !slices.Contains(providers, "demo-mytimetable") {
		t.Errorf("universities offered: %v", providers)
	}
}
