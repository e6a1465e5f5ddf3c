// Package mytimetable implements provider.Provider for MyTimetable
// installations (Dutch and Belgian universities) with the OAuth 2
// authorization-code grant.
//
// MyTimetable documents no PKCE and authenticates clients with the secret
// in the token request's form body, so the exchange must happen here, on
// the backend. The state parameter, bound to the browser by the sealed
// flow cookie, is the CSRF defence of the redirect. For installations
// that support PKCE, pkce: S256 also binds the code to the flow (the
// verifier is sealed in the flow cookie), so that a code leaked from one
// browser cannot be redeemed in another's sign-in. Access and refresh tokens
// live only in the sealed session cookie; an expired access token is
// refreshed transparently and the caller re-seals the new one. Since every
// refresh revokes the grant's earlier access token, a student's concurrent
// requests share one refresh (refresh.go), and a refused access token is
// refreshed again as long as the refresh token works.
//
// One Provider talks to exactly one installation, whose base URL comes from
// the operator's configuration.
package mytimetable

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/campusweek/campusweek/server/config"
	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/server/provider/upstream"
	"github.com/campusweek/campusweek/shared"
)

const (
	// daysPerCall keeps each timetable request to a small window, as
	// MyTimetable asks of its clients.
	daysPerCall = 28
	// refreshMargin refreshes a token slightly before it expires, so a
	// request does not race the expiry at the server.
	refreshMargin = 30 * time.Second
	// maxRefreshes bounds the token requests of one API request. A token
	// that a refresh has just given can still be refused: another replica
	// (or a calendar app's feed) refreshed the same grant meanwhile, which
	// revokes it. Refreshing again then keeps the student signed in.
	maxRefreshes = 2
	// maxRenewals bounds how often one request changes tokens, reusing
	// other requests' refreshes included.
	maxRenewals = 4
)

// Options tune a Provider. The zero value is usable.
type Options = upstream.Options

// Provider is one MyTimetable installation.
type Provider struct {
	cfg     config.Provider
	apiBase string
	oauth   oauth2.Config
	api     *upstream.API
	tokens  *refresher
	demo    bool
	log     *slog.Logger
}

var _ provider.Provider = (*Provider)(nil)

// New returns a Provider for the configured installation. At most
// cfg.MaxConcurrentRequests calls (default upstream.DefaultMaxConcurrent)
// are in flight there at once.
func New(cfg config.Provider, opts Options) *Provider {
	api := upstream.NewAPI(upstream.Installation{System: "mytimetable", Provider: cfg.ID,
		MaxConcurrent: cfg.MaxConcurrentRequests, ErrorDetail: errorMessage}, opts)
	base := cfg.BaseURL.String() // always ends in "/"
	p := &Provider{
		cfg:     cfg,
		apiBase: base + "api/v0/",
		oauth: oauth2.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			Scopes:       cfg.Scopes,
			Endpoint: oauth2.Endpoint{
				AuthURL:  base + "oauth/authorize",
				TokenURL: base + "oauth/token",
				// MyTimetable reads client_id and client_secret from the
				// form body; fixing the style also avoids x/oauth2's
				// probing, which would send the secret twice on failure.
				AuthStyle: oauth2.AuthStyleInParams,
			},
		},
		api:  api,
		demo: opts.Demo,
		log:  api.Logger(),
	}
	p.tokens = newRefresher(api.Timeout(), p.refreshToken)
	return p
}

// Info implements provider.Provider. MyTimetable has no PIN flow and no
// revocation endpoint, so Provider is no provider.Revoker: on signing out
// the access token dies at its expiry, and the refresh token goes with the
// session cookie, the only place it was kept. Access outlives the session
// through refresh tokens, which an installation may not issue; the grants
// without one are short-lived (see ShortLivedReason). Rooms', modules' and
// staff timetables are read without a student (see public.go).
func (p *Provider) Info() shared.Provider {
	return shared.Provider{ID: p.cfg.ID, Kind: shared.KindMyTimetable, Name: p.cfg.Name, Demo: p.demo,
		Capabilities: shared.Capabilities{LongLivedAccess: true, PublicTimetables: true}}
}

