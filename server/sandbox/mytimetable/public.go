package mytimetable

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/campusweek/campusweek/server/sandbox/internal/web"
)

// This file holds the non-personal timetables: rooms (type location),
// modules and staff members, which the MyTimetable documentation says "may
// be available without any authentication or only requires an API token"
// (institution-specific). With Config.APITokens empty they are anonymous;
// otherwise a call needs one of them in the apiToken header. No OAuth
// token is needed or looked at.
//
//	GET /api/v0/timetabletypes                 the types offered
//	GET /api/v0/timetables?type&q&limit&offset  search within a type
//	GET /api/v0/timetables/{key}?startDate&endDate[&limit]
//
// The timetables hold the demo students' classes (not their personal
// all-day notices or exams), so a room's week shows exactly the classes
// the students have there.

// publicTypes are the timetable types the sandbox offers, in reply order.
var publicTypes = []struct{ key, name string }{
	{"location", "Locations"}, {"module", "Modules"}, {"staff", "Staff"},
}

// mttRooms are every location, the ones without classes included.
var mttRooms = []*mttLocation{locAulaA, locAulaB, locIZ2, locIZ5, locChip, locLab, locPulse1, locPulse2, locTNF, locProj, locIZ7}

// locIZ7 has no classes: free whenever its building is asked about.
var locIZ7 = &mttLocation{"LOC11", "Drebbelweg - IZ 7", "DW-IZ7", 40}

var mttModules = []*mttModule{modCalculus, modLinAlg, modOOP, modLogic, modCompOrg, modSEP, modProb, modMech, modAeroIntro, modEcon, modPolicy, modEnglish}

var mttStaffList = []*mttStaff{stVries, stJansen, stBakker, stVisser, stSmit, stMeijer, stMulder, stDekker, stBos, stPeeters}

// publicTimetable is one searchable timetable.
type publicTimetable struct {
	typ, key, name string
	// has reports whether a class belongs to the timetable.
	has func(mttClass) bool
}

// publicTimetables lists every searchable timetable, keyed "<type>!<key>".
var publicTimetables = sync.OnceValue(func() []publicTimetable {
	var out []publicTimetable
	for _, l := range mttRooms {
		out = append(out, publicTimetable{"location", "location!" + l.key, l.name, func(c mttClass) bool { return c.loc == l }})
	}
	for _, mod := range mttModules {
		out = append(out, publicTimetable{"module", "module!" + mod.code, mod.code + " " + mod.name, func(c mttClass) bool { return c.module == mod }})
	}
	for _, st := range mttStaffList {
		out = append(out, publicTimetable{"staff", "staff!" + st.key, st.name, func(c mttClass) bool { return slices.Contains(c.staff, st) }})
	}
	return out
})

