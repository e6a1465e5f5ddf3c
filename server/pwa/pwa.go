// Package pwa serves the CampusWeek PWA: the pages (prerendered by the same
// app/ui components that app.wasm runs), the go-app runtime files
// (/app.js, /wasm_exec.js, /app-worker.js, /manifest.webmanifest) and the
// static files under /web/ (app.wasm, app.css, icons).
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
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/campusweek/campusweek/app/ui"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Options configures NewHandler.
type Options struct {
	// WebDir is the directory with app.wasm, app.css and the icons, served
	// under /web/. Default "web" (relative to the working directory).
	WebDir string
}

// Look of the app outside its pages (manifest, browser UI, splash screen).
const (
	themeColor      = "#3451b2"
	backgroundColor = "#f5f7fb"
)

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
// ETag of every response, is a hash of the files served under /web/
// (app.wasm first of all), so restarts and replicas of the same build agree
// and any change to the client reaches students.
func NewHandler(opts Options) (http.Handler, error) {
	dir := opts.WebDir
	if dir == "" {
		dir = "web"
	}
	wasm := filepath.Join(dir, "app.wasm")
	st, err := os.Stat(wasm)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("pwa: %s is missing: build the web app first with `make build` "+
			"(GOOS=js GOARCH=wasm go build -trimpath -ldflags=\"-s -w\" -o web/app.wasm ./app)", wasm)
	case err != nil:
		return nil, fmt.Errorf("pwa: %w", err)
	case !st.Mode().IsRegular():
		return nil, fmt.Errorf("pwa: %s is not a regular file", wasm)
	}
	version, err := hashWebDir(dir)
	if err != nil {
		return nil, fmt.Errorf("pwa: hashing %s: %w", dir, err)
	}

	ui.Routes()
	web := &webFiles{dir: dir, version: version}
	h := &app.Handler{
		Name:            "CampusWeek",
		ShortName:       "CampusWeek",
		Title:           "CampusWeek",
		Description:     "Your university timetable, one week at a time.",
		Author:          "CampusWeek",
		Lang:            "en",
		BackgroundColor: backgroundColor,
		ThemeColor:      themeColor,
		LoadingLabel:    "Loading CampusWeek… {progress}%",
		Icon: app.Icon{
			Default:  iconDefault,
			Large:    iconLarge,
			Maskable: iconMaskable,
			SVG:      iconSVG,
		},
		Styles: []string{"/web/app.css"},
		// The SVG icon is not in go-app's list of files to cache.
		CacheableResources:    []string{iconSVG},
		Resources:             web,
		Version:               version,
		WasmContentLength:     strconv.FormatInt(st.Size(), 10),
		ServiceWorkerTemplate: serviceWorkerJS,
	}
	return &handler{app: h, web: web}, nil
}

type handler struct {
	app *app.Handler
	web *webFiles
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("X-Content-Type-Options", "nosniff")
	// Pages of /auth/callback/ carry the OAuth verifier in their URL until
	// the app removes it: never send it on in a Referer, not even to this
	// origin's own files.
	hdr.Set("Referrer-Policy", "no-referrer")

	if m := versionedWeb.FindStringSubmatch(r.URL.Path); m != nil {
		// A /web/ file under a version prefix. go-app would strip only its
		// own version and answer any other with a page; the file it is.
		h.web.serveFile(w, r, m[2], m[1] == h.web.version)
		return
	}
	switch r.URL.Path {
	case "/robots.txt", "/sitemap.xml", "/ads.txt":
		// go-app would fetch these over HTTP from the Host the request
		// names and cache the answer for everyone: serve them from WebDir.
		h.web.serveFile(w, r, strings.TrimPrefix(r.URL.Path, "/"), false)
		return
	}
	h.app.ServeHTTP(w, r)
}

// versionedWeb matches /{version}/web/{name}: the URLs the pages, the
// manifest and the service worker use for files under /web/.
var versionedWeb = regexp.MustCompile(`^/([0-9a-f]{32})/web/(.+)$`)

// webFiles resolves /web/ paths for go-app and serves them from dir. (The
// app.LocalDir resolver serves {dir}/web/..., and resolves to URLs with dir
// in them, so it only works for the directory "web" itself.)
//
// Files are referenced by versioned URLs, /{version}/web/{name}: a version
// never changes, so browsers may keep them for a year without asking
// again, and a deploy is a new set of URLs.
type webFiles struct {
	dir     string
	version string
}

