//go:build !(js && wasm)

package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"time"
)

// DefaultTimeout bounds a whole request of a client made by New outside the
// browser.
const DefaultTimeout = 30 * time.Second

// NewWithHTTPClient returns a client for the API at baseURL (absolute, e.g.
// "http://localhost:8080") that sends its requests with hc. hc should have a
// cookie jar, since the API keeps the sign-in flow and the session in
// cookies. A nil hc gets the same defaults as New: a fresh cookie jar and
// DefaultTimeout.
func NewWithHTTPClient(baseURL string, hc *http.Client) *Client {
	c := New(baseURL)
	if hc != nil {
		c.t = &httpTransport{hc: hc}
	}
	return c
}

func newTransport(string) transport {
	jar, _ := cookiejar.New(nil) // never fails with nil options
	return &httpTransport{hc: &http.Client{Jar: jar, Timeout: DefaultTimeout}}
}

type httpTransport struct {
	hc *http.Client
}

func (t *httpTransport) roundTrip(ctx context.Context, method, url, lang string, body []byte) (int, []byte, error) {
	if err := ctx.Err(); err != nil {
		return 0, nil, err
	}
	if len(url) == 0 || url[0] == '/' {
		return 0, nil, fmt.Errorf("client: %s %s: outside the browser the base URL must be absolute (client.New(\"https://...\"))", method, url)
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, nil, fmt.Errorf("client: %s %s: %w", method, url, err)
	}
	req.Header.Set("Accept", "application/json")
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := t.hc.Do(req)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return 0, nil, fmt.Errorf("client: %s %s: %w", method, url, ctxErr)
		}
		return 0, nil, fmt.Errorf("%w: %s %s: %w", ErrUnreachable, method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return 0, nil, fmt.Errorf("client: %s %s: %w", method, url, ctxErr)
		}
		return 0, nil, fmt.Errorf("%w: reading %s %s: %w", ErrUnreachable, method, url, err)
	}
	if len(b) > maxResponseBytes {
		return 0, nil, errors.New("client: " + method + " " + url + ": response body too large")
	}
	return resp.StatusCode, b, nil
}
