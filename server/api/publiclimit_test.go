package api

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/campusweek/campusweek/server/provider"
)

// Public reads the cache cannot answer are charged to the university's
// public bucket, all clients together; reads the cache answers are not.
func TestPublicRateLimitCountsUniversityReads(t *testing.T) {
	const public = "https://tt.example.edu"
	s := newOpenAPITestServer(t, public, Options{
		Providers:       []provider.Provider{&openAPIPublicFake{openAPIFake{id: "pub"}}},
		PublicRateLimit: RateLimit{PerSecond: 0.001, Burst: 2},
	})
	get := func(target, addr string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, public+target, nil)
		r.RemoteAddr = addr
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, r)
		return rec
	}
	week := func(from string) string { return "/api/public/pub/timetable?type=room&id=r1&from=" + from }
	for i, tc := range []struct {
		target, addr string
		want         int
	}{
		{week("2026-11-23"), "192.0.2.1:1000", 200}, // a university read
		{week("2026-11-23"), "192.0.2.2:1000", 200}, // cached: free
		{week("2026-11-30"), "192.0.2.3:1000", 200}, // the second read
		{week("2026-12-07"), "192.0.2.4:1000", 429}, // the bucket is empty, whoever asks
		{week("2026-11-30"), "192.0.2.5:1000", 200}, // cached
	} {
		rec := get(tc.target, tc.addr)
		if rec.Code != tc.want {
			t.Errorf("request %d (%s): %d %s, want %d", i, tc.target, rec.Code, rec.Body, tc.want)
		}
		if tc.want == 429 && rec.Header().Get("Retry-After") == "" {
			t.Errorf("request %d: 429 without Retry-After", i)
		}
	}
}
