package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// TestAddToCalendar: the week view downloads the .ics file, and makes a
// subscription address that calendar apps fetch without cookies. The
// demo USOS has no offline_access, so the PWA must say why it cannot make
// one there, before sending the student anywhere; the MyTimetable
// university (refresh tokens) can, after its own approval.
func TestAddToCalendar(t *testing.T) {
	b := buildBackend(t, webDir(t))
	b.start()
	ctx := newLongBrowser(t, 1280, 900, 2*time.Minute)
	signInAs(t, ctx, b.url, "123456", "Anna Kowalska")

	downloads := t.TempDir()
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads,
	}); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "download the calendar file",
		chromedp.Click(chromedp.CSS(`#add-to-calendar`)),
		chromedp.WaitVisible(chromedp.CSS(`#download-ics`)),
	)
	assertAccessible(t, ctx, "calendar panel")
	run(t, ctx, "download it",
		chromedp.Click(chromedp.CSS(`#download-ics`)),
	)
	file := filepath.Join(downloads, "campusweek-demo-usos.ics")
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if b, err := os.ReadFile(file); err == nil && strings.Contains(string(b), "END:VCALENDAR") {
			if !strings.Contains(string(b), "BEGIN:VEVENT") {
				t.Fatalf("the download has no events: %.200q", b)
			}
			break
		}
		if time.Now().After(deadline) {
			entries, _ := os.ReadDir(downloads)
			t.Fatalf("no calendar file downloaded (download dir: %v)", entries)
		}
	}
	if loc := eval[string](t, ctx, `location.pathname`); loc != "/" {
		t.Errorf("downloading left the week: %s", loc)
	}

	run(t, ctx, "ask for a subscription at a university without long-lived access",
		chromedp.Click(chromedp.CSS(`#create-feed`)),
		chromedp.WaitVisible(chromedp.CSS(`#calendar-panel #error`)),
	)
	if msg := eval[string](t, ctx, `document.querySelector('#calendar-panel #error').innerText`); !strings.Contains(msg, "few hours") {
		t.Errorf("the refusal does not say why: %q", msg)
	}
	if loc := eval[string](t, ctx, `location.href`); !strings.HasPrefix(loc, b.url+"/") {
		t.Errorf("sent to %s for a subscription that cannot work", loc)
	}

	// MyTimetable: a subscription of its own, approved at the university.
	run(t, ctx, "sign out and in at the MyTimetable university",
		chromedp.Click(chromedp.CSS(`#signout`)),
		signInPageReady("demo-mytimetable"),
		chromedp.Click(chromedp.CSS(`[data-provider="demo-mytimetable"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#allow`)),
		chromedp.Click(chromedp.CSS(`#allow`)),
		chromedp.WaitVisible(chromedp.CSS(`#add-to-calendar`)),
		// The week fills in as the sync arrives, moving what is below it.
		waitSynced(),
	)
	run(t, ctx, "subscribe: approve at the university, come back to the address",
		chromedp.Click(chromedp.CSS(`#add-to-calendar`)),
		chromedp.WaitVisible(chromedp.CSS(`#create-feed`)),
		chromedp.Click(chromedp.CSS(`#create-feed`)),
		chromedp.WaitVisible(chromedp.CSS(`#allow`)),
		chromedp.Click(chromedp.CSS(`#allow`)),
		chromedp.WaitVisible(chromedp.CSS(`#feed-url`)),
	)
	assertAccessible(t, ctx, "calendar panel with a subscription address")
	feed := eval[string](t, ctx, `document.querySelector('#feed-url').value`)
	if !strings.HasPrefix(feed, b.url+"/feed/") || !strings.HasSuffix(feed, "/campusweek.ics") {
		t.Fatalf("feed address %q", feed)
	}
	if loc := eval[string](t, ctx, `location.href`); strings.Contains(loc, "/feed/") || strings.Contains(loc, "code=") {
		t.Errorf("the address bar shows a secret: %s", loc)
	}
	fetchFeed := `fetch(` + jsString(feed) + `, {credentials: 'omit'}).then(r => r.status + ' ' + r.headers.get('Content-Type'))`
	if got := evalAwait[string](t, ctx, fetchFeed); got != "200 text/calendar; charset=utf-8" {
		t.Errorf("the feed without cookies: %s", got)
	}
	if note := eval[string](t, ctx, `document.querySelector('#feed-note').innerText`); !strings.Contains(note, "no way to end access early") {
		t.Errorf("the note does not say MyTimetable cannot revoke: %q", note)
	}
	if eval[bool](t, ctx, `!!document.querySelector('#revoke-feed')`) {
		t.Error("a revoke button for a university that cannot revoke")
	}
	if s := eval[string](t, ctx, `JSON.stringify(localStorage) + JSON.stringify(sessionStorage)`); strings.Contains(s, "/feed/") {
		t.Error("the feed address was stored in the browser")
	}
	if !eval[bool](t, ctx, `!!document.querySelector('#user-name')`) {
		t.Error("making a subscription signed the student out")
	}

	// Stopping an address the university cannot revoke says so.
	run(t, ctx, "try to stop the address",
		chromedp.Click(chromedp.CSS(`.feed-stop summary`)),
		chromedp.SendKeys(chromedp.CSS(`#stop-feed-url`), feed),
		chromedp.Click(chromedp.CSS(`#stop-feed`)),
		chromedp.WaitVisible(chromedp.CSS(`#stop-error`)),
	)
	if msg := eval[string](t, ctx, `document.querySelector('#stop-error').innerText`); !strings.Contains(msg, "no way to end access early") {
		t.Errorf("stopping at MyTimetable: %q", msg)
	}

	// The subscription outlives the app's session.
	run(t, ctx, "sign out",
		chromedp.Click(chromedp.CSS(`#signout`)),
		signInPageReady("demo-mytimetable"),
	)
	if got := evalAwait[string](t, ctx, fetchFeed); got != "200 text/calendar; charset=utf-8" {
		t.Errorf("the feed after signing out: %s", got)
	}
}
