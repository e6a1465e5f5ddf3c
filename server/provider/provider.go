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
	_ "time/tzdata" // the universities' zones exist on hosts without zoneinfo

	"github.com/campusweek/campusweek/shared"
)

// Provider is one configured university.
//
// Implementations are safe for concurrent use and keep no per-user state:
// everything a flow or a session needs is returned to the caller, which
// seals it into a cookie.
type Provider interface {
	// Info describes the provider for GET /api/providers. Its
	// Capabilities state what the university's system supports; callers
	// offer features by them, never by Kind.
	Info() shared.Provider

	// Start begins a sign-in. callbackURL is where the provider should send
	// the browser back, or "" for the PIN (out-of-band) flow, which only
	// providers with Capabilities.PIN support. The returned Flow must be
	// handed back to Complete unchanged.
	Start(ctx context.Context, callbackURL string) (authorizeURL string, flow Flow, err error)

	// Complete finishes a sign-in with what the provider sent back.
	Complete(ctx context.Context, flow Flow, in CompleteInput) (Credentials, error)

	// User reads the signed-in student.
	User(ctx context.Context, creds *Credentials) (shared.User, error)

	// Timetable reads the student's events whose start falls within the
	// inclusive local date range [from, to]. Implementations may refresh
	// the credentials in place; callers re-seal them when they changed.
	Timetable(ctx context.Context, creds *Credentials, from, to shared.Date) ([]shared.Event, error)

	// ShortLivedReason says, in a clause for the student (no capital, no
	// full stop), why access at this university does not outlive the
	// session, for when it does not (Capabilities.LongLivedAccess is
	// false, or a grant came without long-lived access): what the system
	// or its configuration lacks, e.g. "its MyTimetable issues CampusWeek
	// no refresh token".
	ShortLivedReason() string
}

// Revoker is implemented by the providers whose system can end access
// before it expires: exactly those whose Info().Capabilities.Revoke is
// true.
type Revoker interface {
	// Revoke invalidates the credentials at the university. Credentials
	// the university already rejects count as revoked.
	Revoke(ctx context.Context, creds *Credentials) error
}

// Revoke ends creds at p's university. It fails with an error wrapping
// errors.ErrUnsupported when p's system cannot (p is no Revoker); callers
// decide by Info().Capabilities.Revoke beforehand.
func Revoke(ctx context.Context, p Provider, creds *Credentials) error {
	r, ok := p.(Revoker)
	if !ok {
		return fmt.Errorf("%s: revoking access: %w", p.Info().ID, errors.ErrUnsupported)
	}
	return r.Revoke(ctx, creds)
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
	// Verifier is the OAuth 2 PKCE code verifier, when the provider uses
	// PKCE. Only its challenge leaves the backend (in the authorize URL);
	// the verifier goes to the university with the code, never to the
	// browser.
	Verifier string `json:"v,omitempty"`
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

// LongLived reports whether c keeps working without the student, as a
// calendar subscription needs: it never expires, or it can be refreshed.
func (c Credentials) LongLived() bool {
	return c.Expiry.IsZero() || c.Refresh != ""
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

// MustLoadLocation returns the time zone name, the wall clock a
// university's system speaks. The zone database is embedded (time/tzdata),
// so it panics only on a misspelt name.
func MustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(fmt.Sprintf("time zone %s: %v", name, err))
	}
	return loc
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

// InRange keeps the events that start on a local date in [from, to], drops
// repeats of an ID (ranges read in windows overlap at their edges), cleans
// their text (see CleanText), and sorts them by start, then title.
// Providers finish Timetable with it.
func InRange(events []shared.Event, from, to shared.Date) []shared.Event {
	seen := make(map[string]bool, len(events))
	out := events[:0]
	for _, ev := range events {
		cleanEvent(&ev)
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

// CleanText drops the control characters a university's text may carry
// other than newline and tab: the rest of C0 (U+0000 to U+001F) and DEL.
// None has a meaning in a timetable, and some (a bare carriage return)
// would end a line in the files made from it, such as iCalendar.
func CleanText(s string) string {
	if !strings.ContainsFunc(s, isStrayControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isStrayControl(r) {
			return -1
		}
		return r
	}, s)
}

func isStrayControl(r rune) bool {
	return (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f
}

// cleanEvent applies CleanText to every text of ev.
func cleanEvent(ev *shared.Event) {
	for _, s := range []*string{&ev.ID, &ev.Title, &ev.Course, &ev.CourseID, &ev.Kind, (*string)(&ev.Category), &ev.Building, &ev.Room, &ev.Group, &ev.URL, &ev.Notes} {
		*s = CleanText(*s)
	}
	for i, l := range ev.Lecturers {
		ev.Lecturers[i] = CleanText(l)
	}
}
