package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestMyTimetableSignIn: a student of a MyTimetable university signs in
// through the OAuth 2 consent page and sees this week, in Dutch time.
func TestMyTimetableSignIn(t *testing.T) {
	url := startServer(t)
	ctx := newBrowser(t, 1280, 900)

	run(t, ctx, "open the sign-in page",
		watchCSP(),
		chromedp.Navigate(url+"/"),
		signInPageReady("demo-mytimetable"),
	)
	run(t, ctx, "sign in at the sandbox MyTimetable university",
		chromedp.Click(chromedp.CSS(`[data-provider="demo-mytimetable"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#allow`)),
	)
	if loc := eval[string](t, ctx, `location.href`); !strings.HasPrefix(loc, url+"/sandbox/mytimetable/oauth/authorize?") ||
		!strings.Contains(loc, "state=") || !strings.Contains(loc, "response_type=code") {
		t.Fatalf("consent page at %s", loc)
	}
	run(t, ctx, "approve and come back to this week's classes",
		chromedp.Click(chromedp.CSS(`#allow`)),
		chromedp.WaitVisible(chromedp.CSS(`.event`)),
		chromedp.WaitVisible(chromedp.CSS(`#user-name`)),
		weekWhole(),
	)
	if loc := eval[string](t, ctx, `location.href`); strings.Contains(loc, "code=") || strings.Contains(loc, "state=") {
		t.Errorf("the code stays in the address bar: %s", loc)
	}
	if name := eval[string](t, ctx, `document.querySelector('#user-name').innerText`); strings.TrimSpace(name) == "" {
		t.Error("no user name shown")
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('.event').length`); n < 3 {
		t.Errorf("only %d classes this week", n)
	}
	if v := cspViolations(t, ctx); v != "" {
		t.Errorf("CSP violations: %s", v)
	}
}

// TestMyTimetableDenied: declining at the university says so in words.
func TestMyTimetableDenied(t *testing.T) {
	url := startServer(t)
	ctx := newBrowser(t, 1280, 900)
	run(t, ctx, "decline at the sandbox MyTimetable university",
		chromedp.Navigate(url+"/"),
		signInPageReady("demo-mytimetable"),
		chromedp.Click(chromedp.CSS(`[data-provider="demo-mytimetable"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#deny`)),
		chromedp.Click(chromedp.CSS(`#deny`)),
		chromedp.WaitVisible(chromedp.CSS(`#error`)),
	)
	assertAccessible(t, ctx, "callback error page")
	msg := strings.ToLower(eval[string](t, ctx, `document.querySelector('#error').innerText`))
	if !strings.Contains(msg, "declin") && !strings.Contains(msg, "denied") && !strings.Contains(msg, "did not allow") {
		t.Errorf("the error does not say access was declined: %q", msg)
	}
}
