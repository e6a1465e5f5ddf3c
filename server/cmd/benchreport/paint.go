package main

import (
	"context"
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
	"time"

	"github.com/chromedp/chromedp"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// reportPaint measures, in headless Chromium, how long a navigation takes
// until the week's classes are painted: online (backend up) and offline
// (backend stopped, served by the service worker and the offline cache),
// each relative to the hello-world app's paint, all with warm caches.
func reportPaint(webDir, hello string) error {
	chrome := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			chrome = p
			break
		}
	}
	if chrome == "" {
		return errors.New("no chromium installed")
	}

	helloWarm, err := paintHello(chrome, hello)
	if err != nil {
		return fmt.Errorf("hello-world: %w", err)
	}
	online, offline, err := paintApp(chrome, webDir)
	if err != nil {
		return fmt.Errorf("CampusWeek: %w", err)
	}
	fmt.Printf("   hello-world first paint %v; timetable painted online %v, offline %v (medians of 5 reloads)\n",
		helloWarm.Round(time.Millisecond), online.Round(time.Millisecond), offline.Round(time.Millisecond))
	fmt.Printf("   timetable / hello-world: online %.2f, offline %.2f\n", ratio(online, helloWarm), ratio(offline, helloWarm))
	return nil
}

func newChrome(chrome string) (context.Context, func(), error) {
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
	return ctx, func() { cancelTimeout(); cancelCtx(); cancelAlloc(); os.RemoveAll(dir) }, nil
}

// median5 navigates to url five times (after one warm-up) and returns the
// median time until selector is visible.
func median5(ctx context.Context, url, selector string) (time.Duration, error) {
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(selector))); err != nil {
		return 0, err
	}
	var ds []time.Duration
	for range 5 {
		start := time.Now()
		if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(selector))); err != nil {
			return 0, err
		}
		ds = append(ds, time.Since(start))
	}
	slices.Sort(ds)
	return ds[2], nil
}

func paintHello(chrome, hello string) (time.Duration, error) {
	srv := httptest.NewServer(&app.Handler{
		Name:      "Hello",
		Resources: app.LocalDir(filepath.Dir(filepath.Dir(hello))),
		Version:   "bench",
	})
	defer srv.Close()
	ctx, done, err := newChrome(chrome)
	if err != nil {
		return 0, err
	}
	defer done()
	return median5(ctx, srv.URL+"/", "#hello")
}

func paintApp(chrome, webDir string) (online, offline time.Duration, err error) {
	web, err := filepath.Abs(webDir)
	if err != nil {
		return 0, 0, err
	}
	bin := filepath.Join(os.TempDir(), fmt.Sprintf("campusweek-bench-server-%d", os.Getpid()))
	defer os.Remove(bin)
	if b, err := exec.Command("go", "build", "-o", bin, "./server").CombinedOutput(); err != nil {
		return 0, 0, fmt.Errorf("building the server: %v: %s", err, b)
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

	ctx, done, err := newChrome(chrome)
	if err != nil {
		return 0, 0, err
	}
	defer done()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(url+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-provider="demo-usos"]`)),
		chromedp.Click(chromedp.CSS(`[data-provider="demo-usos"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#allow`)),
		chromedp.Click(chromedp.CSS(`#allow`)),
		chromedp.WaitVisible(chromedp.CSS(`.event`)),
	); err != nil {
		return 0, 0, fmt.Errorf("signing in: %w", err)
	}
	// Let the background term sync finish before going offline.
	time.Sleep(3 * time.Second)
	if online, err = median5(ctx, url+"/", ".event"); err != nil {
		return 0, 0, fmt.Errorf("online: %w", err)
	}
	stop()
	if offline, err = median5(ctx, url+"/", ".event"); err != nil {
		if strings.Contains(err.Error(), "deadline") {
			return online, 0, errors.New("offline: the timetable never painted without the backend")
		}
		return online, 0, fmt.Errorf("offline: %w", err)
	}
	return online, offline, nil
}
