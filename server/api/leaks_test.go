package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/campusweek/campusweek/server/metrics"
	"github.com/campusweek/campusweek/shared"
)

// issued collects the raw credentials the sandboxes hand the backend, as
// a recording proxy in front of them sees the token endpoints' replies.
type issued struct {
	mu     sync.Mutex
	values map[string]string // value -> what it is
}

func (s *issued) add(what, v string) {
	if v == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.values == nil {
		s.values = map[string]string{}
	}
	s.values[v] = what
}

// of returns the values recorded of each kind.
func (s *issued) of(kinds ...string) map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]string{}
	for v, what := range s.values {
		for _, k := range kinds {
			if what == k {
				out[v] = what
			}
		}
	}
	return out
}

// recordTokens copies the replies of the token endpoints (paths ending in
// one of paths) to the client and hands their bodies to parse.
func recordTokens(parse func(body []byte), paths ...string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			match := false
			for _, p := range paths {
				match = match || strings.HasSuffix(r.URL.Path, p)
			}
			if !match {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			parse(rec.Body.Bytes())
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			w.Write(rec.Body.Bytes())
		})
	}
}

func recordUSOSTokens(s *issued, path string) func(body []byte) {
	return func(body []byte) {
		q, err := url.ParseQuery(string(body))
		if err != nil {
			return
		}
		if strings.HasSuffix(path, "request_token") {
			s.add("request token", q.Get("oauth_token"))
			s.add("request token secret", q.Get("oauth_token_secret"))
			return
		}
		s.add("access token", q.Get("oauth_token"))
		s.add("token secret", q.Get("oauth_token_secret"))
	}
}

func recordMTTTokens(s *issued) func(body []byte) {
	return func(body []byte) {
		var tok struct {
			Access  string `json:"access_token"`
			Refresh string `json:"refresh_token"`
		}
		if json.Unmarshal(body, &tok) == nil {
			s.add("access token", tok.Access)
			s.add("refresh token", tok.Refresh)
		}
	}
}

// browserView is everything the backend sent a browser or calendar app.
type browserView struct{ b strings.Builder }

func (v *browserView) add(r response) response {
	for k, vals := range r.header {
		v.b.WriteString(k + ": " + strings.Join(vals, ", ") + "\n")
	}
	v.b.Write(r.body)
	v.b.WriteString("\n")
	return r
}

func (v *browserView) addJSON(t *testing.T, x any) {
	b, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	v.b.Write(b)
}

// noLeak fails for each value found in text.
func noLeak(t *testing.T, where, text string, values map[string]string) {
	t.Helper()
	for v, what := range values {
		if strings.Contains(text, v) {
			t.Errorf("the %s appears in %s", what, where)
		}
	}
}

// A whole student's life at USOS (sign in, read the week, export it, make
// and use a calendar feed, a failing university, sign out, a replayed
// cookie): the access tokens and token secrets the backend holds never
// appear in the logs, in anything sent to the browser or calendar app
// (errors included), or in the metrics.
func TestUSOSTokensNeverLeak(t *testing.T) {
	tokens := &issued{}
	f := &faults{}
	front := func(next http.Handler) http.Handler {
		return recordTokens(recordUSOSTokens(tokens, "request_token"), "/services/oauth/request_token")(
			recordTokens(recordUSOSTokens(tokens, "access_token"), "/services/oauth/access_token")(f.wrap(next)))
	}
	e := newEnv(t, envOptions{scopes: []string{"studies", "offline_access"}, metrics: metrics.New(), usosFront: front})
	var seen browserView

	r := seen.add(e.post("/api/auth/uni/start", shared.StartRequest{Mode: shared.ModeRedirect}))
	params := e.callbackParams(decode[shared.StartResponse](t, r).AuthorizeURL, "allow")
	if r := seen.add(e.post("/api/auth/uni/complete", shared.CompleteRequest{Params: params})); r.status != http.StatusOK {
		t.Fatalf("complete: %d %s", r.status, r.body)
	}
	for _, path := range []string{"/api/session", "/api/timetable", "/api/timetable.ics"} {
		if r := seen.add(e.get(path)); r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", path, r.status, r.body)
		}
	}
	done := e.makeFeed("uni")
	seen.addJSON(t, done)
	if r := seen.add(e.getFeed(done.Feed.URL)); r.status != http.StatusOK {
		t.Fatalf("feed: %d %s", r.status, r.body)
	}
	for _, mode := range []string{"503 html", "500 html", "truncated"} {
		f.set("/services/tt/user", mode, -1)
		if r := seen.add(e.get("/api/timetable")); r.status != http.StatusBadGateway {
			t.Fatalf("%s: %d %s", mode, r.status, r.body)
		}
		if r := seen.add(e.getFeed(done.Feed.URL)); r.status < 500 {
			t.Fatalf("feed with %s: %d %s", mode, r.status, r.body)
		}
	}
	f.set("", "", 0)
	old := e.cookie("cw_session")
	if r := seen.add(e.post("/api/auth/logout", struct{}{})); r.status != http.StatusNoContent {
		t.Fatalf("logout: %d %s", r.status, r.body)
	}
	r = seen.add(e.do(newBrowser(t), "GET", "/api/timetable", nil, map[string]string{"Cookie": old.Name + "=" + old.Value}))
	if r.status != http.StatusUnauthorized {
		t.Fatalf("revoked session: %d %s", r.status, r.body)
	}
	metricsText := string(e.get("/metrics").body)

	secrets := tokens.of("access token", "token secret", "request token secret")
	if n := len(tokens.of("access token")); n < 2 {
		t.Fatalf("%d access tokens recorded, want the session's and the feed's", n)
	}
	if len(tokens.of("token secret")) < 2 || len(tokens.of("request token secret")) < 2 {
		t.Fatalf("token secrets not recorded: %v", tokens.values)
	}
	noLeak(t, "the logs", e.logs.String(), secrets)
	noLeak(t, "what the browser got", seen.b.String(), secrets)
	noLeak(t, "the metrics", metricsText, secrets)
	// The request token travels in the authorize URL, by design; it must
	// still not be logged or counted.
	noLeak(t, "the logs", e.logs.String(), tokens.of("request token"))
	noLeak(t, "the metrics", metricsText, tokens.of("request token"))
}

