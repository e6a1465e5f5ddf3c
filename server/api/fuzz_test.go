package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/seal"
	"github.com/campusweek/campusweek/shared"
)

// Fuzz targets for everything the API parses from a browser or a proxy:
// return_to paths, timetable ranges, Accept-Language, cookie values, JSON
// bodies, feed addresses, logged paths and client addresses.

// What the API accepts as return_to (shared.CleanReturnTo) stays on the
// site.
func FuzzCleanReturnTo(f *testing.F) {
	for _, s := range []string{"/", "/?week=2026-11-23", "//evil.example", "/\\evil", "https://evil.example/", "/a/../../b", "/%2e%2e/", "/\t/x", "/ok#frag"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := shared.CleanReturnTo(s)
		if err != nil {
			return
		}
		// Whatever is accepted stays on this origin when a browser resolves it.
		base, _ := url.Parse("https://tt.example.edu/auth/callback/uw")
		ref, perr := url.Parse(out)
		if perr != nil {
			t.Fatalf("accepted %q as %q, which does not parse: %v", s, out, perr)
		}
		if u := base.ResolveReference(ref); u.Host != "tt.example.edu" || u.Scheme != "https" {
			t.Fatalf("accepted %q as %q, which leads to %s", s, out, u)
		}
		if !strings.HasPrefix(out, "/") || strings.HasPrefix(out, "//") || strings.ContainsAny(out, "\\\r\n\t") {
			t.Fatalf("accepted %q as %q", s, out)
		}
	})
}

func FuzzParseRange(f *testing.F) {
	f.Add("from=2026-11-23&to=2026-11-29")
	f.Add("from=2026-02-30&to=2026-03-01")
	f.Add("from=9999-12-31&to=0000-01-01")
	f.Add("from=2026-11-23")
	f.Add("to=%00&from=")
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, query string) {
		r := httptest.NewRequest("GET", "/api/timetable", nil)
		r.URL.RawQuery = query
		from, to, aerr := parseRange(r, now, 1)
		if aerr != nil {
			if aerr.status != http.StatusBadRequest {
				t.Fatalf("%q: status %d", query, aerr.status)
			}
			return
		}
		if to.Before(from) || from.DaysUntil(to)+1 > MaxRangeDays {
			t.Fatalf("%q accepted as %s..%s", query, from, to)
		}
	})
}

func FuzzAcceptLanguages(f *testing.F) {
	f.Add("pl-PL,pl;q=0.9,en;q=0.8")
	f.Add("*;q=0")
	f.Add(strings.Repeat("en,", 1000))
	f.Fuzz(func(t *testing.T, h string) {
		langs := acceptLanguages(h)
		if len(langs) > 16 {
			t.Fatalf("%d languages from one header", len(langs))
		}
	})
}

func FuzzSessionCookie(f *testing.F) {
	sealer, err := seal.New(bytes.Repeat([]byte{1}, seal.KeySize))
	if err != nil {
		f.Fatal(err)
	}
	pub, _ := url.Parse("http://127.0.0.1:8080")
	s, err := New(Options{PublicURL: pub, Sealer: sealer})
	if err != nil {
		f.Fatal(err)
	}
	good, err := sealer.Seal(s.cookies.session, sessionState{Provider: "uw"}, time.Now().Add(time.Hour))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add("")
	f.Add("not-base64!")
	f.Fuzz(func(t *testing.T, v string) {
		r := httptest.NewRequest("GET", "/api/session", nil)
		r.AddCookie(&http.Cookie{Name: s.cookies.session, Value: v})
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, r)
		if rec.Code != http.StatusOK {
			t.Fatalf("cookie %q: status %d", v, rec.Code)
		}
	})
}

// Logged paths never carry a feed's sealed value, however the path is
// spelled.
func FuzzLogPath(f *testing.F) {
	for _, p := range []string{"/feed/SEALED/campusweek.ics", "//feed/SEALED/campusweek.ics", "/x/../feed/SEALED/campusweek.ics",
		"/FEED/SEALED", "/api/timetable", "/" + strings.Repeat("a", 100), "/feed"} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.URL.Path = p
		got := logPath(r)
		segs := strings.Split(got, "/")
		for i, seg := range segs {
			if len(seg) > maxLoggedSegment {
				t.Fatalf("%q logged as %q: a segment of %d bytes", p, got, len(seg))
			}
			if i > 0 && strings.EqualFold(segs[i-1], "feed") && seg != "…" {
				t.Fatalf("%q logged as %q: the segment after feed survives", p, got)
			}
		}
	})
}

