package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/server/seal"
	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/i18n"
)

// Calendar subscriptions. Calendar apps cannot send cookies, so the feed's
// address carries the access itself, sealed like a session cookie under its
// own purpose: opaque, authenticated, expiring, and opened only by this
// backend. The server stays stateless; revoking a feed revokes its access
// at the university, where the university allows it.
//
// A feed never shares the session's access: the student authorizes it at
// the university separately (StartRequest.Purpose "feed"), so signing out
// of the PWA, which revokes the session's token, leaves the calendar
// working, stopping the calendar leaves the PWA signed in, and the feed's
// token refreshes (OAuth 2) never invalidate the session's access token.

const (
	// feedPurpose separates feed seals from cookies: a session cookie
	// pasted into a feed address does not open, nor the reverse.
	feedPurpose = "feed"
	// feedTTL bounds every feed address.
	feedTTL = 180 * 24 * time.Hour
	// feedPastWeeks and feedWeeks are the range a feed serves, around the
	// current week: what a download has, and the week before.
	feedPastWeeks = 1
	feedWeeks     = shared.ExportWeeks
)

// longLived reports whether creds at p keep working without the student,
// as a subscription needs: p's system grants long-lived access, and this
// grant has it (an OAuth 2 installation may issue no refresh token).
func longLived(p provider.Provider, creds provider.Credentials) bool {
	return p.Info().Capabilities.LongLivedAccess && creds.LongLived()
}

// errFeedNeedsLongLivedAccess explains why p cannot have a subscription,
// with p's reason.
func errFeedNeedsLongLivedAccess(p provider.Provider) *apiError {
	return newError(http.StatusConflict, shared.CodeUnsupported,
		p.Info().Name+" gives CampusWeek access for a few hours only, so a calendar subscription would stop working soon ("+
			p.ShortLivedReason()+"). Download the calendar file instead, or ask the people running CampusWeek to enable long-lived access.")
}

// checkFeedStart decides, before sending the student to the university,
// whether a feed authorization at p can succeed: the student is signed in
// there, and the university grants long-lived access (the session's
// access, obtained with the same scopes, tells). It returns the session.
func (s *Server) checkFeedStart(r *http.Request, p provider.Provider) (sessionState, error) {
	st, _, _, err := s.readSession(r)
	if err != nil {
		return sessionState{}, errSignedOut
	}
	if st.Provider != p.Info().ID {
		return sessionState{}, badRequest("A calendar subscription is made at the university you are signed in with.")
	}
	if !longLived(p, st.Creds) {
		return sessionState{}, errFeedNeedsLongLivedAccess(p)
	}
	return st, nil
}

