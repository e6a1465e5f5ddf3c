package api

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/campusweek/campusweek/server/metrics"
	"github.com/campusweek/campusweek/server/seal"
)

func TestLogPath(t *testing.T) {
	const tok = "c2VhbGVk" // short: the rule is the segment after "feed"
	long := strings.Repeat("A", maxLoggedSegment+1)
	for _, tc := range []struct{ target, want string }{
		{"/", "/"},
		{"/api/timetable?from=2026-03-02", "/api/timetable"},
		{"/0123456789abcdef0123456789abcdef/web/app.wasm", "/0123456789abcdef0123456789abcdef/web/app.wasm"},
		{"/feed/" + tok + "/campusweek.ics", "/feed/…/campusweek.ics"},
		{"//feed/" + tok + "/campusweek.ics", "/feed/…/campusweek.ics"},
		{"/x/../feed/" + tok + "/campusweek.ics", "/feed/…/campusweek.ics"},
		{"/./feed/./" + tok + "/campusweek.ics", "/feed/…/campusweek.ics"},
		{"/feed//" + tok + "/campusweek.ics", "/feed/…/campusweek.ics"},
		{"/feed/" + tok + "/../campusweek.ics", "/feed/…"},
		{"/feed%2F" + tok + "/campusweek.ics", "/feed/…/campusweek.ics"},
		{"/Feed/" + tok, "/Feed/…"},
		{"/feed/feed/" + tok, "/feed/…/…"},
		{"/api/feed/" + tok, "/api/feed/…"},
		{"/api/feed/revoke", "/api/feed/…"},
		{"/feed", "/feed"},
		{"/other/" + long + "/campusweek.ics", "/other/…/campusweek.ics"},
		{"/" + long, "/…"},
	} {
		if got := logPath(httptest.NewRequest("GET", tc.target, nil)); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.target, got, tc.want)
		}
		if got := logPath(httptest.NewRequest("GET", tc.target, nil)); strings.Contains(got, tok) || strings.Contains(got, long) {
			t.Errorf("%s: %s shows the token", tc.target, got)
		}
	}
}

func TestRequireObject(t *testing.T) {
	for _, tc := range []struct {
		body string
		ok   bool
	}{
		{`{}`, true}, {"\t{ }\r\n", true}, {`{"a":[1,{}]}`, true},
		{``, false}, {` `, false}, {`null`, false}, {`[]`, false}, {`[{}]`, false}, {`"x"`, false},
		{`true`, false}, {`{`, false}, {`{}}`, false}, {`{}{}`, false}, {`{"a":1,}`, false}, {"{}\x00", false},
	} {
		r := httptest.NewRequest("POST", "/api/auth/logout", strings.NewReader(tc.body))
		err := requireObject(r)
		if (err == nil) != tc.ok {
			t.Errorf("%q: %v, want ok=%v", tc.body, err, tc.ok)
		}
		if err != nil && asAPIError(err).status != 400 {
			t.Errorf("%q: %v, want 400", tc.body, err)
		}
		// The handler can still read the body.
		var b bytes.Buffer
		b.ReadFrom(r.Body)
		if b.String() != tc.body {
			t.Errorf("%q: the handler reads %q", tc.body, b.String())
		}
	}
}

// LogHandler adds the id of the request a record is logged for, once,
// however the logger was derived.
func TestLogHandler(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(LogHandler(LogHandler(slog.NewTextHandler(&buf, nil)))).With("component", "x")
	ctx := withRequestID(context.Background(), "abc123")
	log.InfoContext(ctx, "with")
	log.Info("without")
	log.InfoContext(context.Background(), "background")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 || strings.Count(lines[0], "request_id=abc123") != 1 || !strings.Contains(lines[0], "component=x") ||
		strings.Contains(lines[1], "request_id") || strings.Contains(lines[2], "request_id") {
		t.Errorf("records:\n%s", buf.String())
	}
	if RequestID(ctx) != "abc123" || RequestID(context.Background()) != "" {
		t.Error("RequestID does not read the context")
	}
}