// ShortLivedReason implements provider.Provider.
func (p *Provider) ShortLivedReason() string {
	return "its MyTimetable issues CampusWeek no refresh token"
}

// Start implements provider.Provider. MyTimetable has no out-of-band flow,
// so callbackURL is required; the returned flow carries a fresh state and,
// with pkce: S256, a fresh PKCE verifier, whose challenge the authorize URL
// carries.
func (p *Provider) Start(_ context.Context, callbackURL string) (string, provider.Flow, error) {
	if callbackURL == "" {
		return "", provider.Flow{}, errors.New("mytimetable: the authorization-code grant needs a redirect URI")
	}
	flow := provider.Flow{Token: rand.Text(), Callback: callbackURL} // state: 130 random bits
	cfg := p.oauth
	cfg.RedirectURL = callbackURL
	var opts []oauth2.AuthCodeOption
	if p.cfg.PKCE == config.PKCES256 {
		flow.Verifier = oauth2.GenerateVerifier()
		opts = append(opts, oauth2.S256ChallengeOption(flow.Verifier))
	}
	return cfg.AuthCodeURL(flow.Token, opts...), flow, nil
}

// Complete implements provider.Provider: it checks the state and exchanges
// the code for tokens.
func (p *Provider) Complete(ctx context.Context, flow provider.Flow, in provider.CompleteInput) (provider.Credentials, error) {
	state := in.Params["state"]
	if state == "" || subtle.ConstantTimeCompare([]byte(state), []byte(flow.Token)) != 1 {
		return provider.Credentials{}, fmt.Errorf("mytimetable: %w: state does not match this browser's sign-in", provider.ErrFlow)
	}
	if e := in.Params["error"]; e != "" {
		if e == "access_denied" {
			return provider.Credentials{}, fmt.Errorf("mytimetable: %w", provider.ErrDenied)
		}
		// invalid_scope, unauthorized_client, server_error...: the
		// operator's registration or the server is at fault, not the
		// student.
		return provider.Credentials{}, p.api.Error("authorize", 0, "the authorization server refused: "+upstream.Clip(oauthErrorCode(e), 64))
	}
	code := in.Params["code"]
	if code == "" {
		return provider.Credentials{}, fmt.Errorf("mytimetable: %w: callback without code", provider.ErrFlow)
	}
	ctx, cancel := context.WithTimeout(ctx, p.api.Timeout())
	defer cancel()
	cfg := p.oauth
	cfg.RedirectURL = flow.Callback // must equal the authorize request's
	var opts []oauth2.AuthCodeOption
	if flow.Verifier != "" {
		opts = append(opts, oauth2.VerifierOption(flow.Verifier))
	}
	tok, err := cfg.Exchange(p.clientContext(ctx), code, opts...)
	if err != nil {
		return provider.Credentials{}, p.tokenError(ctx, "exchange code", err)
	}
	return p.credentials(tok), nil
}

// credentials keeps what the session needs of a token reply.
func (p *Provider) credentials(tok *oauth2.Token) provider.Credentials {
	c := provider.Credentials{Token: tok.AccessToken, Refresh: tok.RefreshToken, Expiry: tok.Expiry}
	if s, ok := tok.Extra("scope").(string); ok && s != "" {
		c.Scopes = strings.Fields(s)
	} else {
		c.Scopes = slices.Clone(p.cfg.Scopes)
	}
	return c
}

