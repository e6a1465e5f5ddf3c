//go:build !js

package client_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/api"
	"github.com/campusweek/campusweek/server/config"
	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/server/provider/usos"
	"github.com/campusweek/campusweek/server/sandbox"
	"github.com/campusweek/campusweek/server/seal"
	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/client"
)

// backend runs the real API on loopback against the sandbox USOS.
func backend(t *testing.T) string {
	t.Helper()
	sb := httptest.NewServer(sandbox.NewUSOS(sandbox.USOSConfig{Consumers: map[string]string{"k": "s"}}))
	t.Cleanup(sb.Close)
	base, err := config.ParseBaseURL(sb.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sealer, _ := seal.New(bytes.Repeat([]byte{4}, seal.KeySize))
	srv, err := api.New(api.Options{
		PublicURL: &url.URL{Scheme: "http", Host: ln.Addr().String()},
		Providers: []provider.Provider{usos.New(config.Provider{ID: "uw", Kind: shared.KindUSOS, Name: "Sandbox University",
			BaseURL: base, ConsumerKey: "k", ConsumerSecret: "s", Scopes: []string{"studies", "offline_access"}}, usos.Options{})},
		Sealer: sealer,
	})
	if err != nil {
		t.Fatal(err)
	}
	h := httptest.NewUnstartedServer(srv)
	h.Listener.Close()
	h.Listener = ln
	h.Start()
	t.Cleanup(h.Close)
	return h.URL
}

// TestAgainstTheSandbox drives every client method against the real
// backend: sign in with a PIN, read the week, make and revoke a feed.
func TestAgainstTheSandbox(t *testing.T) {
	url := backend(t)
	jar, _ := cookiejar.New(nil)
	c := client.NewWithHTTPClient(url, &http.Client{Jar: jar, Timeout: 10 * time.Second})
	ctx := context.Background()

	ps, err := c.Providers(ctx)
	if err != nil || len(ps) != 1 || ps[0].ID != "uw" {
		t.Fatalf("providers %v, %v", ps, err)
	}
	start, err := c.Start(ctx, "uw", shared.StartRequest{Mode: shared.ModePIN})
	if err != nil {
		t.Fatal(err)
	}
	pin, err := sandbox.ApprovePIN(nil, start.AuthorizeURL, "123456")
	if err != nil {
		t.Fatal(err)
	}
	done, err := c.Complete(ctx, "uw", shared.CompleteRequest{PIN: pin})
	if err != nil || done.Session.User.Name != "Anna Kowalska" {
		t.Fatalf("complete %+v, %v", done, err)
	}
	if s, err := c.Session(ctx); err != nil || !s.SignedIn {
		t.Fatalf("session %+v, %v", s, err)
	}
	monday := shared.DateOf(time.Now()).Monday()
	tt, err := c.Timetable(ctx, monday, monday.AddDays(6))
	if err != nil || len(tt.Events) == 0 || tt.From != monday {
		t.Fatalf("timetable %d events, %v", len(tt.Events), err)
	}
	resp, err := (&http.Client{Jar: jar}).Get(c.CalendarURL(monday, monday.AddDays(6)))
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/calendar; charset=utf-8" {
		t.Fatalf("calendar download: %v %v", resp, err)
	}
	resp.Body.Close()

	feed, err := c.CreateFeed(ctx)
	if err != nil || !feed.Revocable {
		t.Fatalf("feed %+v, %v", feed, err)
	}
	if err := c.RevokeFeed(ctx, feed.URL); err != nil {
		t.Fatal(err)
	}
	// Revoking the feed ended the access it shared with the session.
	_, err = c.Timetable(ctx, monday, monday.AddDays(6))
	var apiErr *shared.Error
	if !errors.As(err, &apiErr) || apiErr.Code != shared.CodeSignedOut {
		t.Fatalf("after revoking: %v", err)
	}
}
