// Command precompress writes name.br (brotli) and name.gz (gzip) next to
// each named file, at the strongest settings: they are built once and
// served many times, so build time buys download time on students' phones.
// The server picks one by Accept-Encoding.
//
//	go run ./server/cmd/precompress web/app.wasm web/app.css
package main

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/andybalholm/brotli"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: precompress FILE...")
		os.Exit(2)
	}
	for _, name := range os.Args[1:] {
		if err := compress(name); err != nil {
			fmt.Fprintln(os.Stderr, "precompress:", err)
			os.Exit(1)
		}
	}
}

func compress(name string) error {
	src, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	encoders := []struct {
		ext string
		new func(io.Writer) (io.WriteCloser, error)
	}{
		{".br", func(w io.Writer) (io.WriteCloser, error) {
			return brotli.NewWriterOptions(w, brotli.WriterOptions{Quality: brotli.BestCompression, LGWin: 24}), nil
		}},
		{".gz", func(w io.Writer) (io.WriteCloser, error) { return gzip.NewWriterLevel(w, gzip.BestCompression) }},
	}
	for _, enc := range encoders {
		if err := write(name+enc.ext, src, enc.new); err != nil {
			return err
		}
	}
	return nil
}

// write compresses src into dst through a temporary file, so that a
// server reading web/ never sees half a file.
func write(dst string, src []byte, newWriter func(io.Writer) (io.WriteCloser, error)) error {
	tmp, err := os.CreateTemp(filepath.Dir(dst), filepath.Base(dst)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	zw, err := newWriter(tmp)
	if err != nil {
		tmp.Close()
		return err
	}
	if _, err := zw.Write(src); err != nil {
		tmp.Close()
		return fmt.Errorf("%s: %w", dst, err)
	}
	if err := zw.Close(); err != nil {
		tmp.Close()
		return fmt.Errorf("%s: %w", dst, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}
