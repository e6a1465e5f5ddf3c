package pwa

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/campusweek/campusweek/app/startup"
	"github.com/campusweek/campusweek/shared/i18n"
)

// decode undoes a Content-Encoding.
func decode(t *testing.T, contentEncoding string, b []byte) []byte {
	t.Helper()
	for _, enc := range encodingsByPreference {
		if enc.name != contentEncoding {
			continue
		}
		zr, err := enc.newReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		out, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("decoding %s: %v", contentEncoding, err)
		}
		return out
	}
	if contentEncoding != "" {
		t.Fatalf("unknown Content-Encoding %q", contentEncoding)
	}
	return b
}

// The files go-app generates are served compressed by Accept-Encoding, with
// a strong ETag per encoding and go-app's caching policy.
func TestGeneratedFilesCompressed(t *testing.T) {
	h := newHandler(t, webDir(t))
	version := h.(*handler).web.version
	for path, wantType := range map[string]string{
		"/app.js":               "text/javascript; charset=utf-8",
		"/wasm_exec.js":         "text/javascript; charset=utf-8",
		"/app-worker.js":        "text/javascript; charset=utf-8",
		"/manifest.webmanifest": "application/manifest+json",
		"/app.css":              "text/css; charset=utf-8",
	} {
		plain := get(t, h, path)
		identity := body(t, plain)
		if plain.StatusCode != 200 || plain.Header.Get("Content-Encoding") != "" || len(identity) < 200 {
			t.Fatalf("GET %s = %d, encoding %q, %d bytes", path, plain.StatusCode, plain.Header.Get("Content-Encoding"), len(identity))
		}
		for _, tc := range []struct{ accept, encoding string }{
			{"gzip, deflate, br, zstd", "br"},
			{"br", "br"},
			{"gzip, deflate", "gzip"},
			{"br;q=0, gzip", "gzip"},
			{"deflate", ""},
			{"", ""},
		} {
			r := get(t, h, path, "Accept-Encoding", tc.accept)
			b := []byte(body(t, r))
			wantETag := `"` + version + `"`
			if tc.encoding != "" {
				wantETag = `"` + version + "-" + tc.encoding + `"`
			}
			if r.StatusCode != 200 || r.Header.Get("Content-Encoding") != tc.encoding ||
				r.Header.Get("Content-Type") != wantType || !slices.Contains(r.Header.Values("Vary"), "Accept-Encoding") ||
				r.Header.Get("ETag") != wantETag || r.Header.Get("Cache-Control") != "no-cache" ||
				(tc.encoding == "" && r.Header.Get("Content-Length") != strconv.Itoa(len(b))) {
				t.Errorf("GET %s, Accept-Encoding %q: %d %v", path, tc.accept, r.StatusCode, r.Header)
				continue
			}
			if tc.encoding != "" && len(b) >= len(identity) {
				t.Errorf("GET %s in %s: %d bytes, not smaller than %d", path, tc.encoding, len(b), len(identity))
			}
			if got := decode(t, tc.encoding, b); string(got) != identity {
				t.Errorf("GET %s in %q does not decode to the file", path, tc.encoding)
			}
		}

		// Revalidation: each encoding is validated by its own ETag only.
		if r := get(t, h, path, "Accept-Encoding", "br", "If-None-Match", `"`+version+`-br"`); r.StatusCode != http.StatusNotModified {
			t.Errorf("GET %s revalidating brotli = %d, want 304", path, r.StatusCode)
		}
		if r := get(t, h, path, "Accept-Encoding", "br", "If-None-Match", `"`+version+`"`); r.StatusCode != 200 || r.Header.Get("Content-Encoding") != "br" {
			t.Errorf("GET %s in brotli with the identity ETag = %d %q, want 200 br", path, r.StatusCode, r.Header.Get("Content-Encoding"))
		}
		if r := get(t, h, path, "If-None-Match", `"`+version+`"`); r.StatusCode != http.StatusNotModified {
			t.Errorf("GET %s revalidating = %d, want 304", path, r.StatusCode)
		}
		if r := get(t, h, path, "If-None-Match", `"0123456789abcdef0123456789abcdef"`); r.StatusCode != 200 {
			t.Errorf("GET %s with another version's ETag = %d, want 200", path, r.StatusCode)
		}

		req := httptest.NewRequest(http.MethodHead, path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 || w.Body.Len() != 0 || w.Header().Get("Content-Encoding") != "gzip" {
			t.Errorf("HEAD %s = %d, %d bytes, encoding %q", path, w.Code, w.Body.Len(), w.Header().Get("Content-Encoding"))
		}
		w = httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, path, strings.NewReader("{}")))
		if w.Code != http.StatusMethodNotAllowed {
			t.Errorf("POST %s = %d, want 405", path, w.Code)
		}
	}
}

