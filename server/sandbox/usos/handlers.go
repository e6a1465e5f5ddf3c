package usos

import (
	"net/http"
	"strings"

	"github.com/campusweek/campusweek/server/sandbox/internal/web"
)

// This file holds the API methods other than OAuth: users, timetable and
// installation info. Each one gets a verified principal (or nil for the
// methods that need no authorization) and the call's parameters.

const (
	defaultUserFields = "id|first_name|last_name"
	defaultTTFields   = "start_time|end_time|name"
	maxUserIDs        = 100
)

// userMethod is services/users/user: the token owner, or user_id.
func (u *Server) userMethod(w http.ResponseWriter, r *http.Request, in *incoming, p *principal) {
	id := p.access.userID
	if v, ok := in.get("user_id"); ok {
		id = v
	}
	fields, e := fieldsParam(in, userFields, defaultUserFields)
	if e != nil {
		u.fail(w, "users/user", e)
		return
	}
	person, ok := userByID(id)
	if !ok {
		u.fail(w, "users/user", errParamInvalid("user_id", "User not found."))
		return
	}
	writeJSON(w, userObject(person, fields, p.access.scopes))
}

// usersMethod is services/users/users: many users at once, e.g. to turn
// lecturer_ids into names. Unknown ids map to null.
func (u *Server) usersMethod(w http.ResponseWriter, r *http.Request, in *incoming, p *principal) {
	raw, ok := in.get("user_ids")
	if !ok {
		u.fail(w, "users/users", errParamMissing("user_ids"))
		return
	}
	ids := strings.Split(raw, "|")
	if len(ids) > maxUserIDs {
		u.fail(w, "users/users", errParamInvalid("user_ids", "At most 100 ids are allowed."))
		return
	}
	fields, e := fieldsParam(in, userFields, defaultUserFields)
	if e != nil {
		u.fail(w, "users/users", e)
		return
	}
	out := web.Object{}
	seen := map[string]bool{}
	for _, id := range ids {
		if id == "" {
			u.fail(w, "users/users", errParamInvalid("user_ids", "Empty user id."))
			return
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		var v any
		if person, ok := userByID(id); ok {
			v = userObject(person, fields, p.access.scopes)
		}
		out = append(out, web.Member{Key: id, Value: v})
	}
	writeJSON(w, out)
}

// ttUserMethod is services/tt/user: the token owner's activities for
// `days` days from `start`. Basic timetable access needs no scope.
func (u *Server) ttUserMethod(w http.ResponseWriter, r *http.Request, in *incoming, p *principal) {
	u.writeStudentActivities(w, in, p.access.userID) // with the changes of changes.go
}

// installationMethod is services/apisrv/installation. It needs no
// authorization.
func (u *Server) installationMethod(w http.ResponseWriter, r *http.Request, in *incoming, p *principal) {
	name := ld(u.name, u.name)
	if u.name == "Sandbox University" {
		name = ld("Uniwersytet Piaskownica", u.name)
	}
	writeJSON(w, web.Object{
		{Key: "base_url", Value: u.baseURL(r)},
		{Key: "version", Value: "7.1.1.0-1"},
		{Key: "institution_name", Value: name},
		{Key: "contact_emails", Value: []string{"usos@sandbox.example"}},
	})
}

// nowMethod is services/apisrv/now: the server's Polish wall time with
// microseconds and no zone, as real installations send it.
func (u *Server) nowMethod(w http.ResponseWriter, r *http.Request, in *incoming, p *principal) {
	writeJSON(w, u.now().In(warsaw).Format("2006-01-02 15:04:05.000000"))
}

// fieldsParam parses the call's "fields" parameter, or def when absent.
func fieldsParam(in *incoming, known []string, def string) ([]string, *apiError) {
	s, ok := in.get("fields")
	if !ok {
		s = def
	}
	return parseFields(s, known)
}