// tokenError classifies a failed token endpoint call. invalid_grant means
// the code or refresh token is spent, expired or was never valid.
func (p *Provider) tokenError(ctx context.Context, op string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("mytimetable: %s: %w", op, provider.ErrTimeout)
	}
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return p.api.Error(op, 0, "no usable response: "+upstream.Scrub(err))
	}
	status := 0
	if re.Response != nil {
		status = re.Response.StatusCode
	}
	if re.ErrorCode == "invalid_grant" {
		return fmt.Errorf("mytimetable: %s: %w (invalid_grant)", op, provider.ErrFlow)
	}
	detail := "token endpoint refused the request"
	if re.ErrorCode != "" {
		detail += ": " + oauthErrorCode(re.ErrorCode)
	}
	return p.api.Error(op, status, detail)
}

// oauthErrorCode keeps an OAuth error code printable and short: it comes
// from the network and ends up in logs.
func oauthErrorCode(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, upstream.Clip(s, 64))
}

// clientContext hands x/oauth2 the outbound client (no redirects, capped
// transport) for its token calls.
func (p *Provider) clientContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, p.api.Client())
}

// User implements provider.Provider. MyTimetable knows only a username.
func (p *Provider) User(ctx context.Context, creds *provider.Credentials) (shared.User, error) {
	var u struct {
		Username string `json:"username"`
	}
	if err := p.newCaller(creds).get(ctx, "read user", "user", nil, &u); err != nil {
		return shared.User{}, err
	}
	name := strings.TrimSpace(u.Username)
	if name == "" {
		return shared.User{}, p.api.Error("read user", http.StatusOK, "user without username")
	}
	return shared.User{ID: name, Name: name}, nil
}

// Timetable implements provider.Provider. The range is read in windows of
// daysPerCall days, concurrently, from local midnight of from to local
// midnight after to.
func (p *Provider) Timetable(ctx context.Context, creds *provider.Credentials, from, to shared.Date) ([]shared.Event, error) {
	if to.Before(from) {
		return nil, fmt.Errorf("mytimetable: range %s..%s is empty", from, to)
	}
	c := p.newCaller(creds)
	// Refresh once up front rather than in every concurrent window.
	if err := c.ensureFresh(ctx); err != nil {
		return nil, err
	}
	return p.readEvents(ctx, from, to, func(ctx context.Context, q url.Values, out *[]event) error {
		return c.get(ctx, "read timetable", "timetable", q, out)
	})
}

// readEvents reads the events of [from, to] in windows of daysPerCall
// days, get fetching one window (q holds its startDate and endDate), and
// finishes them as every timetable is: normalised, in range, sorted.
func (p *Provider) readEvents(ctx context.Context, from, to shared.Date, get func(ctx context.Context, q url.Values, out *[]event) error) ([]shared.Event, error) {
	read, err := upstream.FetchWindows(ctx, from, to, daysPerCall, func(ctx context.Context, w upstream.Window) ([]event, error) {
		var out []event
		q := url.Values{
			"startDate": {millis(localMidnight(w.Start))},
			"endDate":   {millis(localMidnight(w.End()))},
		}
		err := get(ctx, q, &out)
		return out, err
	})
	if err != nil {
		return nil, err
	}
	var events []shared.Event
	for _, e := range read {
		ev, err := e.normalize()
		if err != nil {
			// One malformed event must not hide the rest of the week.
			p.log.WarnContext(ctx, "skipping malformed event", "err", err)
			continue
		}
		events = append(events, ev)
	}
	return provider.InRange(events, from, to), nil
}

func millis(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

// caller makes the API calls of one request, sharing one refresh among
// its concurrent calls (and, through p.tokens, with other requests).
type caller struct {
	p         *Provider
	mu        sync.Mutex
	creds     *provider.Credentials
	renewals  int // token changes
	refreshes int // token requests made or joined
}

func (p *Provider) newCaller(creds *provider.Credentials) *caller {
	return &caller{p: p, creds: creds}
}

func (c *caller) token() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.creds.Token
}

