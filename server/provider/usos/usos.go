// Package usos implements provider.Provider for USOS API installations
// (Polish universities) with OAuth 1.0a, HMAC-SHA1.
//
// One Provider talks to exactly one installation, whose base URL comes from
// the operator's configuration; nothing from a request ever changes which
// host is contacted.
package usos

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dghubble/oauth1"

	"github.com/campusweek/campusweek/server/config"
	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/server/provider/upstream"
	"github.com/campusweek/campusweek/shared"
)

const (
	// maxDaysPerCall is the most services/tt/user returns in one call.
	maxDaysPerCall = 7
	// usersPerCall is the most user ids asked of services/users/users at once.
	usersPerCall = 50
)

// Options tune a Provider. The zero value is usable.
type Options = upstream.Options

// Provider is one USOS installation.
type Provider struct {
	cfg    config.Provider
	base   *url.URL
	oauth  oauth1.Config
	scopes string
	api    *upstream.API
	// signBase is the client under OAuth 1.0a's signing transport.
	signBase *http.Client
	demo     bool
	log      *slog.Logger
}

var (
	_ provider.Provider = (*Provider)(nil)
	_ provider.Revoker  = (*Provider)(nil)
)

// New returns a Provider for the configured installation.
func New(cfg config.Provider, opts Options) *Provider {
	// One bound on the calls in flight at this installation, shared by
	// every student's requests.
	api := upstream.NewAPI(upstream.Installation{System: "usos", Provider: cfg.ID,
		MaxConcurrent: cfg.MaxConcurrentRequests, ErrorDetail: errorMessage}, opts)
	base := *cfg.BaseURL
	p := &Provider{
		cfg:      cfg,
		base:     &base,
		scopes:   strings.Join(cfg.Scopes, "|"),
		api:      api,
		signBase: &http.Client{Transport: noReplay{api.Transport()}},
		demo:     opts.Demo,
		log:      api.Logger(),
	}
	requestTokenURL := p.methodURL("services/oauth/request_token", nil)
	if p.scopes != "" {
		// USOS takes scopes on the request token call; query parameters
		// are part of the OAuth signature.
		requestTokenURL += "?" + url.Values{"scopes": {p.scopes}}.Encode()
	}
	p.oauth = oauth1.Config{
		ConsumerKey:    cfg.ConsumerKey,
		ConsumerSecret: cfg.ConsumerSecret,
		Endpoint: oauth1.Endpoint{
			RequestTokenURL: requestTokenURL,
			AuthorizeURL:    p.methodURL("services/oauth/authorize", nil),
			AccessTokenURL:  p.methodURL("services/oauth/access_token", nil),
		},
		// Set here, once: oauth1 fills in a missing Noncer on every
		// Client call, a data race between concurrent calls.
		Noncer: oauth1.Base64Noncer{},
	}
	return p
}

