package ui

import (
	"strings"

	"github.com/campusweek/campusweek/shared"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The theme follows prefers-color-scheme unless the student picked light
// or dark on this device: <html data-theme="light|dark"> overrides the
// media query in app.css, and the <meta name="theme-color"> tags follow.

// themeKey is the localStorage key of the theme chosen on this device (a
// JSON string: "light" or "dark"; absent for the system's).
const themeKey = "campusweek/theme"

// The themes a student can pick.
const (
	themeSystem = "system"
	themeLight  = "light"
	themeDark   = "dark"
)

// cleanTheme returns t when it is a theme, else themeSystem.
func cleanTheme(t string) string {
	switch t {
	case themeLight, themeDark:
		return t
	}
	return themeSystem
}

// StartTheme applies the theme chosen on this device, before the app
// renders. It does nothing on the server.
func StartTheme() {
	if !app.IsClient {
		return
	}
	t := themeSystem
	_ = deviceStorage{}.Get(themeKey, &t)
	applyTheme(cleanTheme(t))
}

// applyTheme shows theme t.
func applyTheme(t string) {
	if !app.IsClient {
		return
	}
	doc := app.Window().Get("document")
	root := doc.Get("documentElement")
	if t == themeSystem {
		root.Call("removeAttribute", "data-theme")
	} else {
		root.Call("setAttribute", "data-theme", t)
	}
	// The page has a theme colour per colour scheme (see server/pwa): the
	// system's theme keeps each its own, a theme picked sets both.
	metas := doc.Call("querySelectorAll", `meta[name="theme-color"]`)
	for i := 0; i < metas.Length(); i++ {
		meta := metas.Index(i)
		dark := t == themeDark
		if t == themeSystem {
			dark = strings.Contains(meta.Call("getAttribute", "media").String(), "dark")
		}
		color := shared.ThemeColorLight
		if dark {
			color = shared.ThemeColorDark
		}
		meta.Call("setAttribute", "content", color)
	}
}

// currentTheme is the theme shown.
func currentTheme() string {
	if !app.IsClient {
		return themeSystem
	}
	return cleanTheme(app.Window().Get("document").Get("documentElement").Call("getAttribute", "data-theme").String())
}

// setTheme shows theme t at once and remembers it on this device.
func setTheme(ctx app.Context, t string) {
	t = cleanTheme(t)
	var err error
	if t == themeSystem {
		deviceStorage{}.Del(themeKey)
	} else {
		err = deviceStorage{}.Set(themeKey, t)
	}
	if err != nil {
		app.Log("campusweek:", err) // storage full or disabled: for this visit only
	}
	applyTheme(t)
}
