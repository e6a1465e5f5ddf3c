package pwa

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"reflect"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// clientDigest hashes what go-app makes for the client out of h's
// settings: the files of generatedPaths as served, the worker compiling
// app.wasm (compileWorkerJS), and the settings themselves, which the
// pages' head is made of. (The head cannot be hashed as rendered: go-app
// writes attributes in random order.)
func clientDigest(h *app.Handler) ([sha256.Size]byte, error) {
	var digest [sha256.Size]byte
	sum := sha256.New()
	for _, p := range generatedPaths {
		b, err := render(h, p)
		if err == nil {
			b, err = adjustGenerated(h, p, b)
		}
		if err != nil {
			return digest, err
		}
		fmt.Fprintf(sum, "%s\x00%d\x00", p, len(b))
		sum.Write(b)
	}
	fmt.Fprintf(sum, "%s\x00%d\x00%s", compileWorkerPath, len(compileWorkerJS), compileWorkerJS)
	if err := hashSettings(sum, h); err != nil {
		return digest, err
	}
	sum.Sum(digest[:0])
	return digest, nil
}

// hashSettings writes every data field of h by name, as JSON, so that a
// setting added later is covered without a change here. Left out:
// functions (HTML, Body), which cannot be hashed and which appHandler does
// not set; Resources, the resolver, whose results the generated files
// show; and Version, which is what the digest is for.
func hashSettings(w io.Writer, h *app.Handler) error {
	v := reflect.ValueOf(h).Elem()
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if !f.IsExported() || f.Type.Kind() == reflect.Func {
			continue
		}
		switch f.Name {
		case "Version", "Resources":
			continue
		case "Libraries":
			// Interfaces: what they give the page is their styles.
			for _, lib := range h.Libraries {
				path, styles := lib.Styles()
				fmt.Fprintf(w, "Libraries\x00%q\x00%d\x00%s", path, len(styles), styles)
			}
			continue
		}
		b, err := json.Marshal(v.Field(i).Interface())
		if err != nil {
			return fmt.Errorf("hashing the setting %s: %w", f.Name, err)
		}
		fmt.Fprintf(w, "%s\x00%d\x00", f.Name, len(b))
		w.Write(b)
	}
	return nil
}
