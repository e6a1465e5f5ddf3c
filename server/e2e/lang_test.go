package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/shared/i18n"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// newLocaleBrowser is newLongBrowser for a browser whose language is
// locale ("pl-PL"): its UI language and Accept-Language, as a student's
// browser set up in that language.
func newLocaleBrowser(t *testing.T, locale string) context.Context {
	t.Helper()
	ctx := newLongBrowser(t, 1280, 900, 3*time.Minute,
		chromedp.Flag("lang", locale), chromedp.Flag("accept-lang", locale))
	primary, _, _ := strings.Cut(locale, "-")
	run(t, ctx, "set the locale "+locale, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		ua, err := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.userAgent`))
		if err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, tg, emulation.SetLocaleOverride, emulation.SetLocaleOverrideParams{Locale: strings.ReplaceAll(locale, "-", "_")}); err != nil {
			return err
		}
		_, err = cdp.Call(ctx, tg, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{
			UserAgent: ua, AcceptLanguage: locale + "," + primary + ";q=0.9",
		})
		return err
	}))
	return ctx
}

// foreignText returns the texts of the other languages' catalogs found in
// text, a page in l: messages (their parts between placeholders) that l
// words differently and does not use itself.
func foreignText(text string, l i18n.Lang) []string {
	var own strings.Builder
	var keys []i18n.Key
	for k := i18n.Key(0); i18n.English.T(k) != ""; k++ {
		own.WriteString(l.T(k) + "\n")
		keys = append(keys, k)
	}
	var found []string
	seen := map[string]bool{}
	for _, other := range i18n.Langs {
		if other == l {
			continue
		}
		for _, k := range keys {
			if other.T(k) == l.T(k) {
				continue
			}
			for _, frag := range strings.FieldsFunc(other.T(k), func(r rune) bool { return r == '{' || r == '}' || r == '|' }) {
				frag = strings.TrimSpace(strings.Trim(strings.TrimSpace(frag), ".,:;…"))
				if len(frag) < 6 || seen[frag] || strings.Contains(own.String(), frag) {
					continue
				}
				seen[frag] = true
				if strings.Contains(text, frag) {
					found = append(found, frag)
				}
			}
		}
	}
	return found
}

// checkLanguage checks that the page shows l: <html lang>, words of l and
// nothing of another language's catalog.
func checkLanguage(t *testing.T, ctx context.Context, where string, l i18n.Lang, want ...string) {
	t.Helper()
	if got := eval[string](t, ctx, `document.documentElement.lang`); got != l.String() {
		t.Errorf("%s: <html lang=%q>, want %q", where, got, l)
	}
	text := eval[string](t, ctx, `document.body.innerText + "\n" + [...document.querySelectorAll('[aria-label],[title]')].map(e => (e.getAttribute('aria-label') || '') + ' ' + (e.getAttribute('title') || '')).join("\n") + "\n" + document.title`)
	// The university's words (names of courses, rooms, people and
	// universities) are data, in whatever language it has them.
	for _, d := range eval[[]string](t, ctx, `[...document.querySelectorAll('.event-title, .event-kind, .event-place, .event-lecturers, .provider-name, #user-name')].map(e => e.innerText)`) {
		text = strings.ReplaceAll(text, d, "")
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s: the page lacks %q:\n%s", where, w, text)
		}
	}
	if left := foreignText(text, l); len(left) > 0 {
		t.Errorf("%s: the page in %v says %q:\n%s", where, l, left, text)
	}
}

// watchInserted records, in window.__inserted, the text of every node
// put into the pages the browser opens from now on once they are parsed:
// what the app puts there.
func watchInserted() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `window.__inserted = [];
			document.addEventListener('DOMContentLoaded', () => new MutationObserver(records => {
				for (const r of records) for (const n of r.addedNodes) window.__inserted.push(n.textContent);
			}).observe(document, {childList: true, subtree: true}));`,
		})
		return err
	})
}

// waitLang waits until the app shows l and its day name day.
func waitLang(l i18n.Lang, day string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](`document.documentElement.lang === `+jsString(l.String())+
		` && document.body.innerText.includes(`+jsString(day)+`)`, chromedp.WithPollingTimeout(30*time.Second))
}

// A student whose browser speaks Polish, Dutch or English sees the app in
// that language, signed out and signed in; the switch changes it at once,
// and the choice stays on the device, offline too.
func TestLanguages(t *testing.T) {
	b := buildBackend(t, webDir(t))
	b.start()
	for _, tc := range []struct {
		locale string
		lang   i18n.Lang
		monday string
		// switchTo is the language the student then chooses.
		switchTo i18n.Lang
	}{
		{"pl-PL", i18n.Polish, "poniedziałek", i18n.Dutch},
		{"nl-NL", i18n.Dutch, "maandag", i18n.English},
		{"en-GB", i18n.English, "Monday", i18n.Polish},
	} {
		t.Run(tc.locale, func(t *testing.T) {
			ctx := newLocaleBrowser(t, tc.locale)
			l := tc.lang
			run(t, ctx, "open the sign-in page",
				watchInserted(),
				chromedp.Navigate(b.url+"/signin"),
				signInPageReady("demo-usos"),
				waitLang(l, l.T(i18n.SignInHeading)),
			)
			checkLanguage(t, ctx, "sign-in", l, l.T(i18n.SignInHeading), l.T(i18n.SignInLead))
			// The app takes over the prerendered page with the same page:
			// never "Loading…" in place of the universities, nor another
			// language for a moment.
			inserted := eval[string](t, ctx, `window.__inserted.join("\n")`)
			for _, name := range eval[[]string](t, ctx, `[...document.querySelectorAll('.provider-name')].map(e => e.innerText)`) {
				inserted = strings.ReplaceAll(inserted, name, "") // the universities' names are data
			}
			if strings.Contains(inserted, l.T(i18n.SignInLoading)) {
				t.Errorf("the app replaced the universities with %q", l.T(i18n.SignInLoading))
			}
			if left := foreignText(inserted, l); len(left) > 0 {
				t.Errorf("the app showed %q in a page in %v", left, l)
			}
			waitForServiceWorker(t, ctx)

			signInAs(t, ctx, b.url, "123456", "Anna Kowalska")
			run(t, ctx, "the week", waitLang(l, tc.monday))
			checkLanguage(t, ctx, "week", l, tc.monday, l.T(i18n.WeekSignOut), l.T(i18n.WeekPrevious))

			to := tc.switchTo
			toMonday := to.Weekday(time.Monday)
			run(t, ctx, "switch to "+to.Name(),
				chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector('#lang-switch');
					s.value = `+jsString(to.String())+`; s.dispatchEvent(new Event('change', {bubbles: true})); })()`),
				waitLang(to, toMonday),
				waitSynced(),
			)
			checkLanguage(t, ctx, "week after the switch", to, toMonday, to.T(i18n.WeekSignOut))
			assertAccessible(t, ctx, "week switched to "+to.Name())

			// The choice is remembered, and works offline.
			run(t, ctx, "reload offline",
				goOffline(),
				chromedp.Reload(),
				chromedp.WaitVisible(chromedp.CSS(`#offline-indicator`)),
				waitLang(to, toMonday),
			)
			checkLanguage(t, ctx, "week offline after a reload", to, toMonday, to.T(i18n.WeekOffline))
			run(t, ctx, "back online", goOnline())
		})
	}
}
