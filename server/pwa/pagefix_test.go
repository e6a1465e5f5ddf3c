package pwa

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
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
		if strings.Count(page, `name="theme-color"`) != 2 {
			t.Errorf("GET %s: a theme colour for every scheme is left", path)
		}
	}
}

func TestFixPage(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"bare ARIA attributes get true",
			`<span aria-hidden class="x"></span><button type="button" aria-pressed>1</button>`,
			`<span aria-hidden="true" class="x"></span><button type="button" aria-pressed="true">1</button>`},
		{"ARIA attributes with values kept byte for byte",
			`<li aria-current="date" aria-label='A &amp; B'>x</li>`,
			`<li aria-current="date" aria-label='A &amp; B'>x</li>`},
		{"boolean HTML attributes stay bare",
			`<section hidden aria-hidden><input disabled required aria-invalid></section>`,
			`<section hidden="" aria-hidden="true"><input disabled="" required="" aria-invalid="true"></section>`},
		{"text and scripts untouched",
			"<p>say aria-hidden here</p><script>x = '<b aria-hidden>'</script>",
			"<p>say aria-hidden here</p><script>x = '<b aria-hidden>'</script>"},
		{"no ARIA at all", `<!doctype html><p class="a">b</p>`, `<!doctype html><p class="a">b</p>`},
		{"theme colour, attributes in any order",
			`<head><meta content="#3451b2" name="theme-color"><meta name="viewport" content="x"></head>`,
			`<head>` + themeMetas + `<meta name="viewport" content="x"></head>`},
		{"Open Graph addresses without a host go",
			`<meta property="og:url" content="https:///signin"><meta property="og:image" content="https://"><meta name="twitter:image" content="https://"><meta property="og:title" content="Sign in">`,
			`<meta property="og:title" content="Sign in">`},
		{"Open Graph addresses with a host stay, images with a path",
			`<meta property="og:url" content="https://tt.example.edu/signin"><meta property="og:image" content="https://tt.example.edu"><meta property="og:image" content="https://tt.example.edu/i.png">`,
			`<meta property="og:url" content="https://tt.example.edu/signin"><meta property="og:image" content="https://tt.example.edu/i.png">`},
		{"a theme colour of one scheme kept",
			`<meta name="theme-color" media="(prefers-color-scheme: dark)" content="#000">`,
			`<meta name="theme-color" media="(prefers-color-scheme: dark)" content="#000">`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(fixPage([]byte(tc.in))); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// The prerendered pages have no ARIA attribute without its value.
func TestPagesARIAValues(t *testing.T) {
	h := newHandler(t, webDir(t))
	bare := regexp.MustCompile(`<[^>]*\saria-[a-z]+[\s>][^>]*>?`)
	for _, path := range []string{"/", "/signin", shellPath, "/public", "/public/free-rooms"} {
		page := body(t, get(t, h, path))
		if !strings.Contains(page, `aria-hidden="true"`) {
			t.Errorf("GET %s: no aria-hidden=\"true\": not a page with icons?", path)
		}
		if m := bare.FindAllString(page, 3); m != nil {
			t.Errorf("GET %s: ARIA attributes without a value: %q", path, m)
		}
	}
}

// A page names its address for link previews only where it is known, as
// https.
func TestPagesOpenGraphAddress(t *testing.T) {
	for _, tc := range []struct {
		public string
		want   string // og:url of /signin, "" for none
	}{
		{"https://tt.example.edu", "https://tt.example.edu/signin"},
		{"http://127.0.0.1:8080", ""},
		{"", ""},
	} {
		var public *url.URL
		if tc.public != "" {
			public, _ = url.Parse(tc.public)
		}
		h, err := NewHandler(Options{WebDir: webDir(t), Logger: quiet, PublicURL: public})
		if err != nil {
			t.Fatal(err)
		}
		page := body(t, get(t, h, "/signin"))
		og := regexp.MustCompile(`<meta[^>]*(?:og:url|og:image|twitter:image)[^>]*>`).FindAllString(page, -1)
		want := []string(nil)
		if tc.want != "" {
			want = []string{`content="` + tc.want + `"`}
		}
		if len(og) != len(want) || (len(want) == 1 && !strings.Contains(og[0], want[0])) {
			t.Errorf("public URL %q: Open Graph addresses %q, want %q", tc.public, og, want)
		}
	}
}
