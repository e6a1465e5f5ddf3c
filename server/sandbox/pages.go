package sandbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
)

// This file is the browser side of the OAuth dance: the consent page of
// services/oauth/authorize, and what follows the student's decision (a
// redirect to the callback, or a PIN page for oob clients). Pages are
// plain HTML with an inline style sheet and no JavaScript, so that a
// headless test can drive them with nothing but net/http.

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

var pageTemplates = template.Must(template.New("").Parse(`
{{define "head"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} - {{.Institution}}</title>
<style>
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#eef1f5;color:#1d2430}
header{background:#0b3d72;color:#fff;padding:14px 20px;font-weight:600}
header small{display:block;font-weight:400;opacity:.8}
main{max-width:30rem;margin:20px auto;background:#fff;border-radius:10px;padding:20px 22px;box-shadow:0 1px 4px rgba(0,0,0,.12)}
h1{font-size:1.25rem;margin:0 0 12px}
ul{padding-left:1.2rem}
label{display:block;font-weight:600;margin:16px 0 6px}
select{width:100%;font-size:1rem;padding:8px;border:1px solid #9aa5b4;border-radius:6px;background:#fff}
.buttons{display:flex;gap:10px;margin-top:20px}
button{flex:1;font-size:1rem;padding:12px;border-radius:6px;border:1px solid #0b3d72;cursor:pointer}
#allow{background:#0b3d72;color:#fff}
#deny{background:#fff;color:#0b3d72}
#pin{font:700 2rem/1.2 ui-monospace,monospace;letter-spacing:.2em;text-align:center;background:#eef1f5;border-radius:8px;padding:14px;margin:16px 0}
.note{color:#5b6677;font-size:.875rem}
</style></head><body>
<header>{{.Institution}}<small>{{.System}} &middot; sandbox</small></header>
<main>{{end}}
{{define "foot"}}</main></body></html>{{end}}

{{define "consent"}}{{template "head" .}}
<h1>An application wants to access your account</h1>
<p>The application <strong>{{.Application}}</strong> wants to access:</p>
<ul>
{{range .Scopes}}<li>{{.}}</li>
{{end}}</ul>
<form method="post" action="{{.Action}}">
<input type="hidden" name="{{.TokenField}}" value="{{.Token}}">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<label for="student">Sign in as</label>
<select name="student" id="student">
{{range $i, $s := .Students}}<option value="{{$s.ID}}"{{if eq $i 0}} selected{{end}}>{{$s.FirstName}} {{$s.LastName}} ({{$s.ID}})</option>
{{end}}</select>
<div class="buttons">
<button name="decision" value="allow" id="allow">Allow</button>
<button name="decision" value="deny" id="deny">Deny</button>
</div>
</form>
<p class="note">{{with .ReturnTo}}You will be sent back to {{.}}. {{end}}This is a sandbox installation with demo students; no real data is shared.</p>
{{template "foot" .}}{{end}}

{{define "pin"}}{{template "head" .}}
<h1>Access granted</h1>
<p>Enter this PIN in <strong>{{.Application}}</strong> to finish signing in:</p>
<p id="pin">{{.PIN}}</p>
<p class="note">The PIN works once, for the next 30 minutes at most.</p>
{{template "foot" .}}{{end}}

{{define "declined"}}{{template "head" .}}
<h1>You declined</h1>
<p><strong>{{.Application}}</strong> will not get access to your account. You can close this page.</p>
{{template "foot" .}}{{end}}

{{define "error"}}{{template "head" .}}
<h1>{{.Title}}</h1>
<p id="error">{{.Message}}</p>
{{template "foot" .}}{{end}}
`))

// pageData feeds the templates above.
type pageData struct {
	Title, Institution, Application string
	System                          string // "USOS API" or "MyTimetable", under the institution name
	Message                         string
	Scopes                          []string
	Students                        []Student
	Action, Token, CSRF, PIN        string
	TokenField                      string // the consent form's hidden field naming the pending sign-in
	ReturnTo                        string // where the student goes next, if the page should say
}

// renderPage writes one of the USOS pages.
func (u *USOS) renderPage(w http.ResponseWriter, status int, name string, d pageData) {
	d.Institution, d.System = u.name, "USOS API"
	writeTemplate(w, status, pageTemplates, name, d, u.log)
}

