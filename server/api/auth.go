package api

import (
	"cmp"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/shared"
)

func (s *Server) handleProviders(w http.ResponseWriter, r *http.Request) {
	out := make([]shared.Provider, 0, len(s.opts.Providers))
	for _, p := range s.opts.Providers {
		out = append(out, p.Info())
	}
	writeJSON(w, http.StatusOK, out)
}

// lookupProvider finds the provider named in the path. Only configured
// providers exist: the id never becomes part of an outbound URL.
func (s *Server) lookupProvider(r *http.Request) (provider.Provider, *apiError) {
	p, ok := s.providers[r.PathValue("id")]
	if !ok {
		return nil, newError(http.StatusNotFound, shared.CodeNotFound, "No such university is configured.")
	}
	return p, nil
}

func (s *Server) handleStart(w http.ResponseWriter, r *http.Request) {
	p, aerr := s.lookupProvider(r)
	if aerr != nil {
		s.writeError(w, r, aerr)
		return
	}
	var req shared.StartRequest
	if err := decodeBody(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	authURL, err := s.start(w, r, p, req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, shared.StartResponse{AuthorizeURL: authURL})
}

// start begins a sign-in at p as req asks (both the API and the sign-in
// page's form start here): it checks the request, charges the
// university's sign-in limit, adds the flow to the browser's flow cookie
// and returns the university's authorize URL.
func (s *Server) start(w http.ResponseWriter, r *http.Request, p provider.Provider, req shared.StartRequest) (string, error) {
	if req.Mode == "" {
		req.Mode = shared.ModeRedirect
	}
	callback := s.publicOrigin() + shared.CallbackPath(p.Info().ID)
	switch req.Mode {
	case shared.ModeRedirect:
	case shared.ModePIN:
		if !p.Info().Capabilities.PIN {
			return "", badRequest("This university does not support signing in with a PIN.")
		}
		callback = ""
	default:
		return "", badRequest(`mode must be "redirect" or "pin".`)
	}
	var owner string // for a feed or notifications: the student they are for
	switch req.Purpose {
	case "", shared.PurposeSession:
		req.Purpose = ""
	case shared.PurposeFeed:
		st, err := s.checkFeedStart(r, p)
		if err != nil {
			return "", err
		}
		owner = st.User.ID
	case shared.PurposeNotifications:
		st, err := s.checkNotifyStart(r, p)
		if err != nil {
			return "", err
		}
		owner = st.User.ID
	default:
		return "", badRequest(`purpose must be "session", "feed" or "notifications".`)
	}
	// Stored, and handed back by complete, exactly as checked.
	returnTo, err := shared.CleanReturnTo(req.ReturnTo)
	if err != nil {
		return "", badRequest("return_to must be a path on this site: a single / first, " +
			"and no backslash, encoded slash, control character, or . or .. segment.")
	}
	if err := s.chargeUniversity(w, p, "start"); err != nil {
		return "", err
	}
	authURL, flow, err := p.Start(r.Context(), callback)
	if err != nil {
		return "", err
	}
	// Other sign-ins in progress in this browser (other tabs) stay.
	flows, _ := s.readFlows(r)
	flows = append(flows, flowState{Provider: p.Info().ID, Mode: req.Mode, ReturnTo: returnTo, Purpose: req.Purpose, Owner: owner, Flow: flow,
		Expires: s.now().Add(flowTTL).Unix()})
	if err := s.writeFlows(w, flows); err != nil {
		return "", err
	}
	return authURL, nil
}

func (s *Server) handleComplete(w http.ResponseWriter, r *http.Request) {
	p, aerr := s.lookupProvider(r)
	if aerr != nil {
		s.writeError(w, r, aerr)
		return
	}
	purpose := "unknown" // until the flow cookie tells
	if err := s.complete(w, r, p, &purpose); err != nil {
		s.opts.Metrics.SignIn(p.Info().ID, purpose, string(asAPIError(err).body.Code))
		s.writeError(w, r, err)
		return
	}
	s.opts.Metrics.SignIn(p.Info().ID, purpose, "ok")
}

// complete finishes a sign-in and writes the session, or returns why not.
// It sets *purpose once the flow cookie is read.
func (s *Server) complete(w http.ResponseWriter, r *http.Request, p provider.Provider, purpose *string) error {
	var req shared.CompleteRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	flow, st, err := s.completeFlow(w, r, p, req, purpose)
	if err != nil {
		return err
	}
	switch flow.Purpose {
	case shared.PurposeFeed:
		return s.completeFeed(w, r, p, flow, st, req.Hide)
	case shared.PurposeNotifications:
		return s.completeNotify(w, r, p, flow, st)
	}
	sess, err := s.startSession(w, r, st)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, shared.CompleteResponse{ReturnTo: flow.ReturnTo, Session: sess})
	return nil
}

