package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/campusweek/campusweek/app/startup"
	"github.com/campusweek/campusweek/server/cmd/benchreport/internal/hello"
)

// errNoBrowser is the one reason paint figures are skipped rather than
// failing the run.
var errNoBrowser = errors.New("no Chromium installed (chromium, chromium-browser or google-chrome on PATH)")

// reportPaint measures, in headless Chromium, how long a navigation takes
// until the week's classes are painted, online (backend up) and offline
// (backend stopped, served by the service worker and the offline cache),
// each relative to the hello-world app's own first render. Both apps are
// installed (controlled by their worker, app shell cached) in a browser of
// their own, and in each phase both servers are in the same state: up
// online, stopped offline. The two sides alternate navigation by
// navigation, so that a slow stretch of a shared machine hits both; the
// ratios are medians of the per-round ratios.
func reportPaint(s settings, webDir, helloWasm string) error {
	chrome := findChromium()
	if chrome == "" {
		return errNoBrowser
	}

	bin, err := buildServer(s.goCmd)
	if err != nil {
		return fmt.Errorf("CampusWeek: %w", err)
	}
	defer os.Remove(bin)
	hello, err := startHello(chrome, webDir, helloWasm)
	if err != nil {
		return fmt.Errorf("hello-world: %w", err)
	}
	defer hello.close()
	cw, err := startCampusWeek(chrome, bin, webDir)
	if err != nil {
		return fmt.Errorf("CampusWeek: %w", err)
	}
	defer cw.close()

	online, err := paintRounds(hello, cw, s.reloads)
	if err != nil {
		return fmt.Errorf("online: %w", err)
	}
	hello.stop()
	cw.stop()
	offline, err := paintRounds(hello, cw, s.reloads)
	if err != nil {
		return fmt.Errorf("offline, the servers stopped: %w", err)
	}

	ms := func(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
	fmt.Printf("   medians of %d navigations a side and phase (after %d unmeasured), the sides alternating:\n", s.reloads, paintWarmups)
	fmt.Printf("     hello-world rendered by its app.wasm, go-app's loader gone: online %v, offline %v\n",
		ms(median(online.hello)), ms(median(offline.hello)))
	fmt.Printf("     timetable painted by CampusWeek's app.wasm from the cache:  online %v, offline %v\n",
		ms(median(online.app)), ms(median(offline.app)))
	fmt.Printf("   timetable / hello-world, medians of per-round ratios: online %.2f, offline %.2f\n",
		median(online.ratios), median(offline.ratios))
	fmt.Printf("   (per-round ranges: online %.2f-%.2f, offline %.2f-%.2f)\n",
		slices.Min(online.ratios), slices.Max(online.ratios), slices.Min(offline.ratios), slices.Max(offline.ratios))
	return nil
}

// site is one installed PWA under measurement: its server and a headless
// Chromium of its own.
type site struct {
	name   string
	url    string
	ctx    context.Context
	stop   func() // stops the server; safe to call again
	closer func() // stops the browser
}

func (s *site) close() {
	s.stop()
	if s.closer != nil {
		s.closer()
	}
}

// load navigates the tab to the page it shows, as a reload does, and
// returns how long after the navigation's start the page was painted. It
// then leaves the page alone for paintSettle, so that what the page does
// after painting (CampusWeek, online, checks the session and syncs this
// week) is over before the other side's navigation starts. No detour by
// way of another page: that may move the tab to another renderer process
// and lose what the process has cached, which a reload keeps, on both
// sides alike.
func (s *site) load() (time.Duration, error) {
	d, err := navigate(s.ctx, s.url)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", s.name, err)
	}
	time.Sleep(paintSettle)
	return d, nil
}

// paintSettle is how long each side's page is left alone after it painted.
const paintSettle = time.Second

// paintWarmups is the number of unmeasured navigations each side gets at the
// start of a phase, so that both are measured in the same state however
// many navigations installing them took (the first offline navigation is
// also the first to find the server gone).
const paintWarmups = 2

// paintTimes are one phase's measured navigations.
type paintTimes struct {
	hello, app []time.Duration
	ratios     []float64 // app / hello, per round
}

// paintRounds runs one phase: paintWarmups unmeasured navigations a side,
// then n rounds of one navigation a side, hello first in even rounds, app
// first in odd ones.
func paintRounds(hello, app *site, n int) (paintTimes, error) {
	var t paintTimes
	for range paintWarmups {
		for _, s := range []*site{hello, app} {
			if _, err := s.load(); err != nil {
				return t, err
			}
		}
	}
	for i := range n {
		first, second := hello, app
		if i%2 == 1 {
			first, second = app, hello
		}
		d1, err := first.load()
		if err != nil {
			return t, err
		}
		d2, err := second.load()
		if err != nil {
			return t, err
		}
		h, a := d1, d2
		if first == app {
			h, a = d2, d1
		}
		t.hello, t.app = append(t.hello, h), append(t.app, a)
		t.ratios = append(t.ratios, ratio(a, h))
	}
	return t, nil
}

