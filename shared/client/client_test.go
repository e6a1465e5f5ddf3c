//go:build !(js && wasm)

package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/client"
)

type recorded struct {
	Method, Path, RawPath, RawQuery, ContentType, Accept string
	AcceptLanguage                                       string
	Body                                                 string
	Cookie                                               string
}

// fakeAPI serves canned answers and records what it was sent.
type fakeAPI struct {
	mu   sync.Mutex
	reqs []recorded
	mux  *http.ServeMux
}

func newFakeAPI(t *testing.T) (*fakeAPI, *httptest.Server) {
	t.Helper()
	f := &fakeAPI{mux: http.NewServeMux()}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		cookie := ""
		if c, err := r.Cookie("flow"); err == nil {
			cookie = c.Value
		}
		f.mu.Lock()
		f.reqs = append(f.reqs, recorded{
			Method: r.Method, Path: r.URL.Path, RawPath: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery,
			ContentType: r.Header.Get("Content-Type"), Accept: r.Header.Get("Accept"),
			AcceptLanguage: r.Header.Get("Accept-Language"),
			Body:           string(b), Cookie: cookie,
		})
		f.mu.Unlock()
		f.mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeAPI) last(t *testing.T) recorded {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.reqs) == 0 {
		t.Fatal("no request recorded")
	}
	return f.reqs[len(f.reqs)-1]
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func TestProviders(t *testing.T) {
	f, srv := newFakeAPI(t)
	f.mux.HandleFunc("GET /api/providers", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, []shared.Provider{
			{ID: "uw", Kind: shared.KindUSOS, Name: "University of Warsaw"},
			{ID: "demo", Kind: shared.KindMyTimetable, Name: "Demo University", Demo: true},
		})
	})
	c := client.New(srv.URL + "/") // trailing slash is tolerated
	ps, err := c.Providers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || ps[0].ID != "uw" || ps[1].Kind != shared.KindMyTimetable || !ps[1].Demo {
		t.Fatalf("providers = %+v", ps)
	}
	if r := f.last(t); r.Path != "/api/providers" || r.Accept != "application/json" {
		t.Fatalf("request = %+v", r)
	}
}

func TestStartCompleteSendJSONAndCookies(t *testing.T) {
	f, srv := newFakeAPI(t)
	f.mux.HandleFunc("POST /api/auth/{id}/start", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "flow", Value: "f123", Path: "/", HttpOnly: true})
		writeJSON(w, 200, shared.StartResponse{AuthorizeURL: "https://usos.example/authorize?oauth_token=x"})
	})
	f.mux.HandleFunc("POST /api/auth/{id}/complete", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, shared.CompleteResponse{
			ReturnTo: "/?week=2026-11-23",
			Session:  shared.Session{SignedIn: true, Provider: "uw", User: &shared.User{ID: "1", Name: "Ada"}},
		})
	})
	c := client.New(srv.URL)
	ctx := context.Background()

	sr, err := c.Start(ctx, "uw", shared.StartRequest{Mode: shared.ModePIN, ReturnTo: "/"})
	if err != nil {
		t.Fatal(err)
	}
	if sr.AuthorizeURL != "https://usos.example/authorize?oauth_token=x" {
		t.Fatalf("AuthorizeURL = %q", sr.AuthorizeURL)
	}
	r := f.last(t)
	if r.Method != "POST" || r.Path != "/api/auth/uw/start" || r.ContentType != "application/json" {
		t.Fatalf("start request = %+v", r)
	}
	var got shared.StartRequest
	if err := json.Unmarshal([]byte(r.Body), &got); err != nil || got.Mode != shared.ModePIN || got.ReturnTo != "/" {
		t.Fatalf("start body = %s (%v)", r.Body, err)
	}

	cr, err := c.Complete(ctx, "uw", shared.CompleteRequest{Params: map[string]string{"oauth_token": "t", "oauth_verifier": "v"}})
	if err != nil {
		t.Fatal(err)
	}
	if cr.ReturnTo != "/?week=2026-11-23" || !cr.Session.SignedIn || cr.Session.User.Name != "Ada" {
		t.Fatalf("complete = %+v", cr)
	}
	r = f.last(t)
	if r.Path != "/api/auth/uw/complete" || r.Cookie != "f123" || r.ContentType != "application/json" {
		t.Fatalf("complete request = %+v (the flow cookie must be sent back)", r)
	}
	if !strings.Contains(r.Body, `"oauth_verifier":"v"`) {
		t.Fatalf("complete body = %s", r.Body)
	}
}

