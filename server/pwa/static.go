package pwa

import (
	"compress/gzip"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/andybalholm/brotli"
)

// webFiles resolves /web/ paths for go-app and serves them from dir. (The
// app.LocalDir resolver serves {dir}/web/..., and resolves to URLs with dir
// in them, so it only works for the directory "web" itself.) Paths without
// a version (which the app's own components use) are served too, and
// revalidated on every use.
//
// Files are referenced by versioned URLs, /{version}/web/{name}: a version
// never changes, so browsers may keep them for a year without asking
// again, and a deploy is a new set of URLs.
//
// dir is read once, at start (see indexWebDir): a rebuild of the web app
// needs a restart, as it needs a new version.
type webFiles struct {
	dir     string
	version string
	// encodings lists, per file, the precompressed copies (name.br,
	// name.gz) found at start to match the file, best first.
	encodings map[string][]encoding
}

// encoding is a Content-Encoding with the extension of its precompressed
// copies.
type encoding struct {
	name, ext string
	newReader func(io.Reader) (io.Reader, error)
	newWriter func(io.Writer) (io.WriteCloser, error) // at its strongest
}

// encodings the server serves, best first.
var (
	encBrotli = encoding{"br", ".br",
		func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil },
		func(w io.Writer) (io.WriteCloser, error) {
			return brotli.NewWriterLevel(w, brotli.BestCompression), nil
		},
	}
	encGzip = encoding{"gzip", ".gz",
		func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) },
		func(w io.Writer) (io.WriteCloser, error) { return gzip.NewWriterLevel(w, gzip.BestCompression) },
	}
	encodingsByPreference = []encoding{encBrotli, encGzip}
)

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

// serveFile serves the regular file name (slash-separated, relative to dir)
// with the right Content-Type, preferring a precompressed copy the client
// accepts. Directories, dotfiles and Go sources are not served. immutable
// files (requested under the current version) may be cached for a year;
// others are revalidated. The strong ETag is the version, per encoding,
// since each encoding is other bytes.
func (f *webFiles) serveFile(w http.ResponseWriter, r *http.Request, name string, immutable bool) {
	if !allowGetHead(w, r) {
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
	accept := r.Header.Get("Accept-Encoding")
	for _, enc := range f.encodings[name] {
		if !acceptsEncoding(accept, enc.name) {
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

// allowGetHead answers anything but GET and HEAD with 405.
func allowGetHead(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	return false
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

// webIndex is what the server serves from the web directory.
type webIndex struct {
	// digest hashes the names and contents of every file served (the
	// precompressed copies that are served included), in a stable order.
	digest [sha256.Size]byte
	// encodings lists the precompressed copies that match their file.
	encodings map[string][]encoding
	// skipped lists precompressed copies that do not match, as names
	// relative to dir.
	skipped []string
}

// indexWebDir reads dir: it hashes the files it serves and checks each
// precompressed copy (name.br, name.gz) by decompressing it and comparing
// it with its file. A copy that does not match (left over from an earlier
// build, say after building app.wasm by hand) is skipped, and the file is
// served as it is: a stale copy would ship old code under the new version.
// Comparing contents, not modification times, also holds for copied files.
func indexWebDir(dir string) (*webIndex, error) {
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
		if !servable(rel) {
			return nil
		}
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() { // follows symlinks, like serving
			names = append(names, rel)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(names)

	idx := &webIndex{encodings: make(map[string][]encoding)}
	sum := sha256.New()
	for _, name := range names {
		p := filepath.Join(dir, filepath.FromSlash(name))
		src, err := hashFile(p)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(sum, "%s\x00%x\x00", name, src.sum)
		for _, enc := range encodingsByPreference {
			ok, copySum, err := checkCompressed(p+enc.ext, enc, src)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				continue
			case err != nil:
				return nil, err
			case !ok:
				idx.skipped = append(idx.skipped, name+enc.ext)
				continue
			}
			idx.encodings[name] = append(idx.encodings[name], enc)
			// The copy's own bytes: its ETag promises them.
			fmt.Fprintf(sum, "%s\x00%x\x00", name+enc.ext, copySum)
		}
	}
	sum.Sum(idx.digest[:0])
	return idx, nil
}

// fileSum is the size and SHA-256 of a file's contents.
type fileSum struct {
	size int64
	sum  [sha256.Size]byte
}

func hashFile(name string) (fileSum, error) {
	file, err := os.Open(name)
	if err != nil {
		return fileSum{}, err
	}
	defer file.Close()
	h := sha256.New()
	n, err := io.Copy(h, file)
	if err != nil {
		return fileSum{}, fmt.Errorf("reading %s: %w", name, err)
	}
	s := fileSum{size: n}
	h.Sum(s.sum[:0])
	return s, nil
}

// checkCompressed reports whether the file name, compressed with enc,
// decompresses to exactly want, and the SHA-256 of its compressed bytes.
// A missing file is fs.ErrNotExist; a corrupt one is merely no match.
func checkCompressed(name string, enc encoding, want fileSum) (bool, [sha256.Size]byte, error) {
	var copySum [sha256.Size]byte
	file, err := os.Open(name)
	if err != nil {
		return false, copySum, err
	}
	defer file.Close()
	if st, err := file.Stat(); err != nil || !st.Mode().IsRegular() {
		return false, copySum, err
	}
	compressed := sha256.New()
	zr, err := enc.newReader(io.TeeReader(file, compressed))
	if err != nil {
		return false, copySum, nil
	}
	plain := sha256.New()
	// Read at most one byte more than the file: enough to tell a longer
	// stream, and a bound on a corrupt one.
	n, err := io.Copy(plain, io.LimitReader(zr, want.size+1))
	if err != nil || n != want.size || [sha256.Size]byte(plain.Sum(nil)) != want.sum {
		return false, copySum, nil
	}
	// Nothing may follow the compressed stream.
	if extra, err := io.Copy(io.Discard, zr); err != nil || extra != 0 {
		return false, copySum, nil
	}
	if rest, err := io.Copy(compressed, file); err != nil {
		return false, copySum, fmt.Errorf("reading %s: %w", name, err)
	} else if rest != 0 {
		return false, copySum, nil
	}
	compressed.Sum(copySum[:0])
	return true, copySum, nil
}

// warnSkipped logs the precompressed copies that are not served.
func (idx *webIndex) warnSkipped(log *slog.Logger, dir string) {
	for _, name := range idx.skipped {
		log.Warn("pwa: a precompressed file does not match its source, serving the source uncompressed; "+
			"rebuild with `make build` (or run `go run ./server/cmd/precompress` on the source)",
			"file", filepath.Join(dir, filepath.FromSlash(name)))
	}
	if len(idx.encodings["app.wasm"]) == 0 && !slices.ContainsFunc(idx.skipped, func(name string) bool {
		return strings.HasPrefix(name, "app.wasm.")
	}) {
		log.Warn("pwa: app.wasm has no precompressed copy, so it is served uncompressed (about 5 times larger); "+
			"build with `make build`", "dir", dir)
	}
}
