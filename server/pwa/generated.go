package pwa

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"time"
)

// generatedPaths are the files go-app makes from the handler's settings
// (the runtime, the loader with its settings, the service worker, the
// manifest and go-app's own stylesheet). go-app serves them uncompressed
// whatever the client accepts; the server takes them from go-app once, at
// start, and serves them compressed from memory.
var generatedPaths = []string{"/app.js", "/wasm_exec.js", "/app-worker.js", "/manifest.webmanifest", "/app.css"}

// memFile is a generated file in every encoding worth sending.
type memFile struct {
	contentType string
	identity    []byte
	// compressed holds the encodings that are smaller than the file, by
	// Content-Encoding.
	compressed map[string][]byte
}

// generate takes path from go-app's handler, with the server's changes
// (adjustGenerated), and compresses it.
func generate(h http.Handler, path string) (*memFile, error) {
	body, err := render(h, path)
	if err == nil {
		body, err = adjustGenerated(path, body)
	}
	if err != nil {
		return nil, err
	}
	return newMemFile(path, body)
}

// adjustGenerated is body, the file go-app generates at path, as the
// server serves it: app.js streaming app.wasm (streamWasm), the manifest
// with the dark theme's colours (withDarkColors), the rest as it is.
func adjustGenerated(path string, body []byte) ([]byte, error) {
	switch path {
	case "/app.js":
		return streamWasm(body)
	case manifestPath:
		return withDarkColors(body)
	}
	return body, nil
}

// wasmFetch is go-app's app.js handing app.wasm to
// WebAssembly.instantiateStreaming through fetchWithProgress, which reads
// every chunk of the download in JavaScript on the page's main thread to
// update the loader's percentage.
var wasmFetch = regexp.MustCompile(`fetchWithProgress\(("[^"\\]+"), showProgress\)`)

// streamWasm makes app.js hand the response of app.wasm's fetch to
// WebAssembly.instantiateStreaming as it is, so that the browser streams
// the download into the compiler off the main thread: the page stays
// responsive while app.wasm loads, and the first visit's total blocking
// time drops. The loader then shows no percentage (see LoadingLabel). It
// fails when go-app's app.js no longer has the one call it replaces, so
// that a go-app upgrade cannot drop the change unnoticed.
func streamWasm(appJS []byte) ([]byte, error) {
	if n := len(wasmFetch.FindAllIndex(appJS, -1)); n != 1 {
		return nil, fmt.Errorf("app.js: want one fetchWithProgress(url, showProgress) call to replace, found %d", n)
	}
	return wasmFetch.ReplaceAll(appJS, []byte("fetch($1)")), nil
}

// newMemFile is body, the file at path, with its compressed encodings.
func newMemFile(path string, body []byte) (*memFile, error) {
	f := &memFile{contentType: contentType(path), identity: body, compressed: make(map[string][]byte)}
	for _, enc := range encodingsByPreference {
		c, err := compressBytes(enc, body)
		if err != nil {
			return nil, fmt.Errorf("compressing %s: %w", path, err)
		}
		if len(c) < len(body) {
			f.compressed[enc.name] = c
		}
	}
	return f, nil
}

// render returns the body go-app's handler answers GET path with.
func render(h http.Handler, path string) ([]byte, error) {
	req, err := http.NewRequest(http.MethodGet, path, nil)
	if err != nil {
		return nil, err
	}
	w := &captureWriter{header: make(http.Header)}
	h.ServeHTTP(w, req)
	if w.status != 0 && w.status != http.StatusOK {
		return nil, fmt.Errorf("rendering %s: HTTP %d", path, w.status)
	}
	return w.body.Bytes(), nil
}

// captureWriter is an http.ResponseWriter that keeps the response.
type captureWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *captureWriter) Header() http.Header { return w.header }

func (w *captureWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *captureWriter) Write(b []byte) (int, error) { return w.body.Write(b) }

// serve answers with the best encoding the client accepts. The caching
// policy is go-app's (revalidate every time) and the strong ETag is the
// version, per encoding as for the files of web/, which the service worker
// checks.
func (f *memFile) serve(w http.ResponseWriter, r *http.Request, version string) {
	if !allowGetHead(w, r) {
		return
	}
	hdr := w.Header()
	hdr.Add("Vary", "Accept-Encoding")
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("Content-Type", f.contentType)
	body, etag := f.identity, `"`+version+`"`
	accept := r.Header.Get("Accept-Encoding")
	for _, enc := range encodingsByPreference {
		if c, ok := f.compressed[enc.name]; ok && acceptsEncoding(accept, enc.name) {
			body, etag = c, `"`+version+"-"+enc.name+`"`
			hdr.Set("Content-Encoding", enc.name)
			break
		}
	}
	hdr.Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// compressBytes compresses b with enc at its strongest setting, like
// server/cmd/precompress: the files are small and compressed once.
func compressBytes(enc encoding, b []byte) ([]byte, error) {
	var out bytes.Buffer
	zw, err := enc.newWriter(&out)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
