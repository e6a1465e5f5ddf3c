package api

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/campusweek/campusweek/shared"
)

// RateLimit bounds the state-changing endpoints (sign-in, sign-out, feeds)
// per client address. Each sign-in costs the provider a token request, so a
// client hammering /start could exhaust an operator's quota at the
// university.
type RateLimit struct {
	// PerSecond is the sustained rate; Burst the requests allowed at once.
	// Generous defaults: a lecture hall signs in at the same time from
	// behind one campus NAT address.
	PerSecond float64
	Burst     int
}

// DefaultRateLimit is used when Options.AuthRateLimit is zero.
var DefaultRateLimit = RateLimit{PerSecond: 5, Burst: 60}

const (
	// maxClients bounds the limiter table; idle entries go first.
	maxClients = 100_000
	// clientIdle is when an untouched limiter is full again and can go.
	clientIdle = 10 * time.Minute
)

// limiter keeps a token bucket per client address.
type limiter struct {
	limit rate.Limit
	burst int
	now   func() time.Time

	mu      sync.Mutex
	clients map[string]*client
}

type client struct {
	bucket *rate.Limiter
	seen   time.Time
}

func newLimiter(rl RateLimit, now func() time.Time) *limiter {
	if rl.PerSecond <= 0 || rl.Burst <= 0 {
		rl = DefaultRateLimit
	}
	return &limiter{limit: rate.Limit(rl.PerSecond), burst: rl.Burst, now: now, clients: map[string]*client{}}
}

// allow takes a token for key, or says how long until one is available.
func (l *limiter) allow(key string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.clients[key]
	if !ok {
		if len(l.clients) >= maxClients {
			l.prune(now)
		}
		c = &client{bucket: rate.NewLimiter(l.limit, l.burst)}
		l.clients[key] = c
	}
	c.seen = now
	r := c.bucket.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// prune drops idle clients; if none is idle (an attack from very many
// addresses), it starts over rather than grow without bound.
func (l *limiter) prune(now time.Time) {
	for k, c := range l.clients {
		if now.Sub(c.seen) > clientIdle {
			delete(l.clients, k)
		}
	}
	if len(l.clients) >= maxClients {
		clear(l.clients)
	}
}

// rateLimited applies the limiter to next, keyed by the client address.
func (s *Server) rateLimited(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok, wait := s.limiter.allow(s.clientAddr(r))
		if !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
			s.writeError(w, r, newError(http.StatusTooManyRequests, shared.CodeRateLimited,
				"Too many requests from your network. Wait a moment and try again."))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// clientAddr is the client's IP address: the TCP peer, or, behind a
// reverse proxy the operator trusts, the last address that proxy appended
// to Options.ClientIPHeader (earlier entries are client-controlled).
func (s *Server) clientAddr(r *http.Request) string {
	if h := s.opts.ClientIPHeader; h != "" {
		if v := r.Header.Values(h); len(v) > 0 {
			last := v[len(v)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if ip := net.ParseIP(strings.TrimSpace(last)); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
