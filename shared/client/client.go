// Package client is a small typed client for the CampusWeek HTTP API.
//
// It compiles for the browser (GOOS=js GOARCH=wasm), where it calls the API
// with the browser's fetch, and for native targets, where it uses net/http
// with a cookie jar. The browser build does not import net/http, which would
// add megabytes to app.wasm.
//
// Errors:
//   - a non-2xx answer of the API comes back as a *shared.Error (use
//     shared.ErrorOf or errors.As) carrying the stable error code;
//   - a failure to reach the backend at all (offline, DNS, connection
//     refused, CORS rejection, client timeout) wraps ErrUnreachable (use
//     errors.Is);
//   - a cancelled or expired context comes back as the context's error.
//
// In the browser every method blocks until the fetch settles, while the
// JavaScript event loop keeps running. Call the methods from a goroutine of
// their own (in go-app: inside ctx.Async), never from a js.FuncOf callback
// invoked by JavaScript, which would block the event loop and deadlock.
package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/campusweek/campusweek/shared"
)

// ErrUnreachable is wrapped by errors that mean the backend could not be
// reached at all: the device is offline, the server is down, the connection
// was refused or timed out. UIs typically say "you appear to be offline".
var ErrUnreachable = errors.New("campusweek api unreachable")

// maxResponseBytes bounds how much of a response body is read.
const maxResponseBytes = 16 << 20

// Client calls the CampusWeek API. It is safe for concurrent use.
type Client struct {
	base string // without a trailing slash; "" means same origin
	t    transport
	lang string // the Accept-Language of every request; "" leaves it to the platform
}

// transport performs one HTTP exchange. body is nil for requests without a
// body. It returns the status code and the (bounded) response body, an error
// wrapping ErrUnreachable when the server could not be reached, or the
// context's error when ctx ended first.
type transport interface {
	// lang, when not "", is sent as Accept-Language.
	roundTrip(ctx context.Context, method, url, lang string, body []byte) (status int, respBody []byte, err error)
}

// New returns a client for the API served at baseURL, e.g.
// "https://campusweek.example.edu". baseURL "" means the same origin as the
// page, which only works in the browser: native programs must give an
// absolute URL. A path in baseURL is kept as a prefix ("https://x/campus"
// calls "https://x/campus/api/...").
func New(baseURL string) *Client {
	base := baseURL
	for strings.HasSuffix(base, "/") { // strings.TrimRight would add its code to app.wasm
		base = base[:len(base)-1]
	}
	return &Client{base: base, t: newTransport(base)}
}

// WithLanguage returns a copy of c that asks for answers in lang, a BCP 47
// tag such as "pl": its requests send it as Accept-Language, and
// CalendarURL as the lang parameter, so that texts (course names, class
// types, messages, calendar files) come in that language where the
// university provides it. "" leaves the choice to the browser.
func (c *Client) WithLanguage(lang string) *Client {
	cc := *c
	cc.lang = lang
	return &cc
}

// Providers lists the universities a student can sign in with
// (GET /api/providers).
func (c *Client) Providers(ctx context.Context) ([]shared.Provider, error) {
	var ps []shared.Provider
	if err := c.do(ctx, "GET", "/api/providers", nil, nil, &ps); err != nil {
		return nil, err
	}
	return ps, nil
}

// Start begins signing in with a provider (POST /api/auth/{id}/start). The
// backend sets an HttpOnly flow cookie; send the browser to
// StartResponse.AuthorizeURL next.
func (c *Client) Start(ctx context.Context, providerID string, req shared.StartRequest) (shared.StartResponse, error) {
	var resp shared.StartResponse
	err := c.do(ctx, "POST", "/api/auth/"+url.PathEscape(providerID)+"/start", nil, req, &resp)
	return resp, err
}

// Complete finishes signing in (POST /api/auth/{id}/complete) with the query
// parameters the provider redirected back with, or with the PIN the student
// typed.
func (c *Client) Complete(ctx context.Context, providerID string, req shared.CompleteRequest) (shared.CompleteResponse, error) {
	var resp shared.CompleteResponse
	err := c.do(ctx, "POST", "/api/auth/"+url.PathEscape(providerID)+"/complete", nil, req, &resp)
	return resp, err
}

