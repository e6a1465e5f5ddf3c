package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// scripts switches the page's JavaScript on or off: off, the browser
// shows exactly what the server prerendered, what a first-time visitor
// reads until app.wasm has arrived.
func scripts(on bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
		return err
	})
}

// configuredIDs asks the backend which universities it has.
func configuredIDs(t *testing.T, url string) []string {
	t.Helper()
	resp, err := http.Get(url + "/api/providers")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var ps []struct{ ID string }
	if err := json.NewDecoder(resp.Body).Decode(&ps); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range ps {
		ids = append(ids, p.ID)
	}
	return ids
}

// TestSignInBeforeTheApp: with JavaScript off, / is the sign-in page with
// every configured university, uncovered; its form reaches the
// university, and approving there signs the student in on the server.
// With JavaScript back on, the week shows.
func TestSignInBeforeTheApp(t *testing.T) {
	url := startServer(t)
	ctx := newBrowser(t, 1280, 900)

	run(t, ctx, "open / with JavaScript off",
		scripts(false),
		chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Navigate(url+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#signin-title`)),
	)
	if on := eval[bool](t, ctx, `!!document.querySelector('#app-wasm-loader') && getComputedStyle(document.querySelector('#app-wasm-loader')).display !== 'none'`); on {
		t.Error("go-app's loader shows with JavaScript off")
	}
	want := configuredIDs(t, url)
	got := eval[[]string](t, ctx, `[...document.querySelectorAll('form [data-provider]')].map(b => b.dataset.provider)`)
	if !slices.Equal(got, want) || len(want) == 0 {
		t.Fatalf("the page lists %v, the server has %v", got, want)
	}
	for _, id := range want {
		// Nothing covers a university's button: the element at its
		// centre is the button itself or inside it.
		covered := eval[bool](t, ctx, `(() => {
			const b = document.querySelector('[data-provider=`+jsString(id)+`]');
			const r = b.getBoundingClientRect();
			const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
			return !b.contains(at);
		})()`)
		if covered {
			t.Errorf("the button of %s is covered", id)
		}
	}
	if text := eval[string](t, ctx, `document.body.innerText`); !strings.Contains(text, "Sign in to CampusWeek") || strings.Contains(text, "Loading") {
		t.Errorf("the page reads:\n%s", text)
	}
	// axe-core needs JavaScript; the page's own scripts, skipped when it
	// loaded, do not run when it is turned on.
	run(t, ctx, "turn JavaScript on for axe-core", scripts(true))
	assertAccessible(t, ctx, "sign-in page before the app")
	run(t, ctx, "turn JavaScript off again", scripts(false))

	run(t, ctx, "choose the sandbox university",
		chromedp.Click(chromedp.CSS(`[data-provider="demo-usos"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#allow`)),
	)
	if loc := eval[string](t, ctx, `location.href`); !strings.HasPrefix(loc, url+"/sandbox/usos/services/oauth/authorize?oauth_token=") {
		t.Fatalf("the form led to %s", loc)
	}
	run(t, ctx, "approve: back at CampusWeek, signed in",
		chromedp.Click(chromedp.CSS(`#allow`)),
		chromedp.WaitVisible(chromedp.CSS(`.page-week`)),
	)
	if loc := eval[string](t, ctx, `location.href`); loc != url+"/" {
		t.Errorf("after approving: %s, want %s/ (no verifier left in the address)", loc, url)
	}

	run(t, ctx, "turn JavaScript on: the week shows (on a desktop screen, this week's classes)",
		scripts(true),
		chromedp.EmulateViewport(1280, 900),
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`.event`)),
		chromedp.WaitVisible(chromedp.CSS(`#user-name`)),
	)
	if name := eval[string](t, ctx, `document.querySelector('#user-name').innerText`); !strings.Contains(name, "Anna Kowalska") {
		t.Errorf("signed-in name %q", name)
	}
}

// wasmFetches says which of the page's own requests were for app.wasm
// and for the worker that compiles it (the worker's own requests are not
// the page's).
const wasmFetches = `(() => {
	const names = performance.getEntriesByType('resource').map(e => new URL(e.name).pathname);
	return {
		page: names.some(n => n.endsWith('/web/app.wasm')),
		worker: names.includes('/app-wasm-compile.js'),
	};
})()`

type wasmLoad struct{ Page, Worker bool }

// TestWasmCompiledOffTheMainThread: on the sign-in page, which a visitor
// reads and uses before the app runs, a worker fetches and compiles
// app.wasm, and the page does not fetch it; the app then runs as usual. A
// signed-in student's page compiles it itself, the quickest way to the
// week.
func TestWasmCompiledOffTheMainThread(t *testing.T) {
	url := startServer(t)
	ctx := newBrowser(t, 360, 740)

	run(t, ctx, "open / signed out: the app takes the sign-in page over",
		chromedp.Navigate(url+"/"),
		signInPageReady("demo-usos"),
	)
	if got := eval[wasmLoad](t, ctx, wasmFetches); got != (wasmLoad{Worker: true}) {
		t.Errorf("signed out: %+v, want app.wasm compiled by the worker alone", got)
	}
	run(t, ctx, "sign in",
		chromedp.Click(chromedp.CSS(`[data-provider="demo-usos"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#allow`)),
		chromedp.Click(chromedp.CSS(`#allow`)),
		chromedp.WaitVisible(chromedp.CSS(`#user-name`)),
	)
	run(t, ctx, "reload signed in: the week shows",
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`#user-name`)),
		chromedp.Poll[chromedp.Void](appRunning),
	)
	if got := eval[wasmLoad](t, ctx, wasmFetches); got != (wasmLoad{Page: true}) {
		t.Errorf("signed in: %+v, want app.wasm compiled by the page", got)
	}
}
