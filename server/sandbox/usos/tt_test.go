package usos

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/sandbox/internal/demo"
	"github.com/campusweek/campusweek/server/sandbox/internal/web"
)

// These tests run the sandbox on a fixed clock. dghubble/oauth1 always signs
// with the real time, so they sign with the package's own RFC 5849 code,
// which TestSignatureVectors checks against the published vectors.

// fixedUSOS returns a sandbox whose clock stands at the given Warsaw time.
func fixedUSOS(t testing.TB, warsawTime string) *Server {
	t.Helper()
	now, err := time.ParseInLocation(time.DateTime, warsawTime, warsaw)
	if err != nil {
		t.Fatal(err)
	}
	return New(Config{Consumers: map[string]string{testKey: testSecret}, Now: func() time.Time { return now }})
}

// issueToken runs the token store's side of the dance for student.
func issueToken(t testing.TB, u *Server, student string, scopes ...string) (token, secret string) {
	t.Helper()
	now := u.now()
	rt, _, err := u.store.addRequestToken(now, requestToken{consumer: testKey, callback: "oob", scopes: scopes})
	if err != nil {
		t.Fatal(err)
	}
	v, err := u.store.authorize(now, rt, student)
	if err != nil {
		t.Fatal(err)
	}
	tok, a, err := u.store.exchange(now, rt, v)
	if err != nil {
		t.Fatal(err)
	}
	return tok, a.secret
}

// signRequest adds an OAuth Authorization header to r, signed at the
// sandbox's clock time for the test consumer and the given token. It
// reports false when r's query or form body cannot be parsed.
func signRequest(u *Server, r *http.Request, token, secret string) bool {
	oauth := []web.Param{
		{Name: "oauth_consumer_key", Value: testKey}, {Name: "oauth_token", Value: token}, {Name: "oauth_signature_method", Value: "HMAC-SHA1"},
		{Name: "oauth_timestamp", Value: strconv.FormatInt(u.now().Unix(), 10)}, {Name: "oauth_nonce", Value: web.RandomString(16)}, {Name: "oauth_version", Value: "1.0"},
	}
	params, err := web.ParseForm(r.URL.RawQuery)
	if err != nil {
		return false
	}
	if web.IsForm(r) {
		raw, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(raw))
		body, err := web.ParseForm(string(raw))
		if err != nil {
			return false
		}
		params = append(params, body...)
	}
	base := signatureBaseString(r.Method, baseStringURI("http", r.Host, r.URL.EscapedPath()), append(params, oauth...))
	oauth = append(oauth, web.Param{Name: "oauth_signature", Value: signHMACSHA1(base, testSecret, secret)})
	var h []string
	for _, p := range oauth {
		h = append(h, percentEncode(p.Name)+`="`+percentEncode(p.Value)+`"`)
	}
	r.Header.Set("Authorization", "OAuth "+strings.Join(h, ", "))
	return true
}

// signedGet signs a GET at the sandbox's clock time and serves it.
func signedGet(t *testing.T, u *Server, token, secret, method string, q url.Values) page {
	t.Helper()
	r := httptest.NewRequest("GET", "http://usos.test/services/"+method+"?"+q.Encode(), nil)
	if !signRequest(u, r, token, secret) {
		t.Fatal("cannot sign")
	}
	w := httptest.NewRecorder()
	u.ServeHTTP(w, r)
	return page{Status: w.Code, Header: w.Header(), Body: w.Body.String()}
}

const allTTFields = "type|start_time|end_time|name|url|course_id|course_name|classtype_id|classtype_name|group_number|" +
	"lecturer_ids|building_id|building_name|room_number|room_id|unit_id|cgwm_id|frequency|sm_id|related_user_ids|slot_number"

// week fetches tt/user for a student and decodes it.
func week(t *testing.T, u *Server, student, start, days string) []map[string]any {
	t.Helper()
	tok, sec := issueToken(t, u, student)
	p := signedGet(t, u, tok, sec, "tt/user", url.Values{"start": {start}, "days": {days}, "fields": {allTTFields}})
	if p.Status != 200 {
		t.Fatalf("tt/user: %d %s", p.Status, p.Body)
	}
	var acts []map[string]any
	if err := json.Unmarshal([]byte(p.Body), &acts); err != nil {
		t.Fatal(err)
	}
	return acts
}

// checkWallTimes fails unless every start/end is a well-formed Warsaw wall
// time that exists, and ends are after starts on the clock face.
func checkWallTimes(t *testing.T, acts []map[string]any) {
	t.Helper()
	for _, a := range acts {
		start, _ := a["start_time"].(string)
		end, _ := a["end_time"].(string)
		for _, s := range []string{start, end} {
			tm, err := time.ParseInLocation(time.DateTime, s, warsaw)
			if err != nil || tm.Format(time.DateTime) != s {
				t.Errorf("%v: %q is not a valid Warsaw wall time", a["name"], s)
			}
		}
		if end <= start {
			t.Errorf("%v ends (%s) before it starts (%s)", a["name"], end, start)
		}
	}
}

