package usos

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/campusweek/campusweek/server/sandbox/internal/web"
)

// This file holds the public methods: directories (buildings, rooms,
// courses, people) and the timetables of a room, a course edition and a
// staff member, which USOS answers without a user token. Their
// authorization follows the auth_options the public USOS API
// documentation states (services/apiref/method answers them here too):
//
//	geo/building_index, geo/building2, courses/search, courses/course,
//	tt/course_edition, apisrv/installations, apiref/method:
//	    consumer ignored (plain GETs)
//	tt/staff: consumer optional (unsigned, or signed and checked)
//	tt/room, users/search2, users/users: consumer required, token optional
//	    (2-legged calls)
//
// The rooms, courses and lecturers are those of the demo students' plans,
// so a room's week holds exactly the classes the students have there, and
// a few rooms have no classes at all.

// publicMethods are the public methods, by name under services/.
func (u *Server) publicMethods() map[string]method {
	return map[string]method{
		"geo/building_index":   {authNone, u.buildingIndexMethod},
		"geo/building2":        {authNone, u.building2Method},
		"courses/search":       {authNone, u.courseSearchMethod},
		"courses/course":       {authNone, u.courseMethod},
		"tt/course_edition":    {authNone, u.ttCourseEditionMethod},
		"tt/room":              {authTwoLegged, u.ttRoomMethod},
		"tt/staff":             {authOptional, u.ttStaffMethod},
		"users/search2":        {authTwoLegged, u.userSearchMethod},
		"apisrv/installations": {authNone, u.installationsMethod},
		"apiref/method":        {authNone, u.methodRefMethod},
	}
}

// Rooms with no class in any plan: free whenever a building is asked about.
var (
	r0089 = &room{bMIM, "0089", 2089}
	r4070 = &room{bMIM, "4070", 2470}
	r016  = &room{bBUW, "0.16", 1216}
)

// allRooms are the installation's rooms, building by building.
var allRooms = []*room{rAulaA, r0089, r1043, r2041, r2043, r2180, r3180, r4070, r5050,
	r003, r016, r112, r214, r215, rHalaA, rFUW014, rWNE}

// allCourses are the installation's courses.
var allCourses = []*course{cAM1, cALG, cWDP, cMD, cPO, cSEM, cANG, cWF, cEKO, cMIK, cSTAT, cFIL, cFIZ, cAO}

// buildings are those of allRooms, in order.
func buildings() []*building {
	var out []*building
	for _, r := range allRooms {
		if !slices.Contains(out, r.building) {
			out = append(out, r.building)
		}
	}
	return out
}

// catalogue is every class, meeting and exam of every plan once: what
// the installation teaches.
var catalogue = sync.OnceValue(func() plan {
	var all plan
	ids := make([]string, 0, len(plans))
	for id := range plans {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		p := plans[id]
		for _, c := range p.classes {
			if !slices.ContainsFunc(all.classes, func(d class) bool { return sameClass(c, d) }) {
				all.classes = append(all.classes, c)
			}
		}
		for _, m := range p.meetings {
			if !slices.ContainsFunc(all.meetings, func(n meeting) bool {
				return m.lecturer == n.lecturer && m.day == n.day && m.at == n.at && slices.Equal(m.weeks, n.weeks)
			}) {
				all.meetings = append(all.meetings, m)
			}
		}
		for _, e := range p.exams {
			if !slices.Contains(all.exams, e) {
				all.exams = append(all.exams, e)
			}
		}
	}
	return all
})

func sameClass(a, b class) bool {
	return a.course == b.course && a.ctype == b.ctype && fmt.Sprint(a.group) == fmt.Sprint(b.group) &&
		a.day == b.day && a.at == b.at && a.weeks == b.weeks
}

// only returns the part of p that keep selects.
func (p plan) only(keepClass func(class) bool, keepMeeting func(meeting) bool, keepExam func(exam) bool) plan {
	var out plan
	for _, c := range p.classes {
		if keepClass(c) {
			out.classes = append(out.classes, c)
		}
	}
	for _, m := range p.meetings {
		if keepMeeting(m) {
			out.meetings = append(out.meetings, m)
		}
	}
	for _, e := range p.exams {
		if keepExam(e) {
			out.exams = append(out.exams, e)
		}
	}
	return out
}

