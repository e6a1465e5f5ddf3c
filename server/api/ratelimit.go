package api

import (
	"container/list"
	"crypto/sha256"
	"encoding/binary"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/shared"
)

// RateLimit is a token bucket: PerSecond is the sustained rate, Burst what
// may be spent at once. An infinite PerSecond (math.Inf(1)) disables the
// limit.
type RateLimit struct {
	PerSecond float64
	Burst     int
}

// DefaultRateLimit bounds the state-changing endpoints (sign-in, sign-out,
// feeds) per client address, in requests; it is used when
// Options.AuthRateLimit is zero. Each sign-in costs the provider a token
// request, so a client hammering /start could exhaust an operator's quota
// at the university. Generous: a lecture hall signs in at the same time
// from behind one campus NAT address.
var DefaultRateLimit = RateLimit{PerSecond: 5, Burst: 60}

// DefaultUniversitySignInRateLimit bounds each of the two sign-in steps
// (POST /api/auth/{id}/start and /complete) per university, all clients
// together, in requests that pass every local check (see
// chargeUniversity); it is used when Options.UniversitySignInRateLimit is
// zero. Each step calls the university under the operator's key for
// someone not signed in yet, so the per-address limit alone is no cap on
// a client with many addresses. Generous: a lecture hall of 300 signing
// in within the same minute passes (300 at once, then 20 a second).
var DefaultUniversitySignInRateLimit = RateLimit{PerSecond: 20, Burst: 300}

// Timetable reads are charged by what they cost the university: one call
// per week read (a 190-day range is 28 calls), so limits on them count
// weeks.
var (
	// DefaultReadRateLimit bounds timetable reads (GET /api/timetable and
	// /api/timetable.ics) per student, all their sessions together, in
	// weeks. The PWA's term sync is 18 weeks in 5 requests and each app
	// start fetches 4; a student who syncs twice, exports the term and
	// browses a few dozen weeks stays well under the burst, while a
	// script reading the whole range in a loop is held to 3 weeks a
	// minute.
	DefaultReadRateLimit = RateLimit{PerSecond: 0.05, Burst: 120}
	// DefaultFeedRateLimit bounds fetches of one calendar subscription, in
	// weeks: four fetches at once, then one every 5 minutes (the most
	// frequent refresh calendar apps offer).
	DefaultFeedRateLimit = RateLimit{PerSecond: feedFetchWeeks / 300.0, Burst: 4 * feedFetchWeeks}
	// DefaultClientReadRateLimit bounds all timetable reads (API and
	// feeds) per client address, in weeks, whatever the session or feed:
	// a campus NAT address or a calendar service fetching many students'
	// feeds stays under it, someone cycling sessions or feeds does not.
	DefaultClientReadRateLimit = RateLimit{PerSecond: 20, Burst: 2000}
)

// feedFetchWeeks is the cost of one feed fetch.
const feedFetchWeeks = feedPastWeeks + feedWeeks

// maxClients bounds each limiter's table.
const maxClients = 100_000

// evictScan is how many of the least recently seen entries are looked at
// for a full bucket when the table is full.
const evictScan = 16

// limiter keeps a token bucket per key (a client address, a hash of a
// student's or a feed's identity, a university's sign-in step), for at
// most max keys. When the table is full, an entry whose bucket has
// refilled is dropped to make room: forgetting it loses nothing, since a
// new bucket starts full. If none has, new keys
// share one overflow bucket until one has: filling the table never gives
// anyone a fresh bucket at the expense of others' state.
type limiter struct {
	limit rate.Limit
	burst int
	max   int
	now   func() time.Time

	mu       sync.Mutex
	clients  map[string]*list.Element // of *client
	lru      list.List                // front: most recently seen
	overflow *rate.Limiter
}

type client struct {
	key    string
	bucket *rate.Limiter
}

func newLimiter(rl, def RateLimit, now func() time.Time) *limiter {
	if rl.PerSecond <= 0 || rl.Burst <= 0 {
		rl = def
	}
	limit := rate.Limit(rl.PerSecond)
	if math.IsInf(rl.PerSecond, 1) {
		limit = rate.Inf
	}
	return &limiter{
		limit: limit, burst: rl.Burst, max: maxClients, now: now,
		clients:  map[string]*list.Element{},
		overflow: rate.NewLimiter(limit, rl.Burst),
	}
}

