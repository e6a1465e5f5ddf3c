package e2e

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// badNetwork is a reverse proxy in front of the backend that can turn bad
// for everything but the API: answer with its own 502 page, as a
// misbehaving proxy or captive portal does, or never answer (lie-fi).
type badNetwork struct {
	url     string
	mode    atomic.Value // "", "502" or "hang"
	release chan struct{}
}

func newBadNetwork(t *testing.T, backend string) *badNetwork {
	t.Helper()
	target, err := url.Parse(backend)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	n := &badNetwork{release: make(chan struct{})}
	n.mode.Store("")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			proxy.ServeHTTP(w, r)
			return
		}
		switch n.mode.Load() {
		case "502":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusBadGateway)
			io.WriteString(w, `<!doctype html><h1 id="proxy-error">502 Bad Gateway</h1>`)
		case "hang":
			select {
			case <-n.release:
			case <-r.Context().Done():
			}
		default:
			proxy.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(n.release) }) // before srv.Close, which waits for handlers
	n.url = srv.URL
	return n
}

// TestBadNetworkOpensTheApp: once installed, the app opens on any of its
// pages, with any query, from the service worker's cache, whatever the
// network does: a proxy's error page or a connection that never answers
// do not replace or block it. Paths that are not the app's pages are left
// to the network.
func TestBadNetworkOpensTheApp(t *testing.T) {
	b := buildBackend(t, webDir(t))
	b.start()
	n := newBadNetwork(t, b.url)
	ctx := newLongBrowser(t, 1280, 900, 3*time.Minute)

	run(t, ctx, "open the app",
		chromedp.Navigate(n.url+"/signin"),
		signInPageReady("demo-usos"),
	)
	waitForServiceWorker(t, ctx)

	// Signed out, the week sends the student to sign in.
	pages := []struct{ path, shows, at string }{
		{"/", `[data-provider="demo-usos"]`, "/signin"},
		{"/signin?return_to=%2F%3Fweek%3D2026-01-05", `[data-provider="demo-usos"]`, "/signin?return_to=%2F%3Fweek%3D2026-01-05"},
		{"/?week=2026-01-05&x=1", `[data-provider="demo-usos"]`, "/signin"},
		// Not in the prerendered shell: the app itself renders it.
		{"/auth/pin/demo-usos?from=test", `#pin-input`, "/auth/pin/demo-usos?from=test"},
	}
	for _, mode := range []string{"502", "hang"} {
		n.mode.Store(mode)
		for _, p := range pages {
			run(t, ctx, "open "+p.path+" with the network answering "+mode,
				chromedp.Navigate(n.url+p.path),
				chromedp.WaitVisible(chromedp.CSS(p.shows)),
			)
			if !eval[bool](t, ctx, `!!navigator.serviceWorker.controller`) {
				t.Errorf("%s (%s): the page is not controlled by the service worker", p.path, mode)
			}
			if got := eval[string](t, ctx, `location.pathname + location.search`); got != p.at {
				t.Errorf("%s (%s): the address is %s, want %s", p.path, mode, got, p.at)
			}
		}
	}

	// What is not a page of the app is the network's to answer.
	n.mode.Store("502")
	for _, path := range []string{"/healthz", "/no-such-page", "/auth/callback/", "/signin/"} {
		run(t, ctx, "open "+path+" with the network answering 502",
			chromedp.Navigate(n.url+path),
			chromedp.WaitVisible(chromedp.CSS(`#proxy-error`)),
		)
	}
	n.mode.Store("")
	run(t, ctx, "open /healthz", chromedp.Navigate(n.url+"/healthz"))
	if got := eval[string](t, ctx, `document.body.innerText`); strings.Contains(got, "CampusWeek") {
		t.Errorf("/healthz shows the app: %q", got)
	}
}
