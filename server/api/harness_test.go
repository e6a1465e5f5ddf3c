package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/api"
	"github.com/campusweek/campusweek/server/config"
	"github.com/campusweek/campusweek/server/metrics"
	"github.com/campusweek/campusweek/server/notify/poll"
	"github.com/campusweek/campusweek/server/notify/push"
	"github.com/campusweek/campusweek/server/notify/push/pushtest"
	"github.com/campusweek/campusweek/server/notify/store"
	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/server/provider/mytimetable"
	"github.com/campusweek/campusweek/server/provider/usos"
	mttsandbox "github.com/campusweek/campusweek/server/sandbox/mytimetable"
	usossandbox "github.com/campusweek/campusweek/server/sandbox/usos"
	"github.com/campusweek/campusweek/server/seal"
	"github.com/campusweek/campusweek/shared"
)

const (
	consumerKey    = "test-consumer"
	consumerSecret = "consumer-secret-Zk81qP"
	clientID       = "test-client"
	clientSecret   = "client-secret-Wq72rX"
)

// syncBuffer collects log output written from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// env is a backend wired to a sandbox USOS installation (provider "uni")
// and a sandbox MyTimetable installation (provider "mtt"), all on real
// loopback HTTP servers, and a browser-like client with a cookie jar.
type env struct {
	t       testing.TB
	sandbox *usossandbox.Server
	sbURL   string
	mtt     *mttsandbox.Server
	mttURL  string
	api     *httptest.Server
	server  *api.Server
	client  *http.Client
	logs    *syncBuffer
	clock   *clock

	// With envOptions.notifications: the subscriptions, the push service
	// browsers subscribe at, and a poller checking with the same
	// providers and clock as the API.
	notes   store.Store
	pushSvc *pushtest.Service
	poller  *poll.Poller
}

type clock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

type envOptions struct {
	scopes    []string // USOS
	mttScopes []string
	noRefresh bool // the MyTimetable client gets no refresh tokens
	rateLimit api.RateLimit
	// mttPKCE is the MyTimetable provider's pkce setting; mttRequirePKCE
	// makes the sandbox installation enforce PKCE.
	mttPKCE        string
	mttRequirePKCE bool
	// readRateLimit, clientReadRateLimit and feedRateLimit are the
	// timetable limits (api.Options); zero means the defaults.
	readRateLimit, clientReadRateLimit, feedRateLimit api.RateLimit
	metrics                                           *metrics.Metrics

	// universitySignInRateLimit is api.Options.UniversitySignInRateLimit.
	universitySignInRateLimit api.RateLimit
	// clientIPHeader is api.Options.ClientIPHeader: tests set it to play
	// clients at many addresses.
	clientIPHeader string

	// usosFront and mttFront, when set, wrap the USOS and MyTimetable
	// sandboxes (to inject faults or record traffic).
	usosFront      func(http.Handler) http.Handler
	mttFront       func(http.Handler) http.Handler
	callTimeout    time.Duration // per upstream call; default 5 s
	budget         time.Duration // per timetable request; default 30 s
	allowedOrigins []string
	// logger, when set, replaces the debug JSON log kept in env.logs (the
	// load test discards logs: a growing buffer would inflate its memory).
	logger *slog.Logger
	// notifications turns change notifications on (SQLite in a temporary
	// directory, a stand-in push service, env.poller).
	notifications bool
}

