package e2e

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/shared"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// backend is a demo-mode server process a test can stop (to be offline)
// and start again (to deploy another version) on the same address.
type backend struct {
	t    *testing.T
	bin  string
	web  string
	addr string
	url  string
	cmd  *exec.Cmd
	log  string
}

// buildBackend builds the server binary and picks a free address; start
// runs it with the PWA assets of web.
func buildBackend(t *testing.T, web string) *backend {
	t.Helper()
	if _, err := os.Stat(filepath.Join(web, "app.wasm")); err != nil {
		t.Fatal("web/app.wasm is missing: run `make build` first")
	}
	bin := filepath.Join(t.TempDir(), "server")
	build := exec.Command("go", "build", "-o", bin, "./server")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the server: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	b := &backend{t: t, bin: bin, web: web, addr: addr, url: "http://" + addr, log: filepath.Join(t.TempDir(), "server.log")}
	t.Cleanup(func() {
		b.stop()
		if t.Failed() {
			out, _ := os.ReadFile(b.log)
			t.Logf("server log:\n%s", out)
		}
	})
	return b
}

// start runs the server and waits until it answers.
func (b *backend) start() {
	b.t.Helper()
	logFile, err := os.OpenFile(b.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		b.t.Fatal(err)
	}
	defer logFile.Close()
	b.cmd = exec.Command(b.bin, "-listen", b.addr, "-web", b.web)
	b.cmd.Stdout, b.cmd.Stderr = logFile, logFile
	if err := b.cmd.Start(); err != nil {
		b.t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get(b.url + "/api/providers")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("server did not come up at %s: %v", b.url, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop ends the server process, if running.
func (b *backend) stop() {
	if b.cmd == nil {
		return
	}
	cmd := b.cmd
	b.cmd = nil
	_ = cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		b.t.Error("server did not stop within 10 s of SIGINT")
	}
}

// webDir is the absolute path of the built PWA assets.
func webDir(t *testing.T) string {
	t.Helper()
	web, err := filepath.Abs(filepath.Join(repoRoot, "web"))
	if err != nil {
		t.Fatal(err)
	}
	return web
}

// newLongBrowser is newBrowser with a longer overall deadline, for tests
// that load the app many times (each load compiles app.wasm again), and
// extra allocator options.
func newLongBrowser(t *testing.T, width, height int, timeout time.Duration, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	opts := append([]chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		// A profile on disk: service workers and installability need a
		// persistent (not incognito) profile.
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	}, extra...)
	// Start the browser now, outside the timeout (its context lives as
	// long as this one), and once more should it exit before it listens:
	// under load a Chromium now and then ends at start, before any test
	// step, which says nothing about the app.
	for attempt := 1; ; attempt++ {
		actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancelCtx := chromedp.NewContext(actx)
		err := chromedp.Do(ctx)
		if err != nil && attempt < 3 && strings.Contains(err.Error(), "chrome failed to start") {
			t.Logf("starting Chromium, attempt %d: %v", attempt, err)
			cancelCtx()
			cancelAlloc()
			continue
		}
		if err != nil {
			cancelCtx()
			cancelAlloc()
			t.Fatalf("starting Chromium: %v", err)
		}
		ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
		t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
		return ctx
	}
}

// waitForServiceWorker waits until the page's service worker is activated,
// which means the app shell is completely cached.
func waitForServiceWorker(t *testing.T, ctx context.Context) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		state, err := chromedp.Run(ctx, chromedp.Evaluate[string](
			`navigator.serviceWorker.getRegistration().then(r => r && r.active ? r.active.state : "")`,
			chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("service worker state: %v", err)
		}
		if state == "activated" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the service worker is %q after 60 s", state)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// offlineByRule are Network.emulateNetworkConditionsByRule's parameters
// as Chromium's protocol has had them both ways: offline for every rule
// (Chromium 148) and offline per rule with a flag for the service worker
// (the protocol cdproto follows). Chromium ignores the fields its version
// does not know, and rejects a call that lacks one it requires.
type offlineByRule struct {
	Offline                     bool                  `json:"offline"`
	EmulateOfflineServiceWorker bool                  `json:"emulateOfflineServiceWorker"`
	MatchedNetworkConditions    []*network.Conditions `json:"matchedNetworkConditions"`
}

var emulateByRule = cdp.Command[offlineByRule, network.EmulateNetworkConditionsByRuleResult]{
	Method: network.CommandEmulateNetworkConditionsByRule,
}

// goOffline cuts the page (and its service worker) off the network, as
// DevTools' "Offline" does, and makes navigator.onLine false.
func goOffline() chromedp.Action[chromedp.Void] { return setOffline(true) }

// goOnline undoes goOffline.
func goOnline() chromedp.Action[chromedp.Void] { return setOffline(false) }

func setOffline(offline bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, t, emulateByRule, offlineByRule{
			Offline:                     offline,
			EmulateOfflineServiceWorker: offline,
			MatchedNetworkConditions:    []*network.Conditions{{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1}},
		}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, t, network.OverrideNetworkState, network.OverrideNetworkStateParams{
			Offline: offline, DownloadThroughput: -1, UploadThroughput: -1,
		})
		return err
	})
}

