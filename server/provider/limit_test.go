package provider_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/campusweek/campusweek/server/config"
	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/server/provider/mytimetable"
	"github.com/campusweek/campusweek/server/provider/usos"
	"github.com/campusweek/campusweek/shared"
)

// heldUniversity answers every call with an empty timetable, once the test
// lets it go, and counts the calls waiting at once.
type heldUniversity struct {
	release chan struct{}
	mu      sync.Mutex
	waiting int
}

func (u *heldUniversity) RoundTrip(req *http.Request) (*http.Response, error) {
	u.mu.Lock()
	u.waiting++
	u.mu.Unlock()
	<-u.release
	return &http.Response{StatusCode: http.StatusOK, Request: req, Body: io.NopCloser(strings.NewReader("[]"))}, nil
}

// A long read fans out into several calls at once; the configured bound
// on calls in flight at the university holds against that, at both kinds
// of university.
func TestMaxConcurrentRequests(t *testing.T) {
	const limit = 2
	for _, tc := range []struct {
		kind  shared.ProviderKind
		make  func(config.Provider, http.RoundTripper) provider.Provider
		creds provider.Credentials
	}{
		{shared.KindUSOS, func(c config.Provider, rt http.RoundTripper) provider.Provider {
			c.ConsumerKey, c.ConsumerSecret = "key", "secret"
			return usos.New(c, usos.Options{HTTPClient: &http.Client{Transport: rt}})
		}, provider.Credentials{Token: "t", Secret: "s"}},
		{shared.KindMyTimetable, func(c config.Provider, rt http.RoundTripper) provider.Provider {
			c.ClientID, c.ClientSecret = "cw", "s3cret"
			return mytimetable.New(c, mytimetable.Options{HTTPClient: &http.Client{Transport: rt}})
		}, provider.Credentials{Token: "t"}},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				u := &heldUniversity{release: make(chan struct{})}
				base, err := config.ParseBaseURL("https://university.example/")
				if err != nil {
					t.Fatal(err)
				}
				p := tc.make(config.Provider{ID: "uni", Kind: tc.kind, Name: "Uni", BaseURL: base, MaxConcurrentRequests: limit}, u)
				from := shared.Date{Year: 2026, Month: 9, Day: 7}
				done := make(chan error, 1)
				go func() {
					creds := tc.creds
					_, err := p.Timetable(context.Background(), &creds, from, from.AddDays(189))
					done <- err
				}()
				synctest.Wait()
				u.mu.Lock()
				if u.waiting != limit {
					t.Errorf("%d calls in flight at once, want %d", u.waiting, limit)
				}
				u.mu.Unlock()
				close(u.release)
				if err := <-done; err != nil {
					t.Fatal(err)
				}
			})
		})
	}
}
