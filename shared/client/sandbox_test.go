//go:build !js

package client_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/cookiejar"
	"testing"
	"time"

	"github.com/campusweek/campusweek/internal/testbackend"
	usossandbox "github.com/campusweek/campusweek/server/sandbox/usos"
	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/client"
)

// TestAgainstTheSandbox drives every client method against the real
// backend: sign in with a PIN, read the week, make and revoke a feed.
func TestAgainstTheSandbox(t *testing.T) {
	url := testbackend.Start(t, "studies", "offline_access")
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
	pin, err := usossandbox.ApprovePIN(nil, start.AuthorizeURL, "123456")
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

	// A subscription is an authorization of its own (here with a PIN).
	start, err = c.Start(ctx, "uw", shared.StartRequest{Mode: shared.ModePIN, Purpose: shared.PurposeFeed})
	if err != nil {
		t.Fatal(err)
	}
	if pin, err = usossandbox.ApprovePIN(nil, start.AuthorizeURL, "123456"); err != nil {
		t.Fatal(err)
	}
	done, err = c.Complete(ctx, "uw", shared.CompleteRequest{PIN: pin})
	if err != nil || done.Feed == nil || !done.Feed.Revocable || !done.Session.SignedIn {
		t.Fatalf("feed %+v, %v", done, err)
	}
	resp, err = http.Get(done.Feed.URL) // no cookies, as calendar apps
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("feed: %v %v", resp, err)
	}
	resp.Body.Close()
	if err := c.RevokeFeed(ctx, done.Feed.URL); err != nil {
		t.Fatal(err)
	}
	if resp, err = http.Get(done.Feed.URL); err != nil || resp.StatusCode != http.StatusGone {
		t.Fatalf("revoked feed: %v %v", resp, err)
	}
	resp.Body.Close()
	// The session had an access of its own and stays signed in, until
	// signing out.
	if _, err := c.Timetable(ctx, monday, monday.AddDays(6)); err != nil {
		t.Fatalf("after revoking the feed: %v", err)
	}
	if err := c.Logout(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = c.Timetable(ctx, monday, monday.AddDays(6))
	var apiErr *shared.Error
	if !errors.As(err, &apiErr) || apiErr.Code != shared.CodeSignedOut {
		t.Fatalf("after signing out: %v", err)
	}
}
