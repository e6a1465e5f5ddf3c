package ui

import (
	"github.com/campusweek/campusweek/shared/i18n"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The language shown is <html lang>: the server prerenders a page in the
// language its Accept-Language asks for and says so there, and in the
// browser StartLanguage sets it before the app renders (the language
// chosen on this device, else the browser's), so that a page the service
// worker answered from its cache shows the student's language too.
// Components take it in OnNav, and follow the switch through the go-app
// state stateLang.

// langKey is the localStorage key of the language chosen on this device
// (a JSON string, as ctx.LocalStorage stores it).
const langKey = "campusweek/lang"

// stateLang is the go-app state (an i18n.Lang) that tells the components
// the student switched language.
const stateLang = "campusweek/lang-shown"

// pageLang is the language of the page.
func pageLang(ctx app.Context) i18n.Lang {
	l, _ := i18n.Parse(ctx.Page().Lang())
	return l
}

// StartLanguage picks the language in the browser, before the app
// renders: the one chosen on this device, else the best match of the
// browser's languages (English when none matches). It does nothing on the
// server.
func StartLanguage() {
	if !app.IsClient {
		return
	}
	setHTMLLang(deviceLang())
}

// deviceLang is the language chosen on this device, else the browser's.
func deviceLang() i18n.Lang {
	win := app.Window()
	var tag string
	if (deviceStorage{}).Get(langKey, &tag) == nil {
		if l, ok := i18n.Parse(tag); ok {
			return l
		}
	}
	var prefs []string
	nav := win.Get("navigator")
	if langs := nav.Get("languages"); langs.Truthy() {
		for i := range langs.Length() {
			prefs = append(prefs, langs.Index(i).String())
		}
	}
	if l := nav.Get("language"); l.Type() == app.TypeString {
		prefs = append(prefs, l.String())
	}
	return i18n.Match(prefs...)
}

// htmlLang is the language shown in the browser.
func htmlLang() i18n.Lang {
	l, _ := i18n.Parse(app.Window().Get("document").Get("documentElement").Get("lang").String())
	return l
}

func setHTMLLang(l i18n.Lang) {
	app.Window().Get("document").Get("documentElement").Set("lang", l.String())
}

// switchLang shows the app in l at once and remembers the choice on this
// device.
func switchLang(ctx app.Context, l i18n.Lang) {
	if err := (deviceStorage{}).Set(langKey, l.String()); err != nil {
		app.Log("campusweek:", err) // storage full or disabled: for this visit only
	}
	setHTMLLang(l)
	ctx.SetState(stateLang, l)
}

// initLang sets *l, in a browser, to the page's language (which
// StartLanguage set). Components call it from OnInit: go-app renders a
// component before its OnMount and OnNav, so a language taken there (as
// followLang does) comes after a first render in English, and a Polish or
// Dutch page the server prerendered would be replaced by an English one
// for a frame.
func initLang(l *i18n.Lang) {
	if app.IsClient {
		*l = htmlLang()
	}
}

// followLang keeps *l the language shown: it takes the page's now and
// follows the switch; then is called after a switch (to retitle the
// page, say), if not nil.
func followLang(ctx app.Context, l *i18n.Lang, then func()) {
	*l = pageLang(ctx)
	if !app.IsClient {
		return
	}
	o := ctx.ObserveState(stateLang, l)
	if then != nil {
		o.OnChange(then)
	}
}

// langSwitch is the language switch: each language in its own name.
func langSwitch(current i18n.Lang) app.UI {
	label := current.T(i18n.Language)
	options := make([]app.UI, len(i18n.Langs))
	for i, l := range i18n.Langs {
		tag := l.String()
		options[i] = text("option", attrs{"value", tag, "lang", tag, "selected", when(l == current)}, l.Name())
	}
	return el("div", attrs{"class", "lang-switch"},
		text("label", attrs{"for", "lang-switch", "class", "visually-hidden"}, label),
		on(el("select", attrs{"id", "lang-switch", "class", "lang-select", "title", label}, options...), "change", func(ctx app.Context, e app.Event) {
			if l, ok := i18n.Parse(ctx.JSSrc().Get("value").String()); ok {
				switchLang(ctx, l)
			}
		}),
	)
}
