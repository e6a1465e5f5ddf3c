package usos

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"

	"github.com/campusweek/campusweek/server/sandbox/internal/demo"
	"github.com/campusweek/campusweek/server/sandbox/internal/web"
)

// This file is the browser side of the OAuth dance: the consent page of
// services/oauth/authorize, and what follows the student's decision (a
// redirect to the callback, or a PIN page for oob clients). The pages
// themselves are package web's.

// scopeText is what the consent page says for a scope.
var scopeText = map[string]string{
	"studies":        "your studies: programmes, courses and groups",
	"offline_access": "access while you are away (the access does not expire after 2 hours)",
	"email":          "your e-mail address",
	"grades":         "your grades",
	"personal":       "your personal data",
	"photo":          "your photo",
	"events":         "your calendar events",
	"student_exams":  "your exam registrations",
}

// renderPage writes one of the USOS pages.
func (u *Server) renderPage(w http.ResponseWriter, status int, name string, d web.Page) {
	d.Institution, d.System = u.name, "USOS API"
	web.WritePage(w, status, name, d, u.log)
}

func (u *Server) errorPage(w http.ResponseWriter, status int, title, msg string) {
	u.renderPage(w, status, "error", web.Page{Title: title, Message: msg})
}

// csrfFor binds a consent form to its request token: the hidden field must
// be the HMAC of the token under a key only this instance knows, so a
// cross-site form that guesses nothing cannot approve a token on the
// student's behalf.
func (u *Server) csrfFor(token string) string {
	mac := hmac.New(sha256.New, u.csrfKey)
	mac.Write([]byte("consent\x00" + token))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// authorizePage is services/oauth/authorize: GET shows the consent page,
// POST records the decision.
func (u *Server) authorizePage(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		u.consentForm(w, r)
	case http.MethodPost:
		u.consentDecision(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		u.errorPage(w, http.StatusMethodNotAllowed, "Method not allowed", "Use GET or POST.")
	}
}

func (u *Server) consentForm(w http.ResponseWriter, r *http.Request) {
	q, err := web.ParseForm(r.URL.RawQuery)
	if err != nil {
		u.errorPage(w, http.StatusBadRequest, "Invalid request", "The address of this page is malformed.")
		return
	}
	token := web.First(q, "oauth_token")
	if token == "" {
		u.errorPage(w, http.StatusBadRequest, "Invalid request", "The oauth_token parameter is missing.")
		return
	}
	rt, err := u.store.requestToken(u.now(), token)
	if err != nil {
		u.errorPage(w, http.StatusBadRequest, "Invalid request token",
			"This sign-in link is unknown or has expired. Go back to the application and try again.")
		return
	}
	if rt.authorized {
		u.errorPage(w, http.StatusBadRequest, "Already answered",
			"This sign-in request has already been answered. Go back to the application.")
		return
	}
	scopes := []string{"your timetable"}
	for _, s := range rt.scopes {
		if t, ok := scopeText[s]; ok {
			scopes = append(scopes, t)
		} else {
			scopes = append(scopes, s)
		}
	}
	u.renderPage(w, http.StatusOK, "consent", web.Page{
		Title:       "Authorize application",
		Application: rt.consumer,
		Scopes:      scopes,
		Students:    demo.Students,
		Action:      u.prefix + "/services/oauth/authorize",
		TokenField:  "oauth_token",
		Token:       token,
		CSRF:        u.csrfFor(token),
	})
}

func (u *Server) consentDecision(w http.ResponseWriter, r *http.Request) {
	form, ok := web.ReadConsentForm(w, r, u.errorPage)
	if !ok {
		return
	}
	token := web.First(form, "oauth_token")
	if !hmac.Equal([]byte(web.First(form, "csrf")), []byte(u.csrfFor(token))) {
		u.log.Warn("usos sandbox: consent form with a bad anti-CSRF field")
		u.errorPage(w, http.StatusForbidden, "Invalid form", "This form did not come from this page. Start again from the application.")
		return
	}
	now := u.now()
	rt, err := u.store.requestToken(now, token)
	if err != nil {
		u.errorPage(w, http.StatusBadRequest, "Invalid request token",
			"This sign-in request is unknown or has expired. Go back to the application and try again.")
		return
	}
	app := web.Page{Title: "Authorize application", Application: rt.consumer}
	switch web.First(form, "decision") {
	case "allow":
		student := web.First(form, "student")
		if !demo.IsStudent(student) {
			u.errorPage(w, http.StatusBadRequest, "Invalid request", "Pick one of the listed students.")
			return
		}
		verifier, err := u.store.authorize(now, token, student)
		if err != nil {
			u.errorPage(w, http.StatusBadRequest, "Already answered",
				"This sign-in request has already been answered or has expired.")
			return
		}
		u.log.Info("usos sandbox: access allowed", "consumer", rt.consumer, "user_id", student, "oob", rt.callback == "oob")
		if rt.callback == "oob" {
			app.Title, app.PIN = "Access granted", verifier
			u.renderPage(w, http.StatusOK, "pin", app)
			return
		}
		web.Redirect(w, web.WithQuery(rt.callback, url.Values{"oauth_token": {token}, "oauth_verifier": {verifier}}))
	case "deny":
		u.store.deny(token)
		u.log.Info("usos sandbox: access denied", "consumer", rt.consumer)
		if rt.callback == "oob" {
			app.Title = "You declined"
			u.renderPage(w, http.StatusOK, "declined", app)
			return
		}
		web.Redirect(w, web.WithQuery(rt.callback, url.Values{"oauth_token": {token}, "error": {"access_denied"}}))
	default:
		u.errorPage(w, http.StatusBadRequest, "Invalid request", "Choose Allow or Deny.")
	}
}