func TestProviderIDIsPathEscaped(t *testing.T) {
	f, srv := newFakeAPI(t)
	f.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 404, shared.ErrorResponse{Error: shared.Error{Code: shared.CodeNotFound, Message: "no such provider"}})
	})
	c := client.New(srv.URL)
	_, err := c.Start(context.Background(), "../x?y/z", shared.StartRequest{})
	var apiErr *shared.Error
	if !errors.As(err, &apiErr) || apiErr.Code != shared.CodeNotFound {
		t.Fatalf("err = %v", err)
	}
	if r := f.last(t); r.RawPath != "/api/auth/..%2Fx%3Fy%2Fz/start" || r.RawQuery != "" {
		t.Fatalf("escaped path = %q query %q", r.RawPath, r.RawQuery)
	}
}

func TestAPIErrorDecodesToSharedError(t *testing.T) {
	f, srv := newFakeAPI(t)
	f.mux.HandleFunc("GET /api/session", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 401, shared.ErrorResponse{Error: shared.Error{Code: shared.CodeSignedOut, Message: "sign in again"}})
	})
	f.mux.HandleFunc("GET /api/timetable", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, "<html>Bad gateway</html>")
	})
	c := client.New(srv.URL)

	_, err := c.Session(context.Background())
	var apiErr *shared.Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %T %v, want *shared.Error", err, err)
	}
	if apiErr.Code != shared.CodeSignedOut || apiErr.Message != "sign in again" {
		t.Fatalf("apiErr = %+v", apiErr)
	}
	if errors.Is(err, client.ErrUnreachable) {
		t.Fatal("an API error must not be ErrUnreachable")
	}

	// Not the JSON envelope (a proxy's page): the code comes from the status.
	_, err = c.Timetable(context.Background(), shared.Date{Year: 2026, Month: 11, Day: 23}, shared.Date{Year: 2026, Month: 11, Day: 29})
	if !errors.As(err, &apiErr) || apiErr.Code != shared.CodeUpstream {
		t.Fatalf("err = %v, want upstream_error", err)
	}
}

