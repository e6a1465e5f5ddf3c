package pwa

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/campusweek/campusweek/shared/i18n"
)

func versionWith(t *testing.T, dir string, adjust func(*app.Handler)) string {
	t.Helper()
	h, err := build(Options{WebDir: dir, Logger: quiet}, adjust)
	if err != nil {
		t.Fatal(err)
	}
	return h.web.version
}

// Anything go-app generates for the client from the settings is part of
// the version: installed apps update when the manifest, the page head or
// app.js change, not only when web/ does.
func TestVersionCoversTheSettings(t *testing.T) {
	dir := webDir(t)
	base := versionWith(t, dir, nil)
	seen := map[string]string{base: "the settings as they are"}
	for what, adjust := range map[string]func(*app.Handler){
		"the theme colour (manifest, head)":    func(h *app.Handler) { h.ThemeColor = "#000000" },
		"the background colour (manifest)":     func(h *app.Handler) { h.BackgroundColor = "#ffffff" },
		"the name (manifest)":                  func(h *app.Handler) { h.Name = "CampusWeek Beta" },
		"the short name (manifest)":            func(h *app.Handler) { h.ShortName = "Week" },
		"the title (head)":                     func(h *app.Handler) { h.Title = "Timetable" },
		"the description (manifest, head)":     func(h *app.Handler) { h.Description = "Another one." },
		"an icon (manifest, head, worker)":     func(h *app.Handler) { h.Icon.Large = "/web/icons/icon-192.png" },
		"a stylesheet (head, worker)":          func(h *app.Handler) { h.Styles = append(h.Styles, "/web/print.css") },
		"the loading label (app.js)":           func(h *app.Handler) { h.LoadingLabel = "{progress}%" },
		"the internal URLs (app.js)":           func(h *app.Handler) { h.InternalURLs = []string{"https://usos.example.edu"} },
		"a file to cache (worker)":             func(h *app.Handler) { h.CacheableResources = append(h.CacheableResources, "/web/fonts/a.woff2") },
		"an extra header (head)":               func(h *app.Handler) { h.RawHeaders = []string{`<meta name="robots" content="noindex">`} },
		"the service worker's code (worker)":   func(h *app.Handler) { h.ServiceWorkerTemplate += "\n// changed\n" },
		"the size of app.wasm known (app.js)":  func(h *app.Handler) { h.WasmContentLength = "" },
		"the start URL (manifest)":             func(h *app.Handler) { h.StartURL = "/signin" },
		"the language (head)":                  func(h *app.Handler) { h.Lang = "pl" },
		"the environment the client gets (js)": func(h *app.Handler) { h.Env = map[string]string{"FEATURE": "on"} },
	} {
		v := versionWith(t, dir, adjust)
		if other, ok := seen[v]; ok {
			t.Errorf("changing %s gives version %s, as %s does", what, v, other)
		}
		seen[v] = what
		// The same settings give the same version (replicas agree).
		if again := versionWith(t, dir, adjust); again != v {
			t.Errorf("changing %s: versions %s and %s for the same settings", what, v, again)
		}
	}
}

// Replicas agree on the version: it depends on what is served, not on
// where the files are, when the server started or its logger.
func TestVersionIsTheSameOnEveryReplica(t *testing.T) {
	dir := webDir(t)
	v := versionWith(t, dir, nil)
	copyDir := filepath.Join(t.TempDir(), "elsewhere", "web")
	if err := os.CopyFS(copyDir, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	if got := versionWith(t, copyDir, nil); got != v {
		t.Errorf("the same files in another directory have version %s, not %s", got, v)
	}
	h, err := NewHandler(Options{WebDir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if got := h.(*handler).web.version; got != v {
		t.Errorf("another logger gives version %s, not %s", got, v)
	}
	// Files the server does not serve are not part of it.
	if err := os.WriteFile(filepath.Join(dir, ".notes"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "icons", "gen.go"), []byte("//go:build ignore\npackage main // changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := versionWith(t, dir, nil); got != v {
		t.Errorf("files not served changed the version to %s", got)
	}
	// A file served is.
	if err := os.WriteFile(filepath.Join(dir, "robots.txt"), []byte("User-agent: *\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := versionWith(t, dir, nil); got == v {
		t.Error("a new file served did not change the version")
	}
}

// The settings that are functions cannot be part of the version: the app
// sets none (or the version would miss what they change).
func TestNoSettingIsAFunction(t *testing.T) {
	for _, l := range i18n.Langs {
		v := reflect.ValueOf(appHandler(&webFiles{}, 1, l)).Elem()
		for i := range v.NumField() {
			if f := v.Field(i); f.Kind() == reflect.Func && !f.IsNil() {
				t.Errorf("app.Handler.%s is set: hashSettings cannot cover it", v.Type().Field(i).Name)
			}
		}
	}
}
