package pwa

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/campusweek/campusweek/app/startup"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// generatedPaths are the files go-app makes from the handler's settings
// (the runtime, the loader with its settings, the service worker, the
// manifest and go-app's own stylesheet). go-app serves them uncompressed
// whatever the client accepts; the server takes them from go-app once, at
// start, and serves them compressed from memory.
var generatedPaths = []string{"/app.js", wasmExecPath, "/app-worker.js", "/manifest.webmanifest", "/app.css"}

// wasmExecPath is Go's runtime support for WebAssembly (wasm_exec.js).
const wasmExecPath = "/wasm_exec.js"

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
func generate(h *app.Handler, path string) (*memFile, error) {
	body, err := render(h, path)
	if err == nil {
		body, err = adjustGenerated(h, path, body)
	}
	if err != nil {
		return nil, err
	}
	return newMemFile(path, body)
}

// adjustGenerated is body, the file go-app generates at path for h, as
// the server serves it: app.js loading app.wasm as loadWasm says, the
// manifest with the dark theme's colours (withDarkColors), the rest as it
// is.
func adjustGenerated(h *app.Handler, path string, body []byte) ([]byte, error) {
	switch path {
	case "/app.js":
		return loadWasm(body, h.Resources.Resolve(wasmPath), compileWorkerPath)
	case manifestPath:
		return withDarkColors(body)
	}
	return body, nil
}

const (
	wasmPath = "/web/app.wasm"
	// compileWorkerPath is the worker that compiles app.wasm for pages
	// readable before the app runs (compileWorkerJS). Like go-app's own
	// files (app.js, wasm_exec.js), the server serves it from memory,
	// with the version as its ETag.
	compileWorkerPath = "/app-wasm-compile.js"
)

// compileWorkerJS is the worker at compileWorkerPath: the page posts
// app.wasm's address, the worker fetches and compiles it, and answers with
// the compiled module, or with the error's message (see loadWasm). Before
// it answers, it runs the module as far as the app lets it without a page
// (app/startup stops it): the browser compiles each WebAssembly function
// when it is first called, on the thread that calls it, and shares the
// code with the page, so Go's runtime start and the first half of its
// package initialization are compiled here, not on the page's main thread
// (in Lighthouse's first visit, the page's first task of the app went from
// 47-99 ms to 13-19 ms). Whatever that run does or fails to do, the module
// is posted.
const compileWorkerJS = `// CampusWeek: compiles app.wasm off the page's main thread.
onmessage = async (e) => {
  try {
    const module = await WebAssembly.compileStreaming(fetch(e.data));
    try {
      importScripts("` + wasmExecPath + `");
      const go = new Go();
      go.run(await WebAssembly.instantiate(module, go.importObject));
    } catch (err) {
      // Compiled on the page's thread instead.
    }
    postMessage(module);
  } catch (err) {
    postMessage(String(err));
  }
};
`

// wasmInstantiate is go-app's app.js instantiating app.wasm, its response
// read through fetchWithProgress, which reads every chunk of the download
// in JavaScript on the page's main thread to update the loader's
// percentage.
var wasmInstantiate = regexp.MustCompile(`instantiateStreaming\(\s*fetchWithProgress\("([^"\\]+)", showProgress\),\s*go\.importObject\s*\)`)

// loadWasm makes app.js instantiate app.wasm, at wasmURL, with
// goappInstantiate (instantiateJS) instead: the download never passes
// through the page's JavaScript, and the loader shows no percentage (see
// LoadingLabel). On a page a visitor can read and use before the app runs
// (one prerendered with the universities, startup.ProvidersAttr), a
// worker (compileWorkerURL) fetches and compiles it, so that the page's
// main thread stays free for the visitor's taps: streamed into the
// compiler on the main thread, app.wasm's chunks and the end of its
// compilation took it for 60 ms at a time. Elsewhere, and if the
// worker fails, the page streams it into the compiler itself, which is
// quickest to the student's week. No page preloads app.wasm: read from
// the service worker's cache while the page was parsed and styled, a
// preload held up DOMContentLoaded by about 20 ms and the reload's paint
// with it; app.js asks for it as soon as the page is parsed. It fails
// when go-app's app.js no longer has the one call it replaces, so that a
// go-app upgrade cannot drop the change unnoticed.
func loadWasm(appJS []byte, wasmURL, compileWorkerURL string) ([]byte, error) {
	m := wasmInstantiate.FindAllSubmatchIndex(appJS, -1)
	if len(m) != 1 {
		return nil, fmt.Errorf("app.js: want one instantiateStreaming(fetchWithProgress(url, showProgress), go.importObject) call to replace, found %d", len(m))
	}
	if got := string(appJS[m[0][2]:m[0][3]]); got != wasmURL {
		return nil, fmt.Errorf("app.js: instantiates %s, want %s", got, wasmURL)
	}
	out := make([]byte, 0, len(appJS)+len(instantiateJS)+128)
	out = append(out, appJS[:m[0][0]]...)
	out = fmt.Appendf(out, "goappInstantiate(%q, go.importObject)", wasmURL)
	out = append(out, appJS[m[0][1]:]...)
	js := strings.NewReplacer("{attr}", startup.ProvidersAttr, "{worker}", compileWorkerURL).Replace(instantiateJS)
	return append(out, js...), nil
}

// instantiateJS is goappInstantiate (see loadWasm).
const instantiateJS = `
// goappInstantiate instantiates the WebAssembly module at url with
// imports: compiled by a worker on a page readable before the app runs,
// else (and if the worker fails) streamed into the compiler here.
async function goappInstantiate(url, imports) {
  if (window.Worker && document.querySelector("[{attr}]")) {
    try {
      const module = await new Promise((resolve, reject) => {
        const worker = new Worker("{worker}");
        worker.onmessage = (e) => {
          worker.terminate();
          if (e.data instanceof WebAssembly.Module) {
            resolve(e.data);
          } else {
            reject(new Error(e.data));
          }
        };
        worker.onerror = (e) => {
          worker.terminate();
          reject(new Error("compiling app.wasm in a worker: " + e.message));
        };
        worker.postMessage(url);
      });
      return { module, instance: await WebAssembly.instantiate(module, imports) };
    } catch (err) {
      console.warn(err);
    }
  }
  return WebAssembly.instantiateStreaming(fetch(url), imports);
}
`

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