func none[T any](T) bool { return false }

// ttWindow reads the start, days and fields parameters the tt methods
// share: start defaults to today, days to 7 (at most 7).
func (u *Server) ttWindow(in *incoming) (start time.Time, days int, fields []string, e *apiError) {
	start = todayIn(u.now())
	if v, ok := in.get("start"); ok {
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return start, 0, nil, errParamInvalid("start", "Expected a date in the YYYY-MM-DD format.")
		}
		start = t
	}
	days = 7
	if v, ok := in.get("days"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 7 || len(v) > 1 {
			return start, 0, nil, errParamInvalid("days", "Must be between 1 and 7.")
		}
		days = n
	}
	fields, e = fieldsParam(in, ttFields, defaultTTFields)
	return start, days, fields, e
}

// writeActivities expands p over the call's window and writes it.
func (u *Server) writeActivities(w http.ResponseWriter, name string, in *incoming, p plan) {
	start, days, fields, e := u.ttWindow(in)
	if e != nil {
		u.fail(w, name, e)
		return
	}
	acts := p.expand(u.now(), start, days)
	out := make([]web.Object, 0, len(acts))
	for _, a := range acts {
		out = append(out, a.render(fields))
	}
	writeJSON(w, out)
}

// required returns a method parameter that must be given.
func required(in *incoming, name string) (string, *apiError) {
	v, ok := in.get(name)
	if !ok || v == "" {
		return "", errParamMissing(name)
	}
	return v, nil
}

// ttRoomMethod is services/tt/room: the activities held in room_id.
func (u *Server) ttRoomMethod(w http.ResponseWriter, r *http.Request, in *incoming, p *principal) {
	id, e := required(in, "room_id")
	if e != nil {
		u.fail(w, "tt/room", e)
		return
	}
	i := slices.IndexFunc(allRooms, func(r *room) bool { return strconv.Itoa(r.id) == id })
	if i < 0 {
		u.fail(w, "tt/room", errParamInvalid("room_id", "Room not found."))
		return
	}
	rm := allRooms[i]
	u.writeActivities(w, "tt/room", in, catalogue().only(
		func(c class) bool { return c.room == rm }, none[meeting],
		func(e exam) bool { return e.room == rm }))
}

// ttStaffMethod is services/tt/staff: the classes and office hours of the
// lecturer user_id. Students have none.
func (u *Server) ttStaffMethod(w http.ResponseWriter, r *http.Request, in *incoming, p *principal) {
	id, e := required(in, "user_id")
	if e != nil {
		u.fail(w, "tt/staff", e)
		return
	}
	if _, ok := userByID(id); !ok {
		u.fail(w, "tt/staff", errParamInvalid("user_id", "User not found."))
		return
	}
	teaches := func(ids []any) bool {
		return slices.ContainsFunc(ids, func(v any) bool { return fmt.Sprint(v) == id })
	}
	u.writeActivities(w, "tt/staff", in, catalogue().only(
		func(c class) bool { return teaches(c.lecturers) },
		func(m meeting) bool { return strconv.Itoa(m.lecturer) == id }, none[exam]))
}

// semesterTermID names the generated semester as USOS names terms.
func semesterTermID(sem semester) string {
	mid := sem.start.AddDate(0, 0, 9*7)
	y := mid.Year()
	if mid.Month() < time.August {
		return fmt.Sprintf("%d/%02dL", y-1, y%100)
	}
	return fmt.Sprintf("%d/%02dZ", y, (y+1)%100)
}

// courseByID finds a course.
func courseByID(id string) (*course, bool) {
	i := slices.IndexFunc(allCourses, func(c *course) bool { return c.id == id })
	if i < 0 {
		return nil, false
	}
	return allCourses[i], true
}