// ensureFresh refreshes a token known to be expired.
func (c *caller) ensureFresh(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.creds.Expiry.IsZero() || time.Until(c.creds.Expiry) > refreshMargin {
		return nil
	}
	if c.creds.Refresh == "" {
		return fmt.Errorf("mytimetable: %w: access token expired and there is no refresh token", provider.ErrSignedOut)
	}
	return c.renewLocked(ctx)
}

// renew answers a 401 for the token used, unless another call already
// replaced it. Only the refresh token decides a sign-out: a refused access
// token is replaced, even one this request got from a refresh.
func (c *caller) renew(ctx context.Context, used string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.creds.Token != used {
		return nil // a concurrent call renewed already
	}
	if c.creds.Refresh == "" {
		return fmt.Errorf("mytimetable: %w", provider.ErrSignedOut)
	}
	return c.renewLocked(ctx)
}

// renewLocked replaces the credentials in place, within the request's
// bounds. A refused refresh (invalid_grant) is ErrSignedOut.
func (c *caller) renewLocked(ctx context.Context) error {
	if c.renewals >= maxRenewals {
		return c.refused()
	}
	n, refreshed, err := c.p.tokens.renew(ctx, *c.creds, c.refreshes < maxRefreshes)
	if refreshed {
		c.refreshes++
	}
	if errors.Is(err, errRefreshesSpent) {
		return c.refused()
	}
	if err != nil {
		return err
	}
	c.renewals++
	*c.creds = n
	c.creds.Scopes = slices.Clone(n.Scopes) // n may be shared with other requests
	return nil
}

// refused reports access tokens refused right after a working refresh:
// the university's fault (or a race it keeps losing), not a reason to
// sign the student out.
func (c *caller) refused() error {
	return c.p.api.Error("refresh token", http.StatusUnauthorized, "freshly refreshed access tokens were refused")
}

// refreshToken asks the token endpoint for a new access token.
func (p *Provider) refreshToken(ctx context.Context, refresh string) (provider.Credentials, error) {
	src := p.oauth.TokenSource(p.clientContext(ctx), &oauth2.Token{RefreshToken: refresh})
	tok, err := src.Token()
	if err != nil {
		err = p.tokenError(ctx, "refresh token", err)
		if errors.Is(err, provider.ErrFlow) { // invalid_grant: the refresh token is dead
			return provider.Credentials{}, fmt.Errorf("mytimetable: refresh refused: %w", provider.ErrSignedOut)
		}
		return provider.Credentials{}, err
	}
	p.log.DebugContext(ctx, "access token refreshed")
	return p.credentials(tok), nil
}

// get calls an API method and decodes its JSON reply into out. A 401 is
// answered with a new access token and another try (as often as the
// caller's bounds on renewals allow); a transient failure with one retry.
func (c *caller) get(ctx context.Context, op, method string, q url.Values, out any) error {
	u := c.p.apiBase + method
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	for {
		tok := c.token()
		// Get asks for JSON; without that, MyTimetable answers XML.
		err := c.p.api.Get(ctx, upstream.Call{Op: op, URL: u, Header: http.Header{
			"Authorization":   {"Bearer " + tok},
			"Accept-Language": {strings.Join(provider.Languages(ctx), ", ")},
		}}, out)
		if !errors.Is(err, provider.ErrSignedOut) {
			return err
		}
		// Each success of renew is a counted change of token, so this
		// loop ends.
		if err := c.renew(ctx, tok); err != nil {
			return err
		}
	}
}

// errorMessage extracts MyTimetable's {"errorType","errorMessage"} from an
// error body, or returns "" for a body that is not one (e.g. an HTML page).
func errorMessage(body []byte) string {
	var e struct {
		Type    string `json:"errorType"`
		Message string `json:"errorMessage"`
	}
	if json.Unmarshal(body, &e) == nil && (e.Type != "" || e.Message != "") {
		return strings.Trim(upstream.Clip(e.Type, 64)+": "+upstream.Clip(e.Message, 200), ": ")
	}
	return ""
}
