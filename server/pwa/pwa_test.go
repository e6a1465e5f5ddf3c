package pwa

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var fakeWasm = []byte("\x00asm\x01\x00\x00\x00 a fake module for tests")

// webDir makes a web directory with a fake app.wasm and the real app.css and
// icons of ../../web.
func webDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name string, b []byte) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("app.wasm", fakeWasm)
	for _, name := range []string{"app.css", "icons/icon-192.png", "icons/icon-512.png", "icons/maskable-512.png", "icons/icon.svg"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "web", filepath.FromSlash(name)))
		if err != nil {
			t.Fatalf("%v (generate the icons: go run web/icons/gen.go)", err)
		}
		write(name, b)
	}
	write(".gitignore", []byte("/app.wasm*\n"))
	write("icons/gen.go", []byte("//go:build ignore\npackage main\n"))
	return dir
}

// quiet is a logger for handlers whose warnings a test does not look at.
var quiet = slog.New(slog.DiscardHandler)

func newHandler(t *testing.T, dir string) http.Handler {
	t.Helper()
	h, err := NewHandler(Options{WebDir: dir, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func get(t *testing.T, h http.Handler, target string, header ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest("GET", target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w.Result()
}

func body(t *testing.T, r *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMissingWasm(t *testing.T) {
	_, err := NewHandler(Options{WebDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "make build") {
		t.Fatalf("err = %v, want a hint to run make build", err)
	}
}

func TestIndexPrerenders(t *testing.T) {
	h := newHandler(t, webDir(t))
	r := get(t, h, "/")
	html := body(t, r)
	if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET / = %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	for _, want := range []string{
		"<title>CampusWeek</title>", "CampusWeek", `/web/app.css"`, `href="/manifest.webmanifest"`,
		`src="/app.js"`, "Loading your timetable", `/web/icons/icon.svg"`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("index lacks %q", want)
		}
	}
	if strings.Contains(html, "githubusercontent") || strings.Contains(html, "style=") {
		t.Errorf("index has a foreign icon or an inline style:\n%s", html)
	}
	if r.Header.Get("Referrer-Policy") != "no-referrer" || r.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("security headers = %v", r.Header)
	}
}

func TestRoutesPrerender(t *testing.T) {
	h := newHandler(t, webDir(t))
	for target, want := range map[string]string{
		"/signin":                  "CampusWeek never sees it",
		"/auth/pin/uw":             `id="pin-input"`,
		"/auth/callback/uw":        "Signing you in",
		"/?week=2026-11-23":        "Loading your timetable",
		"/public":                  `id="public-title"`,
		"/public/week?id=1":        `class="loading"`,
		"/public/free-rooms?u=uw":  `class="loading"`,
		"/auth/callback/UPPER":     "404",
		"/auth/callback/uw/x":      "404",
		"/no-such-page":            "404",
		"/auth/callback/uw%22%3E<": "404",
	} {
		r := get(t, h, target)
		html := body(t, r)
		if want == "404" {
			if r.StatusCode != 404 {
				t.Errorf("GET %s = %d, want 404", target, r.StatusCode)
			}
			continue
		}
		if r.StatusCode != 200 || !strings.Contains(html, want) {
			t.Errorf("GET %s = %d, lacks %q", target, r.StatusCode, want)
		}
	}
}

func TestCallbackDoesNotEchoQuery(t *testing.T) {
	h := newHandler(t, webDir(t))
	for _, target := range []string{
		"/auth/callback/uw?oauth_token=SECRET1&oauth_verifier=SECRET2",
		"/auth/callback/tud?code=SECRET1&state=SECRET2",
		"/?week=SECRET1&x=SECRET2",
		"/signin?return_to=SECRET1",
		"/public?u=SECRET1&q=SECRET2",
		"/public/week?u=uw&type=room&id=SECRET1&name=SECRET2",
		"/public/free-rooms?u=uw&building=SECRET1&name=SECRET2",
	} {
		r := get(t, h, target)
		html := body(t, r)
		if r.StatusCode != 200 {
			t.Fatalf("GET %s = %d", target, r.StatusCode)
		}
		if strings.Contains(html, "SECRET1") || strings.Contains(html, "SECRET2") {
			t.Errorf("GET %s: the query string is in the HTML:\n%s", target, html)
		}
	}
}

func TestManifestIconsAreLocal(t *testing.T) {
	h := newHandler(t, webDir(t))
	r := get(t, h, "/manifest.webmanifest")
	raw := body(t, r)
	var m struct {
		Name       string `json:"name"`
		ShortName  string `json:"short_name"`
		StartURL   string `json:"start_url"`
		Display    string `json:"display"`
		Theme      string `json:"theme_color"`
		Background string `json:"background_color"`
		Icons      []struct {
			Src, Type, Purpose, Sizes string
		}
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	if m.Name != "CampusWeek" || m.ShortName != "CampusWeek" || m.StartURL != "/" || m.Display != "standalone" {
		t.Errorf("manifest = %s", raw)
	}
	hexColour := regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
	if !hexColour.MatchString(m.Theme) || !hexColour.MatchString(m.Background) {
		t.Errorf("theme colour %q, background colour %q", m.Theme, m.Background)
	}
	if strings.Contains(raw, "http:") || strings.Contains(raw, "https:") {
		t.Errorf("manifest has a foreign URL: %s", raw)
	}
	var has192, has512, hasMaskable bool
	for _, ic := range m.Icons {
		if !versionedWeb.MatchString(ic.Src) || !strings.Contains(ic.Src, "/web/icons/") {
			t.Errorf("icon %q is not local", ic.Src)
		}
		if r := get(t, h, ic.Src); r.StatusCode != 200 {
			t.Errorf("icon %s = %d", ic.Src, r.StatusCode)
		}
		switch {
		case ic.Purpose == "maskable" && ic.Sizes == "512x512":
			hasMaskable = strings.HasSuffix(ic.Src, iconMaskable)
		case ic.Sizes == "512x512" && ic.Type == "image/png":
			has512 = true
		case ic.Sizes == "192x192":
			has192 = true
		}
	}
	if !has192 || !has512 || !hasMaskable {
		t.Errorf("icons 192 %v, 512 %v, maskable %v: %s", has192, has512, hasMaskable, raw)
	}
}

func TestWorkerAndAppJS(t *testing.T) {
	dir := webDir(t)
	h := newHandler(t, dir)
	worker := body(t, get(t, h, "/app-worker.js"))
	for _, want := range []string{`/web/app.wasm"`, `/web/app.css"`, `/web/icons/icon.svg"`, `/web/icons/maskable-512.png"`, `"/"`, "event.waitUntil"} {
		if !strings.Contains(worker, want) {
			t.Errorf("app-worker.js lacks %s", want)
		}
	}
	if strings.Contains(worker, "http") {
		t.Errorf("app-worker.js caches a foreign URL:\n%s", worker)
	}
	appJS := body(t, get(t, h, "/app.js"))
	if !strings.Contains(appJS, `goappWasmContentLength = "`+strconv.Itoa(len(fakeWasm))+`"`) {
		t.Error("app.js lacks the wasm content length")
	}
}

// The worker fills a version's cache only with that version's files, all
// or nothing, so that a deploy never mixes versions.
func TestWorkerCachesOneVersion(t *testing.T) {
	dir := webDir(t)
	h := newHandler(t, dir)
	version := strings.Trim(etag(t, h), `"`)
	worker := body(t, get(t, h, "/app-worker.js"))
	for _, want := range []string{
		`const version = "` + version + `"`,
		`const cacheName = "app-" + version`,
		`cache: "reload"`,                             // not from the HTTP cache
		`response.headers.get("ETag")`,                // of this version
		`await caches.delete(cacheName)`,              // all or nothing
		`key !== cacheName && key.startsWith("app-")`, // old versions go
		"self.skipWaiting()",
	} {
		if !strings.Contains(worker, want) {
			t.Errorf("app-worker.js lacks %s", want)
		}
	}
	// Every file the worker caches carries the version as its ETag, which
	// is what the worker checks.
	start := strings.Index(worker, "const resourcesToCache = ")
	end := strings.Index(worker[start:], ";\n")
	if start < 0 || end < 0 {
		t.Fatalf("no resourcesToCache in\n%s", worker)
	}
	var files []string
	if err := json.Unmarshal([]byte(worker[start+len("const resourcesToCache = "):start+end]), &files); err != nil {
		t.Fatal(err)
	}
	if len(files) < 8 {
		t.Errorf("the worker caches only %v", files)
	}
	for _, f := range files {
		for _, accept := range []string{"br, gzip", "gzip", ""} {
			r := get(t, h, f, "Accept-Encoding", accept)
			want := `"` + version + `"`
			if enc := r.Header.Get("Content-Encoding"); enc != "" {
				want = `"` + version + "-" + enc + `"`
			}
			if r.StatusCode != 200 || r.Header.Get("ETag") != want {
				t.Errorf("GET %s (Accept-Encoding %q) = %d, ETag %q, want 200 and %s", f, accept, r.StatusCode, r.Header.Get("ETag"), want)
			}
		}
	}
}

func etag(t *testing.T, h http.Handler) string {
	t.Helper()
	e := get(t, h, "/").Header.Get("ETag")
	if e == "" || e == `""` {
		t.Fatal("no ETag (version)")
	}
	return e
}

func TestVersionIsStable(t *testing.T) {
	dir := webDir(t)
	v1 := etag(t, newHandler(t, dir))
	v2 := etag(t, newHandler(t, dir))
	if v1 != v2 {
		t.Fatalf("two handlers for the same files have versions %s and %s", v1, v2)
	}
	if w := body(t, get(t, newHandler(t, dir), "/app-worker.js")); !strings.Contains(w, strings.Trim(v1, `"`)) {
		t.Error("the worker's cache name is not the version")
	}
	// Another app.wasm, another version.
	if err := os.WriteFile(filepath.Join(dir, "app.wasm"), append(fakeWasm, '!'), 0o644); err != nil {
		t.Fatal(err)
	}
	if v3 := etag(t, newHandler(t, dir)); v3 == v1 {
		t.Fatal("the version did not change with app.wasm")
	}
	// A revalidation with the current version gets 304.
	h := newHandler(t, dir)
	if r := get(t, h, "/web/app.css", "If-None-Match", etag(t, h)); r.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation = %d", r.StatusCode)
	}
}

func TestStaticFiles(t *testing.T) {
	dir := webDir(t)
	h := newHandler(t, dir)

	r := get(t, h, "/web/app.wasm")
	if b := body(t, r); r.StatusCode != 200 || r.Header.Get("Content-Type") != "application/wasm" || b != string(fakeWasm) {
		t.Fatalf("app.wasm = %d %q", r.StatusCode, r.Header.Get("Content-Type"))
	}
	r = get(t, h, "/web/app.css")
	if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("app.css = %d %q", r.StatusCode, r.Header.Get("Content-Type"))
	}

	for _, target := range []string{"/web/.gitignore", "/web/icons/", "/web/icons", "/web/icons/gen.go", "/web/../go.mod", "/web/nope.css", "/robots.txt"} {
		if r := get(t, h, target); r.StatusCode != 404 {
			t.Errorf("GET %s = %d, want 404", target, r.StatusCode)
		}
	}
}

func TestPrecompressedWasm(t *testing.T) {
	dir := webDir(t)
	br := precompress(t, dir, "app.wasm", encBrotli, fakeWasm)
	gz := precompress(t, dir, "app.wasm", encGzip, fakeWasm)
	h := newHandler(t, dir)

	for _, tc := range []struct {
		accept, encoding string
		want             []byte
	}{
		{"gzip, deflate, br, zstd", "br", br},
		{"gzip", "gzip", gz},
		{"br;q=0, gzip", "gzip", gz},
		{"", "", fakeWasm},
	} {
		r := get(t, h, "/web/app.wasm", "Accept-Encoding", tc.accept)
		b := body(t, r)
		if r.Header.Get("Content-Encoding") != tc.encoding || !bytes.Equal([]byte(b), tc.want) ||
			r.Header.Get("Content-Type") != "application/wasm" || !strings.Contains(r.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("Accept-Encoding %q: encoding %q type %q vary %q body %q", tc.accept,
				r.Header.Get("Content-Encoding"), r.Header.Get("Content-Type"), r.Header.Get("Vary"), b)
		}
	}
	// The precompressed copies are not addressable themselves.
	if r := get(t, h, "/web/app.wasm.br"); r.StatusCode != 404 {
		t.Errorf("GET app.wasm.br = %d", r.StatusCode)
	}
	// app.js still announces the uncompressed size (go-app's
	// Content-Length for it).
	if !strings.Contains(body(t, get(t, h, "/app.js")), `"`+strconv.Itoa(len(fakeWasm))+`"`) {
		t.Error("WasmContentLength is not the uncompressed size")
	}
}

func TestProxyResourcesDoNotFetch(t *testing.T) {
	dir := webDir(t)
	os.WriteFile(filepath.Join(dir, "robots.txt"), []byte("User-agent: *\nDisallow: /auth/\n"), 0o644)
	h := newHandler(t, dir)
	req := httptest.NewRequest("GET", "/robots.txt", nil)
	req.Host = "attacker.invalid"
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != 200 || !strings.Contains(w.Body.String(), "Disallow: /auth/") {
		t.Fatalf("robots.txt = %d %q", w.Code, w.Body.String())
	}
	if r := get(t, h, "/sitemap.xml"); r.StatusCode != 404 {
		t.Errorf("sitemap.xml = %d", r.StatusCode)
	}
}

func TestResolve(t *testing.T) {
	f := &webFiles{dir: "/srv/web", version: "0123456789abcdef0123456789abcdef"}
	for in, want := range map[string]string{
		"":                       "/",
		"/":                      "/",
		"/web/app.wasm":          "/0123456789abcdef0123456789abcdef/web/app.wasm",
		"web/app.css":            "/0123456789abcdef0123456789abcdef/web/app.css",
		"/web":                   "/web",
		"/app-worker.js":         "/app-worker.js",
		"https://x.example/a.js": "https://x.example/a.js",
	} {
		if got := f.Resolve(in); got != want {
			t.Errorf("Resolve(%q) = %q, want %q", in, got, want)
		}
	}
}

// Files under /web/ are referenced by versioned URLs that browsers may keep
// for a year; unversioned and stale-version URLs are revalidated. Each
// encoding has its own strong ETag.
func TestVersionedCaching(t *testing.T) {
	dir := webDir(t)
	br := precompress(t, dir, "app.wasm", encBrotli, fakeWasm)
	h := newHandler(t, dir)
	version := h.(*handler).web.version
	wasm := "/" + version + "/web/app.wasm"
	if !strings.Contains(body(t, get(t, h, "/")), "/"+version+"/web/app.css") {
		t.Fatal("the page does not reference the versioned CSS")
	}

	r := get(t, h, wasm, "Accept-Encoding", "gzip, br")
	if r.StatusCode != 200 || r.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" ||
		r.Header.Get("Content-Encoding") != "br" || r.Header.Get("ETag") != `"`+version+`-br"` ||
		r.Header.Get("Vary") != "Accept-Encoding" || r.Header.Get("Content-Type") != "application/wasm" {
		t.Errorf("versioned brotli wasm: %d %v", r.StatusCode, r.Header)
	}
	if b := body(t, r); b != string(br) {
		t.Errorf("body %q", b)
	}
	r = get(t, h, wasm)
	if r.Header.Get("Content-Encoding") != "" || r.Header.Get("ETag") != `"`+version+`"` {
		t.Errorf("versioned identity wasm: %v", r.Header)
	}
	if r := get(t, h, wasm, "If-None-Match", `"`+version+`"`); r.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation: %d", r.StatusCode)
	}

	r = get(t, h, "/web/app.wasm")
	if r.StatusCode != 200 || r.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("unversioned wasm: %d %v", r.StatusCode, r.Header)
	}
	// A page of another deploy asks for its version's files: never this
	// version's bytes under that URL, never an HTML page, and nothing a
	// cache keeps.
	for _, name := range []string{"app.wasm", "app.css", "icons/icon-192.png", "nope.css"} {
		r = get(t, h, "/ffffffffffffffffffffffffffffffff/web/"+name, "Accept-Encoding", "br")
		b := body(t, r)
		if r.StatusCode != 404 || r.Header.Get("Cache-Control") != "no-store" || r.Header.Get("ETag") != "" ||
			!strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") || !strings.Contains(b, "another version") {
			t.Errorf("another version's %s: %d %v %q", name, r.StatusCode, r.Header, b)
		}
	}
	if r := get(t, h, "/"+version+"/web/../app.wasm"); r.StatusCode == 200 && r.Header.Get("Content-Type") == "application/wasm" {
		t.Error("a path with .. was served")
	}
}