// installApp opens the app and waits until its service worker has cached
// it, as a first visit does.
func installApp(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	run(t, ctx, "open the app",
		chromedp.Navigate(url+"/signin"),
		signInPageReady("demo-usos"),
	)
	waitForServiceWorker(t, ctx)
}

// waitSynced waits until the sync after signing in has finished.
func waitSynced() chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.WaitVisible(chromedp.CSS(`#last-synced`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#sync-status`)),
	)
}

// weekWhole waits until the page holds the whole week: on a phone the
// day view's first render holds the day shown alone, and the hidden days
// follow once it has painted.
func weekWhole() chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](`!document.querySelector('#day-view') || document.querySelectorAll('#day-view .day').length === 7`)
}

// eventIDs lists the IDs of the classes of the week shown, sorted.
func eventIDs(t *testing.T, ctx context.Context) []string {
	t.Helper()
	run(t, ctx, "the whole week on the page", weekWhole())
	ids := eval[[]string](t, ctx, `[...document.querySelectorAll('.event[data-event-id]')].map(e => e.dataset.eventId)`)
	slices.Sort(ids)
	return ids
}

// storedKeys lists the app's localStorage keys.
func storedKeys(t *testing.T, ctx context.Context) []string {
	t.Helper()
	keys := eval[[]string](t, ctx, `Object.keys(localStorage).filter(k => k.startsWith('campusweek/'))`)
	slices.Sort(keys)
	return keys
}

// signInAs signs in at the sandbox USOS university as the student with id.
func signInAs(t *testing.T, ctx context.Context, url, studentID, name string) {
	t.Helper()
	run(t, ctx, "open the sign-in page",
		chromedp.Navigate(url+"/signin"),
		signInPageReady("demo-usos"),
		chromedp.Click(chromedp.CSS(`[data-provider="demo-usos"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#allow`)),
		chromedp.SetValue(chromedp.CSS(`#student`), studentID),
	)
	run(t, ctx, "allow as "+name,
		chromedp.Click(chromedp.CSS(`#allow`)),
		chromedp.WaitVisible(chromedp.CSS(`.event`)),
		chromedp.WaitVisible(chromedp.CSS(`#user-name`)),
		waitSynced(),
	)
	if got := eval[string](t, ctx, `document.querySelector('#user-name').innerText`); !strings.Contains(got, name) {
		t.Fatalf("signed in as %q, want %s", got, name)
	}
}

