package pwa

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// compress returns src compressed with enc.
func compress(t *testing.T, enc encoding, src []byte) []byte {
	t.Helper()
	b, err := compressBytes(enc, src)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// precompress writes dir/name+ext, the compressed src, as `make build`
// does, and returns its bytes.
func precompress(t *testing.T, dir, name string, enc encoding, src []byte) []byte {
	t.Helper()
	b := compress(t, enc, src)
	if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)+enc.ext), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return b
}

// A precompressed copy that does not match its file (app.wasm built again
// by hand, without precompressing it) is never served: brotli and gzip
// clients would get the old app under the new version.
func TestStalePrecompressedIsSkipped(t *testing.T) {
	dir := webDir(t)
	oldWasm := append([]byte(nil), fakeWasm...)
	precompress(t, dir, "app.wasm", encBrotli, oldWasm)
	precompress(t, dir, "app.wasm", encGzip, oldWasm)
	css, err := os.ReadFile(filepath.Join(dir, "app.css"))
	if err != nil {
		t.Fatal(err)
	}
	cssBr := precompress(t, dir, "app.css", encBrotli, css)

	newWasm := append(append([]byte(nil), fakeWasm...), " rebuilt"...)
	if err := os.WriteFile(filepath.Join(dir, "app.wasm"), newWasm, 0o644); err != nil {
		t.Fatal(err)
	}
	// Newer than the file, as after a copy: modification times decide nothing.
	future := time.Now().Add(time.Hour)
	for _, ext := range []string{".br", ".gz"} {
		if err := os.Chtimes(filepath.Join(dir, "app.wasm"+ext), future, future); err != nil {
			t.Fatal(err)
		}
	}

	var logs bytes.Buffer
	h, err := NewHandler(Options{WebDir: dir, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	version := h.(*handler).web.version
	for _, target := range []string{"/web/app.wasm", "/" + version + "/web/app.wasm"} {
		r := get(t, h, target, "Accept-Encoding", "gzip, deflate, br, zstd")
		if b := body(t, r); r.StatusCode != 200 || r.Header.Get("Content-Encoding") != "" ||
			r.Header.Get("ETag") != `"`+version+`"` || b != string(newWasm) {
			t.Errorf("GET %s = %d, encoding %q, ETag %q, body %q; want the rebuilt file as it is",
				target, r.StatusCode, r.Header.Get("Content-Encoding"), r.Header.Get("ETag"), b)
		}
	}
	for _, want := range []string{"app.wasm.br", "app.wasm.gz", "does not match"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the log does not mention %q:\n%s", want, logs.String())
		}
	}
	if strings.Contains(logs.String(), "app.css") {
		t.Errorf("a matching copy is reported:\n%s", logs.String())
	}
	// A copy that matches is still served.
	r := get(t, h, "/web/app.css", "Accept-Encoding", "br")
	if b := body(t, r); r.Header.Get("Content-Encoding") != "br" || b != string(cssBr) {
		t.Errorf("app.css: encoding %q, %d bytes", r.Header.Get("Content-Encoding"), len(b))
	}

	// A replica with the same files but without the stale copies serves the
	// same bytes, so it has the same version.
	for _, ext := range []string{".br", ".gz"} {
		if err := os.Remove(filepath.Join(dir, "app.wasm"+ext)); err != nil {
			t.Fatal(err)
		}
	}
	if v := newHandler(t, dir).(*handler).web.version; v != version {
		t.Errorf("version %s without the stale copies, %s with them", v, version)
	}
}

// Which copies count as matching their file.
func TestCheckCompressed(t *testing.T) {
	src := bytes.Repeat([]byte("timetable "), 1000)
	dir := t.TempDir()
	name := filepath.Join(dir, "f")
	if err := os.WriteFile(name, src, 0o644); err != nil {
		t.Fatal(err)
	}
	want, err := hashFile(name)
	if err != nil {
		t.Fatal(err)
	}
	for _, enc := range encodingsByPreference {
		good := compress(t, enc, src)
		for _, tc := range []struct {
			what  string
			bytes []byte
			match bool
		}{
			{"the file compressed", good, true},
			{"another file", compress(t, enc, append(src[:len(src)-1:len(src)-1], 'X')), false},
			{"a prefix of the file", compress(t, enc, src[:len(src)-1]), false},
			{"the file and more", compress(t, enc, append(src[:len(src):len(src)], '!')), false},
			{"empty", compress(t, enc, nil), false},
			{"truncated", good[:len(good)-4], false},
			{"followed by garbage", append(good[:len(good):len(good)], "garbage"...), false},
			{"not compressed", src, false},
			{"an empty file", nil, false},
		} {
			if err := os.WriteFile(name+enc.ext, tc.bytes, 0o644); err != nil {
				t.Fatal(err)
			}
			ok, _, err := checkCompressed(name+enc.ext, enc, want)
			if err != nil || ok != tc.match {
				t.Errorf("%s, %s: match %v, %v; want %v", enc.name, tc.what, ok, err, tc.match)
			}
		}
	}
	if _, _, err := checkCompressed(filepath.Join(dir, "none.br"), encBrotli, want); !os.IsNotExist(err) {
		t.Errorf("a missing copy: %v, want not exist", err)
	}
}

// A precompressed copy without its file is not served either.
func TestOrphanPrecompressedIsNotServed(t *testing.T) {
	dir := webDir(t)
	precompress(t, dir, "old.js", encBrotli, []byte("console.log('old')"))
	h := newHandler(t, dir)
	if r := get(t, h, "/web/old.js", "Accept-Encoding", "br"); r.StatusCode != 404 {
		t.Errorf("GET /web/old.js = %d, want 404", r.StatusCode)
	}
}