// completeFlow finishes the flow at p that req's callback parameters (or
// PIN) belong to: it spends the flow, whatever happens next, and gets the
// student's access and identity from the university. Both the API and the
// callback page complete here. It sets *purpose once the flow is found.
func (s *Server) completeFlow(w http.ResponseWriter, r *http.Request, p provider.Provider, req shared.CompleteRequest, purpose *string) (flowState, sessionState, error) {
	if len(req.Params) > 20 {
		return flowState{}, sessionState{}, badRequest("Too many callback parameters.")
	}
	flows, aerr := s.readFlows(r)
	if aerr != nil {
		return flowState{}, sessionState{}, aerr
	}
	// Only a flow started at this university matches: a callback for
	// another is a mix-up, accidental or not.
	i := s.findFlow(flows, p.Info().ID, req.Params)
	if i < 0 {
		return flowState{}, sessionState{}, errFlowExpired
	}
	flow := flows[i]
	*purpose = string(cmp.Or(flow.Purpose, shared.PurposeSession))
	if flow.Mode == shared.ModePIN && strings.TrimSpace(req.PIN) == "" {
		return flowState{}, sessionState{}, badRequest("Type the PIN your university showed you.")
	}
	// The flow is single use: whatever happens next, another attempt
	// needs another start. The browser's other flows stay.
	if err := s.spendFlow(w, p, flow); err != nil {
		return flowState{}, sessionState{}, err
	}
	if err := s.writeFlows(w, slices.Delete(flows, i, i+1)); err != nil {
		return flowState{}, sessionState{}, err
	}

	creds, err := p.Complete(r.Context(), flow.Flow, provider.CompleteInput{Params: req.Params, PIN: req.PIN})
	if err != nil {
		return flowState{}, sessionState{}, err
	}
	user, err := p.User(r.Context(), &creds)
	if err != nil {
		return flowState{}, sessionState{}, err
	}
	return flow, sessionState{Provider: p.Info().ID, User: user, Creds: creds}, nil
}

// startSession writes the session cookie of a completed sign-in.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, st sessionState) (shared.Session, error) {
	expiry, err := s.writeSession(w, st)
	if err != nil {
		return shared.Session{}, err
	}
	s.log.InfoContext(r.Context(), "signed in", "provider", st.Provider)
	return shared.Session{SignedIn: true, Provider: st.Provider, User: &st.User, ExpiresAt: &expiry}, nil
}

func (s *Server) handleSession(w http.ResponseWriter, r *http.Request) {
	st, _, expiry, err := s.readSession(r)
	if err != nil {
		if _, cerr := r.Cookie(s.cookies.session); cerr == nil {
			s.clearCookie(w, s.cookies.session)
		}
		writeJSON(w, http.StatusOK, shared.Session{SignedIn: false})
		return
	}
	writeJSON(w, http.StatusOK, shared.Session{SignedIn: true, Provider: st.Provider, User: &st.User, ExpiresAt: &expiry})
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	st, p, _, err := s.readSession(r)
	s.clearCookie(w, s.cookies.session)
	if err == nil && p.Info().Capabilities.Revoke {
		// Signing out must work even when the university is down: the
		// cookie is gone either way; the token dies at its expiry.
		if err := provider.Revoke(r.Context(), p, &st.Creds); err != nil {
			s.log.WarnContext(r.Context(), "revoking token failed", "provider", st.Provider, "err", err)
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

// decodeBody decodes a JSON request body into v.
func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(v); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return newError(http.StatusRequestEntityTooLarge, shared.CodeTooLarge, "The request body is too large.")
		}
		return badRequest("The request body is not valid JSON for this endpoint.")
	}
	if dec.More() {
		return badRequest("The request body has trailing data.")
	}
	return nil
}
