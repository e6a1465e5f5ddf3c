package e2e

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/serviceworker"
	"github.com/chromedp/chromedp"

	"github.com/campusweek/campusweek/server/notify/poll"
	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/change"
	"github.com/campusweek/campusweek/shared/i18n"
)

// fakePush makes PushManager answer with a push subscription of the test
// (headless Chromium reaches no push service): its endpoint and keys, as
// PushSubscription.toJSON() gives them. The key the page subscribed with
// is kept in sessionStorage as __pushKey.
func fakePush(endpoint, p256dh, auth string) chromedp.Action[chromedp.Void] {
	js := fmt.Sprintf(`(() => {
  const json = {endpoint: %q, expirationTime: null, keys: {p256dh: %q, auth: %q}};
  const sub = {endpoint: json.endpoint, expirationTime: null, toJSON: () => json,
    unsubscribe: () => { sessionStorage.removeItem("__pushKey"); return Promise.resolve(true); }};
  PushManager.prototype.subscribe = function (opts) {
    sessionStorage.setItem("__pushKey", String(opts.applicationServerKey));
    return Promise.resolve(sub);
  };
  PushManager.prototype.getSubscription = function () {
    return Promise.resolve(sessionStorage.getItem("__pushKey") ? sub : null);
  };
})();`, endpoint, p256dh, auth)
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: js})
		return err
	})
}

