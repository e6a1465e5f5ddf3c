package api

import (
	"net/http"
	"net/url"

	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/i18n"
)

// Signing in without the app: the sign-in page's forms and the callback
// page work before app.wasm has started (or with JavaScript off). They
// start and complete flows exactly as the API does (start, completeFlow),
// and answer with redirects instead of JSON.

// SignedIn reports whether r carries a session cookie that opens: the PWA
// prerenders the week's shell for such a browser, the sign-in page for any
// other.
func (s *Server) SignedIn(r *http.Request) bool {
	_, _, _, err := s.readSession(r)
	return err == nil
}

// handleStartForm is POST {shared.SignInPath(id)}: a university's
// button on the sign-in page, a plain HTML form with an optional
// return_to field. It starts a redirect-mode sign-in as POST
// /api/auth/{id}/start does (the same checks, limits and flow cookie) and
// answers 303 to the university's page. Only this site's own page may
// post it (see sameOriginForm). A return_to that is not a path on this
// site is ignored: the student comes back to the week, as the app does
// with one.
func (s *Server) handleStartForm(w http.ResponseWriter, r *http.Request) {
	if !s.sameOriginForm(r) {
		s.writePageError(w, r, newError(http.StatusForbidden, shared.CodeForbidden, "Cross-origin request refused."))
		return
	}
	p, aerr := s.lookupProvider(r)
	if aerr != nil {
		s.writePageError(w, r, aerr)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	if err := r.ParseForm(); err != nil {
		s.writePageError(w, r, badRequest("The form could not be read."))
		return
	}
	returnTo, err := shared.CleanReturnTo(r.PostForm.Get("return_to"))
	if err != nil {
		returnTo = "/"
	}
	authURL, err := s.start(w, r, p, shared.StartRequest{Mode: shared.ModeRedirect, ReturnTo: returnTo})
	if err != nil {
		s.writePageError(w, r, err)
		return
	}
	http.Redirect(w, r, authURL, http.StatusSeeOther)
}

// sameOriginForm reports whether a form POST comes from a page of this
// origin (the public URL's; other allowed origins call the JSON API).
// Browsers send Origin with every form POST: "null" when the page's
// Referrer-Policy is no-referrer, as this site's is, and then
// Sec-Fetch-Site (sent by all of them since 2023) must say same-origin.
// Without Sec-Fetch-Site, the Origin must be this one.
func (s *Server) sameOriginForm(r *http.Request) bool {
	if len(r.Header.Values("Origin")) != 1 {
		return false
	}
	origin := r.Header.Get("Origin")
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin":
		return origin == s.publicOrigin() || origin == "null"
	case "":
		return origin == s.publicOrigin()
	}
	return false
}

// handleCallbackPage is GET {shared.CallbackPath(id)}, where the
// university sends the browser back. An installed app's service worker
// answers it with the app, which completes through the API; a browser
// without one (a first visit) reaches the server, which completes here:
// the student never waits for app.wasm, and the verifier leaves the
// address bar with the 303 that follows, to the page the sign-in started
// from, or, when it fails, to the callback page naming only the error's
// code (?failed=code), which the page explains.
//
// Completing on a GET is as safe as the app's own completion, which posts
// whatever parameters the callback URL carries: a flow completes only
// when the callback names one this browser started (its request token or
// state, in the sealed flow cookie, which is SameSite=Lax and so comes
// with the university's top-level redirect), each flow once. Calendar and
// notification approvals (whose outcome the app shows) and requests naming
// no flow of this browser get the app's page, as before.
func (s *Server) handleCallbackPage(w http.ResponseWriter, r *http.Request) {
	p, ok := s.providers[r.PathValue("id")]
	params := callbackParams(r.URL.Query())
	if !ok || r.Method != http.MethodGet || len(params) == 0 || params["failed"] != "" {
		s.opts.PWA.ServeHTTP(w, r)
		return
	}
	flows, _ := s.readFlows(r)
	if i := s.findFlow(flows, p.Info().ID, params); i >= 0 &&
		(flows[i].Purpose != "" || flows[i].Mode != shared.ModeRedirect) {
		s.opts.PWA.ServeHTTP(w, r)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	failed := func(err error) {
		code := asAPIError(err).body.Code
		if params["error"] == "access_denied" && code != shared.CodeFlowExpired {
			code = shared.CodeAccessDenied // whatever else went wrong, the student said no
		}
		http.Redirect(w, r, shared.CallbackPath(p.Info().ID)+"?failed="+url.QueryEscape(string(code)), http.StatusSeeOther)
	}
	if wait, _ := take(s.now(), 1, charge{s.limiter, s.clientKey(r)}); wait > 0 {
		failed(newError(http.StatusTooManyRequests, shared.CodeRateLimited, "Too many requests from your network."))
		return
	}
	purpose := "unknown" // until the flow cookie tells
	flow, st, err := s.completeFlow(w, r, p, shared.CompleteRequest{Params: params}, &purpose)
	if err == nil {
		_, err = s.startSession(w, r, st)
	}
	if err != nil {
		s.opts.Metrics.SignIn(p.Info().ID, purpose, string(asAPIError(err).body.Code))
		s.log.InfoContext(r.Context(), "sign-in failed", "provider", p.Info().ID, "err", err)
		failed(err)
		return
	}
	s.opts.Metrics.SignIn(p.Info().ID, purpose, "ok")
	http.Redirect(w, r, flow.ReturnTo, http.StatusSeeOther)
}

// callbackParams keeps the first value of every query parameter, as the
// app posts them.
func callbackParams(q url.Values) map[string]string {
	params := make(map[string]string, len(q))
	for k, vs := range q {
		if len(vs) > 0 {
			params[k] = vs[0]
		}
	}
	return params
}

// writePageError answers a form or page request that failed with the
// message as plain text (the JSON envelope is for the API), and logs it
// as writeError does.
func (s *Server) writePageError(w http.ResponseWriter, r *http.Request, err error) {
	ae := asAPIError(err)
	s.log.InfoContext(r.Context(), "request failed", "path", logPath(r), "status", ae.status, "code", ae.body.Code, "err", err)
	w.Header().Set("Cache-Control", "no-store")
	// A person reads it: in their language, by the error's code.
	lang := requestLang(r)
	w.Header().Set("Content-Language", lang.String())
	http.Error(w, lang.T(i18n.ErrorKey(ae.body.Code)), ae.status)
}
