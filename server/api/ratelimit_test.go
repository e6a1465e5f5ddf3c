package api

import (
	"net/http/httptest"
	"strconv"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	l := newLimiter(RateLimit{PerSecond: 1, Burst: 3}, func() time.Time { return now })
	for i := range 3 {
		if ok, _ := l.allow("198.51.100.7"); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	ok, wait := l.allow("198.51.100.7")
	if ok || wait <= 0 || wait > time.Second {
		t.Fatalf("over the burst: allowed=%v wait=%v", ok, wait)
	}
	if ok, _ := l.allow("203.0.113.9"); !ok {
		t.Fatal("another client was limited by the first one's requests")
	}
	// A refused request does not consume a token.
	now = now.Add(time.Second)
	if ok, _ := l.allow("198.51.100.7"); !ok {
		t.Fatal("still refused after the bucket refilled")
	}
}

func TestLimiterPrunes(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	l := newLimiter(RateLimit{PerSecond: 1, Burst: 1}, func() time.Time { return now })
	for i := range maxClients {
		l.clients[strconv.Itoa(i)] = &client{seen: now}
	}
	now = now.Add(clientIdle + time.Second)
	l.allow("fresh")
	if len(l.clients) != 1 {
		t.Fatalf("%d clients kept after pruning idle ones", len(l.clients))
	}
}

func TestClientAddr(t *testing.T) {
	for _, tc := range []struct {
		header, remote string
		xff            []string
		want           string
	}{
		{"", "192.0.2.1:5000", []string{"203.0.113.5"}, "192.0.2.1"}, // header not trusted
		{"X-Forwarded-For", "10.0.0.2:5000", []string{"6.6.6.6, 203.0.113.5"}, "203.0.113.5"},
		{"X-Forwarded-For", "10.0.0.2:5000", []string{"6.6.6.6", "203.0.113.5"}, "203.0.113.5"},
		{"X-Forwarded-For", "10.0.0.2:5000", []string{"garbage"}, "10.0.0.2"},
		{"X-Forwarded-For", "10.0.0.2:5000", nil, "10.0.0.2"},
	} {
		s := &Server{opts: Options{ClientIPHeader: tc.header}}
		r := httptest.NewRequest("POST", "/api/auth/x/start", nil)
		r.RemoteAddr = tc.remote
		for _, v := range tc.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := s.clientAddr(r); got != tc.want {
			t.Errorf("header %q, remote %s, XFF %q: %s, want %s", tc.header, tc.remote, tc.xff, got, tc.want)
		}
	}
}