// mttCatalogue is every class of every plan once.
var mttCatalogue = sync.OnceValue(func() []mttClass {
	ids := make([]string, 0, len(mttPlans))
	for id := range mttPlans {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var all []mttClass
	for _, id := range ids {
		for _, c := range mttPlans[id].classes {
			if !slices.ContainsFunc(all, func(d mttClass) bool {
				return c.module == d.module && c.typ == d.typ && c.day == d.day && c.at == d.at && c.loc == d.loc && slices.Equal(c.sets, d.sets)
			}) {
				all = append(all, c)
			}
		}
	}
	return all
})

// servePublic serves the non-personal methods, reporting whether name is
// one of them.
func (m *Server) servePublic(w http.ResponseWriter, r *http.Request, name string) bool {
	key, isOne := strings.CutPrefix(name, "timetables/")
	if name != "timetabletypes" && name != "timetables" && !isOne {
		return false
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		m.apiFail(w, r, &mttAPIError{http.StatusMethodNotAllowed, "method_not_allowed", "Request method '" + web.Clip(r.Method) + "' not supported."})
		return true
	}
	if len(m.apiTokens) > 0 {
		got := r.Header.Get("apiToken")
		if !slices.ContainsFunc(m.apiTokens, func(t string) bool { return subtle.ConstantTimeCompare([]byte(t), []byte(got)) == 1 }) {
			m.apiFail(w, r, &mttAPIError{http.StatusUnauthorized, "unauthorized", "This institution requires an API token (apiToken header) for this resource."})
			return true
		}
	}
	q, err := web.ParseForm(r.URL.RawQuery)
	if err != nil {
		m.apiFail(w, r, &mttAPIError{http.StatusBadRequest, "invalid_parameter", "Malformed query string."})
		return true
	}
	switch {
	case name == "timetabletypes":
		out := make([]web.Object, len(publicTypes))
		for i, t := range publicTypes {
			out[i] = web.Object{{Key: "type", Value: t.key}, {Key: "name", Value: t.name}}
		}
		writeAPI(w, r, http.StatusOK, "List", out)
	case name == "timetables":
		m.searchTimetables(w, r, q)
	default:
		k, err := url.PathUnescape(key)
		if err != nil {
			m.apiFail(w, r, errMTTNotFound)
			return true
		}
		m.publicTimetableMethod(w, r, q, k)
	}
	return true
}

// searchTimetables is GET /api/v0/timetables: the timetables of a type
// whose name or key contains q (all of them for no q), limit (1..1000,
// default 100) from offset.
func (m *Server) searchTimetables(w http.ResponseWriter, r *http.Request, q []web.Param) {
	typ, _, _ := once(q, "type")
	if !slices.ContainsFunc(publicTypes, func(t struct{ key, name string }) bool { return t.key == typ }) {
		m.apiFail(w, r, mttBadParam("type", "want one of location, module, staff."))
		return
	}
	text, _, _ := once(q, "q")
	text = strings.ToLower(text)
	limit, offset := 100, 0
	for _, p := range []struct {
		name     string
		to       *int
		min, max int
	}{{"limit", &limit, 1, 1000}, {"offset", &offset, 0, 1 << 20}} {
		if v, present, _ := once(q, p.name); present {
			n, err := strconv.Atoi(v)
			if err != nil || n < p.min || n > p.max {
				m.apiFail(w, r, mttBadParam(p.name, "out of range."))
				return
			}
			*p.to = n
		}
	}
	out := []web.Object{}
	for _, t := range publicTimetables() {
		if t.typ != typ || !strings.Contains(strings.ToLower(t.name+" "+t.key), text) {
			continue
		}
		if offset > 0 {
			offset--
			continue
		}
		if len(out) < limit {
			out = append(out, web.Object{{Key: "key", Value: t.key}, {Key: "type", Value: t.typ}, {Key: "name", Value: t.name}})
		}
	}
	writeAPI(w, r, http.StatusOK, "List", out)
}

// publicTimetableMethod is GET /api/v0/timetables/{key}: the timetable's
// events overlapping [startDate, endDate), as GET /api/v0/timetable has a
// student's.
func (m *Server) publicTimetableMethod(w http.ResponseWriter, r *http.Request, q []web.Param, key string) {
	i := slices.IndexFunc(publicTimetables(), func(t publicTimetable) bool { return t.key == key })
	if i < 0 {
		m.apiFail(w, r, &mttAPIError{http.StatusNotFound, "timetable_not_found", "No timetable with this key."})
		return
	}
	now := m.now()
	from, to, limit, e := rangeParams(q, now)
	if e != nil {
		m.apiFail(w, r, e)
		return
	}
	var p mttPlan
	for _, c := range mttCatalogue() {
		if publicTimetables()[i].has(c) {
			p.classes = append(p.classes, c)
		}
	}
	out := []web.Object{}
	for _, ev := range p.events(now, from, to) {
		if !ev.allDay && len(out) < limit {
			out = append(out, ev.render(wantsDutch(r)))
		}
	}
	writeAPI(w, r, http.StatusOK, "List", out)
}
