package mytimetable

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/config"
	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/shared"
)

func newProviderAt(t *testing.T, baseURL string) *Provider {
	t.Helper()
	base, err := config.ParseBaseURL(baseURL + "/")
	if err != nil {
		t.Fatal(err)
	}
	return New(config.Provider{ID: "tud", Kind: shared.KindMyTimetable, Name: "TU", BaseURL: base,
		ClientID: "cw", ClientSecret: "s3cret", Scopes: []string{"user_read", "profile_read"}}, Options{})
}

// tokenRequest is what a token endpoint saw of one request.
type tokenRequest struct {
	authorization string
	query         string
	form          url.Values
}

// recordingTokenServer answers token requests with a fixed status and body
// and remembers every request.
type recordingTokenServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []tokenRequest
	status   int
	body     string
}

func newRecordingTokenServer(t *testing.T) *recordingTokenServer {
	s := &recordingTokenServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/oauth/token" {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`[]`))
			return
		}
		r.ParseForm()
		s.mu.Lock()
		s.requests = append(s.requests, tokenRequest{r.Header.Get("Authorization"), r.URL.RawQuery, r.PostForm})
		status, body := s.status, s.body
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write([]byte(body))
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *recordingTokenServer) answer(status int, body string) []tokenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status, s.body = status, body
	seen := s.requests
	s.requests = nil
	return seen
}

// MyTimetable reads client_id and client_secret from the form body. The
// secret must never travel as HTTP Basic auth, and each code (single use)
// or refresh must cost exactly one request: x/oauth2's auto-detection
// would try Basic first and, when refused, send the code a second time.
func TestTokenRequestsSendCredentialsInTheBody(t *testing.T) {
	s := newRecordingTokenServer(t)
	p := newProviderAt(t, s.URL)
	flow := provider.Flow{Token: "the-state", Callback: "https://cw.example/auth/callback/tud"}
	exchange := func() error {
		_, err := p.Complete(context.Background(), flow, provider.CompleteInput{Params: map[string]string{"code": "the-code", "state": "the-state"}})
		return err
	}
	refreshTokens := 0
	refresh := func() error {
		// A new refresh token each time: a recent result for the same one
		// would be reused without a token request.
		refreshTokens++
		creds := &provider.Credentials{Token: "old", Refresh: "refresh-token-" + strconv.Itoa(refreshTokens), Expiry: time.Now().Add(-time.Minute)}
		_, err := p.Timetable(context.Background(), creds, week[0], week[0])
		return err
	}
	const ok = `{"access_token":"tok","token_type":"bearer","expires_in":3600,"refresh_token":"ref"}`
	for _, tc := range []struct {
		name   string
		call   func() error
		grant  string
		status int
		body   string
	}{
		{"code accepted", exchange, "authorization_code", 200, ok},
		{"code refused", exchange, "authorization_code", 400, `{"error":"invalid_grant"}`},
		{"client refused", exchange, "authorization_code", 401, `{"error":"invalid_client"}`},
		{"server error", exchange, "authorization_code", 500, `{"error":"server_error"}`},
		{"refresh accepted", refresh, "refresh_token", 200, ok},
		{"refresh refused", refresh, "refresh_token", 400, `{"error":"invalid_grant"}`},
		{"refresh, client refused", refresh, "refresh_token", 401, `{"error":"invalid_client"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s.answer(tc.status, tc.body)
			err := tc.call()
			if (err == nil) != (tc.status == 200) {
				t.Errorf("err = %v with a %d reply", err, tc.status)
			}
			reqs := s.answer(0, "")
			if len(reqs) != 1 {
				t.Fatalf("%d token requests, want exactly 1", len(reqs))
			}
			r := reqs[0]
			if r.authorization != "" {
				t.Errorf("Authorization %q: the client credentials must go in the form body only", r.authorization)
			}
			if r.form.Get("client_id") != "cw" || r.form.Get("client_secret") != "s3cret" || r.form.Get("grant_type") != tc.grant {
				t.Errorf("form %v lacks the client credentials or the grant type", r.form)
			}
			if r.query != "" {
				t.Errorf("query %q: nothing belongs in the token URL", r.query)
			}
		})
	}
}

// An installation answering with a redirect to another host must not make
// the backend send its bearer token, a code or the client secret there.
func TestRedirectsAreNotFollowed(t *testing.T) {
	var hits atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"access_token":"evil","token_type":"bearer","username":"evil"}`))
	}))
	t.Cleanup(target.Close)
	flow := provider.Flow{Token: "the-state", Callback: "https://cw.example/auth/callback/tud"}
	for _, status := range []int{http.StatusFound, http.StatusTemporaryRedirect} {
		origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target.URL+r.URL.RequestURI(), status)
		}))
		t.Cleanup(origin.Close)
		p := newProviderAt(t, origin.URL)
		for _, c := range []struct {
			name string
			call func() error
		}{
			{"code exchange", func() error {
				_, err := p.Complete(context.Background(), flow, provider.CompleteInput{Params: map[string]string{"code": "c", "state": "the-state"}})
				return err
			}},
			{"refresh", func() error {
				creds := &provider.Credentials{Token: "t", Refresh: "r", Expiry: time.Now().Add(-time.Minute)}
				_, err := p.Timetable(context.Background(), creds, week[0], week[0])
				return err
			}},
			{"user", func() error {
				_, err := p.User(context.Background(), &provider.Credentials{Token: "t"})
				return err
			}},
			{"timetable", func() error {
				_, err := p.Timetable(context.Background(), &provider.Credentials{Token: "t"}, week[0], week[0])
				return err
			}},
		} {
			t.Run(http.StatusText(status)+"/"+c.name, func(t *testing.T) {
				hits.Store(0)
				err := c.call()
				if n := hits.Load(); n != 0 {
					t.Fatalf("the redirect was followed: %d requests reached the other host", n)
				}
				var ue *provider.UpstreamError
				if !errors.As(err, &ue) {
					t.Errorf("err = %v, want an upstream error", err)
				}
			})
		}
	}
}
