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
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/campusweek/campusweek/server/cmd/benchreport/internal/hello"
)

// errNoBrowser is the one reason paint figures are skipped rather than
// failing the run.
var errNoBrowser = errors.New("no Chromium installed (chromium, chromium-browser or google-chrome on PATH)")

// reportPaint measures, in headless Chromium, how long a navigation takes
// until the week's classes are painted: online (backend up) and offline
// (backend stopped, served by the service worker and the offline cache),
// each relative to the hello-world app's paint, all with the service
// worker's cache filled.
func reportPaint(s settings, webDir, hello string) error {
	chrome := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			chrome = p
			break
		}
	}
	if chrome == "" {
		return errNoBrowser
	}

	helloWarm, err := paintHello(chrome, webDir, hello, s.reloads)
	if err != nil {
		return fmt.Errorf("hello-world: %w", err)
	}
	online, offline, err := paintApp(chrome, s.goCmd, webDir, s.reloads)
	if err != nil {
		return fmt.Errorf("CampusWeek: %w", err)
	}
	fmt.Printf("   hello-world prerendered page painted %v; timetable painted online %v, offline %v (medians of %d reloads)\n",
		helloWarm.Round(time.Millisecond), online.Round(time.Millisecond), offline.Round(time.Millisecond), s.reloads)
	fmt.Printf("   timetable / hello-world: online %.2f, offline %.2f\n", ratio(online, helloWarm), ratio(offline, helloWarm))
	return nil
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
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
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
// callbacks) in which SELECTOR is laid out and visible. Timing in the page
// leaves out DevTools' own latency, which is larger than a small page's
// paint and varies from one navigation to the next.
const paintedJS = `(() => {
	const check = () => {
		const el = document.querySelector(SELECTOR);
		if (el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden") {
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

// medianPaint navigates to url n times (after one unmeasured navigation)
// and returns the median time until selector is visible.
func medianPaint(ctx context.Context, url string, n int) (time.Duration, error) {
	if _, err := navigate(ctx, url); err != nil {
		return 0, err
	}
	var ds []time.Duration
	for range n {
		d, err := navigate(ctx, url)
		if err != nil {
			return 0, err
		}
		ds = append(ds, d)
	}
	return median(ds), nil
}

// appCachedJS is true once a service worker controls the page and one of
// its caches holds app.wasm. Both workers fill their cache all or nothing
// (cache.addAll), so app.wasm there means the whole app shell is.
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

// paintHello measures the hello-world baseline: go-app's first paint of a
// prerendered page (its h1 is in the HTML the service worker returns, so it
// is painted without waiting for app.wasm), with the same icons as
// CampusWeek served from its own origin. CampusWeek's figures, in contrast,
// are the week painted from the offline cache by app.wasm. The icons must be
// local: go-app's defaults are on raw.githubusercontent.com, which would
// add internet latency (or a failed lookup) to the page's load, and a worker
// whose cache.addAll fails on them caches nothing.
func paintHello(chrome, webDir, helloWasm string, reloads int) (time.Duration, error) {
	root := filepath.Dir(filepath.Dir(helloWasm)) // root/web/app.wasm
	if err := os.MkdirAll(filepath.Join(root, "web", "icons"), 0o755); err != nil {
		return 0, err
	}
	for _, name := range helloIcons {
		b, err := os.ReadFile(filepath.Join(webDir, "icons", name))
		if err != nil {
			return 0, fmt.Errorf("copying the icons: %w", err)
		}
		if err := os.WriteFile(filepath.Join(root, "web", "icons", name), b, 0o644); err != nil {
			return 0, fmt.Errorf("copying the icons: %w", err)
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
	defer srv.Close()
	ctx, done, err := newChrome(chrome, "#hello")
	if err != nil {
		return 0, err
	}
	defer done()
	if err := waitCached(ctx, srv.URL+"/"); err != nil {
		return 0, err
	}
	return medianPaint(ctx, srv.URL+"/", reloads)
}

func paintApp(chrome, goCmd, webDir string, reloads int) (online, offline time.Duration, err error) {
	web, err := filepath.Abs(webDir)
	if err != nil {
		return 0, 0, err
	}
	bin := filepath.Join(os.TempDir(), fmt.Sprintf("campusweek-bench-server-%d", os.Getpid()))
	defer os.Remove(bin)
	if b, err := exec.Command(goCmd, "build", "-o", bin, "./server").CombinedOutput(); err != nil {
		return 0, 0, fmt.Errorf("building the server (%s build): %v: %s", goCmd, err, b)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, 0, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "-listen", addr, "-web", web)
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cmd.Process.Signal(os.Interrupt)
			cmd.Wait()
		}
	}
	defer stop()
	url := "http://" + addr
	for i := 0; ; i++ {
		if resp, err := http.Get(url + "/api/providers"); err == nil {
			resp.Body.Close()
			break
		}
		if i > 100 {
			return 0, 0, errors.New("the server did not start")
		}
		time.Sleep(100 * time.Millisecond)
	}

	ctx, done, err := newChrome(chrome, ".event")
	if err != nil {
		return 0, 0, err
	}
	defer done()
	sctx, cancel := context.WithTimeout(ctx, 2*stepTimeout)
	defer cancel()
	if err := chromedp.Do(sctx,
		chromedp.Navigate(url+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-provider="demo-usos"]`)),
		chromedp.Click(chromedp.CSS(`[data-provider="demo-usos"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#allow`)),
		chromedp.Click(chromedp.CSS(`#allow`)),
		chromedp.WaitVisible(chromedp.CSS(`.event`)),
	); err != nil {
		return 0, 0, fmt.Errorf("signing in: %w", err)
	}
	if err := waitCached(ctx, url+"/"); err != nil {
		return 0, 0, err
	}
	// Let the background term sync finish before going offline.
	time.Sleep(3 * time.Second)
	if online, err = medianPaint(ctx, url+"/", reloads); err != nil {
		return 0, 0, fmt.Errorf("online: %w", err)
	}
	stop()
	if offline, err = medianPaint(ctx, url+"/", reloads); err != nil {
		return online, 0, fmt.Errorf("offline, the backend stopped: %w", err)
	}
	return online, offline, nil
}