// What is served from memory is what go-app generates for this handler
// (the manifest with the dark theme's colours added, app.js loading
// app.wasm with goappInstantiate).
func TestGeneratedFilesAreGoApps(t *testing.T) {
	h := newHandler(t, webDir(t)).(*handler)
	for _, path := range generatedPaths {
		want, err := render(h.apps[i18n.English], path)
		if err == nil && path == manifestPath {
			want, err = withDarkColors(want)
		}
		if err == nil && path == "/app.js" {
			want, err = loadWasm(want, h.web.Resolve(wasmPath), compileWorkerPath)
		}
		if err != nil {
			t.Fatal(err)
		}
		if got := body(t, get(t, h, path)); got != string(want) {
			t.Errorf("GET %s is not go-app's file", path)
		}
	}
	worker := body(t, get(t, h, "/app-worker.js"))
	if !strings.Contains(worker, `const version = "`+h.web.version+`"`) {
		t.Error("the worker served is not of this version")
	}
}

// app.js instantiates app.wasm with goappInstantiate, which compiles it
// in the worker on the pages readable before the app runs and streams it
// into the compiler elsewhere: no chunk of it passes through the page's
// JavaScript.
func TestAppJSLoadsTheWasm(t *testing.T) {
	h := newHandler(t, webDir(t)).(*handler)
	orig, err := render(h.apps[i18n.English], "/app.js")
	if err != nil {
		t.Fatal(err)
	}
	js := body(t, get(t, h, "/app.js"))
	wasmURL, workerURL := h.web.Resolve(wasmPath), compileWorkerPath
	call := `goappInstantiate("` + wasmURL + `", go.importObject)`
	if strings.Count(js, call) != 1 {
		t.Errorf("app.js does not instantiate %s with goappInstantiate once", wasmURL)
	}
	for _, want := range []string{
		`new Worker("` + workerURL + `")`,
		`document.querySelector("[` + startup.ProvidersAttr + `]")`,
		`WebAssembly.instantiateStreaming(fetch(url), imports)`,
	} {
		if !strings.Contains(js, want) {
			t.Errorf("app.js has no %s", want)
		}
	}
	if strings.Contains(js, "fetchWithProgress(\"") {
		t.Error("app.js still reads app.wasm through fetchWithProgress")
	}
	// Everything before the function added is go-app's, but for the call.
	head, _, _ := strings.Cut(js, instantiateJS[:40])
	replaced := wasmInstantiate.FindString(string(orig))
	if want := strings.Replace(string(orig), replaced, call, 1); head != want {
		t.Error("app.js differs from go-app's elsewhere than the call replaced")
	}
	for _, bad := range []string{
		"",
		`instantiateStreaming(fetchWithProgress(u, showProgress), go.importObject)`,
		`instantiateStreaming(fetchWithProgress("` + wasmURL + `", showProgress), go.importObject); instantiateStreaming(fetchWithProgress("` + wasmURL + `", showProgress), go.importObject)`,
		`instantiateStreaming(fetchWithProgress("/other/app.wasm", showProgress), go.importObject)`,
	} {
		if _, err := loadWasm([]byte(bad), wasmURL, workerURL); err == nil {
			t.Errorf("loadWasm(%q) did not fail", bad)
		}
	}
}

// The worker compiling app.wasm is served, in this version, and cached
// by the service worker for offline starts.
func TestCompileWorkerServedAndCached(t *testing.T) {
	h := newHandler(t, webDir(t)).(*handler)
	workerURL := compileWorkerPath
	resp := get(t, h, workerURL)
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "javascript") ||
		!strings.Contains(body(t, resp), "WebAssembly.compileStreaming") {
		t.Errorf("GET %s = %d %q", workerURL, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if sw := body(t, get(t, h, "/app-worker.js")); !strings.Contains(sw, `"`+workerURL+`"`) {
		t.Errorf("the service worker does not cache %s", workerURL)
	}
}
