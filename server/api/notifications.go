package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/campusweek/campusweek/server/notify/push"
	"github.com/campusweek/campusweek/server/notify/store"
	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/i18n"
)

// Change notifications. Like a calendar subscription, they have an access
// of their own at the university, approved separately
// (StartRequest.Purpose "notifications"). Completing that approval keeps
// the access in a short-lived sealed cookie until the browser sends its
// push subscription (POST /api/notifications), which stores both in the
// notifications database and gives the browser a sealed marker cookie
// naming its subscription. Both cookies are HttpOnly: JavaScript sees
// only the VAPID public key.

// Notifications are what the API needs of change notifications.
type Notifications struct {
	// Store keeps the subscriptions.
	Store store.Store
	// VAPIDPublicKey is the key browsers subscribe with (base64url).
	VAPIDPublicKey string
}

const (
	// notifyApprovedPurpose and notifyMarkerPurpose separate the two
	// cookies' seals from every other.
	notifyApprovedPurpose = "notifications approved"
	notifyMarkerPurpose   = "notifications marker"
	// notifyApprovedTTL is how long an approval waits for the browser's
	// push subscription.
	notifyApprovedTTL = 15 * time.Minute
	// notifySubscriptionTTL bounds every subscription, as feedTTL does
	// calendar addresses.
	notifySubscriptionTTL = 180 * 24 * time.Hour
)

// notifyCookie names the notifications cookies like the others: with the
// __Host- prefix on https.
func (s *Server) notifyCookie(name string) string {
	if s.cookies.secure {
		return "__Host-cw_" + name
	}
	return "cw_" + name
}

func (s *Server) approvedCookie() string { return s.notifyCookie("notify_approved") }
func (s *Server) markerCookie() string   { return s.notifyCookie("notify") }

// notifyMarker is sealed into the marker cookie.
type notifyMarker struct {
	ID    string `json:"i"`
	Owner string `json:"o"`
}

var errNotifyUnavailable = newError(http.StatusConflict, shared.CodeUnsupported,
	"This CampusWeek does not send notifications: its operators have not turned them on.")

// errNotifyNeedsLongLivedAccess explains why p cannot send notifications.
func errNotifyNeedsLongLivedAccess(p provider.Provider) *apiError {
	return newError(http.StatusConflict, shared.CodeUnsupported,
		p.ShortLivedReason()+" Notifications would stop working soon, so they cannot be turned on here.")
}

// checkNotifyStart decides, before sending the student to the university,
// whether a notifications approval at p can succeed, as checkFeedStart
// does for feeds. It returns the session.
func (s *Server) checkNotifyStart(r *http.Request, p provider.Provider) (sessionState, error) {
	if s.opts.Notifications == nil {
		return sessionState{}, errNotifyUnavailable
	}
	st, _, _, err := s.readSession(r)
	if err != nil {
		return sessionState{}, errSignedOut
	}
	if st.Provider != p.Info().ID {
		return sessionState{}, badRequest("Notifications are approved at the university you are signed in with.")
	}
	if !longLived(p, st.Creds) {
		return sessionState{}, errNotifyNeedsLongLivedAccess(p)
	}
	return st, nil
}

