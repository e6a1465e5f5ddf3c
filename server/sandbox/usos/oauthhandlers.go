package usos

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/campusweek/campusweek/server/sandbox/internal/web"
)

// knownScopes are the scopes real installations accept, as listed in the
// public USOS API documentation (https://usosapps.uw.edu.pl/developers/api/).
var knownScopes = []string{
	"adm_documents", "cards", "change_all_preferences", "crstests", "dorm_admin",
	"edit_user_attrs", "email", "events", "grades", "grades_write", "mailclient",
	"mobile_numbers", "offline_access", "other_emails", "payments", "personal", "photo",
	"placement_tests", "session_debugging_perms", "slips", "slips_admin",
	"staff_perspective", "student_exams", "student_exams_write", "studies",
	"surveys_filling", "surveys_reports", "theses_protocols_write",
}

// parseScopes parses the non-standard, pipe-separated "scopes" parameter.
func parseScopes(s string) ([]string, *apiError) {
	if s == "" {
		return nil, nil
	}
	var out []string
	for _, sc := range strings.Split(s, "|") {
		if !slices.Contains(knownScopes, sc) {
			return nil, errParamInvalid("scopes", "Unknown scope '"+web.Clip(sc)+"'.")
		}
		if !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	return out, nil
}

// checkCallback accepts "oob" or an absolute http(s) URL, as RFC 5849 2.1
// asks. Anything else is refused now rather than failing in the browser
// later.
func checkCallback(cb string) *apiError {
	if cb == "oob" {
		return nil
	}
	u, err := url.Parse(cb)
	if err != nil || len(cb) > 2000 || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return errParamInvalid("oauth_callback", "Expected an absolute http(s) URL or 'oob'.")
	}
	return nil
}

// writeTokenReply writes a form-encoded token reply ("oauth_token=..&...").
// Real installations send it as text/plain, which dghubble/oauth1 and
// others accept. The body is built by hand because url.Values would sort
// the keys, and real installations send oauth_token first.
func writeTokenReply(w http.ResponseWriter, body string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(body))
}

// requestTokenMethod is services/oauth/request_token (RFC 5849 2.1).
func (u *Server) requestTokenMethod(w http.ResponseWriter, r *http.Request, in *incoming, p *principal) {
	callback := in.proto["oauth_callback"]
	if e := checkCallback(callback); e != nil {
		u.fail(w, "oauth/request_token", e)
		return
	}
	rawScopes, _ := in.get("scopes")
	scopes, e := parseScopes(rawScopes)
	if e != nil {
		u.fail(w, "oauth/request_token", e)
		return
	}
	token, secret, err := u.store.addRequestToken(u.now(), requestToken{
		consumer: p.consumer,
		callback: callback,
		scopes:   scopes,
	})
	if err != nil {
		u.fail(w, "oauth/request_token", errBusy)
		return
	}
	u.log.Info("usos sandbox: request token issued", "consumer", p.consumer, "scopes", scopes, "oob", callback == "oob")
	// Tokens are [A-Za-z0-9]: nothing to escape.
	writeTokenReply(w, "oauth_token="+token+"&oauth_token_secret="+secret+"&oauth_callback_confirmed=true")
}

// accessTokenMethod is services/oauth/access_token (RFC 5849 2.3).
func (u *Server) accessTokenMethod(w http.ResponseWriter, r *http.Request, in *incoming, p *principal) {
	token, access, err := u.store.exchange(u.now(), p.token, in.proto["oauth_verifier"])
	if err != nil {
		var e *apiError
		switch {
		case errors.Is(err, errNotAuthorized):
			e = errUnauthorized("invalid_token", "The user has not authorized this request token yet.")
		case errors.Is(err, errWrongVerifier):
			e = errUnauthorized("invalid_verifier", "Invalid oauth_verifier. The request token is now void; start again.")
		case errors.Is(err, errStoreFull):
			e = errBusy
		default:
			e = errUnauthorized("invalid_token", "Invalid request token. It may have expired or already been used.")
		}
		u.fail(w, "oauth/access_token", e)
		return
	}
	u.log.Info("usos sandbox: access token issued", "consumer", p.consumer, "user_id", access.userID,
		"scopes", access.scopes, "offline", access.expires.IsZero())
	writeTokenReply(w, "oauth_token="+token+"&oauth_token_secret="+access.secret)
}

// revokeTokenMethod is services/oauth/revoke_token: it revokes the access
// token the call is signed with.
func (u *Server) revokeTokenMethod(w http.ResponseWriter, r *http.Request, in *incoming, p *principal) {
	u.store.revoke(p.token)
	u.log.Info("usos sandbox: access token revoked", "consumer", p.consumer, "user_id", p.access.userID)
	writeJSON(w, web.Object{{Key: "success", Value: true}})
}
