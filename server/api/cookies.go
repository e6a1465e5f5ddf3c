package api

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/server/seal"
	"github.com/campusweek/campusweek/shared"
)

// cookieNames carry the __Host- prefix on https, which makes browsers
// refuse them unless Secure, host-only and Path=/. Browsers reject the
// prefix on plain http, so local development uses bare names.
type cookieNames struct {
	secure  bool
	session string
	flow    string
}

func newCookieNames(secure bool) cookieNames {
	if secure {
		return cookieNames{secure: true, session: "__Host-cw_session", flow: "__Host-cw_flow"}
	}
	return cookieNames{session: "cw_session", flow: "cw_flow"}
}

// sessionTTL bounds sessions whose token has no known expiry.
const sessionTTL = 30 * 24 * time.Hour

// flowState is one sign-in in progress, sealed into the flow cookie (see
// flowJar) between start and complete.
type flowState struct {
	Provider string            `json:"p"`
	Mode     shared.SignInMode `json:"m"`
	ReturnTo string            `json:"r"`
	// Purpose is empty for a sign-in (older flow cookies have none).
	Purpose shared.Purpose `json:"u,omitempty"`
	// Owner is, for a feed, the user ID of the student who asked for it:
	// only they may approve it.
	Owner string        `json:"o,omitempty"`
	Flow  provider.Flow `json:"f"`
	// Expires is when this flow ends, in Unix seconds.
	Expires int64 `json:"x"`
}

// sessionState is sealed into the session cookie.
type sessionState struct {
	Provider string               `json:"p"`
	User     shared.User          `json:"u"`
	Creds    provider.Credentials `json:"c"`
	// Lang is the language a subscription address was made in (see
	// i18n.Lang.String), which its calendar and answers keep; "" in
	// sessions.
	Lang string `json:"l,omitempty"`
	// Hide are the classes a subscription address leaves out
	// (shared.Hide.String each); none in sessions.
	Hide []string `json:"h,omitempty"`
}

func (s *Server) setCookie(w http.ResponseWriter, name, value string, expiry time.Time) {
	http.SetCookie(w, &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		Expires:  expiry,
		MaxAge:   max(1, int(expiry.Sub(s.now()).Seconds())),
		HttpOnly: true,
		Secure:   s.cookies.secure,
		SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.cookies.secure, SameSite: http.SameSiteLaxMode,
	})
}

// sealer returns the configured sealer with the server's clock.
func (s *Server) sealer() *seal.Sealer {
	sl := *s.opts.Sealer
	sl.Now = s.now
	return &sl
}

func (s *Server) writeSession(w http.ResponseWriter, st sessionState) (time.Time, error) {
	expiry := s.now().Add(sessionTTL)
	if !st.Creds.Expiry.IsZero() && st.Creds.Expiry.Before(expiry) && st.Creds.Refresh == "" {
		expiry = st.Creds.Expiry
	}
	v, err := s.sealer().Seal(s.cookies.session, st, expiry)
	if err != nil {
		return time.Time{}, internalError(fmt.Errorf("sealing the session cookie: %w", err))
	}
	s.setCookie(w, s.cookies.session, v, expiry)
	return expiry, nil
}

// errNoSession covers a missing, forged, expired or stale session cookie.
var errNoSession = errors.New("no valid session")

// readSession opens the session cookie and finds its provider.
func (s *Server) readSession(r *http.Request) (sessionState, provider.Provider, time.Time, error) {
	c, err := r.Cookie(s.cookies.session)
	if err != nil || c.Value == "" {
		return sessionState{}, nil, time.Time{}, errNoSession
	}
	var st sessionState
	expiry, err := s.sealer().OpenExpiry(s.cookies.session, c.Value, &st)
	if err != nil {
		return sessionState{}, nil, time.Time{}, errNoSession
	}
	p, ok := s.providers[st.Provider]
	if !ok { // the operator removed the provider
		return sessionState{}, nil, time.Time{}, errNoSession
	}
	return st, p, expiry, nil
}