func startsOn(acts []map[string]any, date string) []map[string]any {
	var out []map[string]any
	for _, a := range acts {
		if strings.HasPrefix(a["start_time"].(string), date+" ") {
			out = append(out, a)
		}
	}
	return out
}

func TestTimetableDST(t *testing.T) {
	// Spring forward: Sunday 2026-03-29, 02:00 -> 03:00.
	u := fixedUSOS(t, "2026-03-25 12:00:00")
	acts := week(t, u, "345678", "2026-03-23", "7")
	checkWallTimes(t, acts)
	night := startsOn(acts, "2026-03-29")
	if len(night) != 1 || night[0]["start_time"] != "2026-03-29 01:30:00" || night[0]["end_time"] != "2026-03-29 03:30:00" {
		t.Errorf("night observations on the DST Sunday = %v", night)
	}
	// The Monday after the change keeps its wall times.
	acts = week(t, u, "345678", "2026-03-29", "2")
	checkWallTimes(t, acts)
	monday := startsOn(acts, "2026-03-30")
	if len(monday) == 0 || monday[0]["start_time"] != "2026-03-30 08:15:00" {
		t.Errorf("Monday after DST = %v", monday)
	}

	// Fall back: Sunday 2026-10-25, 03:00 -> 02:00.
	u = fixedUSOS(t, "2026-10-21 12:00:00")
	acts = week(t, u, "345678", "2026-10-19", "7")
	checkWallTimes(t, acts)
	if night := startsOn(acts, "2026-10-25"); len(night) != 1 || night[0]["end_time"] != "2026-10-25 03:30:00" {
		t.Errorf("night observations on the fall-back Sunday = %v", night)
	}
	if len(startsOn(acts, "2026-10-26")) != 0 {
		t.Error("a 7-day range from Monday leaked into the next Monday")
	}
}

func TestWallTimeExists(t *testing.T) {
	d := demo.Date(2026, time.March, 29)
	for c, want := range map[clock]bool{{1, 59}: true, {2, 0}: false, {2, 30}: false, {3, 0}: true} {
		if got := wallTimeExists(d, c); got != want {
			t.Errorf("wallTimeExists(2026-03-29 %02d:%02d) = %v", c.h, c.m, got)
		}
	}
	if !wallTimeExists(demo.Date(2026, time.October, 25), clock{2, 30}) {
		t.Error("the repeated hour of 2026-10-25 exists (twice)")
	}
}

func TestTimetableDeterministic(t *testing.T) {
	u := fixedUSOS(t, "2026-03-25 12:00:00")
	tok, sec := issueToken(t, u, "123456")
	q := url.Values{"start": {"2026-03-23"}, "days": {"7"}, "fields": {allTTFields}}
	a := signedGet(t, u, tok, sec, "tt/user", q)
	b := signedGet(t, u, tok, sec, "tt/user", q)
	if a.Status != 200 || a.Body != b.Body {
		t.Fatalf("two identical requests differ:\n%s\n%s", a.Body, b.Body)
	}
	// A fresh instance (new keys, new tokens) gives the same timetable.
	u2 := fixedUSOS(t, "2026-03-25 12:00:00")
	tok2, sec2 := issueToken(t, u2, "123456")
	if c := signedGet(t, u2, tok2, sec2, "tt/user", q); c.Body != a.Body {
		t.Fatal("another instance gives another timetable")
	}
	// Each student has their own week, of 6-9 classes.
	seen := map[string]string{}
	for _, s := range u.Students() {
		acts := timetable(s.ID, u.now(), demo.Date(2026, time.March, 23), 7)
		classes := 0
		for _, a := range acts {
			if strings.HasPrefix(a.typ, "classgroup") {
				classes++
			}
		}
		if classes < 6 || classes > 9 {
			t.Errorf("%s has %d classes in a week", s.FirstName, classes)
		}
		out, _ := json.Marshal(renderAll(acts))
		if other, dup := seen[string(out)]; dup {
			t.Errorf("%s and %s have the same week", s.FirstName, other)
		}
		seen[string(out)] = s.FirstName
	}
}

func renderAll(acts []activity) []web.Object {
	var out []web.Object
	for _, a := range acts {
		out = append(out, a.render(ttFields))
	}
	return out
}