// The cross-origin check compares whole origins, scheme included: on an
// https deployment, a page served over plain http at the same host (a
// network attacker's) is another origin.
func TestCrossOriginComparesScheme(t *testing.T) {
	s := newTestServer(t, "https://tt.example.edu")
	for _, tc := range []struct {
		origin, site string
		want         int
	}{
		{"http://tt.example.edu", "", http.StatusForbidden},
		{"http://tt.example.edu", "same-site", http.StatusForbidden},
		{"https://tt.example.edu:8443", "", http.StatusForbidden},
		{"https://tt.example.edu", "", http.StatusNoContent},
		{"", "same-origin", http.StatusNoContent},
	} {
		req := httptest.NewRequest("POST", "https://tt.example.edu/api/auth/logout", strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/json")
		if tc.origin != "" {
			req.Header.Set("Origin", tc.origin)
		}
		if tc.site != "" {
			req.Header.Set("Sec-Fetch-Site", tc.site)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("sign-out with Origin %q, Sec-Fetch-Site %q: %d %s, want %d", tc.origin, tc.site, rec.Code, rec.Body, tc.want)
		}
	}
}

// Every response of an https deployment tells browsers to stay on https,
// unless the operator turned it off; plain http (loopback) never does.
func TestHSTS(t *testing.T) {
	sl, err := seal.New(bytes.Repeat([]byte{9}, seal.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		public string
		off    bool
		want   string
	}{
		{"https://tt.example.edu", false, "max-age=63072000; includeSubDomains"},
		{"https://tt.example.edu", true, ""},
		{"http://127.0.0.1:8080", false, ""},
	} {
		u, _ := url.Parse(tc.public)
		s, err := New(Options{PublicURL: u, Sealer: sl, DisableHSTS: tc.off})
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/", "/api/session", "/api/nothing", "/healthz", "/feed/x/campusweek.ics"} {
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, httptest.NewRequest("GET", tc.public+path, nil))
			if got := rec.Header().Get("Strict-Transport-Security"); got != tc.want {
				t.Errorf("%s%s (DisableHSTS %v): Strict-Transport-Security %q, want %q", tc.public, path, tc.off, got, tc.want)
			}
		}
	}
}

// With Hosts, a request for another host name is refused with 421, so
// that a page whose own name resolves to this server (DNS rebinding)
// reaches nothing; probes and metrics answer whatever the Host. Without
// Hosts (demo mode), any Host is served.
func TestHosts(t *testing.T) {
	sl, err := seal.New(bytes.Repeat([]byte{9}, seal.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	newServer := func(public string, hosts ...string) *Server {
		u, _ := url.Parse(public)
		s, err := New(Options{PublicURL: u, Sealer: sl, Hosts: hosts, Metrics: metrics.New()})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	status := func(s *Server, host, path string) int {
		req := httptest.NewRequest("GET", path, nil)
		req.Host = host
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec.Code
	}
	https := newServer("https://tt.example.edu", "tt.example.edu", "campusweek.example.edu:8443")
	loopback := newServer("http://127.0.0.1:8080", "127.0.0.1:8080")
	demo := newServer("http://127.0.0.1:8080")
	for _, tc := range []struct {
		s          *Server
		host, path string
		want       int
	}{
		{https, "tt.example.edu", "/api/session", http.StatusOK},
		{https, "TT.Example.EDU", "/api/providers", http.StatusOK},
		{https, "tt.example.edu:443", "/api/session", http.StatusOK},
		{https, "campusweek.example.edu:8443", "/api/session", http.StatusOK},
		{https, "campusweek.example.edu", "/api/session", http.StatusMisdirectedRequest},
		{https, "tt.example.edu:8443", "/api/session", http.StatusMisdirectedRequest},
		{https, "evil.example", "/api/session", http.StatusMisdirectedRequest},
		{https, "evil.example", "/", http.StatusMisdirectedRequest},
		{https, "evil.example", "/feed/x/campusweek.ics", http.StatusMisdirectedRequest},
		{https, "", "/api/session", http.StatusMisdirectedRequest},
		{https, "10.1.2.3:8080", "/healthz", http.StatusOK},
		{https, "10.1.2.3:8080", "/readyz", http.StatusOK},
		{https, "10.1.2.3:8080", "/metrics", http.StatusOK},
		{loopback, "127.0.0.1:8080", "/api/session", http.StatusOK},
		{loopback, "rebound.evil.example:8080", "/api/session", http.StatusMisdirectedRequest},
		{loopback, "localhost:8080", "/api/session", http.StatusMisdirectedRequest},
		{demo, "localhost:8080", "/api/session", http.StatusOK},
		{demo, "localhost:9999", "/api/session", http.StatusOK},
		{demo, "127.0.0.1:8080", "/api/session", http.StatusOK},
	} {
		if got := status(tc.s, tc.host, tc.path); got != tc.want {
			t.Errorf("%s (public %s) with Host %q: %d, want %d", tc.path, tc.s.opts.PublicURL, tc.host, got, tc.want)
		}
	}
}
