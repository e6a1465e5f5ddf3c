package mytimetable

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/config"
	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/shared"
)

// fakeServer is a minimal MyTimetable: one valid access token at a time,
// a refresh endpoint, and an empty timetable. The strict sandbox in
// server/sandbox/mytimetable covers the whole flow; this checks the
// client's own bookkeeping.
type fakeServer struct {
	*httptest.Server
	mu        sync.Mutex
	valid     string
	refresh   string
	refreshes atomic.Int32
	calls     atomic.Int32
}

func newFake(t testing.TB) *fakeServer {
	f := &fakeServer{valid: "tok-1", refresh: "ref-1"}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		if r.PostFormValue("client_secret") != "s3cret" || r.PostFormValue("client_id") != "cw" {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error":"invalid_client"}`))
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch r.PostFormValue("grant_type") {
		case "refresh_token":
			if r.PostFormValue("refresh_token") != f.refresh {
				w.WriteHeader(http.StatusBadRequest)
				w.Write([]byte(`{"error":"invalid_grant","error_description":"bad refresh token"}`))
				return
			}
			f.refreshes.Add(1)
			f.valid = "tok-" + string(rune('1'+f.refreshes.Load()))
		case "authorization_code":
			if r.PostFormValue("code") != "good-code" || r.PostFormValue("redirect_uri") != "https://cw.example/auth/callback/tud" {
				w.WriteHeader(http.StatusBadRequest)
				w.Write([]byte(`{"error":"invalid_grant"}`))
				return
			}
		}
		w.Write([]byte(`{"access_token":"` + f.valid + `","token_type":"bearer","expires_in":3600,"refresh_token":"` + f.refresh + `","scope":"user_read profile_read"}`))
	})
	mux.HandleFunc("GET /api/v0/timetable", func(w http.ResponseWriter, r *http.Request) {
		f.calls.Add(1)
		f.mu.Lock()
		ok := r.Header.Get("Authorization") == "Bearer "+f.valid
		f.mu.Unlock()
		if r.Header.Get("Accept") != "application/json" {
			w.Header().Set("Content-Type", "application/xml")
			w.Write([]byte(`<events/>`))
			return
		}
		if !ok {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"errorType":"unauthorized","errorMessage":"bad token","status":"error"}`))
			return
		}
		w.Write([]byte(`[]`))
	})
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

func newProvider(t testing.TB, f *fakeServer) *Provider {
	base, err := config.ParseBaseURL(f.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	return New(config.Provider{ID: "tud", Kind: shared.KindMyTimetable, Name: "TU", BaseURL: base,
		ClientID: "cw", ClientSecret: "s3cret", Scopes: []string{"user_read", "profile_read"}}, Options{})
}

var week = [2]shared.Date{{Year: 2026, Month: 11, Day: 23}, {Year: 2027, Month: 1, Day: 31}} // 10 weeks: 3 windows

func TestStartState(t *testing.T) {
	p := newProvider(t, newFake(t))
	authURL, flow, err := p.Start(context.Background(), "https://cw.example/auth/callback/tud")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(authURL)
	q := u.Query()
	if u.Path != "/oauth/authorize" || q.Get("response_type") != "code" || q.Get("client_id") != "cw" ||
		q.Get("redirect_uri") != "https://cw.example/auth/callback/tud" || q.Get("scope") != "user_read profile_read" {
		t.Errorf("authorize URL %s", authURL)
	}
	if q.Get("state") != flow.Token || len(flow.Token) < 20 || q.Has("client_secret") || strings.Contains(authURL, "s3cret") {
		t.Errorf("state %q in %s", flow.Token, authURL)
	}
	_, flow2, _ := p.Start(context.Background(), "https://cw.example/auth/callback/tud")
	if flow2.Token == flow.Token {
		t.Error("two sign-ins got the same state")
	}
	if _, _, err := p.Start(context.Background(), ""); err == nil {
		t.Error("PIN mode accepted")
	}
}

func TestComplete(t *testing.T) {
	p := newProvider(t, newFake(t))
	flow := provider.Flow{Token: "the-state", Callback: "https://cw.example/auth/callback/tud"}
	for _, tc := range []struct {
		name   string
		params map[string]string
		want   error
	}{
		{"no state", map[string]string{"code": "good-code"}, provider.ErrFlow},
		{"wrong state", map[string]string{"code": "good-code", "state": "other"}, provider.ErrFlow},
		{"denied", map[string]string{"error": "access_denied", "state": "the-state"}, provider.ErrDenied},
		{"denied with a forged state", map[string]string{"error": "access_denied", "state": "x"}, provider.ErrFlow},
		{"no code", map[string]string{"state": "the-state"}, provider.ErrFlow},
		{"spent code", map[string]string{"code": "old-code", "state": "the-state"}, provider.ErrFlow},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.Complete(context.Background(), flow, provider.CompleteInput{Params: tc.params})
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
	var ue *provider.UpstreamError
	_, err := p.Complete(context.Background(), flow, provider.CompleteInput{Params: map[string]string{"error": "invalid_scope<script>", "state": "the-state"}})
	if !errors.As(err, &ue) || strings.Contains(err.Error(), "<") {
		t.Errorf("authorization server error: %v", err)
	}
	creds, err := p.Complete(context.Background(), flow, provider.CompleteInput{Params: map[string]string{"code": "good-code", "state": "the-state"}})
	if err != nil {
		t.Fatal(err)
	}
	if creds.Token != "tok-1" || creds.Refresh != "ref-1" || time.Until(creds.Expiry) < 59*time.Minute || len(creds.Scopes) != 2 {
		t.Errorf("credentials %+v", creds)
	}
}

func TestRefreshOnceForConcurrentWindows(t *testing.T) {
	f := newFake(t)
	p := newProvider(t, f)
	f.mu.Lock()
	f.valid = "tok-9" // the session's token was revoked upstream
	f.mu.Unlock()
	creds := &provider.Credentials{Token: "tok-1", Refresh: "ref-1", Expiry: time.Now().Add(time.Hour)}
	if _, err := p.Timetable(context.Background(), creds, week[0], week[1]); err != nil {
		t.Fatal(err)
	}
	if n := f.refreshes.Load(); n != 1 {
		t.Errorf("%d refreshes for one request, want 1", n)
	}
	if creds.Token == "tok-1" || creds.Refresh != "ref-1" {
		t.Errorf("credentials not updated in place: %+v", creds)
	}
}

func TestRefreshExpiredUpFront(t *testing.T) {
	f := newFake(t)
	p := newProvider(t, f)
	f.mu.Lock()
	f.valid = "tok-9"
	f.mu.Unlock()
	creds := &provider.Credentials{Token: "tok-1", Refresh: "ref-1", Expiry: time.Now().Add(-time.Minute)}
	if _, err := p.Timetable(context.Background(), creds, week[0], week[1]); err != nil {
		t.Fatal(err)
	}
	if f.refreshes.Load() != 1 || f.calls.Load() != 3 {
		t.Errorf("%d refreshes, %d calls; want 1 and 3 (no call with the expired token)", f.refreshes.Load(), f.calls.Load())
	}
}

func TestSignedOutWhenRefreshFails(t *testing.T) {
	f := newFake(t)
	p := newProvider(t, f)
	f.mu.Lock()
	f.valid, f.refresh = "tok-9", "ref-2" // both revoked
	f.mu.Unlock()
	for name, creds := range map[string]*provider.Credentials{
		"refused refresh":           {Token: "tok-1", Refresh: "ref-1"},
		"no refresh token":          {Token: "tok-1"},
		"expired, no refresh token": {Token: "tok-1", Expiry: time.Now().Add(-time.Hour)},
	} {
		if _, err := p.Timetable(context.Background(), creds, week[0], week[0]); !errors.Is(err, provider.ErrSignedOut) {
			t.Errorf("%s: err = %v, want signed out", name, err)
		}
	}
}

// FuzzCallbackParams feeds arbitrary callback parameters to Complete: it
// must never panic, and it may only succeed with the flow's own state.
func FuzzCallbackParams(f *testing.F) {
	fake := newFake(f)
	p := newProvider(f, fake)
	flow := provider.Flow{Token: "the-state", Callback: "https://cw.example/auth/callback/tud"}
	f.Add("good-code", "the-state", "")
	f.Add("", "the-state", "access_denied")
	f.Add("x", "", "server_error")
	f.Add("good-code", "the-statE", "")
	f.Fuzz(func(t *testing.T, code, state, e string) {
		params := map[string]string{"code": code, "state": state, "error": e}
		_, err := p.Complete(context.Background(), flow, provider.CompleteInput{Params: params})
		if err == nil && (state != "the-state" || e != "" || code != "good-code") {
			t.Fatalf("signed in with %v", params)
		}
	})
}
