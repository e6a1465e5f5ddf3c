// Package api is the backend's HTTP surface: the JSON API the PWA calls, the
// PWA itself, and the middleware every response passes through. Every route
// is declared in routes.go.
package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/campusweek/campusweek/server/metrics"
	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/server/seal"
	"github.com/campusweek/campusweek/shared"
)

// Options configure a Server.
type Options struct {
	// PublicURL is the origin the browser sees; callback URLs derive from
	// it and cookies are Secure when it is https.
	PublicURL *url.URL
	// AllowedOrigins are extra origins a PWA may call the API from.
	AllowedOrigins []string
	Providers      []provider.Provider
	Sealer         *seal.Sealer
	// PWA serves every non-API path. Nil serves 404s.
	PWA http.Handler
	// Mounts are extra handlers by path prefix, e.g. the demo sandbox.
	Mounts map[string]http.Handler
	// DisableHSTS stops the Strict-Transport-Security header, which every
	// response carries when PublicURL is https.
	DisableHSTS bool
	// Hosts, when not empty, are the host names (host or host:port) the
	// server answers for: a request with another Host gets 421, except
	// the probes and /metrics, so that a page reaching the server through
	// a name of its own (DNS rebinding) is refused. Empty serves any Host.
	Hosts []string
	// Logger receives the server's logs; records logged while serving a
	// request carry its id (see LogHandler).
	Logger *slog.Logger
	// Metrics records request and sign-in metrics and serves /metrics;
	// nil disables them.
	Metrics *metrics.Metrics
	// AuthRateLimit bounds the sign-in, sign-out and feed endpoints per
	// client address; zero means DefaultRateLimit.
	AuthRateLimit RateLimit
	// UniversitySignInRateLimit bounds each sign-in step (start and
	// complete) per university, all clients together, on top of
	// AuthRateLimit; zero means DefaultUniversitySignInRateLimit.
	UniversitySignInRateLimit RateLimit
	// ReadRateLimit bounds timetable reads per student (all their
	// sessions together), in weeks read; zero means DefaultReadRateLimit.
	ReadRateLimit RateLimit
	// FeedRateLimit bounds fetches of each calendar subscription, in
	// weeks read; zero means DefaultFeedRateLimit.
	FeedRateLimit RateLimit
	// ClientReadRateLimit bounds timetable reads and feed fetches
	// together per client address, in weeks read; zero means
	// DefaultClientReadRateLimit. Tests and load tests that run many
	// students from one address raise it.
	ClientReadRateLimit RateLimit
	// PublicRateLimit bounds the public reads (rooms', courses' and
	// lecturers' timetables) that reach each university, all clients
	// together, in reads the cache could not answer; zero means
	// DefaultPublicRateLimit.
	PublicRateLimit RateLimit
	// ClientIPHeader names the header (e.g. X-Forwarded-For) in which a
	// trusted reverse proxy passes the client's address. Empty means the
	// TCP peer is the client; set it only behind such a proxy, since
	// clients can send the header themselves.
	ClientIPHeader string
	// TimetableBudget bounds all the upstream calls of one timetable
	// request together; zero means 30 s, the most it may be (shutdown and
	// write timeouts are derived from that).
	TimetableBudget time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Ready, if set, is part of the readiness probe: an error (e.g. the
	// notifications database unreachable) fails /readyz.
	Ready func(context.Context) error
	// Notifications, if set, turns change notifications on (GET, POST
	// and DELETE /api/notifications); nil answers that they are not
	// available.
	Notifications *Notifications
}

// Server holds no per-user state: everything about a student lives in
// sealed cookies, so any number of replicas can serve the same users. It
// only remembers, for their 30 minutes, which sign-in flows reached the
// university, so that each gets one attempt there (with replicas, one per
// replica; the university refuses a used request token or code anyway).
type Server struct {
	opts      Options
	providers map[string]provider.Provider
	cookies   cookieNames
	log       *slog.Logger
	// limiter bounds the sign-in, sign-out and feed endpoints per client,
	// signIns the sign-in steps per university; the others bound
	// timetable reads, in weeks, per client, per student and per feed.
	limiter, signIns                     *limiter
	clientReads, studentReads, feedReads *limiter
	// spent remembers the sign-in flows that reached the university.
	spent *spentFlows
	// public caches the public timetables' reads; publicReads bounds
	// those that reach each university.
	public      *publicCache
	publicReads *limiter
	draining    atomic.Bool
	handler     http.Handler
}

// New validates opts and returns a Server.
func New(opts Options) (*Server, error) {
	if opts.PublicURL == nil {
		return nil, errors.New("api: PublicURL is required")
	}
	if opts.Sealer == nil {
		return nil, errors.New("api: Sealer is required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	opts.Logger = slog.New(LogHandler(opts.Logger.Handler()))
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.TimetableBudget <= 0 {
		opts.TimetableBudget = timetableBudget
	}
	if opts.TimetableBudget > timetableBudget {
		return nil, fmt.Errorf("api: TimetableBudget %v is over the %v maximum", opts.TimetableBudget, timetableBudget)
	}
	if opts.PWA == nil {
		opts.PWA = http.NotFoundHandler()
	}
	s := &Server{
		opts:         opts,
		providers:    map[string]provider.Provider{},
		cookies:      newCookieNames(opts.PublicURL.Scheme == "https"),
		log:          opts.Logger,
		limiter:      newLimiter(opts.AuthRateLimit, DefaultRateLimit, opts.Now),
		signIns:      newLimiter(opts.UniversitySignInRateLimit, DefaultUniversitySignInRateLimit, opts.Now),
		clientReads:  newLimiter(opts.ClientReadRateLimit, DefaultClientReadRateLimit, opts.Now),
		studentReads: newLimiter(opts.ReadRateLimit, DefaultReadRateLimit, opts.Now),
		feedReads:    newLimiter(opts.FeedRateLimit, DefaultFeedRateLimit, opts.Now),
		spent:        newSpentFlows(spentFlowsSize(opts.UniversitySignInRateLimit, len(opts.Providers))),
		public:       newPublicCache(publicCacheEntries, shared.PublicCacheLifetime, opts.Now),
		publicReads:  newLimiter(opts.PublicRateLimit, DefaultPublicRateLimit, opts.Now),
	}
	for _, p := range opts.Providers {
		id := p.Info().ID
		if _, dup := s.providers[id]; dup {
			return nil, fmt.Errorf("api: duplicate provider %q", id)
		}
		s.providers[id] = p
	}
	h, err := s.routes()
	if err != nil {
		return nil, err
	}
	s.handler = h
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

func (s *Server) now() time.Time { return s.opts.Now() }

// RequestBudget bounds the work of the slowest request, a timetable read
// (its calls to the university included), whatever the options. A
// graceful shutdown waits longer than this for in-flight requests, and the
// write timeout exceeds it.
func (s *Server) RequestBudget() time.Duration { return timetableBudget }

// Drain makes /readyz fail, so that load balancers stop sending new
// requests before the server shuts down. Requests are still served.
func (s *Server) Drain() { s.draining.Store(true) }