// Session reports whether the student is signed in (GET /api/session).
func (c *Client) Session(ctx context.Context) (shared.Session, error) {
	var s shared.Session
	err := c.do(ctx, "GET", "/api/session", nil, nil, &s)
	return s, err
}

// Logout ends the session (POST /api/auth/logout).
func (c *Client) Logout(ctx context.Context) error {
	// An empty JSON object, so the request carries a JSON body and
	// Content-Type like every other state-changing request.
	return c.do(ctx, "POST", "/api/auth/logout", nil, struct{}{}, nil)
}

// Timetable returns the events between from and to, both inclusive
// (GET /api/timetable?from=YYYY-MM-DD&to=YYYY-MM-DD).
func (c *Client) Timetable(ctx context.Context, from, to shared.Date) (shared.Timetable, error) {
	q := url.Values{}
	q.Set("from", from.String())
	q.Set("to", to.String())
	var tt shared.Timetable
	err := c.do(ctx, "GET", "/api/timetable", q, nil, &tt)
	return tt, err
}

// RevokeFeed ends a subscription address at the university
// (POST /api/feed/revoke). Addresses come from Complete after a Start with
// shared.PurposeFeed; each has an access of its own, so the session stays
// signed in.
func (c *Client) RevokeFeed(ctx context.Context, feedURL string) error {
	return c.do(ctx, "POST", "/api/feed/revoke", nil, shared.FeedRevokeRequest{URL: feedURL}, nil)
}

// CalendarURL is the address of the iCalendar download of [from, to]
// (GET /api/timetable.ics), for a link the browser follows with its
// session cookie, without the classes hidden by hide.
func (c *Client) CalendarURL(from, to shared.Date, hide ...shared.Hide) string {
	q := url.Values{"from": {from.String()}, "to": {to.String()}}
	if c.lang != "" {
		q.Set("lang", c.lang)
	}
	for _, h := range hide {
		q.Add(shared.HideParam, h.String())
	}
	return c.base + "/api/timetable.ics?" + q.Encode()
}

// do sends one request and decodes a 2xx JSON answer into out (when out is
// non-nil and the body is not empty) or a non-2xx answer into *shared.Error.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, in, out any) error {
	if ctx == nil {
		ctx = context.Background()
	}
	u := c.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var body []byte
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("client: encoding %s %s request: %w", method, path, err)
		}
		body = b
	}
	status, respBody, err := c.t.roundTrip(ctx, method, u, c.lang, body)
	if err != nil {
		return err
	}
	if status < 200 || status > 299 {
		return decodeError(status, respBody)
	}
	if out == nil || blank(respBody) {
		return nil
	}
	if err := json.Unmarshal(respBody, out); err != nil {
		return fmt.Errorf("client: decoding %s %s response: %w", method, path, err)
	}
	return nil
}

// blank reports whether b is empty or white space only, as bytes.TrimSpace
// sees it (which app.wasm would carry for this one use).
func blank(b []byte) bool {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if !unicode.IsSpace(r) {
			return false
		}
		b = b[n:]
	}
	return true
}

// decodeError turns a non-2xx answer into a *shared.Error. Answers that are
// not the API's JSON error envelope (a proxy's HTML error page, say) get a
// code derived from the status.
func decodeError(status int, body []byte) *shared.Error {
	var er shared.ErrorResponse
	if err := json.Unmarshal(body, &er); err == nil && er.Error.Code != "" {
		e := er.Error
		return &e
	}
	return &shared.Error{
		Code:    codeForStatus(status),
		Message: fmt.Sprintf("unexpected HTTP status %d without an API error body", status),
	}
}

func codeForStatus(status int) shared.ErrorCode {
	switch status {
	case 400:
		return shared.CodeBadRequest
	case 401:
		return shared.CodeSignedOut
	case 403:
		return shared.CodeForbidden
	case 404:
		return shared.CodeNotFound
	case 409:
		return shared.CodeUnsupported
	case 413:
		return shared.CodeTooLarge
	case 415:
		return shared.CodeUnsupportedMediaType
	case 429:
		return shared.CodeRateLimited
	case 502, 503:
		return shared.CodeUpstream
	case 504:
		return shared.CodeUpstreamTimeout
	}
	if status >= 400 && status < 500 {
		return shared.CodeBadRequest
	}
	return shared.CodeInternal
}