// completeNotify keeps the access just approved for the browser's push
// subscription, for the student who asked only.
func (s *Server) completeNotify(w http.ResponseWriter, r *http.Request, p provider.Provider, flow flowState, st sessionState) error {
	var reject error
	switch {
	case flow.Owner == "" || st.User.ID != flow.Owner:
		reject = badRequest("You approved at " + p.Info().Name + " as someone else than the student who asked for notifications. " +
			"Approve as yourself to turn them on.")
	case !longLived(p, st.Creds):
		reject = errNotifyNeedsLongLivedAccess(p)
	case s.opts.Notifications == nil:
		reject = errNotifyUnavailable
	}
	if reject != nil {
		s.revoke(r, p, st.Creds, "an unused notifications access")
		return reject
	}
	// An earlier approval that was never used ends now.
	if old, ok := s.readApproved(r); ok {
		s.revokeState(r, old, "an unused notifications access")
	}
	expiry := s.now().Add(notifyApprovedTTL)
	v, err := s.sealer().Seal(notifyApprovedPurpose, st, expiry)
	if err != nil {
		return internalError(fmt.Errorf("sealing the notifications approval: %w", err))
	}
	s.setCookie(w, s.approvedCookie(), v, expiry)
	resp := shared.CompleteResponse{ReturnTo: flow.ReturnTo}
	if cur, _, curExpiry, err := s.readSession(r); err == nil {
		resp.Session = shared.Session{SignedIn: true, Provider: cur.Provider, User: &cur.User, ExpiresAt: &curExpiry}
	}
	s.log.InfoContext(r.Context(), "notifications approved", "provider", st.Provider)
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// readApproved opens the approval cookie.
func (s *Server) readApproved(r *http.Request) (sessionState, bool) {
	c, err := r.Cookie(s.approvedCookie())
	if err != nil || c.Value == "" {
		return sessionState{}, false
	}
	var st sessionState
	if err := s.sealer().Open(notifyApprovedPurpose, c.Value, &st); err != nil {
		return sessionState{}, false
	}
	return st, true
}

// readMarker opens the marker cookie.
func (s *Server) readMarker(r *http.Request) (notifyMarker, bool) {
	c, err := r.Cookie(s.markerCookie())
	if err != nil || c.Value == "" {
		return notifyMarker{}, false
	}
	var m notifyMarker
	if err := s.sealer().Open(notifyMarkerPurpose, c.Value, &m); err != nil {
		return notifyMarker{}, false
	}
	return m, true
}

// mySubscription returns this browser's subscription, if it is owner's.
func (s *Server) mySubscription(r *http.Request, owner string) (*store.Subscription, error) {
	m, ok := s.readMarker(r)
	if !ok || m.Owner != owner {
		return nil, nil
	}
	sub, err := s.opts.Notifications.Store.Get(r.Context(), m.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, internalError(fmt.Errorf("reading a notifications subscription: %w", err))
	case sub.Owner != owner:
		return nil, nil
	}
	return sub, nil
}

// notifyStatus is what GET /api/notifications answers for st at p.
func (s *Server) notifyStatus(r *http.Request, st sessionState, p provider.Provider) (shared.Notifications, error) {
	var n shared.Notifications
	switch {
	case s.opts.Notifications == nil:
		n.Reason = errNotifyUnavailable.body.Message
		return n, nil
	case !longLived(p, st.Creds):
		n.Reason = errNotifyNeedsLongLivedAccess(p).body.Message
	default:
		n.Available = true
		n.VAPIDPublicKey = s.opts.Notifications.VAPIDPublicKey
	}
	owner := store.Owner(st.Provider, st.User.ID)
	if a, ok := s.readApproved(r); ok && store.Owner(a.Provider, a.User.ID) == owner {
		n.Approved = true
	}
	sub, err := s.mySubscription(r, owner)
	if err != nil {
		return n, err
	}
	if sub != nil {
		n.Subscribed, n.RemindersMinutes = true, sub.RemindersMinutes
	}
	return n, nil
}

func (s *Server) handleNotifications(w http.ResponseWriter, r *http.Request) {
	st, p, _, err := s.readSession(r)
	if err != nil {
		s.writeError(w, r, errSignedOut)
		return
	}
	n, err := s.notifyStatus(r, st, p)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, n)
}

// handleNotificationsPost turns notifications on for this browser with the
// approval it holds, or changes the settings (and push subscription) of
// the subscription it has.
func (s *Server) handleNotificationsPost(w http.ResponseWriter, r *http.Request) {
	if err := s.notificationsPost(w, r); err != nil {
		s.writeError(w, r, err)
	}
}