// Resolve implements app.ResourceResolver: /web/ paths become versioned
// URL paths.
func (f *webFiles) Resolve(location string) string {
	switch {
	case location == "" || location == "/":
		return "/"
	case strings.HasPrefix(location, "https://"), strings.HasPrefix(location, "http://"):
		return location
	case location == "/web" || location == "web":
		return "/web"
	case strings.HasPrefix(location, "/web/") || strings.HasPrefix(location, "web/"):
		return "/" + f.version + "/" + strings.Trim(location, "/")
	}
	return location
}

// ServeHTTP serves /web/{name} from dir; go-app calls it for /web/ paths
// without a version, which are revalidated on every use.
func (f *webFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutPrefix(r.URL.Path, "/web/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	f.serveFile(w, r, name, false)
}

// serveFile serves the regular file name (slash-separated, relative to dir)
// with the right Content-Type, preferring a precompressed name.br or
// name.gz the client accepts. Directories, dotfiles and Go sources are not
// served. immutable files (requested under the current version) may be
// cached for a year; others are revalidated. The strong ETag is the
// version, per encoding, since each encoding is other bytes.
func (f *webFiles) serveFile(w http.ResponseWriter, r *http.Request, name string, immutable bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if !servable(name) {
		http.NotFound(w, r)
		return
	}
	hdr := w.Header()
	hdr.Add("Vary", "Accept-Encoding")
	if immutable {
		hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hdr.Set("Cache-Control", "no-cache")
	}
	hdr.Set("Content-Type", contentType(name))
	for _, enc := range []struct{ name, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
		if !acceptsEncoding(r.Header.Get("Accept-Encoding"), enc.name) {
			continue
		}
		if file, st, ok := f.open(name + enc.ext); ok {
			defer file.Close()
			hdr.Set("Content-Encoding", enc.name)
			hdr.Set("ETag", `"`+f.version+"-"+enc.name+`"`)
			http.ServeContent(w, r, name, st.ModTime(), file)
			return
		}
	}
	file, st, ok := f.open(name)
	if !ok {
		hdr.Del("Cache-Control")
		http.NotFound(w, r)
		return
	}
	defer file.Close()
	hdr.Set("ETag", `"`+f.version+`"`)
	http.ServeContent(w, r, name, st.ModTime(), file)
}

func (f *webFiles) open(name string) (*os.File, os.FileInfo, bool) {
	file, err := os.Open(filepath.Join(f.dir, filepath.FromSlash(name)))
	if err != nil {
		return nil, nil, false
	}
	st, err := file.Stat()
	if err != nil || !st.Mode().IsRegular() {
		file.Close()
		return nil, nil, false
	}
	return file, st, true
}

// servable reports whether name is a clean relative path to a file the
// PWA may serve.
func servable(name string) bool {
	if name == "" || strings.Contains(name, "\\") || strings.Contains(name, "\x00") ||
		path.Clean("/"+name) != "/"+name {
		return false
	}
	for _, seg := range strings.Split(name, "/") {
		if seg == "" || strings.HasPrefix(seg, ".") {
			return false
		}
	}
	switch path.Ext(name) {
	case ".go", ".br", ".gz":
		return false
	}
	return true
}

// contentType of the static files; falls back to the mime table.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".wasm":
		return "application/wasm"
	case ".css":
		return "text/css; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".webmanifest":
		return "application/manifest+json"
	case ".txt":
		return "text/plain; charset=utf-8"
	case ".xml":
		return "application/xml"
	case ".json":
		return "application/json"
	case ".ico":
		return "image/x-icon"
	case ".woff2":
		return "font/woff2"
	}
	return "application/octet-stream"
}

// acceptsEncoding reports whether an Accept-Encoding header value accepts
// enc (with a non-zero quality).
func acceptsEncoding(header, enc string) bool {
	for _, part := range strings.Split(header, ",") {
		token, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(token), enc) {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

// hashWebDir hashes the names and contents of the files served from dir,
// in a stable order.
func hashWebDir(dir string) (string, error) {
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !servable(rel) && !strings.HasSuffix(rel, ".br") && !strings.HasSuffix(rel, ".gz") {
			return nil
		}
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() { // follows symlinks, like serving
			names = append(names, rel)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	sort.Strings(names)
	sum := sha256.New()
	for _, name := range names {
		file, err := os.Open(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(sum, "%s\x00", name)
		_, err = io.Copy(sum, file)
		file.Close()
		if err != nil {
			return "", err
		}
		sum.Write([]byte{0})
	}
	return hex.EncodeToString(sum.Sum(nil))[:32], nil
}
