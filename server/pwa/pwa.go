// Package pwa serves the CampusWeek PWA: the pages (the app's routes,
// prerendered by the same app/ui components that app.wasm runs), the files
// go-app generates (/app.js, /wasm_exec.js, /app-worker.js,
// /manifest.webmanifest, /app.css), compressed by Accept-Encoding from
// memory, and the static files of the web directory under /web/ (app.wasm,
// app.css, icons), with their precompressed copies.
//
// Mount it as the fallback of the backend's mux, after /api/:
//
//	h, err := pwa.NewHandler(pwa.Options{WebDir: "web"})
//	mux.Handle("/", h)
package pwa

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/campusweek/campusweek/app/ui"
	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/i18n"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Options configures NewHandler.
type Options struct {
	// WebDir is the directory with app.wasm, app.css and the icons, served
	// under /web/. Default "web" (relative to the working directory).
	WebDir string
	// Logger gets the warnings about the web directory (such as a
	// precompressed file that does not match its source). Default
	// slog.Default().
	Logger *slog.Logger
	// PublicURL is the origin the browser sees. Pages name their https
	// address in their Open Graph tags (og:url, for link previews); for
	// another scheme, or nil, they name none.
	PublicURL *url.URL
	// Providers are the configured universities, which the prerendered
	// sign-in page lists, each a form that starts signing in before
	// app.wasm has arrived.
	Providers []shared.Provider
	// SignedIn reports whether a request carries a session that opens: /
	// is prerendered as the week's shell for such a browser and as the
	// sign-in page for any other, the page each needs first. Nil
	// prerenders / as the week's shell for everybody.
	SignedIn func(*http.Request) bool
}

// Icons, relative to /web/. `go run web/icons/gen.go` generates them.
const (
	iconDefault  = "/web/icons/icon-192.png"
	iconLarge    = "/web/icons/icon-512.png"
	iconMaskable = "/web/icons/maskable-512.png"
	iconSVG      = "/web/icons/icon.svg"
)

// NewHandler returns the handler of the PWA. It fails when WebDir has no
// app.wasm (build it first: make build).
//
// The app's version, which decides when installed PWAs update and is the
// ETag of every response, is a hash of everything the client gets: the
// files served under /web/ (app.wasm first of all) and what go-app
// generates from the settings below (the manifest, app.js, the service
// worker, the pages' head). So restarts and replicas of the same build
// agree, any change to the client reaches students, and a change to the
// backend alone is not an update.
func NewHandler(opts Options) (http.Handler, error) {
	return build(opts, nil)
}

// build is NewHandler; adjust, if not nil, changes go-app's settings (for
// tests).
func build(opts Options, adjust func(*app.Handler)) (*handler, error) {
	dir := opts.WebDir
	if dir == "" {
		dir = "web"
	}
	wasm := filepath.Join(dir, "app.wasm")
	st, err := os.Stat(wasm)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("pwa: %s is missing: build the web app first with `make build`, "+
			"which also precompresses it (after building it by hand, run `go run ./server/cmd/precompress %s`)", wasm, wasm)
	case err != nil:
		return nil, fmt.Errorf("pwa: %w", err)
	case !st.Mode().IsRegular():
		return nil, fmt.Errorf("pwa: %s is not a regular file", wasm)
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	idx, err := indexWebDir(dir)
	if err != nil {
		return nil, fmt.Errorf("pwa: reading %s: %w", dir, err)
	}
	idx.warnSkipped(log, dir)

	ui.Routes()
	ui.SetPrerender(ui.Prerender{Providers: opts.Providers})
	// One go-app handler per language, which prerenders pages in it.
	newApps := func(version string) (map[i18n.Lang]*app.Handler, *webFiles) {
		web := &webFiles{dir: dir, version: version, encodings: idx.encodings}
		apps := make(map[i18n.Lang]*app.Handler, len(i18n.Langs))
		for _, l := range i18n.Langs {
			h := appHandler(web, st.Size(), l)
			h.Domain = ogDomain(opts.PublicURL)
			if adjust != nil {
				adjust(h)
			}
			h.Version = version
			apps[l] = h
		}
		return apps, web
	}
	// What go-app generates depends on the version it is given: generate it
	// with a placeholder to learn what the settings make of it.
	placeholder, _ := newApps(strings.Repeat("0", 32))
	sum := sha256.New()
	sum.Write(idx.digest[:])
	for _, l := range i18n.Langs {
		client, err := clientDigest(placeholder[l])
		if err != nil {
			return nil, fmt.Errorf("pwa: %w", err)
		}
		sum.Write(client[:])
	}
	apps, web := newApps(hex.EncodeToString(sum.Sum(nil))[:32])

	generated := make(map[string]*memFile, len(generatedPaths)+1)
	for _, p := range generatedPaths {
		if generated[p], err = generate(apps[i18n.English], p); err != nil {
			return nil, fmt.Errorf("pwa: %w", err)
		}
	}
	if generated[compileWorkerPath], err = newMemFile(compileWorkerPath, []byte(compileWorkerJS)); err != nil {
		return nil, fmt.Errorf("pwa: %w", err)
	}
	// The manifest's description in each language, for browsers that
	// show it (they fetch it with the page's Accept-Language).
	manifests := make(map[i18n.Lang]*memFile, len(i18n.Langs))
	for _, l := range i18n.Langs {
		if manifests[l], err = generate(apps[l], manifestPath); err != nil {
			return nil, fmt.Errorf("pwa: %w", err)
		}
	}
	return &handler{apps: apps, web: web, generated: generated, manifests: manifests, signedIn: opts.SignedIn}, nil
}

