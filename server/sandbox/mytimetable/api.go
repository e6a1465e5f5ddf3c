package mytimetable

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/campusweek/campusweek/server/sandbox/internal/demo"
	"github.com/campusweek/campusweek/server/sandbox/internal/web"
)

// This file is the MyTimetable API: bearer token checks, the user and
// timetable methods, and replies in JSON or, for clients that do not ask
// for JSON, XML.

// mttAPIError is an API error reply (testdata/error.json).
type mttAPIError struct {
	status  int
	typ     string // errorType
	message string
}

var (
	errMTTNotFound     = &mttAPIError{http.StatusNotFound, "not_found", "The requested resource was not found."}
	errMTTNoToken      = &mttAPIError{http.StatusUnauthorized, "unauthorized", "Full authentication is required to access this resource."}
	errMTTInvalidToken = &mttAPIError{http.StatusUnauthorized, "unauthorized", "Invalid access token. It may have expired or been revoked."}
)

func mttBadParam(name, why string) *mttAPIError {
	return &mttAPIError{http.StatusBadRequest, "invalid_parameter", fmt.Sprintf("Parameter '%s' is invalid: %s", name, why)}
}

// wantsJSON reports whether the Accept header lists application/json with
// a non-zero quality. MyTimetable picks the format from Accept and falls
// back to XML, so a client that forgets the header gets XML.
func wantsJSON(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept") {
		for _, part := range strings.Split(v, ",") {
			media, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil || media != "application/json" {
				continue
			}
			if q, err := strconv.ParseFloat(params["q"], 64); err == nil && q == 0 {
				continue
			}
			return true
		}
	}
	return false
}

