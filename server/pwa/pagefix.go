package pwa

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/campusweek/campusweek/shared"
	"golang.org/x/net/html"
)

// What server/pwa changes in the pages and the manifest go-app makes.
//
// go-app knows one theme colour and one background colour, the light
// theme's. The pages and the manifest get the dark theme's as well, so
// that the browser's toolbar and the installed app's splash screen match
// the device's colour scheme before app.wasm has run (the app then follows
// the theme a student picks, see app/ui/theme.go).

// themeMetas replace go-app's <meta name="theme-color">: one theme colour
// per colour scheme.
var themeMetas = `<meta name="theme-color" media="(prefers-color-scheme: light)" content="` + shared.ThemeColorLight + `">` +
	`<meta name="theme-color" media="(prefers-color-scheme: dark)" content="` + shared.ThemeColorDark + `">`

// fixPage is go-app's page with themeMetas in place of its theme-color
// tag, without Open Graph addresses that name nothing
// (isEmptyOGAddress), and with the value "true" written out for every
// ARIA attribute that has none. go-app writes any attribute whose value
// is "true" without its value, as HTML's boolean attributes are written;
// but ARIA's are not boolean attributes, and aria-hidden="" (what the
// browser reads then) hides nothing from a screen reader. go-app writes
// no attribute with an empty value, so an ARIA attribute without one was
// "true". Every other tag is kept byte for byte (go-app writes attributes
// in any order).
func fixPage(page []byte) []byte {
	out := make([]byte, 0, len(page)+256)
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		kind := z.Next()
		if kind == html.ErrorToken {
			break
		}
		raw := z.Raw()
		if kind != html.StartTagToken && kind != html.SelfClosingTagToken {
			out = append(out, raw...)
			continue
		}
		tok := z.Token()
		if isGoAppThemeMeta(tok) {
			out = append(out, themeMetas...)
			continue
		}
		if isEmptyOGAddress(tok) {
			continue
		}
		fixed := false
		for i, a := range tok.Attr {
			if strings.HasPrefix(a.Key, "aria-") && a.Val == "" {
				tok.Attr[i].Val, fixed = "true", true
			}
		}
		if !fixed {
			out = append(out, raw...)
			continue
		}
		out = append(out, tok.String()...)
	}
	return out
}

// isEmptyOGAddress reports whether tok is an Open Graph (or Twitter card)
// address that names nothing: go-app writes "https://" + its Domain + the
// path, which without a Domain (no https public URL) has no host, and for
// a page without an image has no path.
func isEmptyOGAddress(tok html.Token) bool {
	if tok.Data != "meta" {
		return false
	}
	var name, content string
	for _, a := range tok.Attr {
		switch a.Key {
		case "property", "name":
			name = a.Val
		case "content":
			content = a.Val
		}
	}
	if name != "og:url" && name != "og:image" && name != "twitter:image" {
		return false
	}
	u, err := url.Parse(content)
	return err != nil || u.Host == "" || name != "og:url" && strings.Trim(u.Path, "/") == ""
}

// isGoAppThemeMeta reports whether tok is a theme-color meta tag for every
// colour scheme.
func isGoAppThemeMeta(tok html.Token) bool {
	if tok.Data != "meta" {
		return false
	}
	theme, media := false, false
	for _, a := range tok.Attr {
		theme = theme || a.Key == "name" && a.Val == "theme-color"
		media = media || a.Key == "media"
	}
	return theme && !media
}

// darkColors are the dark theme's colours in a manifest: the member of
// the W3C manifest (color_scheme_dark), and the earlier proposal that
// Chromium implements (user_preferences), with the same colours.
var darkColors = func() map[string]any {
	dark := map[string]string{
		"theme_color":      shared.ThemeColorDark,
		"background_color": shared.BackgroundColorDark,
	}
	return map[string]any{
		"color_scheme_dark": dark,
		"user_preferences":  map[string]any{"color_scheme": map[string]any{"dark": dark}},
	}
}()

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
// sets another), fixed by fixPage.
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
	page := fixPage(b)
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