// writeTemplate writes one HTML page with headers that fit a consent page:
// no framing (clickjacking), no caching, no referrer (the URL holds the
// request token or the OAuth 2 state) and no script at all.
func writeTemplate(w http.ResponseWriter, status int, set *template.Template, name string, d any, log *slog.Logger) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	if err := set.ExecuteTemplate(w, name, d); err != nil {
		log.Error("sandbox: rendering page", "page", name, "err", err)
	}
}

func (u *USOS) errorPage(w http.ResponseWriter, status int, title, msg string) {
	u.renderPage(w, status, "error", pageData{Title: title, Message: msg})
}

// csrfFor binds a consent form to its request token: the hidden field must
// be the HMAC of the token under a key only this instance knows, so a
// cross-site form that guesses nothing cannot approve a token on the
// student's behalf.
func (u *USOS) csrfFor(token string) string {
	mac := hmac.New(sha256.New, u.csrfKey)
	mac.Write([]byte("consent\x00" + token))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// authorizePage is services/oauth/authorize: GET shows the consent page,
// POST records the decision.
func (u *USOS) authorizePage(w http.ResponseWriter, r *http.Request) {
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

func (u *USOS) consentForm(w http.ResponseWriter, r *http.Request) {
	q, err := parseForm(r.URL.RawQuery)
	if err != nil {
		u.errorPage(w, http.StatusBadRequest, "Invalid request", "The address of this page is malformed.")
		return
	}
	token := first(q, "oauth_token")
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
	u.renderPage(w, http.StatusOK, "consent", pageData{
		Title:       "Authorize application",
		Application: rt.consumer,
		Scopes:      scopes,
		Students:    u.Students(),
		Action:      u.prefix + "/services/oauth/authorize",
		TokenField:  "oauth_token",
		Token:       token,
		CSRF:        u.csrfFor(token),
	})
}

// readConsentForm reads the form a consent page submitted. On failure it
// has answered with errorPage already.
func readConsentForm(w http.ResponseWriter, r *http.Request, errorPage func(http.ResponseWriter, int, string, string)) ([]param, bool) {
	if !isFormBody(r) {
		errorPage(w, http.StatusBadRequest, "Invalid request", "Expected a submitted form.")
		return nil, false
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		errorPage(w, http.StatusBadRequest, "Invalid request", "The form could not be read.")
		return nil, false
	}
	form, err := parseForm(string(raw))
	if err != nil {
		errorPage(w, http.StatusBadRequest, "Invalid request", "The form is malformed.")
		return nil, false
	}
	return form, true
}

func (u *USOS) consentDecision(w http.ResponseWriter, r *http.Request) {
	form, ok := readConsentForm(w, r, u.errorPage)
	if !ok {
		return
	}
	token := first(form, "oauth_token")
	if !hmac.Equal([]byte(first(form, "csrf")), []byte(u.csrfFor(token))) {
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
	app := pageData{Title: "Authorize application", Application: rt.consumer}
	switch first(form, "decision") {
	case "allow":
		student := first(form, "student")
		if _, ok := userByID(student); !ok || !isStudent(student) {
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
		redirect(w, withQuery(rt.callback, url.Values{"oauth_token": {token}, "oauth_verifier": {verifier}}))
	case "deny":
		u.store.deny(token)
		u.log.Info("usos sandbox: access denied", "consumer", rt.consumer)
		if rt.callback == "oob" {
			app.Title = "You declined"
			u.renderPage(w, http.StatusOK, "declined", app)
			return
		}
		redirect(w, withQuery(rt.callback, url.Values{"oauth_token": {token}, "error": {"access_denied"}}))
	default:
		u.errorPage(w, http.StatusBadRequest, "Invalid request", "Choose Allow or Deny.")
	}
}

// first returns the first value of name in ps, or "".
func first(ps []param, name string) string {
	for _, p := range ps {
		if p.name == name {
			return p.value
		}
	}
	return ""
}

// withQuery appends v to the query of the callback URL, keeping what is
// already there byte for byte (and any fragment).
func withQuery(callback string, v url.Values) string {
	base, frag, hasFrag := strings.Cut(callback, "#")
	switch {
	case !strings.Contains(base, "?"):
		base += "?" + v.Encode()
	case strings.HasSuffix(base, "?") || strings.HasSuffix(base, "&"):
		base += v.Encode()
	default:
		base += "&" + v.Encode()
	}
	if hasFrag {
		base += "#" + frag
	}
	return base
}

// redirect sends the browser to the client's callback.
func redirect(w http.ResponseWriter, to string) {
	h := w.Header()
	h.Set("Location", to)
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(http.StatusFound)
}
