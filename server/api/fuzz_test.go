package api

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/seal"
)

// Fuzz targets for everything the API parses from a browser: return_to
// paths, timetable ranges, Accept-Language and cookie values.

func FuzzCleanReturnTo(f *testing.F) {
	for _, s := range []string{"/", "/?week=2026-11-23", "//evil.example", "/\\evil", "https://evil.example/", "/a/../../b", "/%2e%2e/", "/\t/x", "/ok#frag"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := cleanReturnTo(s)
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
