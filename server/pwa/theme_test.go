package pwa

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/campusweek/campusweek/shared"
)

// The manifest names the dark theme's colours beside the light theme's.
func TestManifestDarkColors(t *testing.T) {
	h := newHandler(t, webDir(t))
	var m struct {
		ThemeColor      string `json:"theme_color"`
		BackgroundColor string `json:"background_color"`
		Name            string `json:"name"`
		ColorSchemeDark struct {
			ThemeColor      string `json:"theme_color"`
			BackgroundColor string `json:"background_color"`
		} `json:"color_scheme_dark"`
		UserPreferences struct {
			ColorScheme struct {
				Dark struct {
					ThemeColor      string `json:"theme_color"`
					BackgroundColor string `json:"background_color"`
				} `json:"dark"`
			} `json:"color_scheme"`
		} `json:"user_preferences"`
	}
	for _, lang := range []string{"en", "pl", "nl"} {
		if err := json.Unmarshal([]byte(body(t, get(t, h, manifestPath, "Accept-Language", lang))), &m); err != nil {
			t.Fatal(err)
		}
		if m.Name != "CampusWeek" || m.ThemeColor != shared.ThemeColorLight || m.BackgroundColor != shared.BackgroundColorLight {
			t.Errorf("%s: name %q, light colours %q %q", lang, m.Name, m.ThemeColor, m.BackgroundColor)
		}
		dark := m.UserPreferences.ColorScheme.Dark
		if m.ColorSchemeDark.ThemeColor != shared.ThemeColorDark || m.ColorSchemeDark.BackgroundColor != shared.BackgroundColorDark ||
			dark.ThemeColor != shared.ThemeColorDark || dark.BackgroundColor != shared.BackgroundColorDark {
			t.Errorf("%s: dark colours %+v, %+v", lang, m.ColorSchemeDark, dark)
		}
	}
}

// Every prerendered page has a theme colour per colour scheme, and a
// Content-Length that counts them.
func TestPagesThemeColorPerScheme(t *testing.T) {
	srv := httptest.NewServer(newHandler(t, webDir(t)))
	defer srv.Close()
	for _, path := range []string{"/", "/signin", shellPath, "/public"} {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		page := string(b)
		if n := res.Header.Get("Content-Length"); n != "" && n != strconv.Itoa(len(b)) {
			t.Errorf("GET %s: Content-Length %s for %d bytes", path, n, len(b))
		}
		if !strings.Contains(page, `<meta name="theme-color" media="(prefers-color-scheme: light)" content="`+shared.ThemeColorLight+`">`) ||
			!strings.Contains(page, `<meta name="theme-color" media="(prefers-color-scheme: dark)" content="`+shared.ThemeColorDark+`">`) {
			t.Errorf("GET %s: no theme colour per scheme in\n%.1500s", path, page)
		}
		if strings.Contains(page, string(goAppThemeMeta)) || strings.Count(page, `name="theme-color"`) != 2 {
			t.Errorf("GET %s: a theme colour for every scheme is left", path)
		}
	}
}
