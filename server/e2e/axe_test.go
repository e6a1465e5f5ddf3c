package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// axeDir holds the pinned axe-core package (package.json and its lock);
// make test installs it there with npm ci.
const axeDir = "testdata/axe"

// axeTags are the rules run: WCAG 2.0, 2.1 and 2.2, levels A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

var (
	axeOnce   sync.Once
	axeSource string
	axeErr    error
)

// requireAxe returns axe.min.js, read once per test binary. Without it the
// test is skipped, or fails when browser tests are required.
func requireAxe(t *testing.T) string {
	t.Helper()
	axeOnce.Do(func() {
		b, err := os.ReadFile(filepath.Join(axeDir, "node_modules", "axe-core", "axe.min.js"))
		axeSource, axeErr = string(b), err
	})
	if errors.Is(axeErr, fs.ErrNotExist) {
		msg := "axe-core is not installed: run `npm ci --prefix server/e2e/" + axeDir + "` (make test does)"
		if os.Getenv("CAMPUSWEEK_BROWSER_TESTS") == "required" {
			t.Fatal(msg)
		}
		t.Skip(msg + "; accessibility checks skipped")
	}
	if axeErr != nil {
		t.Fatal(axeErr)
	}
	return axeSource
}

// axeViolation is the part of an axe-core result a failure reports.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	URL    string `json:"helpUrl"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

func (v axeViolation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s <%s>", v.ID, v.Impact, v.Help, v.URL)
	for _, n := range v.Nodes {
		target, _ := json.Marshal(n.Target)
		fmt.Fprintf(&b, "\n    %s: %s", target, strings.ReplaceAll(n.Summary, "\n", " "))
	}
	return b.String()
}

// assertAccessible runs axe-core's WCAG 2.2 A/AA rules on the page the tab
// shows now, in the light and the dark colour scheme, and fails listing
// every violation. Call it once the page has settled (after a WaitVisible
// of what it shows). Without axe-core installed the check is skipped, or
// fails when browser tests are required.
func assertAccessible(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	for _, scheme := range []string{"light", "dark"} {
		t.Run("accessible/"+name+"/"+scheme, func(t *testing.T) {
			src := requireAxe(t)
			violations := runAxe(t, ctx, src, scheme)
			for _, v := range violations {
				t.Errorf("%s in the %s theme: %s", name, scheme, v)
			}
		})
	}
}

// runAxe emulates prefers-color-scheme, injects axe-core if the page has
// not got it yet, and returns the violations. The emulation is undone
// before it returns. axe-core needs the page's script execution: a test
// that turned JavaScript off turns it on around the check.
func runAxe(t *testing.T, ctx context.Context, src, scheme string) []axeViolation {
	t.Helper()
	tags, _ := json.Marshal(axeTags)
	var out string
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	err := chromedp.Do(sctx, setColorScheme(scheme), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		loaded, err := chromedp.Evaluate[bool](`typeof window.axe === 'object'`)(ctx, tg)
		if err != nil {
			return err
		}
		if !loaded {
			// Evaluated by the DevTools protocol, not the page: the
			// page's Content-Security-Policy does not apply.
			if _, err := chromedp.Evaluate[chromedp.Void](src+"\n;void 0")(ctx, tg); err != nil {
				return fmt.Errorf("injecting axe-core: %w", err)
			}
		}
		out, err = chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: 'tag', values: `+string(tags)+`}, resultTypes: ['violations']})
			.then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise)(ctx, tg)
		return err
	}))
	if rerr := chromedp.Do(ctx, setColorScheme("")); rerr != nil && err == nil {
		err = fmt.Errorf("ending the colour scheme emulation: %w", rerr)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("axe-core did not finish in %v (is JavaScript off?)", stepTimeout)
	}
	if err != nil {
		t.Fatalf("running axe-core: %v", err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		t.Fatalf("axe-core's answer %.200q: %v", out, err)
	}
	return vs
}

// setColorScheme emulates prefers-color-scheme (light or dark); "" ends
// the emulation.
func setColorScheme(scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		p := emulation.SetEmulatedMediaParams{}
		if scheme != "" {
			p.Features = []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}
		}
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, p)
		return err
	})
}

// TestAxeReportsViolations checks the check: it finds a missing text
// alternative in both themes, and a contrast failure only in the theme
// that has it.
func TestAxeReportsViolations(t *testing.T) {
	src := requireAxe(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!doctype html><html lang="en"><head><title>Violations</title><style>
			p { color: #000; background: #fff; }
			@media (prefers-color-scheme: dark) { p { color: #444; background: #222; } }
			</style></head><body><main><h1>Violations</h1><p id="text">Some text</p><img src="data:,"></main></body></html>`)
	}))
	t.Cleanup(srv.Close)
	ctx := newBrowser(t, 800, 600)
	run(t, ctx, "open a page with violations", chromedp.Navigate(srv.URL), chromedp.WaitVisible(chromedp.CSS(`#text`)))
	for _, c := range []struct {
		scheme string
		want   []string
	}{
		{"light", []string{"image-alt"}},
		{"dark", []string{"color-contrast", "image-alt"}},
	} {
		var got []string
		for _, v := range runAxe(t, ctx, src, c.scheme) {
			got = append(got, v.ID)
		}
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: violations %v, want %v", c.scheme, got, c.want)
		}
	}
	if eval[bool](t, ctx, `matchMedia('(prefers-color-scheme: dark)').matches`) {
		t.Error("the dark scheme is still emulated after the check")
	}
}

// TestAccessiblePINPage: the page where a student types the PIN their
// university showed, as it opens and after a PIN that does not work.
func TestAccessiblePINPage(t *testing.T) {
	url := startServer(t)
	ctx := newBrowser(t, 1280, 900)
	run(t, ctx, "open the PIN page",
		chromedp.Navigate(url+"/auth/pin/demo-usos"),
		chromedp.WaitVisible(chromedp.CSS(`#pin-input`)),
	)
	assertAccessible(t, ctx, "PIN page")
	run(t, ctx, "type a PIN without having started signing in",
		chromedp.Poll[chromedp.Void](appRunning),
		chromedp.SendKeys(chromedp.CSS(`#pin-input`), "12345678"),
		chromedp.Click(chromedp.CSS(`#pin-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#error`)),
	)
	assertAccessible(t, ctx, "PIN page with an error")
}
