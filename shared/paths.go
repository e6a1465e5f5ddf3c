package shared

import (
	"errors"
	"net/url"
	"strings"
)

// Paths and ranges the backend and its clients agree on. Each is written
// here once; the server routes by them and the PWA builds and checks
// addresses with them.

// CallbackPathPrefix is where a university sends the browser back after a
// redirect-mode sign-in: {public_url}/auth/callback/{provider ID}.
const CallbackPathPrefix = "/auth/callback/"

// CallbackPath returns the callback path of the provider with ID id.
func CallbackPath(id string) string { return CallbackPathPrefix + id }

// SignInPathPrefix is where the sign-in page's form for a university
// posts to start signing in without the app: /auth/start/{provider ID}.
const SignInPathPrefix = "/auth/start/"

// SignInPath returns the sign-in form's path of the provider with ID id.
func SignInPath(id string) string { return SignInPathPrefix + id }

// FeedPathPrefix and FeedFileName frame the sealed value of a calendar
// subscription address: {public_url}/feed/{sealed}/campusweek.ics.
const (
	FeedPathPrefix = "/feed/"
	FeedFileName   = "campusweek.ics"
)

// FeedPath returns the path of the subscription address that carries the
// sealed value token.
func FeedPath(token string) string { return FeedPathPrefix + token + "/" + FeedFileName }

// FeedToken returns the sealed value of a subscription address's path, and
// whether the path has the shape FeedPath makes. It checks only the shape:
// the backend decides whether the value opens.
func FeedToken(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, FeedPathPrefix)
	if !ok {
		return "", false
	}
	token, ok := strings.CutSuffix(rest, "/"+FeedFileName)
	if !ok || token == "" || strings.Contains(token, "/") {
		return "", false
	}
	return token, true
}

// ExportWeeks is the range of a calendar download when none is asked for:
// the current week and the 15 after it, about a term.
const ExportWeeks = 16

// MaxReturnToLen bounds StartRequest.ReturnTo.
const MaxReturnToLen = 1024

// ErrReturnTo reports a return_to that is not a path on this site.
var ErrReturnTo = errors.New("return_to must be a path on this site, starting with a single /")

// CleanReturnTo checks that s is a path on the site that serves the API
// ("/", "/?week=2026-11-23"), so that signing in can never be turned into
// an open redirect. It returns s exactly as it checked it ("/" when s is
// empty), or ErrReturnTo.
//
// Accepted values resolve to the same origin however a URL parser or a
// browser treats them: s starts with a single "/"; it holds no control
// characters, whitespace or backslashes (browsers drop tabs and newlines
// and read "\" as "/", which would turn "/\t/evil" or "/\evil" into
// "//evil"); its path holds no encoded slash or backslash (%2F, %5C), which
// a later decoding could turn into "//", no encoded control character,
// and no "." or ".." segment.
func CleanReturnTo(s string) (string, error) {
	if s == "" {
		return "/", nil
	}
	if len(s) > MaxReturnToLen || s[0] != '/' || strings.HasPrefix(s, "//") {
		return "", ErrReturnTo
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == '\\' || r == '\uFFFD' {
			return "", ErrReturnTo
		}
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return "", ErrReturnTo
	}
	rawPath, _, _ := strings.Cut(s, "?")
	rawPath, _, _ = strings.Cut(rawPath, "#")
	lower := strings.ToLower(rawPath)
	if strings.Contains(lower, "%2f") || strings.Contains(lower, "%5c") {
		return "", ErrReturnTo
	}
	if strings.ContainsFunc(u.Path, func(r rune) bool { return r < ' ' || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == '\\' }) {
		return "", ErrReturnTo // encoded: "%09", "%5C" once decoded
	}
	for seg := range strings.SplitSeq(u.Path, "/") {
		if seg == ".." || seg == "." {
			return "", ErrReturnTo
		}
	}
	return s, nil
}
