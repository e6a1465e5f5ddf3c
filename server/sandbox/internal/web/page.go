package web

import (
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/campusweek/campusweek/server/sandbox/internal/demo"
)

// The pages of the browser side of a sign-in: a consent page, the PIN page
// of an out-of-band sign-in, the "you declined" page and an error page.
// They are plain HTML with an inline style sheet and no JavaScript, so
// that a headless test can drive them with nothing but net/http.

var pages = template.Must(template.New("").Parse(`
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

// Page is what a page shows.
type Page struct {
	Title, Institution, Application string
	System                          string // "USOS API" or "MyTimetable", under the institution name
	Message                         string
	Scopes                          []string
	Students                        []demo.Person
	Action, Token, CSRF, PIN        string
	TokenField                      string // the consent form's hidden field naming the pending sign-in
	ReturnTo                        string // where the student goes next, if the page should say
}

// WritePage writes the page called name ("consent", "pin", "declined" or
// "error") with headers that fit a consent page: no framing
// (clickjacking), no caching, no referrer (the URL holds a request token or
// an OAuth 2 state) and no script at all. A failure to render is logged.
func WritePage(w http.ResponseWriter, status int, name string, p Page, log *slog.Logger) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	if err := pages.ExecuteTemplate(w, name, p); err != nil {
		log.Error("sandbox: rendering page", "page", name, "err", err)
	}
}

// ReadConsentForm reads the form a consent page submitted. On failure it
// has answered with errorPage already and reports false.
func ReadConsentForm(w http.ResponseWriter, r *http.Request, errorPage func(w http.ResponseWriter, status int, title, msg string)) ([]Param, bool) {
	if !IsForm(r) {
		errorPage(w, http.StatusBadRequest, "Invalid request", "Expected a submitted form.")
		return nil, false
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		errorPage(w, http.StatusBadRequest, "Invalid request", "The form could not be read.")
		return nil, false
	}
	form, err := ParseForm(string(raw))
	if err != nil {
		errorPage(w, http.StatusBadRequest, "Invalid request", "The form is malformed.")
		return nil, false
	}
	return form, true
}

// WithQuery appends v to the query of the callback URL, keeping what is
// already there byte for byte (and any fragment).
func WithQuery(callback string, v url.Values) string {
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

// Redirect sends the browser to the client's callback.
func Redirect(w http.ResponseWriter, to string) {
	h := w.Header()
	h.Set("Location", to)
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(http.StatusFound)
}
