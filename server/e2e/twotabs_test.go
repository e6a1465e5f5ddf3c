package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestTwoTabsSignIn: a student starts signing in in one tab, then,
// impatient, in a second; they approve in the first and are signed in,
// then approve in the second, which finishes too, without an error.
func TestTwoTabsSignIn(t *testing.T) {
	url := startServer(t)
	for _, sys := range []struct {
		name, provider, consent string
	}{
		{"USOS", "demo-usos", "/sandbox/usos/services/oauth/authorize?"},
		{"MyTimetable", "demo-mytimetable", "/sandbox/mytimetable/oauth/authorize?"},
	} {
		t.Run(sys.name, func(t *testing.T) {
			first := newBrowser(t, 1280, 900)

			start := func(tab string, ctx context.Context) {
				t.Helper()
				run(t, ctx, "start signing in in the "+tab+" tab",
					chromedp.Navigate(url+"/"),
					signInPageReady(sys.provider),
					chromedp.Click(chromedp.CSS(`[data-provider="`+sys.provider+`"]`)),
					chromedp.WaitVisible(chromedp.CSS(`#allow`)),
				)
				if loc := eval[string](t, ctx, `location.href`); !strings.HasPrefix(loc, url+sys.consent) {
					t.Fatalf("the %s tab's consent page at %s", tab, loc)
				}
			}
			finish := func(tab string, ctx context.Context) {
				t.Helper()
				run(t, ctx, "approve in the "+tab+" tab and see this week",
					chromedp.Click(chromedp.CSS(`#allow`)),
					chromedp.WaitVisible(chromedp.CSS(`.event`)),
					chromedp.WaitVisible(chromedp.CSS(`#user-name`)),
				)
				if n := eval[int](t, ctx, `document.querySelectorAll('#error').length`); n != 0 {
					t.Errorf("the %s tab shows an error: %s", tab, eval[string](t, ctx, `document.querySelector('#error').innerText`))
				}
				signedIn, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
					`fetch('/api/session').then(r => r.json()).then(s => s.signed_in)`, chromedp.EvalAwaitPromise))
				if err != nil || !signedIn {
					t.Errorf("after the %s tab finished: signed_in=%v, %v", tab, signedIn, err)
				}
			}

			start("first", first)
			// A tab of the same browser, with its cookies (once the
			// browser runs, a new context is a tab of it).
			second, closeTab := chromedp.NewContext(first)
			defer closeTab()
			start("second", second)
			finish("first", first)
			finish("second", second)
		})
	}
}
