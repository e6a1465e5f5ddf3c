// Package web is the HTTP plumbing both sandbox installations share: form
// parameters decoded the way OAuth signs them, JSON objects that keep
// their key order, the consent pages and redirects of the browser side of
// a sign-in, and the random strings handed out as credentials.
package web

import (
	"crypto/rand"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// MaxBodyBytes bounds a form body. Sandbox calls carry a few short
// parameters.
const MaxBodyBytes = 64 << 10

// Param is one decoded name/value pair. Order and repetition are kept.
type Param struct {
	Name, Value string
}

// MaxParams bounds how many pairs one query string, body or header may
// hold, so that sorting and encoding stay cheap whatever a caller sends.
const MaxParams = 256

// ParseForm decodes an application/x-www-form-urlencoded string (a query
// string or a form body) as RFC 5849 3.4.1.3.1 asks: every pair in order,
// repeated names and empty values included, "+" meaning space. Empty
// segments ("a=1&&b=2") carry no pair and are skipped, as browsers and
// net/url do. A malformed escape is an error rather than being skipped:
// skipping it would make a server sign something other than the client.
// More than MaxParams pairs are ErrTooManyParams.
func ParseForm(s string) ([]Param, error) {
	var out []Param
	for s != "" {
		var pair string
		pair, s, _ = strings.Cut(s, "&")
		if pair == "" {
			continue
		}
		if len(out) == MaxParams {
			return nil, ErrTooManyParams
		}
		rawName, rawValue, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(rawName)
		if err != nil {
			return nil, fmt.Errorf("parameter name: %w", err)
		}
		value, err := url.QueryUnescape(rawValue)
		if err != nil {
			return nil, fmt.Errorf("parameter %q: %w", name, err)
		}
		out = append(out, Param{name, value})
	}
	return out, nil
}

// ErrTooManyParams is the error for a query string, body or header that
// holds more than MaxParams parameters.
var ErrTooManyParams = errors.New("too many parameters")

// First returns the first value of name in ps, or "".
func First(ps []Param, name string) string {
	for _, p := range ps {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

// IsForm reports whether r has a body of media type
// application/x-www-form-urlencoded, parameters such as charset
// notwithstanding.
func IsForm(r *http.Request) bool {
	if r.Body == nil || r.Body == http.NoBody {
		return false
	}
	media, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && media == "application/x-www-form-urlencoded"
}

// Clip shortens s for error messages, so that a huge parameter does not
// end up whole in a reply.
func Clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// RandomString returns n characters from [A-Za-z0-9], uniformly, from
// crypto/rand: tokens, secrets, codes and verifiers must be unguessable,
// and this alphabet needs no escaping anywhere (URLs, headers, forms).
func RandomString(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	buf := make([]byte, 2*n)
	for i := 0; i < n; {
		rand.Read(buf) // never fails (Go 1.24+: crashes the program instead)
		for _, c := range buf {
			// 248 = 4*62: reject the tail so that every character is
			// equally likely.
			if c < 248 && i < n {
				b[i] = alphabet[int(c)%len(alphabet)]
				i++
			}
		}
	}
	return string(b)
}
