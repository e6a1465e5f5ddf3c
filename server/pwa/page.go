package pwa

import (
	"net/http"
	"strings"

	"github.com/campusweek/campusweek/shared/i18n"
)

// shellPath serves the app shell the service worker caches as "/" and
// answers every navigation with, online or offline: the week's shell, the
// same for every browser (no cookie and no language of the request that
// fetched it), since one cached copy serves signed-in and signed-out
// students alike. It is no page of its own: nothing links to it.
const shellPath = "/app-shell"

// servePage serves the prerendered page of an app route. / is the page a
// visitor needs first: the week's shell (a skeleton until the cached
// timetable paints) for a browser whose session opens, and the sign-in
// page, readable and usable before app.wasm runs, for any other. The
// app, once started, shows the same.
func (h *handler) servePage(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		h.prerender(w, r, r.URL.Path, "")
		return
	}
	// Which page / is depends on the cookies.
	w.Header().Add("Vary", "Cookie")
	if h.signedIn == nil || h.signedIn(r) {
		h.prerender(w, r, "/", "")
		return
	}
	h.prerender(w, r, "/signin", "signin")
}

// serveShell serves the neutral app shell (see shellPath).
func (h *handler) serveShell(w http.ResponseWriter, r *http.Request) {
	if !allowGetHead(w, r) {
		return
	}
	r = r.Clone(r.Context())
	r.Header.Del("Cookie")
	r.Header.Del("Accept-Language")
	h.prerender(w, r, "/", "")
}

// prerender answers r with go-app's prerendered page for path (which may
// differ from r's: / shows another route's page), in the language r's
// Accept-Language asks for (English when none of the app's matches). A
// variant of a path's page gets its own ETag, the version and the
// variant's name (with the language's, for all but English), so that a
// cached copy of one is never revalidated as another.
func (h *handler) prerender(w http.ResponseWriter, r *http.Request, path, variant string) {
	lang := i18n.MatchAccept(r.Header.Get("Accept-Language"))
	w.Header().Add("Vary", "Accept-Language")
	w.Header().Set("Content-Language", lang.String())
	if lang != i18n.English {
		variant = strings.TrimPrefix(variant+"-"+lang.String(), "-")
	}
	etag := `"` + h.web.version + `"`
	if variant != "" {
		etag = `"` + h.web.version + "-" + variant + `"`
	}
	if r.Header.Get("If-None-Match") == etag {
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("ETag", etag)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	r2 := r.Clone(r.Context())
	r2.Header.Del("If-None-Match") // answered above, for the variant
	if path != r.URL.Path {
		r2.URL.Path, r2.URL.RawPath, r2.URL.RawQuery = path, "", ""
	}
	pw := &pageWriter{ResponseWriter: w, etag: etag}
	h.apps[lang].ServeHTTP(pw, r2)
	pw.finish()
}
