package mytimetable

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/config"
	"github.com/campusweek/campusweek/server/provider"
	sandbox "github.com/campusweek/campusweek/server/sandbox/mytimetable"
	"github.com/campusweek/campusweek/shared"
)

// publicSandbox is a sandbox installation over real HTTP, requiring the
// API tokens given (none: anonymous), and a provider for it configured
// with apiToken. It records the headers of the calls it gets.
func publicSandbox(t *testing.T, tokens []string, apiToken string) (*Provider, func() []http.Header) {
	t.Helper()
	var mu sync.Mutex
	var seen []http.Header
	sb := sandbox.New(sandbox.Config{APITokens: tokens})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		mu.Unlock()
		sb.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	base, err := config.ParseBaseURL(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	p := New(config.Provider{ID: "tud", Kind: shared.KindMyTimetable, Name: "TU", BaseURL: base,
		ClientID: "c", ClientSecret: "s", APIToken: apiToken}, Options{})
	return p, func() []http.Header {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(seen)
	}
}

func thisTerm() (shared.Date, shared.Date) {
	monday := shared.DateOf(time.Now()).Monday()
	return monday.AddDays(-14), monday.AddDays(13)
}

func TestPublicReadsAgainstSandbox(t *testing.T) {
	p, headers := publicSandbox(t, nil, "")
	ctx := context.Background()
	rooms, err := p.Rooms(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := shared.PublicMatch{Type: shared.PublicRoom, ID: "location!DW-IZ2", Name: "IZ 2", Building: "Drebbelweg", BuildingID: "Drebbelweg"}
	if !slices.Contains(rooms, want) {
		t.Errorf("rooms %+v lack %+v", rooms, want)
	}
	for _, tc := range []struct {
		kind     shared.PublicKind
		q, id    string
		wantName string
	}{
		{shared.PublicCourse, "calculus", "module!WI1421LR", "WI1421LR Calculus"},
		{shared.PublicLecturer, "de vries", "staff!JDV", "Dr. J. de Vries (JdV)"},
	} {
		got, err := p.PublicSearch(ctx, tc.kind, tc.q)
		if err != nil || len(got) != 1 || got[0].ID != tc.id || got[0].Name != tc.wantName {
			t.Errorf("%s search %q = %+v, %v", tc.kind, tc.q, got, err)
		}
	}
	from, to := thisTerm()
	for _, tc := range []struct {
		kind  shared.PublicKind
		id    string
		check func(shared.Event) bool
	}{
		{shared.PublicRoom, "location!DW-IZ2", func(e shared.Event) bool { return e.Building == "Drebbelweg" && e.Room == "IZ 2" }},
		{shared.PublicCourse, "module!WI1421LR", func(e shared.Event) bool { return e.Course == "WI1421LR" }},
		{shared.PublicLecturer, "staff!JDV", func(e shared.Event) bool { return slices.Contains(e.Lecturers, "Dr. J. de Vries (JdV)") }},
	} {
		events, err := p.PublicTimetable(ctx, tc.kind, tc.id, from, to)
		if err != nil || len(events) == 0 {
			t.Fatalf("%s %s: %d events, %v", tc.kind, tc.id, len(events), err)
		}
		for _, e := range events {
			if !tc.check(e) {
				t.Errorf("%s %s: event %+v does not belong", tc.kind, tc.id, e)
			}
		}
	}
	if _, err := p.PublicTimetable(ctx, shared.PublicRoom, "location!NOPE", from, to); !errors.Is(err, provider.ErrNoSuchTimetable) {
		t.Errorf("unknown room: %v, want ErrNoSuchTimetable", err)
	}
	for _, h := range headers() {
		if h.Get("Authorization") != "" || h.Get("apiToken") != "" {
			t.Errorf("a public read sent credentials: %v", h)
		}
	}
}

// An installation that requires an API token refuses public reads without
// it and answers them with it; the token goes in the apiToken header.
func TestPublicAPIToken(t *testing.T) {
	ctx := context.Background()
	p, _ := publicSandbox(t, []string{"inst-token"}, "")
	if _, err := p.Rooms(ctx); !errors.Is(err, provider.ErrSignedOut) {
		t.Errorf("without the API token: %v, want refused (401)", err)
	}
	p, headers := publicSandbox(t, []string{"inst-token"}, "inst-token")
	if _, err := p.Rooms(ctx); err != nil {
		t.Fatalf("with the API token: %v", err)
	}
	for _, h := range headers() {
		if h.Get("apiToken") != "inst-token" || h.Get("Authorization") != "" {
			t.Errorf("headers %v: want apiToken only", h)
		}
	}
}