// TestTimetableQuirks checks that the quirks of real replies are
// reproduced: clients must cope with all of them.
func TestTimetableQuirks(t *testing.T) {
	u := fixedUSOS(t, "2026-03-25 12:00:00")
	acts := week(t, u, "123456", "2026-03-23", "7")
	var numGroup, strGroup, numLect, strLect, emptyEN, nullEN, nullBuilding, v1, v2 bool
	for _, a := range acts {
		switch a["group_number"].(type) {
		case float64:
			numGroup = true
		case string:
			strGroup = true
		}
		if ids, ok := a["lecturer_ids"].([]any); ok && len(ids) > 0 {
			switch ids[0].(type) {
			case float64:
				numLect = true
			case string:
				strLect = true
			}
		}
		for _, k := range []string{"name", "course_name", "building_name"} {
			if d, ok := a[k].(map[string]any); ok {
				if en, has := d["en"]; has && en == nil {
					nullEN = true
				} else if en == "" {
					emptyEN = true
				}
			}
		}
		if v, has := a["building_id"]; has && v == nil {
			nullBuilding = a["building_name"] == nil && a["room_number"] == nil
		}
		switch a["type"] {
		case "classgroup":
			_, hasFreq := a["frequency"]
			_, hasSM := a["sm_id"]
			v1 = hasFreq && !hasSM
		case "classgroup2":
			_, hasFreq := a["frequency"]
			_, hasSM := a["sm_id"]
			v2 = hasSM && !hasFreq
		}
	}
	for name, ok := range map[string]bool{
		"numeric group_number": numGroup, "string group_number": strGroup,
		"numeric lecturer_ids": numLect, "string lecturer_ids": strLect,
		`"en": ""`: emptyEN, `"en": null`: nullEN, "null building fields": nullBuilding,
		"classgroup with frequency": v1, "classgroup2 with sm_id": v2,
	} {
		if !ok {
			t.Errorf("no %s in Anna's week", name)
		}
	}
}

func TestTimetableCalendar(t *testing.T) {
	// now = Wednesday 2026-03-25: the semester runs 2026-01-26 .. 2026-06-07.
	u := fixedUSOS(t, "2026-03-25 12:00:00")
	now := u.now()
	count := func(student, date string, days int) int {
		d, _ := time.Parse(time.DateOnly, date)
		return len(timetable(student, now, d, days))
	}
	for _, tc := range []struct {
		date string
		days int
		want bool
	}{
		{"2026-01-19", 7, false}, // before the semester
		{"2026-01-26", 1, true},  // first day
		{"2026-04-02", 6, false}, // Easter break, Thursday to Tuesday
		{"2026-04-08", 1, true},
		{"2026-05-01", 1, false}, // Labour Day (Friday)
		{"2026-06-04", 1, false}, // Corpus Christi
		{"2026-06-01", 1, true},  // last week
		{"2026-06-08", 7, false}, // after the semester
	} {
		if got := count("123456", tc.date, tc.days) > 0; got != tc.want {
			t.Errorf("Anna on %s (+%d days): activities = %v, want %v", tc.date, tc.days, got, tc.want)
		}
	}

	// Biweekly: Anna's programming lab is on every other Wednesday.
	var labs []int
	for w := 0; w < 19; w++ {
		d := demo.Date(2026, time.January, 28).AddDate(0, 0, 7*w)
		for _, a := range timetable("123456", now, d, 1) {
			if a.course == cWDP && a.ctype == ctLAB {
				if a.frequency != "biweekly" {
					t.Errorf("lab frequency = %q", a.frequency)
				}
				labs = append(labs, w)
			}
		}
	}
	for i := 1; i < len(labs); i++ {
		if labs[i]-labs[i-1] != 2 && labs[i]-labs[i-1] != 4 { // 4: across the Easter break
			t.Errorf("lab weeks %v are not every other week", labs)
		}
	}

	// Exams are on the last teaching days, meetings in some weeks.
	exams := timetable("123456", now, demo.Date(2026, time.June, 1), 7)
	var examDays []string
	for _, a := range exams {
		if a.typ == "exam" {
			examDays = append(examDays, wallTime(a.date, a.at[0]))
		}
	}
	if len(examDays) != 2 {
		t.Errorf("Anna's exams in the last week: %v", examDays)
	}
	var meetings int
	for d := demo.Date(2026, time.January, 26); d.Before(demo.Date(2026, time.June, 8)); d = d.AddDate(0, 0, 7) {
		for _, a := range timetable("123456", now, d, 7) {
			if a.typ == "meeting" {
				meetings++
			}
		}
	}
	if meetings == 0 {
		t.Error("Anna has no office hours all semester")
	}
}

