package pwa

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

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
// (the manifest with the dark theme's colours added, app.js streaming
// app.wasm).
func TestGeneratedFilesAreGoApps(t *testing.T) {
	h := newHandler(t, webDir(t)).(*handler)
	for _, path := range generatedPaths {
		want, err := render(h.apps[i18n.English], path)
		if err == nil && path == manifestPath {
			want, err = withDarkColors(want)
		}
		if err == nil && path == "/app.js" {
			want, err = streamWasm(want)
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

// app.js hands app.wasm's response to the streaming compiler as it is:
// no chunk of it passes through the page's JavaScript.
func TestAppJSStreamsTheWasm(t *testing.T) {
	h := newHandler(t, webDir(t)).(*handler)
	orig, err := render(h.apps[i18n.English], "/app.js")
	if err != nil {
		t.Fatal(err)
	}
	js := body(t, get(t, h, "/app.js"))
	wasmURL := h.web.Resolve("/web/app.wasm")
	call := regexp.MustCompile(`instantiateStreaming\(\s*fetch\("` + regexp.QuoteMeta(wasmURL) + `"\),\s*go\.importObject\s*\)`)
	if !call.MatchString(js) {
		t.Errorf("app.js does not give instantiateStreaming the plain fetch of %s", wasmURL)
	}
	if strings.Contains(js, "fetchWithProgress(\"") {
		t.Error("app.js still reads app.wasm through fetchWithProgress")
	}
	// Everything else is go-app's.
	if got, want := len(js), len(orig)-len(`WithProgress`)-len(`, showProgress`); got != want {
		t.Errorf("app.js is %d bytes, want go-app's %d less the call replaced (%d)", got, len(orig), want)
	}
	for _, bad := range []string{"", "fetchWithProgress(u, showProgress)", `fetchWithProgress("/a", showProgress); fetchWithProgress("/b", showProgress)`} {
		if _, err := streamWasm([]byte(bad)); err == nil {
			t.Errorf("streamWasm(%q) did not fail", bad)
		}
	}
}
