// Package e2e drives the real server binary, in demo mode exactly as
// `make run` starts it, from headless Chromium.
package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// repoRoot is where the Makefile and web/ live.
const repoRoot = "../.."

// chromium finds the browser, or skips the test unless browser tests are
// required (make test requires them).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CAMPUSWEEK_BROWSER_TESTS") == "required" {
		t.Fatal("browser tests are required but no chromium was found: apt-get install chromium")
	}
	t.Skip("no chromium: browser tests skipped (set CAMPUSWEEK_BROWSER_TESTS=required to fail instead)")
	return ""
}

// startServer builds and starts the backend in demo mode on a free port and
// returns its URL.
func startServer(t *testing.T) string {
	t.Helper()
	web, err := filepath.Abs(filepath.Join(repoRoot, "web"))
	if err != nil {
		t.Fatal(err)
	}
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

	logFile, err := os.Create(filepath.Join(t.TempDir(), "server.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-listen", addr, "-web", web)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			t.Error("server did not stop within 10 s of SIGINT")
		}
		if t.Failed() {
			b, _ := os.ReadFile(logFile.Name())
			t.Logf("server log:\n%s", b)
		}
	})
	url := "http://" + addr
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get(url + "/api/providers")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return url
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not come up at %s: %v", url, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// newBrowser starts headless Chromium with a fresh profile.
// The window is a desktop one; tests that need a phone emulate its viewport,
// since headless Chromium will not make a window narrower than 500 px.
func newBrowser(t *testing.T, width, height int) context.Context {
	t.Helper()
	return newLongBrowser(t, width, height, 90*time.Second)
}

// stepTimeout bounds one run: a step that hangs fails with what the page
// showed, leaving the test's own deadline for the report.
const stepTimeout = 40 * time.Second

func run(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	// The first Run of a context opens its tab for the context's lifetime
	// (newLongBrowser opens its own; a tab opened with chromedp.NewContext
	// opens here): never under the step's deadline.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("%s: opening the tab: %v", what, err)
	}
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(sctx, steps...); err != nil {
		shot, _ := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if len(shot) > 0 {
			p := filepath.Join(os.TempDir(), fmt.Sprintf("campusweek-e2e-%d.png", time.Now().UnixNano()))
			_ = os.WriteFile(p, shot, 0o644)
			t.Logf("screenshot: %s", p)
		}
		html, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + (document.body ? document.body.innerText.slice(0, 2000) : "")`))
		t.Fatalf("%s: %v\npage: %s", what, err, html)
	}
}

// watchCSP records Content-Security-Policy violations of every page the
// browser opens from now on, for cspViolations to report.
func watchCSP() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `window.__csp = []; document.addEventListener('securitypolicyviolation',
				e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));`,
		})
		return err
	})
}

// cspViolations lists the current page's policy violations.
func cspViolations(t *testing.T, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, `(window.__csp || []).join('; ')`)
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluating %s: %v", js, err)
	}
	return v
}

// TestSignInAndSeeTheWeek is the first thing a student does: open the PWA,
// pick the university, approve on the university's page, see this week.
func TestSignInAndSeeTheWeek(t *testing.T) {
	url := startServer(t)
	ctx := newBrowser(t, 1280, 900)

	run(t, ctx, "open the sign-in page on a 320 px phone",
		watchCSP(),
		chromedp.EmulateViewport(320, 640, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Navigate(url+"/"),
		signInPageReady("demo-usos"),
		chromedp.WaitVisible(chromedp.CSS(`#demo-banner`)),
	)
	assertAccessible(t, ctx, "sign-in page")
	run(t, ctx, "sign in at the sandbox university",
		chromedp.Click(chromedp.CSS(`[data-provider="demo-usos"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#allow`)),
	)
	if loc := eval[string](t, ctx, `location.href`); !strings.HasPrefix(loc, url+"/sandbox/usos/services/oauth/authorize?oauth_token=") {
		t.Fatalf("consent page at %s", loc)
	}
	// A phone opens on today's day (which may have no classes: a Sunday),
	// with the rest of the week's classes on the page, hidden.
	run(t, ctx, "approve and come back to this week's classes",
		chromedp.Click(chromedp.CSS(`#allow`)),
		chromedp.WaitVisible(chromedp.CSS(`.day.today`)),
		chromedp.WaitReady(chromedp.CSS(`.event`)),
		chromedp.WaitVisible(chromedp.CSS(`#user-name`)),
		weekWhole(),
	)
	if loc := eval[string](t, ctx, `location.href`); strings.Contains(loc, "oauth_verifier") || strings.Contains(loc, "oauth_token") {
		t.Errorf("the verifier stays in the address bar: %s", loc)
	}
	if name := eval[string](t, ctx, `document.querySelector('#user-name').innerText`); !strings.Contains(name, "Anna Kowalska") {
		t.Errorf("signed-in name %q", name)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('.day').length`); n != 7 {
		t.Errorf("%d days in the week, want 7", n)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('.day.today').length`); n != 1 {
		t.Errorf("%d days marked today, want 1", n)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('.event').length`); n < 3 {
		t.Errorf("only %d classes this week", n)
	}
	assertAccessible(t, ctx, "week")
	first := eval[string](t, ctx, `document.querySelector('.event').innerText`)
	if !strings.ContainsAny(first, "0123456789") || !strings.Contains(first, ":") {
		t.Errorf("an event without a time: %q", first)
	}
	if v := cspViolations(t, ctx); v != "" {
		t.Errorf("the PWA breaks its Content-Security-Policy: %s", v)
	}
	// No horizontal scrolling on a phone.
	if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 320 {
		t.Errorf("page is %d px wide on a 320 px phone", w)
	}
	cookies := eval[string](t, ctx, `document.cookie`)
	if strings.Contains(cookies, "cw_session") || strings.Contains(cookies, "cw_flow") {
		t.Errorf("session cookies are readable from JavaScript: %q", cookies)
	}

	run(t, ctx, "go to next week and back to today",
		chromedp.Click(chromedp.CSS(`#next-week`)),
		chromedp.WaitNotPresent(chromedp.CSS(`.day.today`)),
		chromedp.Click(chromedp.CSS(`#today`)),
		chromedp.WaitVisible(chromedp.CSS(`.day.today`)),
	)
	run(t, ctx, "sign out",
		chromedp.Click(chromedp.CSS(`#signout`)),
		signInPageReady("demo-usos"),
	)
	signedIn, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
		`fetch('/api/session').then(r => r.json()).then(s => s.signed_in)`, chromedp.EvalAwaitPromise))
	if err != nil || signedIn {
		t.Errorf("after signing out: signed_in=%v, %v", signedIn, err)
	}
}
