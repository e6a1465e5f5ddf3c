package api

import (
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/campusweek/campusweek/shared"
)

// allow takes n tokens for key, or says how long until they are available.
func (l *limiter) allow(key string, n int) (bool, time.Duration) {
	wait, _ := take(l.now(), n, charge{l, key})
	return wait == 0, wait
}

func TestLimiter(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	l := newLimiter(RateLimit{PerSecond: 1, Burst: 3}, DefaultRateLimit, func() time.Time { return now })
	for i := range 3 {
		if ok, _ := l.allow("198.51.100.7", 1); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	ok, wait := l.allow("198.51.100.7", 1)
	if ok || wait <= 0 || wait > time.Second {
		t.Fatalf("over the burst: allowed=%v wait=%v", ok, wait)
	}
	if ok, _ := l.allow("203.0.113.9", 1); !ok {
		t.Fatal("another client was limited by the first one's requests")
	}
	// A refused request does not consume a token.
	now = now.Add(time.Second)
	if ok, _ := l.allow("198.51.100.7", 1); !ok {
		t.Fatal("still refused after the bucket refilled")
	}
}

// Requests are charged by cost; one costing more than the whole bucket
// still goes through once the bucket is full.
func TestLimiterCost(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	l := newLimiter(RateLimit{PerSecond: 1, Burst: 10}, DefaultRateLimit, func() time.Time { return now })
	if ok, _ := l.allow("a", 7); !ok {
		t.Fatal("7 of 10 refused")
	}
	if ok, wait := l.allow("a", 7); ok || wait != 4*time.Second {
		t.Fatalf("7 more with 3 left: allowed=%v wait=%v, want a 4 s wait", ok, wait)
	}
	now = now.Add(10 * time.Second)
	if ok, _ := l.allow("a", 28); !ok {
		t.Fatal("a request over the burst is refused even with a full bucket")
	}
	if ok, _ := l.allow("a", 1); ok {
		t.Fatal("a request over the burst did not empty the bucket")
	}
}

func TestLimiterDisabled(t *testing.T) {
	l := newLimiter(RateLimit{PerSecond: math.Inf(1), Burst: 1}, DefaultRateLimit, time.Now)
	for range 100 {
		if ok, _ := l.allow("a", 28); !ok {
			t.Fatal("an infinite rate limited")
		}
	}
}

// A full table makes room by forgetting clients whose bucket has refilled,
// which loses nothing.
func TestLimiterEvictsFullBuckets(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	l := newLimiter(RateLimit{PerSecond: 1, Burst: 2}, DefaultRateLimit, func() time.Time { return now })
	l.max = 100
	for i := range l.max {
		l.allow(strconv.Itoa(i), 1)
	}
	now = now.Add(2 * time.Second) // all full again
	for i := range 50 {
		if ok, _ := l.allow("new"+strconv.Itoa(i), 2); !ok {
			t.Fatal("a new client was refused")
		}
	}
	if len(l.clients) != l.max || l.lru.Len() != l.max {
		t.Fatalf("%d clients (%d in order), want %d", len(l.clients), l.lru.Len(), l.max)
	}
	// The new clients are tracked: their buckets are empty.
	if ok, _ := l.allow("new0", 1); ok {
		t.Fatal("a new client's spent bucket was forgotten")
	}
}

// Filling the table with clients whose buckets are in use neither resets
// anyone's bucket nor gives newcomers fresh ones: they share one.
func TestLimiterFullTableKeepsBuckets(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	l := newLimiter(RateLimit{PerSecond: 0.001, Burst: 2}, DefaultRateLimit, func() time.Time { return now })
	l.max = 100
	l.allow("victim", 2) // an abuser's spent bucket
	for i := range l.max - 1 {
		l.allow("flood"+strconv.Itoa(i), 1)
	}
	for i := range 1000 {
		l.allow("more"+strconv.Itoa(i), 1)
	}
	if len(l.clients) > l.max {
		t.Fatalf("%d clients, over the bound of %d", len(l.clients), l.max)
	}
	if ok, _ := l.allow("victim", 1); ok {
		t.Fatal("flooding the table reset a spent bucket")
	}
	if ok, _ := l.allow("yet-another", 1); ok {
		t.Fatal("a newcomer got a fresh bucket while the table is full of spent ones")
	}
}

func TestClientKey(t *testing.T) {
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
		// An IPv6 client can pick any address of its /64.
		{"", "[2001:db8:1:2:aaaa:bbbb:cccc:dddd]:5000", nil, "2001:db8:1:2::/64"},
		{"", "[2001:db8:1:2::1]:5000", nil, "2001:db8:1:2::/64"},
		{"", "[2001:db8:1:3::1]:5000", nil, "2001:db8:1:3::/64"},
		{"", "[fe80::1%eth0]:5000", nil, "fe80::/64"},
		{"X-Forwarded-For", "10.0.0.2:5000", []string{"2001:db8:9:9:1:2:3:4"}, "2001:db8:9:9::/64"},
		// IPv4-mapped IPv6 is the IPv4 address, not all of ::ffff:0:0/64.
		{"", "[::ffff:192.0.2.1]:5000", nil, "192.0.2.1"},
		{"X-Forwarded-For", "10.0.0.2:5000", []string{"::ffff:203.0.113.5"}, "203.0.113.5"},
	} {
		s := &Server{opts: Options{ClientIPHeader: tc.header}}
		r := httptest.NewRequest("POST", "/api/auth/x/start", nil)
		r.RemoteAddr = tc.remote
		for _, v := range tc.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := s.clientKey(r); got != tc.want {
			t.Errorf("header %q, remote %s, XFF %q: %s, want %s", tc.header, tc.remote, tc.xff, got, tc.want)
		}
	}
}

func TestWeeksIn(t *testing.T) {
	d := shared.Date{Year: 2026, Month: 3, Day: 2}
	for _, tc := range []struct {
		days, want int
	}{{1, 1}, {7, 1}, {8, 2}, {28, 4}, {119, 17}, {MaxRangeDays, 28}} {
		if got := weeksIn(d, d.AddDays(tc.days-1)); got != tc.want {
			t.Errorf("%d days: %d weeks, want %d", tc.days, got, tc.want)
		}
	}
}

// rangeWeeks reads the range as the handlers do, defaults included.
func TestRangeWeeks(t *testing.T) {
	s := &Server{opts: Options{Now: time.Now}}
	for _, tc := range []struct {
		target   string
		defWeeks int
		want     int
		ok       bool
	}{
		{"/api/timetable", 1, 1, true},
		{"/api/timetable.ics", shared.ExportWeeks, shared.ExportWeeks, true},
		{"/api/timetable?from=2026-03-02&to=2026-03-29", 1, 4, true},
		{"/api/timetable?from=2026-03-02&to=2026-09-07", 1, 28, true},
		{"/api/timetable?from=2026-03-02", shared.ExportWeeks, shared.ExportWeeks, true},
		{"/api/timetable?from=2026-03-02&to=2026-12-31", 1, 0, false}, // over MaxRangeDays
		{"/api/timetable?from=soon", 1, 0, false},
	} {
		n, ok := s.rangeWeeks(tc.defWeeks)(httptest.NewRequest(http.MethodGet, tc.target, nil))
		if n != tc.want || ok != tc.ok {
			t.Errorf("%s: %d %v, want %d %v", tc.target, n, ok, tc.want, tc.ok)
		}
	}
}