// TestOfflineTimetable is the reason students install the app: after a
// sync, with no network and the backend gone, the timetable still opens
// on this week and the next, and says it is offline.
func TestOfflineTimetable(t *testing.T) {
	b := buildBackend(t, webDir(t))
	b.start()
	ctx := newLongBrowser(t, 1280, 900, 3*time.Minute)

	signInAs(t, ctx, b.url, "123456", "Anna Kowalska")
	waitForServiceWorker(t, ctx)
	thisWeek := eventIDs(t, ctx)
	if len(thisWeek) < 3 {
		t.Fatalf("only %d classes this week", len(thisWeek))
	}
	run(t, ctx, "look at next week",
		chromedp.Click(chromedp.CSS(`#next-week`)),
		chromedp.WaitNotPresent(chromedp.CSS(`.day.today`)),
		chromedp.WaitVisible(chromedp.CSS(`.day`)),
	)
	nextWeek := eventIDs(t, ctx)
	if len(nextWeek) == 0 {
		t.Fatal("no classes next week")
	}

	// What is stored: the account and its timetable (the whole and the
	// first weeks, read first at start), never a token.
	keys := storedKeys(t, ctx)
	if !slices.Equal(keys, []string{"campusweek/v1/account", "campusweek/v1/timetable/demo-usos/123456", "campusweek/v1/timetable/demo-usos/123456/first-weeks"}) {
		t.Errorf("stored keys = %v", keys)
	}
	stored := eval[string](t, ctx, `localStorage.getItem('campusweek/v1/timetable/demo-usos/123456') + localStorage.getItem('campusweek/v1/timetable/demo-usos/123456/first-weeks') + localStorage.getItem('campusweek/v1/account')`)
	for _, secret := range []string{"token", "secret", "verifier", "cw_session"} {
		if strings.Contains(strings.ToLower(stored), secret) {
			t.Errorf("the stored timetable mentions %q", secret)
		}
	}
	// Each value is a JSON text sequence of one text (app/ui/storage.go),
	// which go-app's parse of every value as it starts gives up on at once.
	for _, k := range keys {
		if v := eval[string](t, ctx, `localStorage.getItem(`+jsString(k)+`)`); !strings.HasPrefix(v, "\x1e") {
			t.Errorf("%s is stored as %.20q…, not as a JSON text sequence", k, v)
		}
	}
	var cached struct {
		Ranges []struct{ From, To shared.Date }
	}
	if err := json.Unmarshal([]byte(storedJSON(t, ctx, "campusweek/v1/timetable/demo-usos/123456")), &cached); err != nil {
		t.Fatal(err)
	}
	monday := shared.DateOf(time.Now()).Monday()
	if len(cached.Ranges) == 0 || cached.Ranges[0].From.After(monday.AddDays(-7)) || cached.Ranges[len(cached.Ranges)-1].To.Before(monday.AddDays(9*7-1)) {
		t.Errorf("synced ranges %+v do not span last week to 8 weeks ahead", cached.Ranges)
	}

	t.Logf("this week %d classes, next week %d, synced %+v", len(thisWeek), len(nextWeek), cached.Ranges)

	// No network, and no backend either.
	b.stop()
	run(t, ctx, "go offline", goOffline())
	run(t, ctx, "reopen the app offline, on a 320 px phone",
		chromedp.EmulateViewport(320, 640, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Navigate(b.url+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#offline-indicator`)),
		chromedp.WaitVisible(chromedp.CSS(`.day.today`)),
		chromedp.WaitVisible(chromedp.CSS(`#last-synced`)),
	)
	assertAccessible(t, ctx, "week offline on a phone")
	if got := eventIDs(t, ctx); !slices.Equal(got, thisWeek) {
		t.Errorf("offline this week shows %v, want %v", got, thisWeek)
	}
	if name := eval[string](t, ctx, `document.querySelector('#user-name').innerText`); !strings.Contains(name, "Anna Kowalska") {
		t.Errorf("offline the name is %q", name)
	}
	if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 320 {
		t.Errorf("page is %d px wide on a 320 px phone", w)
	}
	if shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil && os.Getenv("CAMPUSWEEK_SCREENSHOTS") != "" {
		_ = os.WriteFile(filepath.Join(os.Getenv("CAMPUSWEEK_SCREENSHOTS"), "offline-320.png"), shot, 0o644)
	}
	if eval[bool](t, ctx, `!!document.querySelector('#error, .not-synced')`) {
		t.Error("an error or not-synced notice on a synced week")
	}
	run(t, ctx, "go to next week offline",
		chromedp.Click(chromedp.CSS(`#next-week`)),
		chromedp.WaitNotPresent(chromedp.CSS(`.day.today`)),
		chromedp.WaitVisible(chromedp.CSS(`.day`)),
	)
	if got := eventIDs(t, ctx); !slices.Equal(got, nextWeek) {
		t.Errorf("offline next week shows %v, want %v", got, nextWeek)
	}

	// A week far ahead was never synced: it says so instead of looking empty.
	far := monday.AddDays(7 * 30)
	run(t, ctx, "open a week never synced, offline",
		chromedp.Navigate(b.url+"/?week="+far.String()),
		chromedp.WaitVisible(chromedp.CSS(`.not-synced`)),
		chromedp.WaitVisible(chromedp.CSS(`#offline-indicator`)),
	)
	assertAccessible(t, ctx, "week never synced, offline")
	if shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil && os.Getenv("CAMPUSWEEK_SCREENSHOTS") != "" {
		_ = os.WriteFile(filepath.Join(os.Getenv("CAMPUSWEEK_SCREENSHOTS"), "not-synced.png"), shot, 0o644)
	}
	if eval[bool](t, ctx, `!!document.querySelector('.empty-state, .day, #last-synced')`) {
		t.Error("a never synced week shows as a week")
	}
}

// TestInstallable: Chromium finds nothing missing to install the app.
func TestInstallable(t *testing.T) {
	b := buildBackend(t, webDir(t))
	b.start()
	ctx := newLongBrowser(t, 1280, 900, 90*time.Second)
	installApp(t, ctx, b.url)
	res, err := chromedp.Call(ctx, page.GetInstallabilityErrors, cdp.Empty{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.InstallabilityErrors {
		var args []string
		for _, a := range e.ErrorArguments {
			args = append(args, a.Name+"="+a.Value)
		}
		t.Errorf("installability error %s %v", e.ErrorID, args)
	}
	// The worker cached the whole shell under this version only.
	keys := evalAwait[[]string](t, ctx, `caches.keys()`)
	if len(keys) != 1 || !strings.HasPrefix(keys[0], "app-") {
		t.Fatalf("caches = %v", keys)
	}
	cached := evalAwait[[]string](t, ctx, `caches.open(`+jsString(keys[0])+`).then(c => c.keys()).then(rs => rs.map(r => new URL(r.url).pathname))`)
	version := strings.TrimPrefix(keys[0], "app-")
	for _, want := range []string{"/", "/app.js", "/wasm_exec.js", "/manifest.webmanifest"} {
		if !slices.Contains(cached, want) {
			t.Errorf("the service worker did not cache %s (cached %v)", want, cached)
		}
	}
	// Files under /web/ are cached under their versioned URLs.
	for _, want := range []string{"/web/app.wasm", "/web/app.css", "/web/icons/icon-192.png", "/web/icons/icon-512.png", "/web/icons/maskable-512.png"} {
		if !slices.Contains(cached, "/"+version+want) {
			t.Errorf("the service worker did not cache %s (cached %v)", "/"+version+want, cached)
		}
	}
}

// TestSignOutForgetsTheTimetable: signing out leaves none of the student's
// data on the device, and the next student never sees the first one's
// classes, not even for a moment.
func TestSignOutForgetsTheTimetable(t *testing.T) {
	b := buildBackend(t, webDir(t))
	b.start()
	ctx := newLongBrowser(t, 1280, 900, 3*time.Minute)

	// Record every class and name any page of this tab ever shows, in
	// sessionStorage so that it survives the page loads of signing in.
	run(t, ctx, "watch what the pages show", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `(() => {
				const seen = (kind, v) => {
					if (!sessionStorage.getItem('__watch')) return;
					const k = '__seen_' + kind, all = JSON.parse(sessionStorage.getItem(k) || '[]');
					if (!all.includes(v)) { all.push(v); sessionStorage.setItem(k, JSON.stringify(all)); }
				};
				const scan = () => {
					document.querySelectorAll('.event[data-event-id]').forEach(e => seen('events', e.dataset.eventId));
					const n = document.querySelector('#user-name');
					if (n) seen('names', n.textContent);
				};
				new MutationObserver(scan).observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
			})();`,
		})
		return err
	}))

	signInAs(t, ctx, b.url, "123456", "Anna Kowalska")
	annaAll := cachedEventIDs(t, ctx, "campusweek/v1/timetable/demo-usos/123456")
	if len(annaAll) < 10 {
		t.Fatalf("only %d of Anna's classes cached", len(annaAll))
	}

	// A second tab with the app open.
	tab2, closeTab2 := chromedp.NewContext(ctx)
	defer closeTab2()
	run(t, tab2, "open the app in a second tab",
		chromedp.Navigate(b.url+"/"),
		chromedp.WaitVisible(chromedp.CSS(`.event`)),
	)

	run(t, ctx, "sign out",
		bringToFront(),
		chromedp.Click(chromedp.CSS(`#signout`)),
		signInPageReady("demo-usos"),
	)
	// Headless Chromium does not render a background tab (no animation
	// frames), so look at the second tab in front, as its student would.
	run(t, tab2, "the second tab stops showing the timetable",
		bringToFront(),
		signInPageReady("demo-usos"),
		chromedp.WaitNotPresent(chromedp.CSS(`.event`)),
	)
	closeTab2()
	if keys := storedKeys(t, ctx); len(keys) != 0 {
		t.Errorf("after signing out the browser still stores %v", keys)
	}

	eval[bool](t, ctx, `sessionStorage.setItem('__watch', '1'), true`)
	signInAs(t, ctx, b.url, "234567", "Jan Nowak")
	janAll := cachedEventIDs(t, ctx, "campusweek/v1/timetable/demo-usos/234567")
	if keys := storedKeys(t, ctx); !slices.Equal(keys, []string{"campusweek/v1/account", "campusweek/v1/timetable/demo-usos/234567", "campusweek/v1/timetable/demo-usos/234567/first-weeks"}) {
		t.Errorf("stored keys for Jan = %v", keys)
	}
	// Reload too: the cached first render must be Jan's.
	run(t, ctx, "reopen the app", chromedp.Navigate(b.url+"/"), chromedp.WaitVisible(chromedp.CSS(`.event`)))

	seenEvents := eval[[]string](t, ctx, `JSON.parse(sessionStorage.getItem('__seen_events') || '[]')`)
	seenNames := eval[[]string](t, ctx, `JSON.parse(sessionStorage.getItem('__seen_names') || '[]')`)
	if len(seenEvents) == 0 {
		t.Fatal("the watcher saw no classes")
	}
	t.Logf("Anna has %d cached classes, Jan %d; Jan's tab showed %d classes and names %q", len(annaAll), len(janAll), len(seenEvents), seenNames)
	for _, id := range seenEvents {
		if slices.Contains(annaAll, id) && !slices.Contains(janAll, id) {
			t.Errorf("Jan was shown Anna's class %s", id)
		}
	}
	for _, n := range seenNames {
		if strings.Contains(n, "Anna") {
			t.Errorf("Jan was shown Anna's name %q", n)
		}
	}
}