func (s *Server) notificationsPost(w http.ResponseWriter, r *http.Request) error {
	st, p, _, err := s.readSession(r)
	if err != nil {
		return errSignedOut
	}
	if s.opts.Notifications == nil {
		return errNotifyUnavailable
	}
	var req shared.NotificationsRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	ps := push.Subscription{Endpoint: req.Subscription.Endpoint, P256DH: req.Subscription.Keys.P256DH, Auth: req.Subscription.Keys.Auth}
	if err := ps.Check(); err != nil {
		return badRequest("subscription is not a browser's push subscription (an https endpoint and its p256dh and auth keys).")
	}
	if req.RemindersMinutes < 0 || req.RemindersMinutes > shared.MaxRemindersMinutes {
		return badRequest(fmt.Sprintf("reminders_minutes must be from 0 to %d.", shared.MaxRemindersMinutes))
	}
	lang, ok := i18n.Parse(req.Language)
	if !ok {
		lang = requestLang(r)
	}
	owner := store.Owner(st.Provider, st.User.ID)
	existing, err := s.mySubscription(r, owner)
	if err != nil {
		return err
	}
	approved, ok := s.readApproved(r)
	if ok && store.Owner(approved.Provider, approved.User.ID) != owner {
		ok = false // another student's approval, in a shared browser
	}
	now := s.now()
	sub := existing
	switch {
	case ok:
		access, err := json.Marshal(approved.Creds)
		if err != nil {
			return internalError(fmt.Errorf("encoding a notifications access: %w", err))
		}
		sub = &store.Subscription{ID: store.NewID(), Access: access, Created: now, NextCheck: now}
		if existing != nil {
			sub.ID, sub.Snapshot, sub.Created = existing.ID, existing.Snapshot, existing.Created
		}
	case existing == nil:
		return newError(http.StatusBadRequest, shared.CodeFlowExpired,
			"Approve notifications at "+p.Info().Name+" first: the approval was not made in this browser, or it expired.")
	}
	sub.Owner, sub.Provider, sub.Language = owner, st.Provider, lang.String()
	sub.Push = store.Push{Endpoint: ps.Endpoint, P256DH: ps.P256DH, Auth: ps.Auth}
	sub.RemindersMinutes = req.RemindersMinutes
	sub.Expires = now.Add(notifySubscriptionTTL)
	if err := s.opts.Notifications.Store.Put(r.Context(), sub); err != nil {
		return internalError(fmt.Errorf("storing a notifications subscription: %w", err))
	}
	if ok {
		s.clearCookie(w, s.approvedCookie())
		if existing != nil {
			// The new approval replaces the old access.
			s.revokeAccess(r, existing.Provider, existing.Access)
		}
	}
	v, err := s.sealer().Seal(notifyMarkerPurpose, notifyMarker{ID: sub.ID, Owner: owner}, sub.Expires)
	if err != nil {
		return internalError(fmt.Errorf("sealing the notifications marker: %w", err))
	}
	s.setCookie(w, s.markerCookie(), v, sub.Expires)
	if existing == nil {
		s.log.InfoContext(r.Context(), "notifications turned on", "provider", st.Provider)
	}
	writeJSON(w, http.StatusOK, shared.Notifications{
		Available: true, VAPIDPublicKey: s.opts.Notifications.VAPIDPublicKey,
		Subscribed: true, RemindersMinutes: sub.RemindersMinutes,
	})
	return nil
}

// handleNotificationsDelete turns notifications off for this browser: it
// deletes its subscription and ends its access at the university where
// the university allows, and so an approval not yet used. It needs no
// session: the marker cookie is the proof.
func (s *Server) handleNotificationsDelete(w http.ResponseWriter, r *http.Request) {
	if a, ok := s.readApproved(r); ok {
		s.revokeState(r, a, "an unused notifications access")
	}
	s.clearCookie(w, s.approvedCookie())
	if m, ok := s.readMarker(r); ok && s.opts.Notifications != nil {
		st := s.opts.Notifications.Store
		sub, err := st.Get(r.Context(), m.ID)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			// The marker stays, so that trying again can finish.
			s.writeError(w, r, internalError(fmt.Errorf("reading a notifications subscription: %w", err)))
			return
		case sub.Owner == m.Owner:
			if _, err := st.Delete(r.Context(), sub.ID); err != nil {
				s.writeError(w, r, internalError(fmt.Errorf("deleting a notifications subscription: %w", err)))
				return
			}
			s.revokeAccess(r, sub.Provider, sub.Access)
			s.log.InfoContext(r.Context(), "notifications turned off", "provider", sub.Provider)
		}
	}
	s.clearCookie(w, s.markerCookie())
	n := shared.Notifications{}
	if st, p, _, err := s.readSession(r); err == nil {
		n, _ = s.notifyStatus(r, st, p)
		n.Subscribed, n.Approved, n.RemindersMinutes = false, false, 0
	}
	writeJSON(w, http.StatusOK, n)
}

// revokeAccess ends a stored access (provider.Credentials as JSON) at
// the university, where the university allows.
func (s *Server) revokeAccess(r *http.Request, providerID string, access json.RawMessage) {
	p, ok := s.providers[providerID]
	if !ok {
		return
	}
	var creds provider.Credentials
	if err := json.Unmarshal(access, &creds); err != nil {
		s.log.WarnContext(r.Context(), "a stored notifications access does not decode", "provider", providerID, "err", err)
		return
	}
	s.revoke(r, p, creds, "a notifications access")
}

// revokeState ends st's access at the university, where it allows.
func (s *Server) revokeState(r *http.Request, st sessionState, what string) {
	if p, ok := s.providers[st.Provider]; ok {
		s.revoke(r, p, st.Creds, what)
	}
}

// revoke ends creds at p where p allows; a failure is logged.
func (s *Server) revoke(r *http.Request, p provider.Provider, creds provider.Credentials, what string) {
	if !p.Info().Capabilities.Revoke {
		return
	}
	if err := provider.Revoke(r.Context(), p, &creds); err != nil {
		s.log.WarnContext(r.Context(), "revoking "+what+" failed", "provider", p.Info().ID, "err", err)
	}
}
