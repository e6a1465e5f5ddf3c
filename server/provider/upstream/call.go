package upstream

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/campusweek/campusweek/server/provider"
)

// DefaultCallTimeout bounds each upstream call unless Options say
// otherwise.
const DefaultCallTimeout = 15 * time.Second

// Options tune a provider. The zero value is usable.
type Options struct {
	// HTTPClient makes the upstream calls. Its Transport is used; redirects
	// are never followed. Nil means a client with sensible timeouts.
	HTTPClient *http.Client
	// CallTimeout bounds each upstream call (default DefaultCallTimeout).
	CallTimeout time.Duration
	// Demo marks the provider as the built-in sandbox.
	Demo   bool
	Logger *slog.Logger
}

// Installation is the university a provider calls, as its calls need it.
type Installation struct {
	// System prefixes the errors that name no provider, e.g. "usos".
	System string
	// Provider is the provider's ID, named in its UpstreamErrors.
	Provider string
	// MaxConcurrent bounds the calls in flight there at once, all students
	// together (<= 0: DefaultMaxConcurrent).
	MaxConcurrent int
	// ErrorDetail reads an error response's body as a short, secret-free
	// detail, or returns "" when the body is not in the system's error
	// format (a gateway's HTML page, say). Nil: never in that format.
	ErrorDetail func(body []byte) string
}

// An API makes one provider's calls to its university: through one
// transport bounded to the installation's limit, never following
// redirects, each call bounded in time and in the size of its answer. It is
// safe for concurrent use.
type API struct {
	inst    Installation
	rt      http.RoundTripper
	client  *http.Client
	timeout time.Duration
	log     *slog.Logger
}

// NewAPI returns the API of inst, tuned by opts.
func NewAPI(inst Installation, opts Options) *API {
	var rt http.RoundTripper
	if opts.HTTPClient != nil {
		rt = opts.HTTPClient.Transport
	}
	rt = Limit(rt, inst.MaxConcurrent)
	if opts.CallTimeout <= 0 {
		opts.CallTimeout = DefaultCallTimeout
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &API{
		inst:    inst,
		rt:      rt,
		client:  Client(rt),
		timeout: opts.CallTimeout,
		log:     opts.Logger.With("provider", inst.Provider),
	}
}

// Transport is the installation's bounded transport, for transports that
// wrap it (a signing one, say).
func (a *API) Transport() http.RoundTripper { return a.rt }

// Client is a client over Transport that never follows redirects, for
// libraries that make their own calls (OAuth token endpoints).
func (a *API) Client() *http.Client { return a.client }

// Timeout is the time bound of one call.
func (a *API) Timeout() time.Duration { return a.timeout }

// Logger logs on behalf of the provider.
func (a *API) Logger() *slog.Logger { return a.log }

// A Call is one GET of a university's API, answered with JSON.
type Call struct {
	// Op says what is being done, for errors: "read timetable".
	Op string
	// URL is the method's address, built from the operator's
	// configuration, never from a request.
	URL string
	// Header is added to the request (which accepts application/json).
	Header http.Header
	// Transport, when not nil, sends the request instead of the API's
	// own; it must wrap Transport, so the installation's bound holds. It
	// sees every attempt as a new request: OAuth 1.0a signs each afresh.
	Transport http.RoundTripper
}

// Get makes c and decodes a 200's JSON body into out, once more after a
// transient failure (see Retry). Its errors are those of Do.
func (a *API) Get(ctx context.Context, c Call, out any) error {
	return Retry(ctx, func() error { return a.Do(ctx, c, out) })
}

// Do makes c once, within the API's time bound, and decodes a 200's JSON
// body into out. A 401 is provider.ErrSignedOut; no answer in time is
// provider.ErrTimeout; any other failure (no response, a body over
// MaxBody, another status, malformed JSON) is a *provider.UpstreamError
// whose detail holds no URL, token or body beyond what ErrorDetail keeps.
func (a *API) Do(ctx context.Context, c Call, out any) error {
	ctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.URL, nil)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", a.inst.System, c.Op, err)
	}
	if c.Header != nil {
		req.Header = c.Header.Clone()
	}
	req.Header.Set("Accept", "application/json")
	client := a.client
	if c.Transport != nil {
		client = &http.Client{Transport: c.Transport, CheckRedirect: NoRedirects}
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return a.timedOut(c.Op)
		}
		return a.Error(c.Op, 0, "no response: "+Scrub(err))
	}
	defer resp.Body.Close()
	body, err := ReadBody(resp)
	if err != nil {
		if ctx.Err() != nil {
			return a.timedOut(c.Op)
		}
		return a.Error(c.Op, resp.StatusCode, "reading response: "+err.Error())
	}
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusUnauthorized:
		return fmt.Errorf("%s: %s: %w", a.inst.System, c.Op, provider.ErrSignedOut)
	default:
		return a.Error(c.Op, resp.StatusCode, a.errorDetail(body))
	}
	if err := json.Unmarshal(body, out); err != nil {
		return a.Error(c.Op, resp.StatusCode, "malformed JSON: "+err.Error())
	}
	return nil
}

// Error reports an answer of the installation that cannot be used; status
// is 0 when there was none. detail must hold no secret.
func (a *API) Error(op string, status int, detail string) *provider.UpstreamError {
	return &provider.UpstreamError{Provider: a.inst.Provider, Op: op, Status: status, Detail: detail}
}

func (a *API) timedOut(op string) error {
	return fmt.Errorf("%s: %s: %w", a.inst.System, op, provider.ErrTimeout)
}

func (a *API) errorDetail(body []byte) string {
	if a.inst.ErrorDetail != nil {
		if d := a.inst.ErrorDetail(body); d != "" {
			return d
		}
	}
	return "unexpected non-JSON error body"
}
