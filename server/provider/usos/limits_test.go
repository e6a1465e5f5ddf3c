package usos

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/config"
	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/server/provider/upstream"
	"github.com/campusweek/campusweek/shared"
)

// The protections of the outbound side that a mistake could silently drop:
// no redirect is followed, token calls are bounded in time and size.

func newTestProvider(t *testing.T, baseURL string, opts Options) *Provider {
	t.Helper()
	base, err := config.ParseBaseURL(baseURL + "/")
	if err != nil {
		t.Fatal(err)
	}
	return New(config.Provider{ID: "uw", Kind: shared.KindUSOS, BaseURL: base,
		ConsumerKey: "key", ConsumerSecret: "consumer-secret", Scopes: []string{"studies"}}, opts)
}

var (
	testFlow   = provider.Flow{Token: "req-token", Secret: "req-secret", Callback: "https://cw.example/auth/callback/uw"}
	testParams = provider.CompleteInput{Params: map[string]string{"oauth_token": "req-token", "oauth_verifier": "verifier"}}
	testCreds  = provider.Credentials{Token: "access-token", Secret: "access-secret"}
)

// calls are every kind of outbound request a USOS provider makes.
var calls = []struct {
	name string
	call func(context.Context, *Provider) error
}{
	{"request token", func(ctx context.Context, p *Provider) error {
		_, _, err := p.Start(ctx, "https://cw.example/auth/callback/uw")
		return err
	}},
	{"request token, PIN mode", func(ctx context.Context, p *Provider) error {
		_, _, err := p.Start(ctx, "")
		return err
	}},
	{"access token", func(ctx context.Context, p *Provider) error {
		_, err := p.Complete(ctx, testFlow, testParams)
		return err
	}},
	{"user", func(ctx context.Context, p *Provider) error {
		creds := testCreds
		_, err := p.User(ctx, &creds)
		return err
	}},
	{"timetable", func(ctx context.Context, p *Provider) error {
		creds := testCreds
		d := shared.Date{Year: 2026, Month: 11, Day: 23}
		_, err := p.Timetable(ctx, &creds, d, d.AddDays(6))
		return err
	}},
	{"revoke", func(ctx context.Context, p *Provider) error {
		creds := testCreds
		return p.Revoke(ctx, &creds)
	}},
}

// An installation answering with a redirect to another host must not make
// the backend send its signed request (consumer key, token, signature) or
// anything else there, on the token endpoints and on API calls alike.
func TestRedirectsAreNotFollowed(t *testing.T) {
	var hits atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		// What a hostile host would answer, so that a followed redirect
		// would even succeed.
		w.Write([]byte("oauth_token=evil&oauth_token_secret=evil&oauth_callback_confirmed=true"))
	}))
	t.Cleanup(target.Close)
	for _, status := range []int{http.StatusFound, http.StatusTemporaryRedirect} {
		origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target.URL+r.URL.RequestURI(), status)
		}))
		t.Cleanup(origin.Close)
		p := newTestProvider(t, origin.URL, Options{})
		for _, c := range calls {
			t.Run(http.StatusText(status)+"/"+c.name, func(t *testing.T) {
				hits.Store(0)
				err := c.call(context.Background(), p)
				if n := hits.Load(); n != 0 {
					t.Fatalf("the redirect was followed: %d requests reached the other host", n)
				}
				if err == nil {
					t.Fatal("a redirect was taken for success")
				}
				var ue *provider.UpstreamError
				if !errors.As(err, &ue) || ue.Status != status {
					t.Errorf("err = %v, want an upstream error with status %d", err, status)
				}
			})
		}
	}
}

// The token calls go through dghubble/oauth1, which uses
// http.DefaultClient (no timeout) unless given a client: a hung token
// endpoint must still fail within the call timeout.
func TestHungTokenEndpointTimesOut(t *testing.T) {
	var hits atomic.Int32
	release := make(chan struct{})
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(hung.Close)
	t.Cleanup(func() { close(release) }) // runs first: unblock, then close
	p := newTestProvider(t, hung.URL, Options{CallTimeout: 50 * time.Millisecond})
	for _, c := range calls[:3] { // the token calls
		t.Run(c.name, func(t *testing.T) {
			hits.Store(0)
			done := make(chan error, 1)
			go func() { done <- c.call(context.Background(), p) }()
			select {
			case err := <-done:
				if !errors.Is(err, provider.ErrTimeout) {
					t.Errorf("err = %v, want a timeout", err)
				}
				if hits.Load() != 1 {
					t.Errorf("%d requests, want 1", hits.Load())
				}
			case <-time.After(10 * time.Second): // far beyond the 50 ms call timeout
				t.Fatal("a hung token endpoint hangs the sign-in")
			}
		})
	}
}

// A token endpoint answering more than upstream.MaxBody is refused, even
// when what it sends starts like a valid reply.
func TestOversizedTokenResponse(t *testing.T) {
	var huge atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
		w.Write([]byte("oauth_token=tok&oauth_token_secret=sec&oauth_callback_confirmed=true"))
		if huge.Load() {
			w.Write([]byte("&padding="))
			chunk := []byte(strings.Repeat("a", 64<<10))
			for written := 0; written <= upstream.MaxBody; written += len(chunk) {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}
	}))
	t.Cleanup(srv.Close)
	p := newTestProvider(t, srv.URL, Options{})
	for _, c := range calls[:3] {
		t.Run(c.name, func(t *testing.T) {
			huge.Store(false)
			if err := c.call(context.Background(), p); err != nil {
				t.Fatalf("a reply of normal size: %v", err)
			}
			huge.Store(true)
			err := c.call(context.Background(), p)
			var ue *provider.UpstreamError
			if !errors.As(err, &ue) {
				t.Fatalf("a reply over %d bytes: err = %v, want an upstream error", upstream.MaxBody, err)
			}
		})
	}
}

// The same cap on API replies, for a reply that is valid JSON: only its
// size gives it away.
func TestOversizedAPIResponse(t *testing.T) {
	var huge atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte("["))
		if huge.Load() {
			chunk := []byte(strings.Repeat(`{"type":"classgroup"},`, 1<<12))
			for written := 0; written <= upstream.MaxBody; written += len(chunk) {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
			w.Write([]byte(`{}`))
		}
		w.Write([]byte("]"))
	}))
	t.Cleanup(srv.Close)
	p := newTestProvider(t, srv.URL, Options{})
	d := shared.Date{Year: 2026, Month: 11, Day: 23}
	if _, err := p.Timetable(context.Background(), &provider.Credentials{Token: "t", Secret: "s"}, d, d); err != nil {
		t.Fatalf("a reply of normal size: %v", err)
	}
	huge.Store(true)
	_, err := p.Timetable(context.Background(), &provider.Credentials{Token: "t", Secret: "s"}, d, d)
	var ue *provider.UpstreamError
	if !errors.As(err, &ue) {
		t.Fatalf("a reply over %d bytes: err = %v, want an upstream error", upstream.MaxBody, err)
	}
}