// A body passes requireObject only when it is one JSON object, and the
// handler still reads it whole.
func FuzzRequireObject(f *testing.F) {
	for _, b := range []string{"{}", `{"a":1}`, "", "[]", "null", "{} {}", `{"a":`, " \n{}\n", `"{}"`} {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("POST", "/api/auth/logout", strings.NewReader(body))
		err := requireObject(r)
		var obj map[string]any
		isObject := json.Unmarshal([]byte(body), &obj) == nil && obj != nil
		if (err == nil) != isObject {
			t.Fatalf("%q: requireObject %v, but a JSON object: %v", body, err, isObject)
		}
		if err != nil {
			if ae := asAPIError(err); ae.status != http.StatusBadRequest {
				t.Fatalf("%q: status %d", body, ae.status)
			}
			return
		}
		rest, _ := io.ReadAll(r.Body)
		if string(rest) != body {
			t.Fatalf("the handler reads %q, not %q", rest, body)
		}
	})
}

// A feed address to revoke is taken as https or webcal, or as its bare
// sealed value; nothing else of the shape of another path.
func TestFeedToken(t *testing.T) {
	for _, tc := range []struct {
		raw, token string
		ok         bool
	}{
		{"https://tt.example.edu/feed/abc/campusweek.ics", "abc", true},
		{"webcal://tt.example.edu/feed/abc/campusweek.ics", "abc", true},
		{"abc", "abc", true},
		{"https://tt.example.edu/feed/abc", "", false},
		{"https://tt.example.edu/feed/a/b/campusweek.ics", "", false},
		{"https://evil.example/x", "", false},
		{"", "", false},
	} {
		if token, ok := feedToken(tc.raw); token != tc.token && tc.ok || ok != tc.ok {
			t.Errorf("feedToken(%q) = %q, %v; want %q, %v", tc.raw, token, ok, tc.token, tc.ok)
		}
	}
}

// Whatever is pasted as a feed address to revoke, the token taken from it
// is one bounded path segment.
func FuzzFeedToken(f *testing.F) {
	for _, s := range []string{"https://tt.example.edu/feed/abc/campusweek.ics", "abc", "", "/feed//campusweek.ics", "https://x/%2F/y", "::::"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		token, ok := feedToken(s)
		if !ok {
			return
		}
		if token == "" || strings.Contains(token, "/") || len(token) >= 8<<10 {
			t.Fatalf("%q gives token %q", s, token)
		}
	})
}

// The client address behind a trusted proxy is the last one it appended,
// or the TCP peer; never anything else a client wrote.
func FuzzClientAddr(f *testing.F) {
	for _, h := range []string{"203.0.113.7", "198.51.100.1, 203.0.113.7", "evil", "::ffff:203.0.113.7", "fe80::1%eth0", ",", ""} {
		f.Add(h)
	}
	pub, _ := url.Parse("https://tt.example.edu")
	sealer, err := seal.New(bytes.Repeat([]byte{1}, seal.KeySize))
	if err != nil {
		f.Fatal(err)
	}
	s, err := New(Options{PublicURL: pub, Sealer: sealer, ClientIPHeader: "X-Forwarded-For"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, h string) {
		r := httptest.NewRequest("GET", "/api/session", nil)
		r.RemoteAddr = "192.0.2.1:4242"
		r.Header.Set("X-Forwarded-For", h)
		a := s.clientAddr(r)
		if !a.IsValid() || a.Zone() != "" || a.Is4In6() {
			t.Fatalf("%q: address %v", h, a)
		}
		last := h
		if i := strings.LastIndexByte(h, ','); i >= 0 {
			last = h[i+1:]
		}
		want := netip.MustParseAddr("192.0.2.1")
		if p, err := netip.ParseAddr(strings.TrimSpace(last)); err == nil {
			want = p.WithZone("").Unmap()
		}
		if a != want {
			t.Fatalf("%q: address %v, want %v", h, a, want)
		}
	})
}