// reserve takes n tokens for key. The reservation says how long until they
// are available, and can be cancelled to give them back.
func (l *limiter) reserve(key string, n int, now time.Time) *rate.Reservation {
	// A request never costs more than a full bucket, so that a limit
	// smaller than the largest request still lets it through, slowly.
	return l.bucket(key, now).ReserveN(now, min(n, l.burst))
}

// bucket finds or makes key's bucket and marks key as just seen.
func (l *limiter) bucket(key string, now time.Time) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	if el, ok := l.clients[key]; ok {
		l.lru.MoveToFront(el)
		return el.Value.(*client).bucket
	}
	if len(l.clients) >= l.max && !l.evict(now) {
		return l.overflow
	}
	c := &client{key: key, bucket: rate.NewLimiter(l.limit, l.burst)}
	l.clients[key] = l.lru.PushFront(c)
	return c.bucket
}

// evict drops one of the least recently seen entries whose bucket is full
// again, and reports whether there was one.
func (l *limiter) evict(now time.Time) bool {
	el := l.lru.Back()
	for range evictScan {
		if el == nil {
			return false
		}
		if c := el.Value.(*client); c.bucket.TokensAt(now) >= float64(l.burst) {
			delete(l.clients, c.key)
			l.lru.Remove(el)
			return true
		}
		el = el.Prev()
	}
	return false
}

// charge is one cost to take from a limiter under a key.
type charge struct {
	l   *limiter
	key string
}

// take takes n tokens from every charge, or none. It returns how long
// until all of them have enough (zero: taken) and which charge needs the
// longest wait.
func take(now time.Time, n int, charges ...charge) (wait time.Duration, by int) {
	rs := make([]*rate.Reservation, 0, len(charges))
	for i, c := range charges {
		r := c.l.reserve(c.key, n, now)
		rs = append(rs, r)
		if d := r.DelayFrom(now); d > wait {
			wait, by = d, i
		}
	}
	if wait > 0 {
		for _, r := range rs {
			r.CancelAt(now)
		}
	}
	return wait, by
}

// retryAfter sets Retry-After to wait, in whole seconds (at least 1).
func retryAfter(w http.ResponseWriter, wait time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
}