// ttCourseEditionMethod is services/tt/course_edition: the classes and
// exams of course_id in term_id.
func (u *Server) ttCourseEditionMethod(w http.ResponseWriter, r *http.Request, in *incoming, p *principal) {
	id, e := required(in, "course_id")
	if e == nil {
		_, e = required(in, "term_id")
	}
	if e != nil {
		u.fail(w, "tt/course_edition", e)
		return
	}
	c, ok := courseByID(id)
	if !ok {
		u.fail(w, "tt/course_edition", errParamInvalid("course_id", "Course not found."))
		return
	}
	if t, _ := in.get("term_id"); t != semesterTermID(semesterAround(u.now())) {
		u.fail(w, "tt/course_edition", errParamInvalid("term_id", "The course has no edition in this term."))
		return
	}
	u.writeActivities(w, "tt/course_edition", in, catalogue().only(
		func(k class) bool { return k.course == c }, none[meeting],
		func(e exam) bool { return e.course == c }))
}

// courseMethod is services/courses/course: a course's id, name and the
// terms it is taught in.
func (u *Server) courseMethod(w http.ResponseWriter, r *http.Request, in *incoming, p *principal) {
	id, e := required(in, "course_id")
	if e != nil {
		u.fail(w, "courses/course", e)
		return
	}
	fields, e := fieldsParam(in, []string{"id", "name", "terms"}, "id|name")
	if e != nil {
		u.fail(w, "courses/course", e)
		return
	}
	c, ok := courseByID(id)
	if !ok {
		u.fail(w, "courses/course", errParamInvalid("course_id", "Course not found."))
		return
	}
	sem := semesterAround(u.now())
	var o web.Object
	for _, f := range fields {
		var v any
		switch f {
		case "id":
			v = c.id
		case "name":
			v = c.name
		case "terms":
			tid := semesterTermID(sem)
			v = []web.Object{{
				{Key: "id", Value: tid},
				{Key: "name", Value: ld("Semestr "+tid, "Semester "+tid)},
				{Key: "start_date", Value: sem.start.Format(time.DateOnly)},
				{Key: "end_date", Value: sem.end.AddDate(0, 0, -1).Format(time.DateOnly)},
			}}
		}
		o = append(o, web.Member{Key: f, Value: v})
	}
	writeJSON(w, o)
}

