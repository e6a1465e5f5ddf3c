// Package sandboxtest has what the sandbox installations' tests share: a
// settable clock and a browser that shows every redirect hop.
package sandboxtest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// Clock is a settable clock, safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock standing at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves the clock by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Page is a fetched response with its body read.
type Page struct {
	Status int
	Header http.Header
	Body   string
}

// Browser makes requests to a test server without following redirects,
// so that tests see each hop. Any failure to fetch fails the test.
type Browser struct {
	T      *testing.T
	Client *http.Client // does not follow redirects
}

// NewBrowser returns a browser for srv.
func NewBrowser(t *testing.T, srv *httptest.Server) Browser {
	c := *srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return Browser{T: t, Client: &c}
}

// Do sends req and reads the reply.
func (b *Browser) Do(req *http.Request) Page {
	b.T.Helper()
	resp, err := b.Client.Do(req)
	if err != nil {
		b.T.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.T.Fatal(err)
	}
	return Page{resp.StatusCode, resp.Header, string(body)}
}

// Get fetches u.
func (b *Browser) Get(u string) Page {
	b.T.Helper()
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		b.T.Fatal(err)
	}
	return b.Do(req)
}

// PostForm submits form to u as a browser submits an HTML form.
func (b *Browser) PostForm(u string, form url.Values) Page {
	b.T.Helper()
	req, err := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	if err != nil {
		b.T.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.Do(req)
}

// Parts of a consent page: its anti-CSRF field and its form's action.
var (
	CSRF       = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	FormAction = regexp.MustCompile(`<form method="post" action="([^"]+)"`)
)