// rateLimited charges each request to its client address.
func (s *Server) rateLimited(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if wait, _ := take(s.now(), 1, charge{s.limiter, s.clientKey(r)}); wait > 0 {
			retryAfter(w, wait)
			s.writeError(w, r, newError(http.StatusTooManyRequests, shared.CodeRateLimited,
				"Too many requests from your network. Wait a moment and try again."))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// chargeUniversity charges one call of a sign-in step ("start" or
// "complete") to p's bucket, all clients together. Handlers call it right
// before the step calls the university, once everything that can be
// checked locally has passed, so requests refused here (a made-up or
// replayed completion, an invalid start) take nothing from it. A refusal
// sets Retry-After.
func (s *Server) chargeUniversity(w http.ResponseWriter, p provider.Provider, step string) error {
	wait, _ := take(s.now(), 1, charge{s.signIns, step + "\x00" + p.Info().ID})
	if wait == 0 {
		return nil
	}
	retryAfter(w, wait)
	return newError(http.StatusTooManyRequests, shared.CodeRateLimited,
		"Many students are signing in at "+p.Info().Name+" right now. Wait a moment and try again.")
}

// weeksFunc is what a request costs the university, in weeks read (one
// call each); false means it will be refused before reaching it.
type weeksFunc func(*http.Request) (int, bool)

// rangeWeeks is the cost of a timetable request: the weeks in its from/to
// range, read with the handler's own parser and defaults.
func (s *Server) rangeWeeks(defaultWeeks int) weeksFunc {
	return func(r *http.Request) (int, bool) {
		from, to, err := parseRange(r, s.now(), defaultWeeks)
		if err != nil {
			return 0, false
		}
		return weeksIn(from, to), true
	}
}

// weeksIn is the number of 7-day calls that read [from, to].
func weeksIn(from, to shared.Date) int {
	return (from.DaysUntil(to) + 7) / 7
}

// readLimited charges a timetable read's weeks to the client address and,
// when the session cookie opens, to the student. A cookie that does not
// open (missing, forged, expired) is answered 401 by the handler without
// calling the university, so only the address is charged: made-up values
// never get, or take, a bucket of their own. The student's bucket is keyed
// by who they are at the university, not by the cookie's spelling, so that
// neither re-encoding a cookie nor signing in again gives a fresh one; all
// of a student's sessions (phone, laptop) share it.
func (s *Server) readLimited(weeks weeksFunc, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, ok := weeks(r)
		if !ok {
			next.ServeHTTP(w, r) // the handler refuses it
			return
		}
		charges := []charge{{s.clientReads, s.clientKey(r)}}
		if st, _, _, err := s.readSession(r); err == nil {
			charges = append(charges, charge{s.studentReads, identityKey(st.Provider, st.User.ID)})
		}
		if wait, _ := take(s.now(), n, charges...); wait > 0 {
			retryAfter(w, wait)
			s.writeError(w, r, newError(http.StatusTooManyRequests, shared.CodeRateLimited,
				"Too many timetable requests. Wait a moment and try again."))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// feedLimited charges a feed fetch to the client address and, when the
// address's sealed part opens as a feed of a configured university, to
// that feed. An expired feed counts: fetching it revokes its access at the
// university (see endExpiredFeed), a call like any other. Anything else
// (made up, altered, of a university no longer served) is answered 404 or
// 410 by the handler without calling the university, so only the client
// address is charged and no bucket is made for it. Answers are plain text,
// as the feed's others are.
func (s *Server) feedLimited(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		charges := []charge{{s.clientReads, s.clientKey(r)}}
		if key, ok := s.feedKey(r.PathValue("token")); ok {
			charges = append(charges, charge{s.feedReads, key})
		}
		if wait, _ := take(s.now(), feedFetchWeeks, charges...); wait > 0 {
			retryAfter(w, wait)
			w.Header().Set("Cache-Control", "no-store")
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write([]byte("This calendar address is fetched too often. Try again later.\n"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// feedKey names the bucket of a feed's sealed part, if the server sealed
// it: a hash of what is sealed in it, the student, the access the
// university granted that feed alone and the expiry the server set. So
// only the server can make a bucket (and a sealed value opens in one
// spelling only, so none gets another bucket). It opens expired
// feeds too, as they are still charged; the value names a bucket and
// grants nothing.
func (s *Server) feedKey(token string) (string, bool) {
	var st sessionState
	expiry, err := s.sealer().OpenPastExpiry(feedPurpose, token, &st)
	if err != nil {
		return "", false
	}
	if _, ok := s.providers[st.Provider]; !ok {
		return "", false
	}
	return identityKey(st.Provider, st.User.ID, st.Creds.Token, strconv.FormatInt(expiry.Unix(), 10)), true
}

// identityKey is the limiter key of an authenticated identity: a hash of
// its parts, each length-prefixed so that no two lists share one, and so
// that the table holds no user ids.
func identityKey(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(p))))
		h.Write([]byte(p))
	}
	return string(h.Sum(nil)[:16])
}

// clientKey is the limiter key of the request's client: its IPv4 address,
// or the /64 of its IPv6 address (one subscriber's network: a client can
// pick any address within it). IPv4-mapped IPv6 addresses are IPv4.
func (s *Server) clientKey(r *http.Request) string {
	a := s.clientAddr(r)
	if !a.IsValid() {
		return r.RemoteAddr
	}
	if a.Is4() {
		return a.String()
	}
	return netip.PrefixFrom(a, 64).Masked().String()
}

// clientAddr is the client's IP address: the TCP peer, or, behind a
// reverse proxy the operator trusts, the last address that proxy appended
// to Options.ClientIPHeader (earlier entries are client-controlled).
func (s *Server) clientAddr(r *http.Request) netip.Addr {
	if h := s.opts.ClientIPHeader; h != "" {
		if v := r.Header.Values(h); len(v) > 0 {
			last := v[len(v)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if a, err := netip.ParseAddr(strings.TrimSpace(last)); err == nil {
				return a.WithZone("").Unmap()
			}
		}
	}
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().WithZone("").Unmap()
}
