package upstream

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/provider"
)

func TestSafeURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://usosweb.uw.edu.pl/kontroler.php?_action=x": "https://usosweb.uw.edu.pl/kontroler.php?_action=x",
		" http://example.org/a ":                            "http://example.org/a",
		"javascript:alert(1)":                               "",
		"data:text/html,<script>":                           "",
		"//evil.example/":                                   "",
		"/relative":                                         "",
		"https:///nohost":                                   "",
		"":                                                  "",
	} {
		if got := SafeURL(in); got != want {
			t.Errorf("SafeURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClip(t *testing.T) {
	if got := Clip("  short ", 10); got != "short" {
		t.Errorf("Clip = %q", got)
	}
	if got := Clip("zażółć gęślą", 3); got != "za…" {
		t.Errorf("Clip cut inside a rune: %q", got)
	}
}

func TestReadBodyCap(t *testing.T) {
	resp := &http.Response{Body: io.NopCloser(strings.NewReader(strings.Repeat("x", MaxBody+1)))}
	if _, err := ReadBody(resp); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the cap: %v", err)
	}
	resp = &http.Response{Body: io.NopCloser(strings.NewReader(`{"a":1}`))}
	if b, err := ReadBody(resp); err != nil || string(b) != `{"a":1}` {
		t.Errorf("ReadBody = %q, %v", b, err)
	}
	// A declared size over the cap is refused before a byte is read.
	body := &countingReader{r: strings.NewReader("{}")}
	resp = &http.Response{ContentLength: MaxBody + 1, Body: io.NopCloser(body)}
	if _, err := ReadBody(resp); !errors.Is(err, ErrTooLarge) || body.n != 0 {
		t.Errorf("declared over the cap: %v after reading %d bytes", err, body.n)
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestRetry(t *testing.T) {
	retryPause = time.Millisecond
	for _, tc := range []struct {
		name  string
		first error
		calls int
	}{
		{"success", nil, 1},
		{"reset connection", &provider.UpstreamError{Detail: "no response"}, 2},
		{"503", &provider.UpstreamError{Status: 503}, 2},
		{"502", &provider.UpstreamError{Status: 502}, 2},
		{"500", &provider.UpstreamError{Status: 500}, 1},
		{"malformed JSON", &provider.UpstreamError{Status: 200}, 1},
		{"timeout", provider.ErrTimeout, 1},
		{"signed out", provider.ErrSignedOut, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			err := Retry(context.Background(), func() error {
				calls++
				if calls == 1 {
					return tc.first
				}
				return nil
			})
			if calls != tc.calls {
				t.Errorf("%d calls, want %d", calls, tc.calls)
			}
			if tc.calls == 2 && err != nil {
				t.Errorf("the retry's success was lost: %v", err)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls := 0
	err := Retry(ctx, func() error { calls++; return &provider.UpstreamError{Status: 503} })
	if calls != 1 || err == nil {
		t.Errorf("retried after the request was cancelled: %d calls, %v", calls, err)
	}
}
