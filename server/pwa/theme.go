package pwa

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/campusweek/campusweek/shared"
)

// go-app knows one theme colour and one background colour, the light
// theme's. The pages and the manifest get the dark theme's as well, so
// that the browser's toolbar and the installed app's splash screen match
// the device's colour scheme before app.wasm has run (the app then follows
// the theme a student picks, see app/ui/theme.go).

// goAppThemeMeta is the tag go-app writes in every page's head.
var goAppThemeMeta = []byte(`<meta name="theme-color" content="` + shared.ThemeColorLight + `">`)

// themeMetas replace it: one theme colour per colour scheme.
var themeMetas = []byte(`<meta name="theme-color" media="(prefers-color-scheme: light)" content="` + shared.ThemeColorLight + `">` +
	`<meta name="theme-color" media="(prefers-color-scheme: dark)" content="` + shared.ThemeColorDark + `">`)

// withThemeMetas is page with themeMetas in place of go-app's theme-color
// tag. A page without that tag is returned as it is.
func withThemeMetas(page []byte) []byte {
	return bytes.Replace(page, goAppThemeMeta, themeMetas, 1)
}

// darkColors are the dark theme's colours in a manifest: the member of
// the W3C manifest (color_scheme_dark), and the earlier proposal that
// Chromium implements (user_preferences).
var darkColors = map[string]any{
	"color_scheme_dark": map[string]string{
		"theme_color":      shared.ThemeColorDark,
		"background_color": shared.BackgroundColorDark,
	},
	"user_preferences": map[string]any{
		"color_scheme": map[string]any{
			"dark": map[string]string{
				"theme_color":      shared.ThemeColorDark,
				"background_color": shared.BackgroundColorDark,
			},
		},
	},
}

// withDarkColors is the manifest with darkColors added.
func withDarkColors(manifest []byte) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(manifest, &m); err != nil {
		return nil, fmt.Errorf("reading go-app's manifest: %w", err)
	}
	for k, v := range darkColors {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		m[k] = b
	}
	return json.Marshal(m)
}

// pageWriter passes on go-app's prerendered page with its own ETag (go-app
// sets another) and the theme colours of both schemes (withThemeMetas).
// go-app writes a page in one Write, after its Content-Length and, for a
// page from its cache, after WriteHeader: the status waits for that Write,
// and finish sends it when none came.
type pageWriter struct {
	http.ResponseWriter
	etag    string
	status  int  // the status the handler gave, until sent
	started bool // status sent
}

func (w *pageWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *pageWriter) Write(b []byte) (int, error) {
	if w.started {
		return w.ResponseWriter.Write(b)
	}
	page := withThemeMetas(b)
	if len(page) != len(b) && w.Header().Get("Content-Length") == strconv.Itoa(len(b)) {
		w.Header().Set("Content-Length", strconv.Itoa(len(page)))
	}
	w.finish()
	if _, err := w.ResponseWriter.Write(page); err != nil {
		return 0, err
	}
	return len(b), nil
}

// finish sends the status, if not sent yet.
func (w *pageWriter) finish() {
	if w.started {
		return
	}
	w.started = true
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.Header().Set("ETag", w.etag)
	w.ResponseWriter.WriteHeader(w.status)
}
