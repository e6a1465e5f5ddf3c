// Package provider defines what the backend needs from a university's
// timetable system, independent of its OAuth flavour. Each implementation
// (usos, mytimetable) lives in its own sub-package and holds the operator's
// secrets; nothing in this package ever reaches a browser.
package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/campusweek/campusweek/shared"
)

// Provider is one configured university.
//
// Implementations are safe for concurrent use and keep no per-user state:
// everything a flow or a session needs is returned to the caller, which
// seals it into a cookie.
type Provider interface {
	// Info describes the provider for GET /api/providers.
	Info() shared.Provider

	// Start begins a sign-in. callbackURL is where the provider should send
	// the browser back, or "" for the PIN (out-of-band) flow. The returned
	// Flow must be handed back to Complete unchanged.
	Start(ctx context.Context, callbackURL string) (authorizeURL string, flow Flow, err error)

	// Complete finishes a sign-in with what the provider sent back.
	Complete(ctx context.Context, flow Flow, in CompleteInput) (Credentials, error)

	// User reads the signed-in student.
	User(ctx context.Context, creds *Credentials) (shared.User, error)

	// Timetable reads the student's events whose start falls within the
	// inclusive local date range [from, to]. Implementations may refresh
	// the credentials in place; callers re-seal them when they changed.
	Timetable(ctx context.Context, creds *Credentials, from, to shared.Date) ([]shared.Event, error)

	// Revoke invalidates the credentials at the provider, where it can.
	Revoke(ctx context.Context, creds *Credentials) error
}

// Flow is the provider-specific state of a sign-in in progress. It is sealed
// into a short-lived cookie between Start and Complete.
type Flow struct {
	// Token identifies the flow at the provider (the OAuth 1.0a request
	// token, or the OAuth 2 state).
	Token string `json:"t"`
	// Secret is the OAuth 1.0a request token secret.
	Secret string `json:"s,omitempty"`
	// Callback is the callback URL given to Start ("" for PIN mode).
	Callback string `json:"c,omitempty"`
}

// CompleteInput is what the browser brought back from the provider.
type CompleteInput struct {
	// Params are the callback's query parameters.
	Params map[string]string
	// PIN is the verifier typed by the student in PIN mode.
	PIN string
}

// Credentials are a student's access to a provider, sealed into the session
// cookie.
type Credentials struct {
	Token   string    `json:"t"`
	Secret  string    `json:"s,omitempty"`  // OAuth 1.0a token secret
	Refresh string    `json:"r,omitempty"`  // OAuth 2 refresh token
	Expiry  time.Time `json:"e,omitzero"`   // when Token stops working, if known
	Scopes  []string  `json:"sc,omitempty"` // scopes granted, if known
}

// Errors that providers return, wrapped with context. The HTTP layer maps
// them to API error codes.
var (
	// ErrSignedOut: the provider rejected the credentials (expired or
	// revoked); the student must sign in again.
	ErrSignedOut = errors.New("provider rejected the credentials")
	// ErrFlow: the sign-in flow does not match what the provider sent back,
	// or the provider no longer knows it.
	ErrFlow = errors.New("sign-in flow is invalid or expired")
	// ErrDenied: the student declined to grant access.
	ErrDenied = errors.New("access was denied by the user")
	// ErrTimeout: the provider did not answer in time.
	ErrTimeout = errors.New("provider did not answer in time")
)

// UpstreamError reports a provider answer the backend could not use: a
// failure status, an HTML error page, malformed JSON.
type UpstreamError struct {
	Provider string // provider ID
	Op       string // what was being done, e.g. "read timetable"
	Status   int    // HTTP status, 0 when no response was received
	Detail   string // short, secret-free description
}

func (e *UpstreamError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("%s: %s: upstream status %d: %s", e.Provider, e.Op, e.Status, e.Detail)
	}
	return fmt.Sprintf("%s: %s: %s", e.Provider, e.Op, e.Detail)
}

type langKey struct{}

// WithLanguages returns a context carrying the student's preferred languages
// (BCP 47 primary tags, most preferred first), used to pick among the
// translations a provider offers.
func WithLanguages(ctx context.Context, langs ...string) context.Context {
	return context.WithValue(ctx, langKey{}, langs)
}

// Languages returns the preferred languages in ctx, or ["en"].
func Languages(ctx context.Context) []string {
	if l, ok := ctx.Value(langKey{}).([]string); ok && len(l) > 0 {
		return l
	}
	return []string{"en"}
}

// Revocable is implemented by providers that report whether Revoke really
// ends access at the university. Some (MyTimetable) have no revocation
// endpoint: their Revoke does nothing, and access ends only when it
// expires.
type Revocable interface {
	CanRevoke() bool
}

// InRange keeps the events that start on a local date in [from, to], drops
// repeats of an ID (ranges read in windows overlap at their edges), and
// sorts them by start, then title. Providers finish Timetable with it.
func InRange(events []shared.Event, from, to shared.Date) []shared.Event {
	seen := make(map[string]bool, len(events))
	out := events[:0]
	for _, ev := range events {
		d := shared.DateOf(ev.Start)
		if d.Before(from) || d.After(to) || seen[ev.ID] {
			continue
		}
		seen[ev.ID] = true
		out = append(out, ev)
	}
	slices.SortStableFunc(out, func(a, b shared.Event) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.Title, b.Title)
	})
	return out
}
