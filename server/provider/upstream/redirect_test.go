package upstream

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// redirector is a university whose every answer is a redirect to another
// host, and that other host, which counts what reaches it.
type redirector struct {
	origin *httptest.Server
	target *httptest.Server
	hits   atomic.Int32
}

func newRedirector(t *testing.T, status int) *redirector {
	t.Helper()
	r := &redirector{}
	r.target = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		r.hits.Add(1)
		w.Write([]byte(`{"stolen":true}`))
	}))
	t.Cleanup(r.target.Close)
	r.origin = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		http.Redirect(w, req, r.target.URL+req.URL.Path, status)
	}))
	t.Cleanup(r.origin.Close)
	return r
}

// An upstream redirect must come back to the caller as the response: a
// followed redirect would carry a signed request, a bearer token or a client
// secret to a host nobody configured.
func TestClientRefusesRedirects(t *testing.T) {
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			t.Run(http.StatusText(status)+" "+method, func(t *testing.T) {
				r := newRedirector(t, status)
				var body *strings.Reader
				if method == http.MethodPost {
					body = strings.NewReader("client_secret=s3cret")
				} else {
					body = strings.NewReader("")
				}
				req, err := http.NewRequest(method, r.origin.URL+"/oauth/token", body)
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Authorization", "Bearer tok")
				resp, err := Client(nil).Do(req)
				if err != nil {
					t.Fatalf("a redirect must be returned, not an error: %v", err)
				}
				resp.Body.Close()
				if resp.StatusCode != status {
					t.Errorf("status %d, want the redirect itself (%d)", resp.StatusCode, status)
				}
				if n := r.hits.Load(); n != 0 {
					t.Errorf("the redirect was followed: %d requests reached the other host", n)
				}
			})
		}
	}
}