const manifestPath = "/manifest.webmanifest"

// ogDomain is the host that go-app writes into the pages' Open Graph
// addresses, always as https://host/path: public's host when it is https,
// else "" (and fixPage removes the addresses).
func ogDomain(public *url.URL) string {
	if public == nil || public.Scheme != "https" {
		return ""
	}
	return public.Host
}

// appHandler is go-app's handler with the app's settings, serving web, for
// a wasm of wasmSize bytes, prerendering pages in lang.
func appHandler(web *webFiles, wasmSize int64, lang i18n.Lang) *app.Handler {
	return &app.Handler{
		Name:        "CampusWeek",
		ShortName:   "CampusWeek",
		Title:       "CampusWeek",
		Description: lang.T(i18n.AppDescription),
		Author:      "CampusWeek",
		Lang:        lang.String(),
		// The light theme's; pages and the manifest also get the dark
		// one's (see pagefix.go).
		BackgroundColor: shared.BackgroundColorLight,
		ThemeColor:      shared.ThemeColorLight,
		// app.js, one file for every language, shows it while app.wasm
		// loads: no words, and no percentage, since app.wasm reaches the
		// compiler without passing through JavaScript (loadWasm).
		LoadingLabel: "CampusWeek",
		Icon: app.Icon{
			Default:  iconDefault,
			Large:    iconLarge,
			Maskable: iconMaskable,
			SVG:      iconSVG,
		},
		Styles: []string{"/web/app.css"},
		// Neither the SVG icon nor the worker compiling app.wasm is in
		// go-app's list of files to cache.
		CacheableResources:    []string{iconSVG, compileWorkerPath},
		Resources:             web,
		WasmContentLength:     strconv.FormatInt(wasmSize, 10),
		ServiceWorkerTemplate: workerTemplate(),
	}
}

type handler struct {
	apps      map[i18n.Lang]*app.Handler // by the language of their pages
	web       *webFiles
	generated map[string]*memFile // by path
	manifests map[i18n.Lang]*memFile
	signedIn  func(*http.Request) bool
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("X-Content-Type-Options", "nosniff")
	// Pages of /auth/callback/ carry the OAuth verifier in their URL until
	// the app removes it: never send it on in a Referer, not even to this
	// origin's own files.
	hdr.Set("Referrer-Policy", "no-referrer")

	if m := versionedWeb.FindStringSubmatch(r.URL.Path); m != nil {
		if m[1] != h.web.version {
			otherVersion(w, r)
			return
		}
		h.web.serveFile(w, r, m[2], true)
		return
	}
	if r.URL.Path == manifestPath {
		// One variant per language, each with its own ETag (the version
		// and the language, as the service worker accepts).
		lang := i18n.MatchAccept(r.Header.Get("Accept-Language"))
		hdr.Add("Vary", "Accept-Language")
		hdr.Set("Content-Language", lang.String())
		tag := h.web.version
		if lang != i18n.English {
			tag += "-" + lang.String()
		}
		h.manifests[lang].serve(w, r, tag)
		return
	}
	if f, ok := h.generated[r.URL.Path]; ok {
		f.serve(w, r, h.web.version)
		return
	}
	if name, ok := strings.CutPrefix(r.URL.Path, "/web/"); ok {
		h.web.serveFile(w, r, name, false)
		return
	}
	switch r.URL.Path {
	case shellPath:
		h.serveShell(w, r)
		return
	case "/robots.txt", "/sitemap.xml", "/ads.txt":
		// go-app would fetch these over HTTP from the Host the request
		// names and cache the answer for everyone: serve them from WebDir.
		h.web.serveFile(w, r, strings.TrimPrefix(r.URL.Path, "/"), false)
		return
	}
	if !isAppRoute(r.URL.Path) {
		// Not a page: the service worker leaves such paths to the network,
		// so the server must not answer them with one either.
		http.NotFound(w, r)
		return
	}
	h.servePage(w, r)
}

// appRoutes are the paths of the app's pages, the routes ui.Routes
// registers, as regular expressions in the syntax Go and JavaScript share.
// The server prerenders pages for these paths only, and the service worker
// (which gets this list) answers navigations to them with the app shell,
// leaving every other path to the backend.
var appRoutes = ui.RoutePatterns()

var appRouteRes = func() []*regexp.Regexp {
	res := make([]*regexp.Regexp, len(appRoutes))
	for i, p := range appRoutes {
		res[i] = regexp.MustCompile(p)
	}
	return res
}()

// isAppRoute reports whether path is one of the app's pages.
func isAppRoute(path string) bool {
	for _, re := range appRouteRes {
		if re.MatchString(path) {
			return true
		}
	}
	return false
}

// otherVersion answers a request for a /web/ file of another version: a
// page of an earlier or later deploy asking a replica that does not have
// it, as a first visit during a rolling deploy can, its requests spread
// over old and new replicas. This version's file would mix builds
// silently: app.js of one build starting the app.wasm of another (with
// the other's wasm_exec.js, a wrong size for the progress bar, a
// stylesheet made for other markup), and a browser or proxy could keep
// other bytes under a URL that names one build's. A 404 that nothing
// stores fails visibly instead: the loader shows an error, a reload gets
// a consistent page, and the service worker, whose install needs every
// file of its own version, tries again later. Installed apps never ask:
// their pages and files come from their worker's cache.
func otherVersion(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, "this file belongs to another version of the app: reload the page", http.StatusNotFound)
}

// versionedWeb matches /{version}/web/{name}: the URLs the pages, the
// manifest and the service worker use for files under /web/.
var versionedWeb = regexp.MustCompile(`^/([0-9a-f]{32})/web/(.+)$`)