func TestLogout204(t *testing.T) {
	f, srv := newFakeAPI(t)
	f.mux.HandleFunc("POST /api/auth/logout", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	c := client.New(srv.URL)
	if err := c.Logout(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r := f.last(t); r.Method != "POST" || r.ContentType != "application/json" || r.Body != "{}" {
		t.Fatalf("logout request = %+v", r)
	}
}

func TestTimetableQueryAndOffsets(t *testing.T) {
	f, srv := newFakeAPI(t)
	f.mux.HandleFunc("GET /api/timetable", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"provider":"uw","from":"2026-11-23","to":"2026-11-29","fetched_at":"2026-11-23T08:00:00Z",
			"events":[{"id":"e1","start":"2026-11-23T09:15:00+01:00","end":"2026-11-23T10:45:00+01:00",
			"title":"Linear Algebra","kind":"Lecture","category":"class","room":"101","unknown_field":1}]}`)
	})
	c := client.New(srv.URL)
	from := shared.Date{Year: 2026, Month: 11, Day: 23}
	to := shared.Date{Year: 2026, Month: 11, Day: 29}
	tt, err := c.Timetable(context.Background(), from, to)
	if err != nil {
		t.Fatal(err)
	}
	if r := f.last(t); r.RawQuery != "from=2026-11-23&to=2026-11-29" {
		t.Fatalf("query = %q", r.RawQuery)
	}
	if tt.From != from || tt.To != to || len(tt.Events) != 1 {
		t.Fatalf("timetable = %+v", tt)
	}
	e := tt.Events[0]
	if _, off := e.Start.Zone(); off != 3600 || e.Start.Format("15:04") != "09:15" {
		t.Fatalf("start %v lost its offset", e.Start)
	}
}

func TestUnreachable(t *testing.T) {
	// A listener that is closed at once: connection refused.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	c := client.New("http://" + addr)
	_, err = c.Session(context.Background())
	if !errors.Is(err, client.ErrUnreachable) {
		t.Fatalf("err = %v, want ErrUnreachable", err)
	}
	var apiErr *shared.Error
	if errors.As(err, &apiErr) {
		t.Fatal("a network error must not be a *shared.Error")
	}
}

func TestContextCancellation(t *testing.T) {
	f, srv := newFakeAPI(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	f.mux.HandleFunc("GET /api/session", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	c := client.New(srv.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Session(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if errors.Is(err, client.ErrUnreachable) {
		t.Fatal("a cancelled request must not be ErrUnreachable")
	}
}

func TestClientTimeoutIsUnreachable(t *testing.T) {
	f, srv := newFakeAPI(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	f.mux.HandleFunc("GET /api/session", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	c := client.NewWithHTTPClient(srv.URL, &http.Client{Timeout: 50 * time.Millisecond})
	_, err := c.Session(context.Background())
	if !errors.Is(err, client.ErrUnreachable) {
		t.Fatalf("err = %v, want ErrUnreachable", err)
	}
}

func TestSameOriginNeedsAbsoluteURLNatively(t *testing.T) {
	c := client.New("")
	_, err := c.Providers(context.Background())
	if err == nil || !strings.Contains(err.Error(), "absolute") {
		t.Fatalf("err = %v", err)
	}
}

func TestBasePathPrefix(t *testing.T) {
	f, srv := newFakeAPI(t)
	f.mux.HandleFunc("GET /campus/api/session", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, shared.Session{})
	})
	c := client.New(srv.URL + "/campus//") // trailing slashes dropped
	s, err := c.Session(context.Background())
	if err != nil || s.SignedIn {
		t.Fatalf("session = %+v, %v", s, err)
	}
	if r := f.last(t); r.Path != "/campus/api/session" {
		t.Fatalf("path = %q", r.Path)
	}
}

func TestWithLanguage(t *testing.T) {
	f, srv := newFakeAPI(t)
	f.mux.HandleFunc("GET /api/session", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, shared.Session{})
	})
	base := client.New(srv.URL)
	pl := base.WithLanguage("pl")
	if _, err := pl.Session(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := f.last(t).AcceptLanguage; got != "pl" {
		t.Errorf("Accept-Language = %q, want pl", got)
	}
	if _, err := base.Session(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := f.last(t).AcceptLanguage; got == "pl" {
		t.Errorf("WithLanguage changed the original client")
	}
	d := shared.Date{Year: 2026, Month: 11, Day: 30}
	if got, want := pl.CalendarURL(d, d.AddDays(6)), srv.URL+"/api/timetable.ics?from=2026-11-30&lang=pl&to=2026-12-06"; got != want {
		t.Errorf("CalendarURL = %q, want %q", got, want)
	}
	if got := base.CalendarURL(d, d); strings.Contains(got, "lang") {
		t.Errorf("CalendarURL without a language = %q", got)
	}
	hide := []shared.Hide{{Course: "MAT/1", Kind: "Lecture"}, {Course: "ALG", Kind: "Lab", Group: "2"}}
	if got, want := base.CalendarURL(d, d, hide...), srv.URL+"/api/timetable.ics?from=2026-11-30&hide=MAT%252F1%2FLecture%2F&hide=ALG%2FLab%2F2&to=2026-11-30"; got != want {
		t.Errorf("CalendarURL with hidden classes = %q, want %q", got, want)
	}
}