// completeFeed turns the access just authorized into a subscription
// address, for the student who asked for it only, leaving out the classes
// hide names. The session cookie is left as it is.
func (s *Server) completeFeed(w http.ResponseWriter, r *http.Request, p provider.Provider, flow flowState, st sessionState, hide []string) error {
	var reject error
	if _, aerr := parseHideValues(hide); aerr != nil {
		reject = aerr
	}
	switch {
	case reject != nil:
	case flow.Owner == "" || st.User.ID != flow.Owner:
		// Whatever cookies came with this request: the flow remembers who
		// started it.
		reject = badRequest("You approved at " + p.Info().Name + " as someone else than the student who asked for this calendar address. " +
			"Approve as yourself to make your calendar address.")
	case !longLived(p, st.Creds):
		reject = errFeedNeedsLongLivedAccess(p)
	}
	if reject != nil {
		// Nobody will use this access: end it where the university allows.
		if p.Info().Capabilities.Revoke {
			if err := provider.Revoke(r.Context(), p, &st.Creds); err != nil {
				s.log.WarnContext(r.Context(), "revoking an unused feed access failed", "provider", st.Provider, "err", err)
			}
		}
		return reject
	}
	// The address keeps the language the app asked in, and the classes
	// hidden in it.
	st.Lang, st.Hide = requestLang(r).String(), hide
	feed, err := s.newFeed(p, st)
	if err != nil {
		return err
	}
	resp := shared.CompleteResponse{ReturnTo: flow.ReturnTo, Feed: &feed}
	if cur, _, curExpiry, err := s.readSession(r); err == nil {
		resp.Session = shared.Session{SignedIn: true, Provider: cur.Provider, User: &cur.User, ExpiresAt: &curExpiry}
	}
	s.log.InfoContext(r.Context(), "feed created", "provider", st.Provider)
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// newFeed seals st into a subscription address, in st.Lang.
func (s *Server) newFeed(p provider.Provider, st sessionState) (shared.Feed, error) {
	expiry := s.now().Add(feedTTL)
	sealed, err := s.sealer().Seal(feedPurpose, st, expiry)
	if err != nil {
		return shared.Feed{}, internalError(fmt.Errorf("sealing a feed: %w", err))
	}
	feed := shared.Feed{
		URL:       s.publicOrigin() + shared.FeedPath(sealed),
		ExpiresAt: expiry.UTC().Truncate(time.Second),
		Revocable: p.Info().Capabilities.Revoke,
	}
	lang, _ := i18n.Parse(st.Lang)
	name, until := p.Info().Name, lang.Date(shared.DateOf(feed.ExpiresAt))
	if feed.Revocable {
		feed.Note = lang.F(i18n.FeedNoteRevocable, name, until)
	} else {
		feed.Note = lang.F(i18n.FeedNoteFixed, name, until)
	}
	return feed, nil
}

// handleFeedRevoke ends a subscription address at the university.
func (s *Server) handleFeedRevoke(w http.ResponseWriter, r *http.Request) {
	var req shared.FeedRevokeRequest
	if err := decodeBody(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	token, ok := feedToken(req.URL)
	if !ok {
		s.writeError(w, r, badRequest("url is not a CampusWeek calendar address."))
		return
	}
	// An expired address no longer works here, but the access it carries
	// may still work at the university (long-lived access may never
	// expire there): end that too.
	var st sessionState
	expiry, err := s.sealer().OpenPastExpiry(feedPurpose, token, &st)
	if err != nil {
		s.writeError(w, r, badRequest("url is not a valid CampusWeek calendar address."))
		return
	}
	expired := !s.now().Before(expiry)
	p, ok := s.providers[st.Provider]
	if !ok {
		w.WriteHeader(http.StatusNoContent) // the university is gone, and its access with it
		return
	}
	if !p.Info().Capabilities.Revoke {
		if expired {
			w.WriteHeader(http.StatusNoContent) // dead here, and nothing more can be done
			return
		}
		s.writeError(w, r, newError(http.StatusConflict, shared.CodeUnsupported,
			p.Info().Name+" offers no way to end access early. Keep the address private; it stops working when the access expires."))
		return
	}
	if err := provider.Revoke(r.Context(), p, &st.Creds); err != nil && !errors.Is(err, provider.ErrSignedOut) {
		s.writeError(w, r, err)
		return
	}
	s.log.InfoContext(r.Context(), "feed revoked", "provider", st.Provider)
	w.WriteHeader(http.StatusNoContent)
}

// endExpiredFeed revokes, where the university allows it, the access an
// expired feed address still carries: a calendar app polling it is the
// last chance to, since nobody else holds it.
func (s *Server) endExpiredFeed(r *http.Request) {
	var st sessionState
	if _, err := s.sealer().OpenPastExpiry(feedPurpose, r.PathValue("token"), &st); err != nil {
		return
	}
	p, ok := s.providers[st.Provider]
	if !ok || !p.Info().Capabilities.Revoke {
		return
	}
	if err := provider.Revoke(r.Context(), p, &st.Creds); err != nil && !errors.Is(err, provider.ErrSignedOut) {
		s.log.WarnContext(r.Context(), "revoking an expired feed's access failed", "provider", st.Provider, "err", err)
		return
	}
	s.log.InfoContext(r.Context(), "expired feed's access revoked", "provider", st.Provider)
}

// feedToken extracts the sealed value from a subscription address (https
// or webcal), or takes raw as a bare sealed value.
func feedToken(raw string) (string, bool) {
	token := raw
	if u, err := url.Parse(raw); err == nil && strings.HasPrefix(u.Path, shared.FeedPathPrefix) {
		var ok bool
		if token, ok = shared.FeedToken(u.Path); !ok {
			return "", false
		}
	}
	return token, token != "" && !strings.Contains(token, "/") && len(token) < 8<<10
}

// handleFeed serves a subscription: the student's calendar, read with the
// access sealed in the address, in the language it was made in. Answers
// are plain text in that language for people who open the address in a
// browser (in the browser's language when the address is not readable);
// calendar apps only look at the status.
func (s *Server) handleFeed(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	var st sessionState
	err := s.sealer().Open(feedPurpose, r.PathValue("token"), &st)
	lang := i18n.MatchAccept(r.Header.Get("Accept-Language"))
	if errors.Is(err, seal.ErrExpired) {
		var old sessionState
		if _, err := s.sealer().OpenPastExpiry(feedPurpose, r.PathValue("token"), &old); err == nil {
			st.Lang = old.Lang
		}
	}
	if l, ok := i18n.Parse(st.Lang); ok {
		lang = l
	}
	fail := func(status int, msg i18n.Key) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Language", lang.String())
		w.WriteHeader(status)
		w.Write([]byte(lang.T(msg) + "\n"))
	}
	switch {
	case errors.Is(err, seal.ErrExpired):
		s.endExpiredFeed(r)
		fail(http.StatusGone, i18n.FeedExpired)
		return
	case err != nil:
		fail(http.StatusNotFound, i18n.FeedInvalid)
		return
	}
	p, ok := s.providers[st.Provider]
	if !ok {
		fail(http.StatusGone, i18n.FeedProviderGone)
		return
	}
	monday := shared.DateOf(s.now()).Monday()
	tt, err := s.readTimetable(r, p, &st, monday.AddDays(-7*feedPastWeeks), monday.AddDays(7*feedWeeks-1))
	if err != nil {
		switch ae := providerError(err); {
		case ae == errSignedOut:
			fail(http.StatusGone, i18n.FeedRevoked)
		default:
			s.log.WarnContext(r.Context(), "feed failed", "provider", st.Provider, "err", err)
			msg := i18n.FeedFailed
			switch ae.body.Code {
			case shared.CodeUpstream, shared.CodeUpstreamTimeout, shared.CodeRateLimited:
				msg = i18n.FeedUpstream
			}
			fail(ae.status, msg)
		}
		return
	}
	hides, _ := parseHideValues(st.Hide) // sealed by completeFeed, checked there
	tt.Timetable.Events = shared.WithoutHidden(tt.Timetable.Events, hides)
	body, err := s.renderICS(tt.Timetable, st.Provider, lang)
	if err != nil {
		s.log.ErrorContext(r.Context(), "feed failed", "provider", st.Provider, "err", err)
		fail(http.StatusInternalServerError, i18n.FeedFailed)
		return
	}
	w.Header().Set("Content-Language", lang.String())
	writeICS(w, body, st.Provider, "inline")
}