// A student turns notifications on in the PWA (permission granted, push
// subscription, approval at the sandbox MyTimetable university), a class
// of theirs moves at the university, and the push message that change
// makes is shown by the service worker; opening it shows that day.
func TestNotificationsInTheBrowser(t *testing.T) {
	b := buildBackend(t, webDir(t))
	b.start()
	ctx := newLongBrowser(t, 1280, 900, 3*time.Minute)

	// A push subscription as a browser makes one: a P-256 key and a
	// 16-octet secret.
	key, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	secret := make([]byte, 16)
	rand.Read(secret)
	b64 := base64.RawURLEncoding.EncodeToString
	endpoint := "https://push.invalid/send/" + rand.Text()

	for _, name := range []string{"notifications", "push"} {
		if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: name, UserVisibleOnly: name == "push"},
			Setting:    browser.PermissionSettingGranted, Origin: b.url,
		}); err != nil {
			t.Fatalf("granting %s: %v", name, err)
		}
	}
	var mu sync.Mutex
	var registration serviceworker.RegistrationID
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*serviceworker.EventWorkerRegistrationUpdated); ok {
			mu.Lock()
			defer mu.Unlock()
			for _, r := range e.Registrations {
				if !r.IsDeleted && strings.HasPrefix(r.ScopeURL, b.url) {
					registration = r.RegistrationID
				}
			}
		}
	}); err != nil {
		t.Fatal(err)
	}

	run(t, ctx, "sign in at the MyTimetable university",
		fakePush(endpoint, b64(key.PublicKey().Bytes()), b64(secret)),
		chromedp.Navigate(b.url+"/signin"),
		signInPageReady("demo-mytimetable"),
		chromedp.Click(chromedp.CSS(`[data-provider="demo-mytimetable"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#allow`)),
		chromedp.Click(chromedp.CSS(`#allow`)),
		chromedp.WaitVisible(chromedp.CSS(`#user-name`)),
		waitSynced(),
	)
	run(t, ctx, "turn notifications on: approve at the university, come back with them on",
		chromedp.WaitVisible(chromedp.CSS(`#notify-toggle:not([disabled])`)),
		chromedp.Click(chromedp.CSS(`#notify-toggle`)),
		chromedp.WaitVisible(chromedp.CSS(`#allow`)),
		chromedp.Click(chromedp.CSS(`#allow`)),
		chromedp.WaitVisible(chromedp.CSS(`#notify-toggle:checked`)),
	)
	assertAccessible(t, ctx, "notifications on")
	var status shared.Notifications
	if s := awaitJS(t, ctx, `fetch('/api/notifications').then(r => r.text())`); json.Unmarshal([]byte(s), &status) != nil || !status.Subscribed {
		t.Fatalf("the server has no subscription of this browser: %s", s)
	}
	if k := eval[string](t, ctx, `sessionStorage.getItem("__pushKey")`); k != status.VAPIDPublicKey || k == "" {
		t.Errorf("subscribed with key %q, the server's is %q", k, status.VAPIDPublicKey)
	}
	if loc := eval[string](t, ctx, `location.pathname`); loc != "/" {
		t.Errorf("after the approval the PWA shows %s, not the week", loc)
	}

	// A reminder 15 minutes before each class.
	run(t, ctx, "ask for reminders",
		chromedp.WaitVisible(chromedp.CSS(`#notify-reminders`)),
		chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector('#notify-reminders');
			s.value = '15'; s.dispatchEvent(new Event('change', {bubbles: true})); })()`),
	)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		s := awaitJS(t, ctx, `fetch('/api/notifications').then(r => r.text())`)
		if json.Unmarshal([]byte(s), &status) == nil && status.RemindersMinutes == 15 && status.Subscribed {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the reminders did not reach the server: %s", s)
		}
	}

	// A class of the coming days moves an hour later at the university.
	today := shared.DateOf(time.Now())
	read := func() shared.Timetable {
		t.Helper()
		s := awaitJS(t, ctx, fmt.Sprintf(`fetch('/api/timetable?from=%s&to=%s').then(r => r.text())`, today, today.AddDays(13)))
		var tt shared.Timetable
		if err := json.Unmarshal([]byte(s), &tt); err != nil {
			t.Fatalf("timetable %.200s: %v", s, err)
		}
		return tt
	}
	before := read()
	var moved *shared.Event
	for i, ev := range before.Events {
		if ev.Category == shared.CategoryClass && !ev.AllDay && shared.DateOf(ev.Start).After(today.AddDays(1)) {
			moved = &before.Events[i]
			break
		}
	}
	if moved == nil {
		t.Fatal("no class in the coming two weeks")
	}
	resp, err := http.PostForm(b.url+"/sandbox/mytimetable/changes", url.Values{
		"student": {"123456"}, "action": {"later"}, "at": {moved.Start.Format(time.RFC3339)},
	})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	d := change.Diff(before, read())
	if len(d.Changes) != 1 || d.Changes[0].What != change.Moved {
		t.Fatalf("the sandbox change: %+v", d)
	}
	msg := poll.ChangesMessage(i18n.English, time.Now(), d.Changes)
	payload, err := json.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}

	// The push message reaches the service worker, which shows it.
	run(t, ctx, "wait for the service worker", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, serviceworker.Enable, cdp.Empty{})
		return err
	}))
	var id serviceworker.RegistrationID
	for deadline := time.Now().Add(20 * time.Second); id == ""; time.Sleep(100 * time.Millisecond) {
		mu.Lock()
		id = registration
		mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatal("no service worker registration")
		}
	}
	// A push reaches only an activated worker: wait for it, and deliver
	// again while nothing is shown (Chromium drops a message that lands
	// while the worker is still starting; the tag makes a second one
	// replace the first, so a repeat never shows two).
	if state := awaitJS(t, ctx, `navigator.serviceWorker.ready.then(r => new Promise(done => {
		const w = r.active;
		if (w.state === "activated") return done(w.state);
		w.addEventListener("statechange", () => w.state === "activated" && done(w.state));
	}))`); state != "activated" {
		t.Fatalf("service worker %s", state)
	}
	type shown struct {
		Title, Body, Tag, URL string
	}
	var got []shown
	deliver := chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, serviceworker.DeliverPushMessage, serviceworker.DeliverPushMessageParams{
			Origin: b.url, RegistrationID: id, Data: string(payload)})
		return err
	})
	nextDelivery := time.Now()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(nextDelivery) {
			run(t, ctx, "deliver the push message", deliver)
			nextDelivery = time.Now().Add(5 * time.Second)
		}
		s := awaitJS(t, ctx, `navigator.serviceWorker.ready.then(r => r.getNotifications()).then(ns =>
			JSON.stringify(ns.map(n => ({title: n.title, body: n.body, tag: n.tag, url: (n.data || {}).url}))))`)
		if err := json.Unmarshal([]byte(s), &got); err != nil {
			t.Fatalf("notifications %s: %v", s, err)
		}
		if len(got) > 0 || time.Now().After(deadline) {
			break
		}
	}
	want := shown{Title: "1 change in your timetable", Body: msg.Body, Tag: poll.TagChanges, URL: poll.DayURL(shared.DateOf(moved.Start))}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("notifications shown %+v, want %+v", got, want)
	}
	if !strings.Contains(want.Body, moved.Title) || !strings.Contains(want.Body, i18n.Clock(moved.Start.Add(time.Hour))) {
		t.Errorf("the notification does not name the move: %q", want.Body)
	}

	// Opening it (the worker's notificationclick navigates to its
	// address) shows that day, the moved class marked.
	day := shared.DateOf(moved.Start).String()
	run(t, ctx, "open the notification's day",
		chromedp.Navigate(b.url+got[0].URL),
		chromedp.WaitVisible(chromedp.CSS(`[data-date="`+day+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-date="`+day+`"] .event-changed`)),
	)

	// The click itself unchecks the box, before the app has even seen
	// it: done is when the app shows notifications off (the reminders'
	// choice, shown only while they are on, gone) and takes a click
	// again (no longer busy), or the next click is dropped.
	run(t, ctx, "turn notifications off",
		chromedp.Click(chromedp.CSS(`#notify-toggle`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#notify-reminders`)),
		chromedp.WaitVisible(chromedp.CSS(`#notify-toggle:not(:checked):not([disabled])`)),
	)
	if s := awaitJS(t, ctx, `fetch('/api/notifications').then(r => r.text())`); json.Unmarshal([]byte(s), &status) != nil || status.Subscribed {
		t.Errorf("still subscribed after turning off: %s", s)
	}

	// Signing out with "also stop notifications" turns them off too.
	run(t, ctx, "turn notifications on again, sign out stopping them",
		chromedp.Click(chromedp.CSS(`#notify-toggle`)),
		chromedp.WaitVisible(chromedp.CSS(`#allow`)),
		chromedp.Click(chromedp.CSS(`#allow`)),
		chromedp.WaitVisible(chromedp.CSS(`#notify-toggle:checked`)),
		chromedp.Click(chromedp.CSS(`#signout-stop-notify`)),
		chromedp.Click(chromedp.CSS(`#signout`)),
		signInPageReady("demo-mytimetable"),
	)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		log, _ := os.ReadFile(b.log)
		if n := strings.Count(string(log), `msg="notifications turned off"`); n == 2 {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("notifications turned off %d times, want 2 (off, then at sign-out)", n)
		}
	}
	if k := eval[string](t, ctx, `sessionStorage.getItem("__pushKey") || ""`); k != "" {
		t.Error("signing out stopping notifications left the browser's push subscription")
	}

	// On a phone the day view opens on the notification's day, not today.
	run(t, ctx, "sign in again on a phone, open the notification's day",
		chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Click(chromedp.CSS(`[data-provider="demo-mytimetable"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#allow`)),
		chromedp.Click(chromedp.CSS(`#allow`)),
		chromedp.WaitVisible(chromedp.CSS(`#user-name`)),
		chromedp.Navigate(b.url+got[0].URL),
		chromedp.WaitVisible(chromedp.CSS(`section.day[data-date="`+day+`"]`)),
	)
}

// awaitJS evaluates js, a promise of a string, in the page.
func awaitJS(t *testing.T, ctx context.Context, js string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluating %s: %v", js, err)
	}
	return v
}