// TestSignOutOffline: signing out without a network removes the
// timetable from the device at once, and ends the session as soon as the
// network is back, instead of signing the student in again.
func TestSignOutOffline(t *testing.T) {
	b := buildBackend(t, webDir(t))
	b.start()
	ctx := newLongBrowser(t, 1280, 900, 2*time.Minute)
	signInAs(t, ctx, b.url, "123456", "Anna Kowalska")
	waitForServiceWorker(t, ctx)

	run(t, ctx, "sign out offline",
		goOffline(),
		chromedp.Click(chromedp.CSS(`#signout`)),
		chromedp.WaitVisible(chromedp.CSS(`#error`)),
	)
	if msg := eval[string](t, ctx, `document.querySelector('#error').innerText`); !strings.Contains(msg, "removed from this device") {
		t.Errorf("offline sign-out says %q", msg)
	}
	if keys := storedKeys(t, ctx); !slices.Equal(keys, []string{"campusweek/v1/signout-pending"}) {
		t.Errorf("offline sign-out left %v", keys)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('.event').length`); n != 0 {
		t.Errorf("%d classes still shown after signing out", n)
	}
	run(t, ctx, "back online, the sign-out completes",
		goOnline(),
		signInPageReady("demo-usos"),
	)
	signedIn := evalAwait[bool](t, ctx, `fetch('/api/session').then(r => r.json()).then(s => s.signed_in)`)
	if signedIn {
		t.Error("the session survived the sign-out")
	}
	if keys := storedKeys(t, ctx); len(keys) != 0 {
		t.Errorf("after the sign-out completed the browser stores %v", keys)
	}
}

// TestTryAgain: with the backend down the sign-in page says so, and its
// Try again button works once the backend is back (the answer must reach
// the page although the button is gone as soon as it is pressed).
func TestTryAgain(t *testing.T) {
	b := buildBackend(t, webDir(t))
	b.start()
	ctx := newLongBrowser(t, 1280, 900, 2*time.Minute)
	installApp(t, ctx, b.url)
	b.stop()
	run(t, ctx, "open it with the backend down",
		chromedp.Navigate(b.url+"/signin"),
		chromedp.WaitVisible(chromedp.CSS(`#retry`)),
	)
	assertAccessible(t, ctx, "sign-in page with the backend down")
	b.start()
	run(t, ctx, "try again",
		chromedp.Click(chromedp.CSS(`#retry`)),
		signInPageReady("demo-usos"),
	)
}