// newChrome starts a headless Chromium whose pages record when selector is
// first painted (paintedJS).
func newChrome(chrome, selector string) (context.Context, func(), error) {
	dir, err := os.MkdirTemp("", "campusweek-bench-chrome-")
	if err != nil {
		return nil, nil, err
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chrome), chromedp.UserDataDir(dir), chromedp.WindowSize(412, 915),
		chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true), chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true))
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 5*time.Minute)
	done := func() { cancelTimeout(); cancelCtx(); cancelAlloc(); os.RemoveAll(dir) }
	// Start the browser on ctx (it lives as long as the context of the
	// first run; later steps run under shorter, derived timeouts).
	sel, _ := json.Marshal(selector)
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: strings.Replace(paintedJS, "SELECTOR", string(sel), 1),
		})
		return err
	})); err != nil {
		done()
		return nil, nil, fmt.Errorf("starting %s: %w", chrome, err)
	}
	return ctx, done, nil
}

// paintedJS runs at the start of every document and sets
// window.__paintedAt to the time, in milliseconds since the navigation
// started, of the first animation frame (rendered right after its
// callbacks) in which SELECTOR is shown: laid out, not visibility:hidden,
// and not under go-app's loader. go-app covers every prerendered page with
// a fixed, full-screen, opaque #app-wasm-loader (z-index 1000) until app.js
// has run app.wasm and removed it, so an element of the prerendered HTML
// is not seen before that. The document must be parsed (the loader comes
// before app.js, which removes it), so that a loader not parsed yet does
// not count as gone. Timing in the page leaves out DevTools' own latency,
// which varies from one navigation to the next.
const paintedJS = `(() => {
	const shown = (el) => el !== null && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
	const check = () => {
		if (document.readyState !== "loading" && shown(document.querySelector(SELECTOR)) &&
			!shown(document.getElementById("app-wasm-loader"))) {
			window.__paintedAt = performance.now();
			return;
		}
		requestAnimationFrame(check);
	};
	requestAnimationFrame(check);
})()`

// stepTimeout bounds one navigation until painted, so that a page that
// never paints fails the run saying what it shows.
const stepTimeout = 30 * time.Second

