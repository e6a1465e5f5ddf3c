package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// loaderCSS is go-app's loader style (app.css): fixed, full-screen, opaque.
const loaderCSS = `<style>.goapp-app-info { position: fixed; top: 0; left: 0; z-index: 1000;
	width: 100vw; height: 100vh; background-color: #2d2c2c; }</style>`

// TestPaintedJS checks which pages paintedJS counts as painted: the
// element laid out, visible and not under go-app's loader.
func TestPaintedJS(t *testing.T) {
	chrome := findChromium()
	if chrome == "" {
		if os.Getenv("CAMPUSWEEK_BROWSER_TESTS") == "required" {
			t.Fatal("browser tests are required but no chromium was found: apt-get install chromium")
		}
		t.Skip("no chromium: browser tests skipped (set CAMPUSWEEK_BROWSER_TESTS=required to fail instead)")
	}

	loader := `<aside id="app-wasm-loader" class="goapp-app-info"></aside>`
	tests := []struct {
		name string
		body string
		// reveal, when set, makes the element seen; until then it must not
		// count as painted.
		reveal string
	}{
		{name: "no loader", body: `<h1 id="target">Hello</h1>`},
		{name: "under the loader", body: `<h1 id="target">Hello</h1>` + loader,
			reveal: `document.getElementById("app-wasm-loader").remove()`},
		{name: "under the loader, the element after it", body: loader + `<h1 id="target">Hello</h1>`,
			reveal: `document.getElementById("app-wasm-loader").remove()`},
		{name: "loader not displayed", body: `<h1 id="target">Hello</h1>` +
			`<aside id="app-wasm-loader" class="goapp-app-info" style="display: none"></aside>`},
		{name: "loader visibility hidden", body: `<h1 id="target">Hello</h1>` +
			`<aside id="app-wasm-loader" class="goapp-app-info" style="visibility: hidden"></aside>`},
		{name: "element visibility hidden", body: `<h1 id="target" style="visibility: hidden">Hello</h1>`,
			reveal: `document.getElementById("target").style.visibility = "visible"`},
		{name: "element not displayed", body: `<h1 id="target" style="display: none">Hello</h1>`,
			reveal: `document.getElementById("target").style.display = "block"`},
		{name: "element not there yet", body: loader,
			reveal: `document.getElementById("app-wasm-loader").remove();
				document.body.insertAdjacentHTML("beforeend", '<h1 id="target">Hello</h1>')`},
	}
	pages := http.NewServeMux()
	for i, tc := range tests {
		pages.HandleFunc("/"+string(rune('a'+i)), func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<!DOCTYPE html><html><head>" + loaderCSS + "</head><body>" + tc.body + "</body></html>"))
		})
	}
	srv := httptest.NewServer(pages)
	defer srv.Close()

	ctx, done, err := newChrome(chrome, "#target")
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			if err := chromedp.Do(sctx, chromedp.Navigate(srv.URL+"/"+string(rune('a'+i)))); err != nil {
				t.Fatal(err)
			}
			// Ten frames after the load: long past the first check.
			early, err := chromedp.Run(sctx, chromedp.Evaluate[bool](`new Promise((resolve) => {
				let n = 10;
				const frame = () => (--n > 0 ? requestAnimationFrame(frame) : resolve(window.__paintedAt !== undefined));
				requestAnimationFrame(frame);
			})`, chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatal(err)
			}
			if tc.reveal == "" {
				if !early {
					t.Fatal("not painted, but the element is in sight")
				}
				return
			}
			if early {
				t.Fatal("painted while the element is out of sight")
			}
			if err := chromedp.Do(sctx, chromedp.Evaluate[chromedp.Void](tc.reveal)); err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.Run(sctx, chromedp.Poll[float64](`window.__paintedAt`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
				t.Fatalf("not painted once the element is in sight: %v", err)
			}
		})
	}
}