// The same for MyTimetable, with refreshes: access and refresh tokens,
// the first and the refreshed ones, of the session and of a feed.
func TestMyTimetableTokensNeverLeak(t *testing.T) {
	tokens := &issued{}
	f := &faults{}
	front := func(next http.Handler) http.Handler {
		return recordTokens(recordMTTTokens(tokens), "/oauth/token")(f.wrap(next))
	}
	e := newEnv(t, envOptions{metrics: metrics.New(), mttFront: front})
	var seen browserView

	r := seen.add(e.post("/api/auth/mtt/start", shared.StartRequest{Mode: shared.ModeRedirect}))
	params := e.mttConsent(decode[shared.StartResponse](t, r).AuthorizeURL, "allow")
	if r := seen.add(e.post("/api/auth/mtt/complete", shared.CompleteRequest{Params: params})); r.status != http.StatusOK {
		t.Fatalf("complete: %d %s", r.status, r.body)
	}
	if r := seen.add(e.get("/api/timetable")); r.status != http.StatusOK {
		t.Fatalf("timetable: %d %s", r.status, r.body)
	}
	e.mtt.ExpireAccessTokens() // the next read refreshes
	if r := seen.add(e.get("/api/timetable")); r.status != http.StatusOK {
		t.Fatalf("timetable with a refresh: %d %s", r.status, r.body)
	}
	done := e.makeFeed("mtt")
	seen.addJSON(t, done)
	e.mtt.ExpireAccessTokens() // the feed refreshes too
	if r := seen.add(e.getFeed(done.Feed.URL)); r.status != http.StatusOK {
		t.Fatalf("feed: %d %s", r.status, r.body)
	}
	for _, tc := range []struct{ path, mode string }{
		{"/api/v0/timetable", "503 html"},
		{"/api/v0/timetable", "truncated"},
		{"/oauth/token", "500 html"},
		{"/oauth/token", "truncated"},
	} {
		if tc.path == "/oauth/token" {
			e.mtt.ExpireAccessTokens()
		}
		f.set(tc.path, tc.mode, -1)
		if r := seen.add(e.get("/api/timetable")); r.status != http.StatusBadGateway {
			t.Fatalf("%s %s: %d %s", tc.path, tc.mode, r.status, r.body)
		}
	}
	f.set("", "", 0)
	if r := seen.add(e.get("/api/timetable")); r.status != http.StatusOK {
		t.Fatalf("timetable after the faults: %d %s", r.status, r.body)
	}
	if r := seen.add(e.post("/api/auth/logout", struct{}{})); r.status != http.StatusNoContent {
		t.Fatalf("logout: %d %s", r.status, r.body)
	}
	metricsText := string(e.get("/metrics").body)

	secrets := tokens.of("access token", "refresh token")
	if len(tokens.of("access token")) < 4 || len(tokens.of("refresh token")) < 2 {
		t.Fatalf("tokens not recorded (want the session's and the feed's, refreshed): %v", tokens.values)
	}
	noLeak(t, "the logs", e.logs.String(), secrets)
	noLeak(t, "what the browser got", seen.b.String(), secrets)
	noLeak(t, "the metrics", metricsText, secrets)
}