// navigate loads url and returns how long after the navigation's start
// the selector given to newChrome was painted.
func navigate(ctx context.Context, url string) (time.Duration, error) {
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	err := chromedp.Do(sctx, chromedp.Navigate(url))
	var ms float64
	if err == nil {
		ms, err = chromedp.Run(sctx, chromedp.Poll[float64](`window.__paintedAt`, chromedp.WithPollingTimeout(stepTimeout)))
	}
	if err != nil {
		if ctx.Err() == nil {
			// Say what the page shows instead.
			shows, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText.slice(0, 200) : ""`))
			return 0, fmt.Errorf("%s: not painted within %v (%w); the page shows %q", url, stepTimeout, err, shows)
		}
		return 0, err
	}
	return time.Duration(ms * float64(time.Millisecond)), nil
}

// appCachedJS is true once a service worker controls the page and one of
// its caches holds app.wasm, which means the whole app shell is cached:
// go-app's default worker (the hello-world's) fills its cache with one
// cache.addAll, whose entries appear together or not at all; CampusWeek's
// (server/pwa/worker.go) puts every file with Promise.all of cache.put,
// deleting the cache if one fails, and takes control only once all are in,
// since its install waits for them (event.waitUntil).
const appCachedJS = `(async () => {
	if (!navigator.serviceWorker || !navigator.serviceWorker.controller) return false;
	for (const k of await caches.keys()) {
		const c = await caches.open(k);
		if ((await c.keys()).some(r => new URL(r.url).pathname.endsWith("/web/app.wasm"))) return true;
	}
	return false;
})()`

// waitCached reloads url until the page is served by a service worker with
// the app shell cached, so that every figure is of a warm, installed PWA.
func waitCached(ctx context.Context, url string) error {
	deadline := time.Now().Add(60 * time.Second)
	for {
		if _, err := navigate(ctx, url); err != nil {
			return err
		}
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](appCachedJS, chromedp.EvalAwaitPromise))
		if err != nil {
			return fmt.Errorf("looking at the service worker's cache: %w", err)
		}
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: no service worker cached the app within 60 s", url)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// webDirAt serves /web/ from root/web at the same URLs: app.LocalDir(root)
// would write root's path into the URLs the page and the service worker use.
type webDirAt struct{ root string }

func (d webDirAt) Resolve(location string) string { return location }

func (d webDirAt) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	http.FileServer(http.Dir(d.root)).ServeHTTP(w, r)
}

// Icons of the hello-world app, copied from the -web directory's icons at
// run time.
var helloIcons = []string{"icon-192.png", "icon-512.png", "icon.svg"}

// startHello serves the hello-world app and installs it in a browser of
// its own. It is the baseline: its page is shown once its app.wasm has
// started and rendered and go-app has removed the loader, the framework's
// floor for what CampusWeek's week painted by app.wasm costs. Its icons are
// CampusWeek's, served from its own origin: go-app's defaults are on
// raw.githubusercontent.com, which would add internet latency (or a failed
// lookup) to the page's load, and a worker whose cache.addAll fails on them
// caches nothing.
func startHello(chrome, webDir, helloWasm string) (*site, error) {
	root := filepath.Dir(filepath.Dir(helloWasm)) // root/web/app.wasm
	if err := os.MkdirAll(filepath.Join(root, "web", "icons"), 0o755); err != nil {
		return nil, err
	}
	for _, name := range helloIcons {
		b, err := os.ReadFile(filepath.Join(webDir, "icons", name))
		if err != nil {
			return nil, fmt.Errorf("copying the icons: %w", err)
		}
		if err := os.WriteFile(filepath.Join(root, "web", "icons", name), b, 0o644); err != nil {
			return nil, fmt.Errorf("copying the icons: %w", err)
		}
	}
	hello.Route() // go-app prerenders, and serves, only routes of this process
	srv := httptest.NewServer(&app.Handler{
		Name: "Hello",
		Icon: app.Icon{
			Default: "/web/icons/icon-192.png",
			Large:   "/web/icons/icon-512.png",
			SVG:     "/web/icons/icon.svg",
		},
		// As CampusWeek's handler does: go-app does not cache the SVG icon.
		CacheableResources: []string{"/web/icons/icon.svg"},
		Resources:          webDirAt{root},
		Version:            "bench",
	})
	var once sync.Once
	s := &site{name: "hello-world", url: srv.URL + "/", stop: func() { once.Do(srv.Close) }}
	ctx, done, err := newChrome(chrome, "#hello")
	if err != nil {
		s.close()
		return nil, err
	}
	s.ctx, s.closer = ctx, done
	if err := waitCached(ctx, s.url); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// buildServer builds CampusWeek's server into a temporary file, before any
// browser starts, so that the build's time counts against no browser's
// timeout.
func buildServer(goCmd string) (string, error) {
	bin := filepath.Join(os.TempDir(), fmt.Sprintf("campusweek-bench-server-%d", os.Getpid()))
	if b, err := exec.Command(goCmd, "build", "-o", bin, "./server").CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the server (%s build): %v: %s", goCmd, err, b)
	}
	return bin, nil
}

// startCampusWeek runs the server binary in demo mode, signs in to the
// sandbox USOS installation in a browser of its own and waits until the app
// is installed and the term is synced, so that its page is the week.
func startCampusWeek(chrome, bin, webDir string) (*site, error) {
	web, err := filepath.Abs(webDir)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "-listen", addr, "-web", web)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	var once sync.Once
	s := &site{name: "CampusWeek", url: "http://" + addr + "/", stop: func() {
		once.Do(func() {
			cmd.Process.Signal(os.Interrupt)
			cmd.Wait()
		})
	}}
	fail := func(err error) (*site, error) {
		s.close()
		return nil, err
	}
	for i := 0; ; i++ {
		if resp, err := http.Get(s.url + "api/providers"); err == nil {
			resp.Body.Close()
			break
		}
		if i > 100 {
			return fail(errors.New("the server did not start"))
		}
		time.Sleep(100 * time.Millisecond)
	}

	ctx, done, err := newChrome(chrome, weekPainted)
	if err != nil {
		return fail(err)
	}
	s.ctx, s.closer = ctx, done
	sctx, cancel := context.WithTimeout(ctx, 2*stepTimeout)
	defer cancel()
	if err := chromedp.Do(sctx,
		chromedp.Navigate(s.url),
		chromedp.WaitVisible(chromedp.CSS(`[data-provider="demo-usos"]`)),
		// app.wasm replaces the prerendered sign-in page's nodes: click
		// the app's own control, once go-app's loader is gone (Go has
		// started) and the screen rendered (its elements carry no
		// prerendered universities).
		chromedp.Poll[chromedp.Void](`!document.getElementById("app-wasm-loader") && !document.querySelector("[`+startup.ProvidersAttr+`]")`),
		chromedp.Click(chromedp.CSS(`[data-provider="demo-usos"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#allow`)),
		chromedp.Click(chromedp.CSS(`#allow`)),
		chromedp.WaitVisible(chromedp.CSS(weekPainted)),
	); err != nil {
		return fail(fmt.Errorf("signing in: %w", err))
	}
	if err := waitCached(ctx, s.url); err != nil {
		return fail(err)
	}
	// Let the background term sync finish, so that the offline phase has
	// the week to show.
	time.Sleep(3 * time.Second)
	return s, nil
}

// weekPainted matches what shows once the week is painted from the cache:
// on a phone, the day view's week strip marks the days with classes (today
// may have none, on a Sunday), and its classes are events.
const weekPainted = `.strip-dot:not(:empty), .event`

// findChromium returns the path of an installed Chromium, or "".
func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}
