package usos

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/campusweek/campusweek/server/sandbox/internal/web"
)

// This file is the RFC 5849 (OAuth 1.0a) part of the sandbox: parsing the
// protocol parameters, building the signature base string and checking an
// HMAC-SHA1 signature. It knows nothing about tokens or USOS; auth.go puts it
// to work.
//
// It deliberately follows the RFC rather than any one client: repeated
// parameter names and empty values are kept (RFC 5849 3.4.1.3), because a
// verifier that keeps only the first value, or drops empty ones, would accept
// requests that a real installation rejects, hiding client bugs.

// percentEncode encodes s as RFC 5849 3.6 requires: every byte except the
// RFC 3986 unreserved set (ALPHA, DIGIT, "-", ".", "_", "~") becomes %XX
// with upper-case hex digits. url.QueryEscape is not the same thing: it
// turns spaces into "+" and leaves "~" encoded.
func percentEncode(s string) string {
	const hex = "0123456789ABCDEF"
	n := 0
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// parseAuthorization parses an HTTP Authorization header value with the
// OAuth scheme (RFC 5849 3.5.1): `OAuth realm="x", oauth_nonce="a%2Bb", ...`.
// ok is false, with no error, when the header uses another scheme. Names and
// values are percent-decoded; values must be quoted strings (RFC 5849 says
// so, and an unquoted value usually means a hand-rolled client with other
// bugs too). A name given twice is an error (RFC 5849 3.2: duplicated
// protocol parameters get 400).
func parseAuthorization(h string) (params []web.Param, ok bool, err error) {
	h = strings.TrimLeft(h, " \t")
	scheme, rest, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "OAuth") {
		return nil, false, nil
	}
	seen := map[string]bool{}
	s := rest
	for {
		s = strings.TrimLeft(s, " \t,")
		if s == "" {
			return params, true, nil
		}
		if len(params) == web.MaxParams {
			return nil, true, web.ErrTooManyParams
		}
		i := 0
		for i < len(s) && isTokenChar(s[i]) {
			i++
		}
		if i == 0 {
			return nil, true, fmt.Errorf("expected a parameter name at %q", web.Clip(s))
		}
		rawName := s[:i]
		s = strings.TrimLeft(s[i:], " \t")
		if !strings.HasPrefix(s, "=") {
			return nil, true, fmt.Errorf("parameter %q has no value", web.Clip(rawName))
		}
		s = strings.TrimLeft(s[1:], " \t")
		rawValue, after, err := cutQuoted(s)
		if err != nil {
			return nil, true, fmt.Errorf("parameter %q: %w", web.Clip(rawName), err)
		}
		s = strings.TrimLeft(after, " \t")
		if s != "" && s[0] != ',' {
			return nil, true, fmt.Errorf("expected ',' after parameter %q", web.Clip(rawName))
		}
		name, err := url.PathUnescape(rawName)
		if err != nil {
			return nil, true, fmt.Errorf("parameter name %q: %w", web.Clip(rawName), err)
		}
		// PathUnescape, unlike QueryUnescape, keeps "+" as "+": RFC 5849
		// 3.6 encoding never produces "+" for a space.
		value, err := url.PathUnescape(rawValue)
		if err != nil {
			return nil, true, fmt.Errorf("parameter %q: %w", web.Clip(name), err)
		}
		if seen[name] {
			return nil, true, fmt.Errorf("parameter %q given more than once", web.Clip(name))
		}
		seen[name] = true
		params = append(params, web.Param{Name: name, Value: value})
	}
}

// cutQuoted reads an RFC 7230 quoted-string at the start of s and returns
// its content (quoted-pairs resolved) and the rest of s.
func cutQuoted(s string) (content, rest string, err error) {
	if !strings.HasPrefix(s, `"`) {
		return "", "", errors.New("value is not a quoted string")
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return b.String(), s[i+1:], nil
		case '\\':
			if i+1 == len(s) {
				return "", "", errors.New("unterminated quoted string")
			}
			i++
			b.WriteByte(s[i])
		default:
			if c < 0x20 && c != '\t' || c == 0x7f {
				return "", "", errors.New("control character in quoted string")
			}
			b.WriteByte(c)
		}
	}
	return "", "", errors.New("unterminated quoted string")
}

// isTokenChar reports whether c may appear in an RFC 7230 token.
func isTokenChar(c byte) bool {
	if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' {
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// baseStringURI builds the base string URI of RFC 5849 3.4.1.2: scheme and
// host lower-cased, the port dropped only when it is the scheme's default,
// and the path exactly as the client sent it (still escaped), without the
// query.
func baseStringURI(scheme, host, escapedPath string) string {
	scheme = strings.ToLower(scheme)
	host = strings.ToLower(host)
	if h, port, err := net.SplitHostPort(host); err == nil {
		if scheme == "http" && port == "80" || scheme == "https" && port == "443" {
			host = h
			if strings.Contains(h, ":") {
				host = "[" + h + "]" // IPv6 literal
			}
		}
	}
	if escapedPath == "" {
		escapedPath = "/"
	}
	return scheme + "://" + host + escapedPath
}

// signatureBaseString builds the RFC 5849 3.4.1.1 base string from the
// request method, the base string URI and every collected parameter. The
// caller passes the parameters of the query, of a form body and of the
// Authorization header (without realm); oauth_signature is skipped here
// wherever it came from. Pairs are sorted by encoded name, then encoded
// value (3.4.1.3.2), so repeated names keep all their values.
func signatureBaseString(method, uri string, params []web.Param) string {
	type pair struct{ name, value string }
	enc := make([]pair, 0, len(params))
	for _, p := range params {
		if p.Name == "oauth_signature" {
			continue
		}
		enc = append(enc, pair{percentEncode(p.Name), percentEncode(p.Value)})
	}
	slices.SortFunc(enc, func(a, b pair) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		return strings.Compare(a.value, b.value)
	})
	var norm strings.Builder
	for i, p := range enc {
		if i > 0 {
			norm.WriteByte('&')
		}
		norm.WriteString(p.name)
		norm.WriteByte('=')
		norm.WriteString(p.value)
	}
	return strings.ToUpper(method) + "&" + percentEncode(uri) + "&" + percentEncode(norm.String())
}

// signHMACSHA1 returns the base64 HMAC-SHA1 signature of RFC 5849 3.4.2,
// keyed with the encoded consumer secret and token secret joined by "&"
// (the "&" stays when the token secret is empty).
func signHMACSHA1(base, consumerSecret, tokenSecret string) string {
	mac := hmac.New(sha1.New, []byte(percentEncode(consumerSecret)+"&"+percentEncode(tokenSecret)))
	mac.Write([]byte(base))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// checkHMACSHA1 reports whether signature is the HMAC-SHA1 of base. It
// compares the canonical base64 text in constant time, so a forged
// signature cannot be found byte by byte from response timings, and
// non-canonical base64 spellings are refused.
func checkHMACSHA1(base, consumerSecret, tokenSecret, signature string) bool {
	want := signHMACSHA1(base, consumerSecret, tokenSecret)
	return subtle.ConstantTimeCompare([]byte(want), []byte(signature)) == 1
}