func newEnv(t testing.TB, o envOptions) *env {
	t.Helper()
	e := &env{t: t, logs: &syncBuffer{}, clock: &clock{}}
	log := o.logger
	if log == nil {
		// As the server binary does: every package's records logged while
		// serving a request carry its id.
		log = slog.New(api.LogHandler(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	}

	e.sandbox = usossandbox.New(usossandbox.Config{
		Consumers: map[string]string{consumerKey: consumerSecret},
		Logger:    log,
	})
	var front http.Handler = e.sandbox
	if o.usosFront != nil {
		front = o.usosFront(front)
	}
	if o.callTimeout == 0 {
		o.callTimeout = 5 * time.Second
	}
	sb := httptest.NewServer(front)
	t.Cleanup(sb.Close)
	e.sbURL = sb.URL + "/"

	// The backend's public URL must be known before its handler exists.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	public := &url.URL{Scheme: "http", Host: ln.Addr().String()}
	base, err := config.ParseBaseURL(e.sbURL)
	if err != nil {
		t.Fatal(err)
	}
	p := usos.New(config.Provider{
		ID: "uni", Kind: shared.KindUSOS, Name: "Test University", BaseURL: base,
		ConsumerKey: consumerKey, ConsumerSecret: consumerSecret, Scopes: o.scopes,
	}, usos.Options{Logger: log, CallTimeout: o.callTimeout})

	e.mtt = mttsandbox.New(mttsandbox.Config{
		Clients: map[string]mttsandbox.Client{clientID: {
			Secret:       clientSecret,
			RedirectURIs: []string{public.String() + "/auth/callback/mtt"},
			NoRefresh:    o.noRefresh,
		}},
		Logger:      log,
		RequirePKCE: o.mttRequirePKCE,
	})
	var mttFront http.Handler = e.mtt
	if o.mttFront != nil {
		mttFront = o.mttFront(mttFront)
	}
	mttServer := httptest.NewServer(mttFront)
	t.Cleanup(mttServer.Close)
	e.mttURL = mttServer.URL + "/"
	mttBase, err := config.ParseBaseURL(e.mttURL)
	if err != nil {
		t.Fatal(err)
	}
	m := mytimetable.New(config.Provider{
		ID: "mtt", Kind: shared.KindMyTimetable, Name: "Test Hogeschool", BaseURL: mttBase,
		ClientID: clientID, ClientSecret: clientSecret, Scopes: o.mttScopes, PKCE: o.mttPKCE,
	}, mytimetable.Options{Logger: log, CallTimeout: o.callTimeout})
	sealer, err := seal.New(bytes.Repeat([]byte{7}, seal.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	var notify *api.Notifications
	if o.notifications {
		notify = e.notifications(sealer, log, []provider.Provider{p, m})
	}
	srv, err := api.New(api.Options{
		PublicURL:           public,
		Providers:           []provider.Provider{p, m},
		Sealer:              sealer,
		Logger:              log,
		Now:                 e.clock.Now,
		AuthRateLimit:       o.rateLimit,
		ReadRateLimit:       o.readRateLimit,
		ClientReadRateLimit: o.clientReadRateLimit,
		FeedRateLimit:       o.feedRateLimit,
		AllowedOrigins:      o.allowedOrigins,
		Metrics:             o.metrics,
		TimetableBudget:     o.budget,

		UniversitySignInRateLimit: o.universitySignInRateLimit,
		ClientIPHeader:            o.clientIPHeader,
		Notifications:             notify,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.server = srv
	e.api = httptest.NewUnstartedServer(srv)
	e.api.Listener.Close()
	e.api.Listener = ln
	e.api.Start()
	t.Cleanup(e.api.Close)
	e.client = newBrowser(t)
	return e
}

// notifications opens a notifications store and makes e's poller.
func (e *env) notifications(sealer *seal.Sealer, log *slog.Logger, providers []provider.Provider) *api.Notifications {
	t := e.t
	st, err := store.Open(context.Background(), store.Options{Dir: filepath.Join(t.TempDir(), "notifications"), Sealer: sealer, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	keys, err := push.GenerateKeys()
	if err != nil {
		t.Fatal(err)
	}
	e.notes, e.pushSvc = st, pushtest.New(t, keys.Public)
	sender, err := push.NewSender(push.Options{Keys: keys, Contact: "mailto:ops@example.edu", Client: e.pushSvc.Client()})
	if err != nil {
		t.Fatal(err)
	}
	e.poller, err = poll.New(poll.Options{Store: st, Sender: sender, Providers: providers, Now: e.clock.Now, Logger: log,
		Jitter: func() float64 { return 0.5 }})
	if err != nil {
		t.Fatal(err)
	}
	return &api.Notifications{Store: st, VAPIDPublicKey: keys.Public}
}

// newBrowser is an HTTP client that keeps cookies and does not follow
// redirects, so tests can look at each hop.
func newBrowser(t testing.TB) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{
		Jar:           jar,
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) apiError() shared.Error {
	var e shared.ErrorResponse
	_ = json.Unmarshal(r.body, &e)
	return e.Error
}

func (e *env) do(c *http.Client, method, path string, body any, hdr map[string]string) response {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.api.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, b}
}

func (e *env) get(path string) response { return e.do(e.client, "GET", path, nil, nil) }

func (e *env) post(path string, body any) response { return e.do(e.client, "POST", path, body, nil) }

func decode[T any](t testing.TB, r response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
	return v
}

func (e *env) start(mode shared.SignInMode, returnTo string) string {
	e.t.Helper()
	r := e.post("/api/auth/uni/start", shared.StartRequest{Mode: mode, ReturnTo: returnTo})
	if r.status != http.StatusOK {
		e.t.Fatalf("start: %d %s", r.status, r.body)
	}
	return decode[shared.StartResponse](e.t, r).AuthorizeURL
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// consent plays the student on the sandbox's consent page and returns the
// final response (a redirect to the callback, or the PIN page).
func (e *env) consent(authorizeURL, decision string) *http.Response {
	e.t.Helper()
	return e.consentAs(authorizeURL, decision, e.sandbox.Students()[0].ID)
}

// consentAs is consent by the given sandbox student.
func (e *env) consentAs(authorizeURL, decision, student string) *http.Response {
	e.t.Helper()
	if !strings.HasPrefix(authorizeURL, e.sbURL+"services/oauth/authorize?") {
		e.t.Fatalf("authorize URL %q is not the configured installation's", authorizeURL)
	}
	u, _ := url.Parse(authorizeURL)
	c := newBrowser(e.t) // the provider's site has its own cookies
	resp, err := c.Get(authorizeURL)
	if err != nil {
		e.t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(page)
	if resp.StatusCode != 200 || m == nil {
		e.t.Fatalf("consent page: %d %s", resp.StatusCode, page)
	}
	form := url.Values{"oauth_token": {u.Query().Get("oauth_token")}, "csrf": {string(m[1])}, "student": {student}, "decision": {decision}}
	resp, err = c.PostForm(e.sbURL+"services/oauth/authorize", form)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp
}

// callbackParams approves (or denies) and returns the query the provider
// sent the browser back with, checking it goes to the PWA's callback route.
func (e *env) callbackParams(authorizeURL, decision string) map[string]string {
	e.t.Helper()
	return e.callbackParamsOf(e.consent(authorizeURL, decision))
}

// callbackParamsAs approves as the given sandbox student.
func (e *env) callbackParamsAs(authorizeURL, student string) map[string]string {
	e.t.Helper()
	return e.callbackParamsOf(e.consentAs(authorizeURL, "allow", student))
}

func (e *env) callbackParamsOf(resp *http.Response) map[string]string {
	e.t.Helper()
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil {
		e.t.Fatalf("consent answered %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if want := e.api.URL + "/auth/callback/uni"; loc.Scheme+"://"+loc.Host+loc.Path != want {
		e.t.Fatalf("callback %s, want %s", loc, want)
	}
	params := map[string]string{}
	for k, v := range loc.Query() {
		params[k] = v[0]
	}
	return params
}

// signIn runs the whole redirect flow and returns the completion.
func (e *env) signIn() shared.CompleteResponse {
	e.t.Helper()
	params := e.callbackParams(e.start(shared.ModeRedirect, "/?week=2026-11-23"), "allow")
	r := e.post("/api/auth/uni/complete", shared.CompleteRequest{Params: params})
	if r.status != http.StatusOK {
		e.t.Fatalf("complete: %d %s", r.status, r.body)
	}
	return decode[shared.CompleteResponse](e.t, r)
}

func (e *env) cookie(name string) *http.Cookie {
	u, _ := url.Parse(e.api.URL)
	for _, c := range e.client.Jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}