// methodURL is the address of a USOS API method, with its query.
func (p *Provider) methodURL(method string, q url.Values) string {
	u := p.base.String() + method
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// Info implements provider.Provider. USOS offers the PIN flow and
// revocation (services/oauth/revoke_token ends an access token at once);
// its access outlives the 2-hour token lifetime only with the
// offline_access scope. Every installation answers rooms', courses' and
// lecturers' timetables to the consumer key alone (see public.go).
func (p *Provider) Info() shared.Provider {
	return shared.Provider{ID: p.cfg.ID, Kind: shared.KindUSOS, Name: p.cfg.Name, Demo: p.demo,
		Capabilities: shared.Capabilities{PIN: true, Revoke: true, LongLivedAccess: p.offlineAccess(), PublicTimetables: true}}
}

// offlineAccess reports whether access outlives the 2-hour token lifetime.
func (p *Provider) offlineAccess() bool { return slices.Contains(p.cfg.Scopes, "offline_access") }

// ShortLivedReason implements provider.Provider.
func (p *Provider) ShortLivedReason() string {
	return "the offline_access scope is not configured for CampusWeek"
}

// Start implements provider.Provider: it obtains a request token.
func (p *Provider) Start(ctx context.Context, callbackURL string) (string, provider.Flow, error) {
	ctx, cancel := context.WithTimeout(ctx, p.api.Timeout())
	defer cancel()
	cfg := p.oauth
	cfg.CallbackURL = callbackURL
	if callbackURL == "" {
		cfg.CallbackURL = "oob"
	}
	rec := &recorder{ctx: ctx, base: p.api.Transport()}
	cfg.HTTPClient = rec.client()
	token, secret, err := cfg.RequestToken()
	if err != nil {
		return "", provider.Flow{}, p.flowError(ctx, "get request token", rec, err)
	}
	u, err := cfg.AuthorizationURL(token)
	if err != nil {
		return "", provider.Flow{}, fmt.Errorf("usos: authorization URL: %w", err)
	}
	return u.String(), provider.Flow{Token: token, Secret: secret, Callback: callbackURL}, nil
}

// Complete implements provider.Provider: it exchanges the verifier (from the
// callback, or the PIN) for an access token.
func (p *Provider) Complete(ctx context.Context, flow provider.Flow, in provider.CompleteInput) (provider.Credentials, error) {
	var verifier string
	if flow.Callback == "" { // PIN mode
		verifier = strings.TrimSpace(in.PIN)
		if verifier == "" {
			return provider.Credentials{}, fmt.Errorf("usos: %w: no PIN given", provider.ErrFlow)
		}
	} else {
		tok := in.Params["oauth_token"]
		if subtle.ConstantTimeCompare([]byte(tok), []byte(flow.Token)) != 1 {
			return provider.Credentials{}, fmt.Errorf("usos: %w: callback token does not match this browser's sign-in", provider.ErrFlow)
		}
		verifier = in.Params["oauth_verifier"]
		if verifier == "" {
			if in.Params["error"] != "" {
				return provider.Credentials{}, fmt.Errorf("usos: %w", provider.ErrDenied)
			}
			return provider.Credentials{}, fmt.Errorf("usos: %w: callback without oauth_verifier", provider.ErrFlow)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, p.api.Timeout())
	defer cancel()
	cfg := p.oauth
	rec := &recorder{ctx: ctx, base: p.api.Transport()}
	cfg.HTTPClient = rec.client()
	token, secret, err := cfg.AccessToken(flow.Token, flow.Secret, verifier)
	if err != nil {
		return provider.Credentials{}, p.flowError(ctx, "exchange verifier", rec, err)
	}
	creds := provider.Credentials{Token: token, Secret: secret, Scopes: p.cfg.Scopes}
	if !p.offlineAccess() {
		creds.Expiry = time.Now().Add(2 * time.Hour)
	}
	return creds, nil
}

// flowError classifies a failed token endpoint call. A 400/401 there means
// the request token or verifier was refused: the student must start again.
func (p *Provider) flowError(ctx context.Context, op string, rec *recorder, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("usos: %s: %w", op, provider.ErrTimeout)
	}
	switch s := rec.status(); {
	case s == http.StatusUnauthorized || s == http.StatusBadRequest:
		return fmt.Errorf("usos: %s: %w (status %d)", op, provider.ErrFlow, s)
	case s == 0:
		return p.api.Error(op, 0, "no response: "+upstream.Scrub(err))
	default:
		return p.api.Error(op, s, "token endpoint refused the request")
	}
}

// User implements provider.Provider.
func (p *Provider) User(ctx context.Context, creds *provider.Credentials) (shared.User, error) {
	var u user
	if err := p.call(ctx, creds, "read user", "services/users/user", url.Values{"fields": {"id|first_name|last_name"}}, &u); err != nil {
		return shared.User{}, err
	}
	if u.ID == "" {
		return shared.User{}, p.api.Error("read user", http.StatusOK, "user without id")
	}
	return shared.User{ID: string(u.ID), Name: u.fullName(false)}, nil
}

// Revoke implements provider.Revoker.
func (p *Provider) Revoke(ctx context.Context, creds *provider.Credentials) error {
	var out json.RawMessage
	err := p.call(ctx, creds, "revoke token", "services/oauth/revoke_token", nil, &out)
	if errors.Is(err, provider.ErrSignedOut) {
		return nil // already dead: the goal is reached
	}
	return err
}

// Timetable implements provider.Provider. The range is split into 7-day
// calls (the USOS maximum) fetched concurrently, then lecturer ids are
// resolved to names in batches.
func (p *Provider) Timetable(ctx context.Context, creds *provider.Credentials, from, to shared.Date) ([]shared.Event, error) {
	if to.Before(from) {
		return nil, fmt.Errorf("usos: range %s..%s is empty", from, to)
	}
	activities, err := upstream.FetchWindows(ctx, from, to, maxDaysPerCall, func(ctx context.Context, w upstream.Window) ([]activity, error) {
		var out []activity
		q := url.Values{"start": {w.Start.String()}, "days": {itoa(w.Days)}, "fields": {ttFields}}
		err := p.call(ctx, creds, "read timetable", "services/tt/user", q, &out)
		return out, err
	})
	if err != nil {
		return nil, err
	}

	langs := provider.Languages(ctx)
	lecturers := p.lecturerNames(ctx, func(ctx context.Context, op, method string, q url.Values, out any) error {
		return p.call(ctx, creds, op, method, q, out)
	}, activities, langs)
	return p.events(ctx, activities, langs, lecturers, from, to), nil
}

// events normalizes activities and keeps those in [from, to]. One
// malformed activity must not hide the rest of the week: it is skipped.
func (p *Provider) events(ctx context.Context, activities []activity, langs []string, lecturers map[string]string, from, to shared.Date) []shared.Event {
	var events []shared.Event
	for _, a := range activities {
		ev, err := normalize(a, langs, lecturers)
		if err != nil {
			p.log.WarnContext(ctx, "skipping malformed activity", "err", err)
			continue
		}
		events = append(events, ev)
	}
	return provider.InRange(events, from, to)
}

// methodCall makes one call of a USOS method with some access (a
// student's token, or the operator's key alone) and decodes its reply.
type methodCall func(ctx context.Context, op, method string, q url.Values, out any) error

// lecturerNames resolves lecturer ids through services/users/users, made
// with call. Names are a nicety: on failure the timetable is still
// returned, without them.
func (p *Provider) lecturerNames(ctx context.Context, call methodCall, activities []activity, langs []string) map[string]string {
	var ids []string
	seen := map[string]bool{}
	for _, a := range activities {
		for _, id := range a.LecturerIDs {
			if id != "" && !seen[string(id)] {
				seen[string(id)] = true
				ids = append(ids, string(id))
			}
		}
	}
	names := make(map[string]string, len(ids))
	if len(ids) == 0 {
		return names
	}
	var mu sync.Mutex
	batches := slices.Collect(slices.Chunk(ids, usersPerCall))
	err := upstream.Each(ctx, batches, func(ctx context.Context, _ int, batch []string) error {
		var out map[string]*user
		q := url.Values{"user_ids": {strings.Join(batch, "|")}, "fields": {"id|first_name|last_name|titles"}}
		if err := call(ctx, "read lecturers", "services/users/users", q, &out); err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		for id, u := range out {
			if u != nil {
				names[id] = u.fullName(true)
			}
		}
		return nil
	})
	if err != nil {
		p.log.WarnContext(ctx, "lecturer names unavailable", "err", err)
	}
	return names
}

// normalize maps a USOS activity to the shared event type.
func normalize(a activity, langs []string, lecturers map[string]string) (shared.Event, error) {
	start, err := parseLocal(a.StartTime, warsaw)
	if err != nil {
		return shared.Event{}, err
	}
	end, err := parseLocal(a.EndTime, warsaw)
	if err != nil {
		return shared.Event{}, err
	}
	if end.Before(start) {
		return shared.Event{}, fmt.Errorf("usos: activity ends (%s) before it starts (%s)", a.EndTime, a.StartTime)
	}
	ev := shared.Event{
		Start:    start,
		End:      end,
		Title:    a.Name.pick(langs),
		Course:   a.CourseName.pick(langs),
		CourseID: strings.TrimSpace(string(a.CourseID)),
		Kind:     a.ClasstypeName.pick(langs),
		Building: a.BuildingName.pick(langs),
		Room:     string(a.RoomNumber),
		Group:    string(a.GroupNumber),
		URL:      upstream.SafeURL(string(a.URL)),
	}
	switch a.Type {
	case "classgroup", "classgroup2":
		ev.Category = shared.CategoryClass
	case "exam":
		ev.Category = shared.CategoryExam
		if ev.Kind == "" {
			ev.Kind = pickFixed(langs, "Exam", "Egzamin")
		}
	case "meeting":
		ev.Category = shared.CategoryMeeting
		if ev.Kind == "" {
			ev.Kind = pickFixed(langs, "Meeting", "Spotkanie")
		}
	default:
		ev.Category = shared.CategoryOther
	}
	if ev.Title == "" {
		ev.Title = strings.TrimSpace(strings.Join([]string{ev.Course, ev.Kind}, " - "))
		ev.Title = strings.Trim(ev.Title, " -")
	}
	if ev.Title == "" {
		ev.Title = pickFixed(langs, "Class", "Zajęcia")
	}
	for _, id := range a.LecturerIDs {
		if n := lecturers[string(id)]; n != "" {
			ev.Lecturers = append(ev.Lecturers, n)
		}
	}
	// USOS has no occurrence ids: derive a stable one from what identifies
	// an occurrence, so re-fetches and calendar exports line up.
	h := sha256.Sum256([]byte(strings.Join([]string{
		a.Type, string(a.CourseID), string(a.ClasstypeID), string(a.GroupNumber),
		string(a.UnitID), a.StartTime, a.EndTime, a.Name.pick([]string{"pl"}),
	}, "\x00")))
	ev.ID = "usos-" + hex.EncodeToString(h[:12])
	return ev, nil
}

func pickFixed(langs []string, en, pl string) string {
	for _, l := range langs {
		switch l {
		case "pl":
			return pl
		case "en":
			return en
		}
	}
	return en
}

// call makes a signed GET of a USOS method and decodes the JSON reply,
// retrying once after a transient failure. dghubble/oauth1 signs each
// attempt as it is sent, so a retry carries a fresh nonce and signature.
func (p *Provider) call(ctx context.Context, creds *provider.Credentials, op, method string, q url.Values, out any) error {
	signer := p.oauth.Client(context.WithValue(ctx, oauth1.HTTPClient, p.signBase), oauth1.NewToken(creds.Token, creds.Secret))
	return p.api.Get(ctx, upstream.Call{Op: op, URL: p.methodURL(method, q), Transport: signer.Transport}, out)
}

// errorMessage extracts USOS's {"message": ...} from an error body, or
// returns "" for a body that is not one (e.g. a gateway's HTML page).
func errorMessage(body []byte) string {
	var e struct {
		Message string `json:"message"`
		Error   string `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Message != "" {
		msg := upstream.Clip(e.Message, 200)
		if e.Error != "" {
			return e.Error + ": " + msg
		}
		return msg
	}
	return ""
}

// recorder lets dghubble/oauth1's token calls (which take no context) run
// under ctx, and remembers the HTTP status they got.
type recorder struct {
	ctx  context.Context
	base http.RoundTripper
	mu   sync.Mutex
	code int
}

func (r *recorder) client() *http.Client {
	return upstream.Client(r)
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req.WithContext(r.ctx))
	if err == nil {
		r.mu.Lock()
		r.code = resp.StatusCode
		r.mu.Unlock()
		resp.Body = http.MaxBytesReader(nil, resp.Body, upstream.MaxBody)
	}
	return resp, err
}

func (r *recorder) status() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.code
}

// noReplay keeps net/http from resending a signed request by itself when a
// reused keep-alive connection dies: the copy would carry the same nonce,
// which an installation that saw the first refuses (401, read as signed
// out). upstream.Retry retries instead, freshly signed.
type noReplay struct{ rt http.RoundTripper }

func (n noReplay) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body == nil || req.Body == http.NoBody {
		req = req.Clone(req.Context())
		// A body net/http cannot rewind (no GetBody) makes the request
		// non-replayable; being empty, nothing is sent.
		req.Body = io.NopCloser(strings.NewReader(""))
	}
	return n.rt.RoundTrip(req)
}