// writeAPI writes a reply in the format the request asked for; root names
// the XML document element.
func writeAPI(w http.ResponseWriter, r *http.Request, status int, root string, v any) {
	var body []byte
	h := w.Header()
	if wantsJSON(r) {
		b, err := web.Marshal(v)
		if err != nil {
			status, b = http.StatusInternalServerError, []byte(`{"errorType": "internal_error", "errorMessage": "The sandbox could not encode its reply.", "status": "error"}`)
		}
		body = b
		h.Set("Content-Type", "application/json;charset=UTF-8")
	} else {
		var b bytes.Buffer
		b.WriteString(xml.Header)
		if list, ok := v.([]web.Object); ok { // Jackson's root list: <List><item>...
			b.WriteString("<" + root + ">")
			for _, o := range list {
				writeXML(&b, "item", o)
			}
			b.WriteString("</" + root + ">")
		} else {
			writeXML(&b, root, v)
		}
		body = b.Bytes()
		h.Set("Content-Type", "application/xml;charset=UTF-8")
	}
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Vary", "Accept")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// writeXML renders v roughly as Jackson's XML mapper does: objects as
// elements, lists as a wrapper whose items repeat its name, null as an
// empty element.
func writeXML(b *bytes.Buffer, name string, v any) {
	switch v := v.(type) {
	case nil:
		b.WriteString("<" + name + "/>")
		return
	case web.Object:
		b.WriteString("<" + name + ">")
		for _, mb := range v {
			writeXML(b, mb.Key, mb.Value)
		}
	case []any:
		b.WriteString("<" + name + ">")
		for _, x := range v {
			writeXML(b, name, x)
		}
	default:
		b.WriteString("<" + name + ">")
		xml.EscapeText(b, fmt.Append(nil, v))
	}
	b.WriteString("</" + name + ">")
}

// apiFail writes an API error (testdata/error.json, key order and spacing
// included).
func (m *Server) apiFail(w http.ResponseWriter, r *http.Request, e *mttAPIError) {
	m.log.Info("mytimetable sandbox: api call refused", "path", r.URL.Path, "status", e.status, "error", e.typ)
	if e.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="MyTimetable", error="invalid_token"`)
	}
	if e.status == http.StatusForbidden {
		w.Header().Set("WWW-Authenticate", `Bearer realm="MyTimetable", error="insufficient_scope"`)
	}
	if !wantsJSON(r) {
		writeAPI(w, r, e.status, "error", web.Object{{Key: "errorType", Value: e.typ}, {Key: "errorMessage", Value: e.message}, {Key: "status", Value: "error"}})
		return
	}
	k1, _ := web.Marshal(e.typ)
	k2, _ := web.Marshal(e.message)
	body := `{"errorType": ` + string(k1) + `, "errorMessage": ` + string(k2) + `, "status": "error"}`
	h := w.Header()
	h.Set("Content-Type", "application/json;charset=UTF-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Vary", "Accept")
	w.WriteHeader(e.status)
	if r.Method != http.MethodHead {
		w.Write([]byte(body))
	}
}

// mttMethod is one API method: the scope it needs and its handler.
type mttMethod struct {
	scope  string
	handle func(m *Server, w http.ResponseWriter, r *http.Request, t mttToken)
}

var mttMethods = map[string]mttMethod{
	"user":      {"user_read", (*Server).userMethod},
	"timetable": {"profile_read", (*Server).timetableMethod},
}

// api serves /api/v0/{name}.
func (m *Server) api(w http.ResponseWriter, r *http.Request, name string) {
	if m.servePublic(w, r, name) {
		return
	}
	meth, ok := mttMethods[name]
	if !ok {
		m.apiFail(w, r, errMTTNotFound)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		m.apiFail(w, r, &mttAPIError{http.StatusMethodNotAllowed, "method_not_allowed", "Request method '" + web.Clip(r.Method) + "' not supported."})
		return
	}
	t, e := m.bearer(r)
	if e != nil {
		m.apiFail(w, r, e)
		return
	}
	if !slices.Contains(t.scopes, meth.scope) {
		m.apiFail(w, r, &mttAPIError{http.StatusForbidden, "forbidden",
			"Insufficient scope for this resource: it needs " + meth.scope + "."})
		return
	}
	meth.handle(m, w, r, t)
}

// bearer finds and checks the access token: an Authorization header with
// the Bearer scheme or an access_token query parameter (RFC 6750 2.1,
// 2.3), not both.
func (m *Server) bearer(r *http.Request) (mttToken, *mttAPIError) {
	q, err := web.ParseForm(r.URL.RawQuery)
	if err != nil {
		return mttToken{}, &mttAPIError{http.StatusBadRequest, "invalid_parameter", "Malformed query string."}
	}
	fromQuery, inQuery, rep := once(q, "access_token")
	if rep {
		return mttToken{}, &mttAPIError{http.StatusBadRequest, "invalid_request", "access_token is given more than once."}
	}
	var fromHeader string
	inHeader := false
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, _ := strings.Cut(h, " ")
		if strings.EqualFold(scheme, "Bearer") {
			fromHeader, inHeader = strings.TrimSpace(tok), true
		}
	}
	token := fromHeader
	switch {
	case inHeader && inQuery:
		return mttToken{}, &mttAPIError{http.StatusBadRequest, "invalid_request", "Send the access token in one place only."}
	case inQuery:
		token = fromQuery
	case !inHeader:
		return mttToken{}, errMTTNoToken
	}
	t, err := m.store.accessToken(m.now(), token)
	if err != nil {
		return mttToken{}, errMTTInvalidToken
	}
	return t, nil
}

// username is the student's login name at the sandbox institution.
func username(studentID string) string {
	if s, ok := demo.Student(studentID); ok {
		return asciiFold(strings.ToLower(s.FirstName[:1] + s.LastName))
	}
	return "s" + studentID
}

// asciiFold replaces the Polish letters of the demo names, as an identity
// system that allows ASCII login names only would.
func asciiFold(s string) string {
	return strings.NewReplacer("ą", "a", "ć", "c", "ę", "e", "ł", "l", "ń", "n", "ó", "o", "ś", "s", "ź", "z", "ż", "z").Replace(s)
}

// userMethod is GET /api/v0/user.
func (m *Server) userMethod(w http.ResponseWriter, r *http.Request, t mttToken) {
	name := username(t.user)
	feed := m.baseURL(r) + "ical?eu=" + base64.StdEncoding.EncodeToString([]byte(name)) +
		"&h=" + m.mac("feed-h", name)[:10] + "&t=" + feedToken(m.mac("feed-t", name))
	writeAPI(w, r, http.StatusOK, "user", web.Object{{Key: "username", Value: name}, {Key: "feedUrl", Value: feed}})
}

// feedToken shapes a MAC like the UUID of real feed URLs.
func feedToken(mac string) string {
	h := fmt.Sprintf("%x", mac)[:32]
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

const (
	mttMaxRange = 366 * 24 * time.Hour
	mttMaxLimit = 10_000
)

// timetableMethod is GET /api/v0/timetable.
func (m *Server) timetableMethod(w http.ResponseWriter, r *http.Request, t mttToken) {
	q, _ := web.ParseForm(r.URL.RawQuery) // already parsed once by bearer
	now := m.now()
	from, to, limit, e := rangeParams(q, now)
	if e != nil {
		m.apiFail(w, r, e)
		return
	}
	events := m.changed(t.user, now, from, to, mttTimetable(t.user, now, from, to))
	if len(events) > limit {
		events = events[:limit]
	}
	out := make([]web.Object, len(events))
	for i, e := range events {
		out[i] = e.render(wantsDutch(r))
	}
	writeAPI(w, r, http.StatusOK, "List", out)
}

// rangeParams reads the startDate, endDate (both required, once) and
// limit parameters of a timetable read.
func rangeParams(q []web.Param, now time.Time) (from, to time.Time, limit int, e *mttAPIError) {
	var dates [2]time.Time
	for i, name := range []string{"startDate", "endDate"} {
		v, present, rep := once(q, name)
		if !present || rep {
			return from, to, 0, mttBadParam(name, "it is required, once.")
		}
		d, err := parseMTTDate(v, now)
		if err != nil {
			return from, to, 0, mttBadParam(name, err.Error()+".")
		}
		dates[i] = d
	}
	from, to = dates[0], dates[1]
	if to.Before(from) {
		return from, to, 0, mttBadParam("endDate", "it is before startDate.")
	}
	if to.Sub(from) > mttMaxRange {
		return from, to, 0, mttBadParam("endDate", "the range is longer than 366 days; request smaller windows.")
	}
	limit = mttMaxLimit
	if v, present, _ := once(q, "limit"); present {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > mttMaxLimit {
			return from, to, 0, mttBadParam("limit", "want a number from 1 to 10000.")
		}
		limit = n
	}
	return from, to, limit, nil
}

// parseMTTDate parses a startDate or endDate: epoch milliseconds, RFC
// 3339 with an offset, a date (midnight in Amsterdam), "today" or
// "tomorrow". An error's text says what is wrong, for the reply.
func parseMTTDate(s string, now time.Time) (time.Time, error) {
	switch {
	case s == "":
		return time.Time{}, errors.New("it is empty")
	case s == "today" || s == "tomorrow":
		d := amsterdamDate(now)
		if s == "tomorrow" {
			d = d.AddDate(0, 0, 1)
		}
		return localMidnight(d), nil
	case len(s) <= 16 && strings.Trim(s, "0123456789") == "":
		ms, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, errors.New("not a number of milliseconds")
		}
		return time.UnixMilli(ms), nil
	case len(s) == len("2006-01-02"):
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return time.Time{}, errors.New("not a valid date (want YYYY-MM-DD)")
		}
		return localMidnight(d), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err == nil {
		return t, nil
	}
	switch {
	case strings.Contains(s, " "):
		return time.Time{}, errors.New("not ISO 8601. A '+' in the offset must be sent as %2B; unescaped it reads as a space")
	case strings.Contains(s, "T"):
		if _, err := time.Parse("2006-01-02T15:04:05", s); err == nil {
			return time.Time{}, errors.New("an ISO 8601 time needs an offset or Z")
		}
	}
	return time.Time{}, errors.New("want epoch milliseconds, ISO 8601 (2026-10-05T00:00:00+02:00), a date, 'today' or 'tomorrow'")
}