func TestTimetableChristmas(t *testing.T) {
	// now = Monday 2026-11-23: the semester runs 2026-09-28 .. 2027-02-07.
	u := fixedUSOS(t, "2026-11-23 01:14:00")
	now := u.now()
	for _, s := range u.Students() {
		if n := len(timetable(s.ID, now, demo.Date(2026, time.December, 23), 15)); n != 0 {
			t.Errorf("%s has %d activities in the Christmas break", s.FirstName, n)
		}
		if n := len(timetable(s.ID, now, demo.Date(2026, time.November, 11), 1)); n != 0 {
			t.Errorf("%s has %d activities on Independence Day", s.FirstName, n)
		}
		if n := len(timetable(s.ID, now, demo.Date(2026, time.September, 28), 5)); n == 0 {
			t.Errorf("%s has no classes in the first week", s.FirstName)
		}
	}
	var exams int
	for _, a := range timetable("234567", now, demo.Date(2027, time.February, 1), 7) {
		if a.typ == "exam" {
			exams++
		}
	}
	if exams != 2 {
		t.Errorf("Jan has %d exams in the last week", exams)
	}
	// Far-away and edge dates give an empty list, not null or an error.
	tok, sec := issueToken(t, u, "234567")
	for _, start := range []string{"9999-12-31", "0001-01-01", "2027-02-08"} {
		if p := signedGet(t, u, tok, sec, "tt/user", url.Values{"start": {start}}); p.Status != 200 || p.Body != "[]" {
			t.Errorf("start=%s: %d %s", start, p.Status, p.Body)
		}
	}
	// Default start is today in Warsaw (Monday 2026-11-23 here).
	p := signedGet(t, u, tok, sec, "tt/user", url.Values{"days": {"1"}})
	if !strings.Contains(p.Body, `"start_time":"2026-11-23 08:15:00"`) {
		t.Errorf("default start: %s", p.Body)
	}
}

// TestOAuthParamsInQueryAndBody: RFC 5849 3.5.2 and 3.5.3 let clients send
// the protocol parameters in the query string or the form body instead of
// the Authorization header.
func TestOAuthParamsInQueryAndBody(t *testing.T) {
	u := fixedUSOS(t, "2026-03-25 12:00:00")
	tok, sec := issueToken(t, u, "123456")
	params := func() url.Values {
		ps := []web.Param{
			{Name: "fields", Value: "id|first_name"},
			{Name: "oauth_consumer_key", Value: testKey}, {Name: "oauth_token", Value: tok}, {Name: "oauth_signature_method", Value: "HMAC-SHA1"},
			{Name: "oauth_timestamp", Value: strconv.FormatInt(u.now().Unix(), 10)}, {Name: "oauth_nonce", Value: web.RandomString(12) + "+/="},
		}
		base := signatureBaseString("POST", "http://usos.test/services/users/user", ps)
		v := url.Values{"oauth_signature": {signHMACSHA1(base, testSecret, sec)}}
		for _, p := range ps {
			v.Add(p.Name, p.Value)
		}
		return v
	}
	const want = `{"id":"123456","first_name":"Anna"}`

	r := httptest.NewRequest("POST", "http://usos.test/services/users/user?"+params().Encode(), nil)
	w := httptest.NewRecorder()
	u.ServeHTTP(w, r)
	if w.Code != 200 || w.Body.String() != want {
		t.Errorf("params in query: %d %s", w.Code, w.Body)
	}

	r = httptest.NewRequest("POST", "http://usos.test/services/users/user", strings.NewReader(params().Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w = httptest.NewRecorder()
	u.ServeHTTP(w, r)
	if w.Code != 200 || w.Body.String() != want {
		t.Errorf("params in body: %d %s", w.Code, w.Body)
	}

	// Under another media type the body is not a parameter source at all
	// (RFC 5849 3.4.1.3.1): the call counts as unsigned.
	r = httptest.NewRequest("POST", "http://usos.test/services/users/user", strings.NewReader(params().Encode()))
	r.Header.Set("Content-Type", "text/plain")
	w = httptest.NewRecorder()
	u.ServeHTTP(w, r)
	if w.Code != 401 {
		t.Errorf("params in a text/plain body: %d %s", w.Code, w.Body)
	}
}

func TestRequestTokenNeedsCallback(t *testing.T) {
	u := fixedUSOS(t, "2026-03-25 12:00:00")
	r := httptest.NewRequest("POST", "http://usos.test/services/oauth/request_token", nil)
	r.Header.Set("Authorization", `OAuth oauth_consumer_key="`+testKey+`", oauth_signature_method="HMAC-SHA1", `+
		`oauth_timestamp="`+strconv.FormatInt(u.now().Unix(), 10)+`", oauth_nonce="n", oauth_signature="x"`)
	w := httptest.NewRecorder()
	u.ServeHTTP(w, r)
	if w.Code != 400 || !strings.Contains(w.Body.String(), `"param_name": "oauth_callback"`) {
		t.Errorf("no oauth_callback: %d %s", w.Code, w.Body)
	}
}
