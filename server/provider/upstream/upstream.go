// Package upstream holds the HTTP plumbing every provider shares: the
// outbound transport, response size caps, redirect refusal and the scrubbing
// of errors and links that come from a university's servers; one call path
// (API.Get) from a request to decoded JSON or a provider error; and reading
// a date range in concurrent windows (FetchWindows). A provider package
// keeps only its OAuth flavour, its endpoints and its decoding.
package upstream

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/campusweek/campusweek/server/provider"
)

// MaxBody caps what is read of any upstream response.
const MaxBody = 4 << 20

// ErrTooLarge reports a response over MaxBody.
var ErrTooLarge = errors.New("response too large")

// Transport is the default outbound transport. It keeps more idle
// connections per host than Go's default of 2, since every student of a
// university talks to the same installation, and bounds the wait for
// response headers.
var Transport http.RoundTripper = func() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	t.ResponseHeaderTimeout = 20 * time.Second
	return t
}()

// Client returns a client over rt (nil: Transport) that never follows
// redirects: an upstream redirect must not send signed requests or bearer
// tokens to another host.
func Client(rt http.RoundTripper) *http.Client {
	if rt == nil {
		rt = Transport
	}
	return &http.Client{Transport: rt, CheckRedirect: NoRedirects}
}

// NoRedirects is an http.Client CheckRedirect that returns redirects to the
// caller instead of following them.
func NoRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// ReadBody reads at most MaxBody bytes of resp's body.
func ReadBody(resp *http.Response) ([]byte, error) {
	if resp.ContentLength > MaxBody {
		return nil, ErrTooLarge // declared: no need to download it
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	if err != nil {
		return nil, err
	}
	if len(body) > MaxBody {
		return nil, ErrTooLarge
	}
	return body, nil
}

// Scrub describes a transport error without its URL, which may carry OAuth
// parameters or tokens.
func Scrub(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return "request failed"
}

// SafeURL keeps only absolute http(s) links, so a provider cannot inject
// javascript: or data: URLs into the PWA.
func SafeURL(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ""
	}
	return u.String()
}

// Clip shortens an upstream message for an error detail.
func Clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	// Cut on a rune boundary.
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// retryPause is the base pause before the one retry; the actual pause is
// jittered between 1x and 3x so that many clients failing together do not
// retry in lockstep.
var retryPause = 100 * time.Millisecond

// Retry runs an idempotent upstream call, and once more after a short
// jittered pause when it failed in a way a second attempt may fix: no
// response at all (a reset connection) or a 502, 503 or 504 from a gateway.
// Timeouts are not retried: the time budget is spent. call must build a
// fresh request each time (OAuth 1.0a needs a new nonce and signature).
func Retry(ctx context.Context, call func() error) error {
	err := call()
	if err == nil || !retryable(err) {
		return err
	}
	pause := retryPause + rand.N(2*retryPause)
	t := time.NewTimer(pause)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return err
	case <-t.C:
	}
	return call()
}

func retryable(err error) bool {
	var ue *provider.UpstreamError
	if !errors.As(err, &ue) {
		return false
	}
	switch ue.Status {
	case 0, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}