// numParam reads a search's "num" (1..20, default 10).
func numParam(in *incoming) (int, *apiError) {
	v, ok := in.get("num")
	if !ok {
		return 10, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 20 {
		return 0, errParamInvalid("num", "Must be between 1 and 20.")
	}
	return n, nil
}

// langOf picks a LangDict's text in the call's "lang" (pl or en).
func langOf(in *incoming, d langDict) string {
	if l, _ := in.get("lang"); l == "en" && d.english() != "" {
		return d.english()
	}
	return d.PL
}

// matches reports whether q is in one of texts, ignoring case.
func matches(q string, texts ...string) bool {
	q = strings.ToLower(strings.TrimSpace(q))
	for _, t := range texts {
		if q != "" && strings.Contains(strings.ToLower(t), q) {
			return true
		}
	}
	return false
}

// courseSearchMethod is services/courses/search: courses whose name (in
// either language) or id contains "name". Each item has course_id and
// match, the name in "lang".
func (u *Server) courseSearchMethod(w http.ResponseWriter, r *http.Request, in *incoming, p *principal) {
	q, e := required(in, "name")
	var num int
	if e == nil {
		num, e = numParam(in)
	}
	if e != nil {
		u.fail(w, "courses/search", e)
		return
	}
	items := []web.Object{}
	for _, c := range allCourses {
		if matches(q, c.id, c.name.PL, c.name.english()) && len(items) < num {
			items = append(items, web.Object{{Key: "course_id", Value: c.id}, {Key: "match", Value: langOf(in, c.name)}})
		}
	}
	writeJSON(w, web.Object{{Key: "items", Value: items}, {Key: "next_page", Value: false}})
}

// userSearchMethod is services/users/search2: people whose name contains
// "query"; among=current_teachers (or current_staff) keeps the lecturers.
// Its fields are "items" (with sub-fields user, with user fields, and
// match) and "next_page".
func (u *Server) userSearchMethod(w http.ResponseWriter, r *http.Request, in *incoming, p *principal) {
	q, e := required(in, "query")
	var num int
	if e == nil {
		num, e = numParam(in)
	}
	if e != nil {
		u.fail(w, "users/search2", e)
		return
	}
	among, _ := in.get("among")
	if among != "" && among != "current_teachers" && among != "current_staff" && among != "all" {
		u.fail(w, "users/search2", errParamInvalid("among", "Unknown group."))
		return
	}
	sel, _ := in.get("fields")
	if sel == "" {
		sel = "items|next_page"
	}
	top, e := parseSelector(sel, []string{"items", "next_page"})
	itemSel := map[string]string{"user": "", "match": ""} // items without sub-fields
	if e == nil && top["items"] != "" {
		itemSel, e = parseSelector(top["items"], []string{"user", "match"})
	}
	var userFieldList []string
	if e == nil {
		s := itemSel["user"]
		if s == "" {
			s = defaultUserFields
		}
		userFieldList, e = parseFields(s, userFields)
	}
	if e != nil {
		u.fail(w, "users/search2", e)
		return
	}
	found := []web.Object{}
	for _, person := range lecturers {
		name := person.FirstName + " " + person.LastName
		if !matches(q, name, person.LastName+" "+person.FirstName) || len(found) >= num {
			continue
		}
		var item web.Object
		if _, ok := itemSel["user"]; ok {
			item = append(item, web.Member{Key: "user", Value: userObject(person, userFieldList, nil)})
		}
		if _, ok := itemSel["match"]; ok {
			item = append(item, web.Member{Key: "match", Value: name})
		}
		found = append(found, item)
	}
	var o web.Object
	if _, ok := top["items"]; ok {
		o = append(o, web.Member{Key: "items", Value: found})
	}
	if _, ok := top["next_page"]; ok {
		o = append(o, web.Member{Key: "next_page", Value: false})
	}
	writeJSON(w, o)
}

// parseSelector splits a USOS field selector ("a|b[c|d]") at its top
// level into field names and their sub-selectors ("" when none), refusing
// names not in known.
func parseSelector(s string, known []string) (map[string]string, *apiError) {
	out := map[string]string{}
	depth, start := 0, 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) {
			switch s[i] {
			case '[':
				depth++
			case ']':
				depth--
				if depth < 0 {
					return nil, errParamInvalid("fields", "Unbalanced brackets.")
				}
			}
			if s[i] != '|' || depth > 0 {
				continue
			}
		}
		item := s[start:i]
		start = i + 1
		name, sub, hasSub := strings.Cut(item, "[")
		if name == "" {
			return nil, errParamInvalid("fields", "Empty field name.")
		}
		if !slices.Contains(known, name) {
			return nil, errFieldNotFound(name)
		}
		if hasSub {
			if !strings.HasSuffix(sub, "]") || len(sub) < 2 {
				return nil, errParamInvalid("fields", "Malformed sub-fields of '"+web.Clip(name)+"'.")
			}
			sub = strings.TrimSuffix(sub, "]")
		}
		out[name] = sub
	}
	if depth != 0 {
		return nil, errParamInvalid("fields", "Unbalanced brackets.")
	}
	return out, nil
}

// buildingObject renders b with the selected fields; rooms holds the
// selected room fields, nil when rooms are not selected.
func buildingObject(b *building, fields []string, rooms []string) web.Object {
	var o web.Object
	for _, f := range fields {
		switch f {
		case "id":
			o = append(o, web.Member{Key: "id", Value: b.id})
		case "name":
			o = append(o, web.Member{Key: "name", Value: b.name})
		case "rooms":
			list := []web.Object{}
			for _, r := range allRooms {
				if r.building != b {
					continue
				}
				var ro web.Object
				for _, rf := range rooms {
					switch rf {
					case "id":
						ro = append(ro, web.Member{Key: "id", Value: strconv.Itoa(r.id)})
					case "number":
						ro = append(ro, web.Member{Key: "number", Value: r.number})
					}
				}
				list = append(list, ro)
			}
			o = append(o, web.Member{Key: "rooms", Value: list})
		}
	}
	return o
}