// cachedEventIDs lists the event IDs stored under key.
func cachedEventIDs(t *testing.T, ctx context.Context, key string) []string {
	t.Helper()
	var c struct {
		Events []struct{ ID string }
	}
	if raw := storedJSON(t, ctx, key); raw != "" {
		if err := json.Unmarshal([]byte(raw), &c); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
	}
	ids := make([]string, len(c.Events))
	for i, e := range c.Events {
		ids[i] = e.ID
	}
	return ids
}

// storedJSON returns the JSON the app stored under key ("" when none):
// the value without the record separator that opens it.
func storedJSON(t *testing.T, ctx context.Context, key string) string {
	t.Helper()
	return strings.TrimPrefix(eval[string](t, ctx, `localStorage.getItem(`+jsString(key)+`) || ""`), "\x1e")
}

// bringToFront makes the context's tab the visible one.
func bringToFront() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.BringToFront, cdp.Empty{})
		return err
	})
}

// evalAwait is eval for an expression that gives a promise.
func evalAwait[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluating %s: %v", js, err)
	}
	return v
}

// jsString quotes s for JavaScript.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestUpdateOffersReload deploys a new version under an open app: the
// service worker caches the new version completely, deletes the old
// cache, and the app offers to reload into it.
func TestUpdateOffersReload(t *testing.T) {
	// A copy of web/ (by symlinks) that the test can change.
	src := webDir(t)
	dir := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if err := os.Symlink(filepath.Join(src, e.Name()), filepath.Join(dir, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	b := buildBackend(t, dir)
	b.start()
	ctx := newLongBrowser(t, 1280, 900, 2*time.Minute)

	installApp(t, ctx, b.url)
	run(t, ctx, "open it again, now under the service worker",
		chromedp.Navigate(b.url+"/signin"),
		signInPageReady("demo-usos"),
	)
	if !eval[bool](t, ctx, `!!navigator.serviceWorker.controller`) {
		t.Fatal("the page is not controlled by the service worker")
	}
	oldKeys := evalAwait[[]string](t, ctx, `caches.keys()`)
	if len(oldKeys) != 1 {
		t.Fatalf("caches before the update = %v", oldKeys)
	}
	if eval[bool](t, ctx, `!!document.querySelector('#update-app')`) {
		t.Fatal("an update is offered before any deploy")
	}

	// Deploy: any change to the files served makes a new version.
	b.stop()
	if err := os.WriteFile(filepath.Join(dir, "deploy.txt"), []byte("v2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b.start()
	// The app looks for a new version when it comes back to the
	// foreground (as an installed app left open does).
	run(t, ctx, "notice the new version",
		chromedp.Evaluate[chromedp.Void](`document.dispatchEvent(new Event('visibilitychange'))`),
		chromedp.WaitVisible(chromedp.CSS(`#update-app`)),
	)
	assertAccessible(t, ctx, "sign-in page with an update offered")
	newKeys := evalAwait[[]string](t, ctx, `caches.keys()`)
	if len(newKeys) != 1 || newKeys[0] == oldKeys[0] || !strings.HasPrefix(newKeys[0], "app-") {
		t.Fatalf("caches after the update = %v (before %v): the old one must be gone", newKeys, oldKeys)
	}
	version := strings.TrimPrefix(newKeys[0], "app-")

	run(t, ctx, "reload into the new version",
		chromedp.Click(chromedp.CSS(`#update-app`)),
		signInPageReady("demo-usos"),
		chromedp.WaitNotPresent(chromedp.CSS(`#update-app`)),
	)
	// Every file of the shell is of the new version.
	etags := evalAwait[[]string](t, ctx, `caches.open(`+jsString(newKeys[0])+`).then(c => c.keys().then(rs => Promise.all(rs.map(r => c.match(r).then(m => new URL(r.url).pathname + " " + m.headers.get("ETag"))))))`)
	for _, e := range etags {
		// The ETag is the version, with the encoding of a precompressed file.
		if !strings.HasSuffix(e, `"`+version+`"`) && !strings.Contains(e, `"`+version+`-`) {
			t.Errorf("cached %s, want version %s", e, version)
		}
	}
	if len(etags) < 8 {
		t.Errorf("only %d files cached: %v", len(etags), etags)
	}
}

// TestExpiredSessionKeepsTheTimetable: when the session is gone (demo
// sessions end when the server restarts), the app asks to sign in again
// and keeps showing the saved timetable meanwhile.
func TestExpiredSessionKeepsTheTimetable(t *testing.T) {
	b := buildBackend(t, webDir(t))
	b.start()
	ctx := newLongBrowser(t, 1280, 900, 2*time.Minute)

	signInAs(t, ctx, b.url, "123456", "Anna Kowalska")
	thisWeek := eventIDs(t, ctx)

	// A week outside the synced window is fetched when opened.
	far := shared.DateOf(time.Now()).Monday().AddDays(7 * 20)
	run(t, ctx, "open a week beyond the term",
		chromedp.Navigate(b.url+"/?week="+far.String()),
		chromedp.WaitVisible(chromedp.CSS(`.day[data-date="`+far.String()+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#last-synced`)),
	)

	b.stop()
	b.start()
	run(t, ctx, "reopen the app with the session gone",
		chromedp.Navigate(b.url+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#signin-again`)),
		chromedp.WaitVisible(chromedp.CSS(`.day.today`)),
	)
	assertAccessible(t, ctx, "week with the session gone")
	if got := eventIDs(t, ctx); !slices.Equal(got, thisWeek) {
		t.Errorf("with the session gone this week shows %v, want %v", got, thisWeek)
	}
	if eval[bool](t, ctx, `!!document.querySelector('#offline-indicator')`) {
		t.Error("online, yet the offline indicator shows")
	}
	msg := strings.ToLower(eval[string](t, ctx, `document.querySelector('#error').innerText`))
	if !strings.Contains(msg, "sign in") {
		t.Errorf("the message does not ask to sign in again: %q", msg)
	}
	run(t, ctx, "sign in again", chromedp.Click(chromedp.CSS(`#signin-again`)),
		signInPageReady("demo-usos"))
}