// buildingFields reads a geo method's fields: id, name and, where
// withRooms, rooms with the sub-fields id and number.
func buildingFields(in *incoming, withRooms bool) (fields, rooms []string, e *apiError) {
	known := []string{"id", "name"}
	if withRooms {
		known = append(known, "rooms")
	}
	s, ok := in.get("fields")
	if !ok {
		s = "id|name"
	}
	sel, e := parseSelector(s, known)
	if e != nil {
		return nil, nil, e
	}
	for _, f := range known {
		if _, ok := sel[f]; ok {
			fields = append(fields, f)
		}
	}
	if sub, ok := sel["rooms"]; ok {
		if sub == "" {
			sub = "id|number"
		}
		if rooms, e = parseFields(sub, []string{"id", "number"}); e != nil {
			return nil, nil, e
		}
	}
	return fields, rooms, nil
}

// buildingIndexMethod is services/geo/building_index: every building.
func (u *Server) buildingIndexMethod(w http.ResponseWriter, r *http.Request, in *incoming, p *principal) {
	fields, _, e := buildingFields(in, false)
	if e != nil {
		u.fail(w, "geo/building_index", e)
		return
	}
	out := []web.Object{}
	for _, b := range buildings() {
		out = append(out, buildingObject(b, fields, nil))
	}
	writeJSON(w, out)
}

// building2Method is services/geo/building2: one building, with its rooms
// when asked for.
func (u *Server) building2Method(w http.ResponseWriter, r *http.Request, in *incoming, p *principal) {
	id, e := required(in, "building_id")
	var fields, rooms []string
	if e == nil {
		fields, rooms, e = buildingFields(in, true)
	}
	if e != nil {
		u.fail(w, "geo/building2", e)
		return
	}
	i := slices.IndexFunc(buildings(), func(b *building) bool { return b.id == id })
	if i < 0 {
		u.fail(w, "geo/building2", errParamInvalid("building_id", "Building not found."))
		return
	}
	writeJSON(w, buildingObject(buildings()[i], fields, rooms))
}

// installationsMethod is services/apisrv/installations: every
// installation, as the public list has them: base URLs with http:// (kept
// for backward compatibility; the installations answer on https), and
// one installation listed twice.
func (u *Server) installationsMethod(w http.ResponseWriter, r *http.Request, in *incoming, p *principal) {
	entry := func(base, pl, en string) web.Object {
		return web.Object{
			{Key: "base_url", Value: base},
			{Key: "version", Value: "7.1.1.0-1"},
			{Key: "institution_name", Value: ld(pl, en)},
			{Key: "contact_emails", Value: []string{"usos@sandbox.example"}},
		}
	}
	self := "http://" + strings.ToLower(r.Host) + u.prefix + "/"
	writeJSON(w, []web.Object{
		entry(self, "Uniwersytet Piaskownica", u.name),
		entry("http://usosapps.north.sandbox.example/", "Politechnika Północna", "Northern University of Technology"),
		entry("http://usosapps.south.sandbox.example/", "Uniwersytet Południowy", "University of the South"),
		entry("http://usosapps.north.sandbox.example/", "Politechnika Północna", "Northern University of Technology"),
	})
}

// methodRefMethod is services/apiref/method: a method's auth_options as
// this installation enforces them.
func (u *Server) methodRefMethod(w http.ResponseWriter, r *http.Request, in *incoming, p *principal) {
	name, e := required(in, "name")
	if e != nil {
		u.fail(w, "apiref/method", e)
		return
	}
	short, _ := strings.CutPrefix(name, "services/")
	m, ok := u.methods[short]
	if !ok || short == name {
		u.fail(w, "apiref/method", errParamInvalid("name", "Method not found."))
		return
	}
	c, t := m.auth.authOptions()
	writeJSON(w, web.Object{
		{Key: "name", Value: name},
		{Key: "auth_options", Value: web.Object{
			{Key: "consumer", Value: c},
			{Key: "token", Value: t},
			{Key: "administrative_only", Value: false},
			{Key: "ssl_required", Value: false},
			{Key: "scopes", Value: []string{}},
		}},
	})
}
