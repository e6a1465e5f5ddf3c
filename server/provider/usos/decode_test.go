package usos

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/shared"
)

func TestParseLocal(t *testing.T) {
	cases := []struct{ in, want string }{
		{"2026-11-23 08:15:00", "2026-11-23T08:15:00+01:00"},             // winter
		{"2026-06-01 10:00:00", "2026-06-01T10:00:00+02:00"},             // summer
		{"2026-03-29 01:30:00", "2026-03-29T01:30:00+01:00"},             // just before the spring gap
		{"2026-03-29 02:30:00", "2026-03-29T03:30:00+02:00"},             // in the gap: offset before it
		{"2026-03-29 03:30:00", "2026-03-29T03:30:00+02:00"},             // after the gap
		{"2026-10-25 02:30:00", "2026-10-25T02:30:00+02:00"},             // ambiguous: first occurrence
		{"2026-10-25 03:00:00", "2026-10-25T03:00:00+01:00"},             // after the fold
		{"2026-10-25 01:59:59", "2026-10-25T01:59:59+02:00"},             // before the fold
		{" 2026-01-05 12:00:00.250000 ", "2026-01-05T12:00:00.25+01:00"}, // fractional seconds
	}
	for _, c := range cases {
		got, err := parseLocal(c.in, warsaw)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if s := got.Format(time.RFC3339Nano); s != c.want {
			t.Errorf("%q: got %s, want %s", c.in, s, c.want)
		}
	}
	for _, bad := range []string{"", "2026-13-01 00:00:00", "2026-11-23T08:15:00", "yesterday"} {
		if _, err := parseLocal(bad, warsaw); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestFlexString(t *testing.T) {
	cases := map[string]string{`"3"`: "3", `3`: "3", `12345678901234567890`: "12345678901234567890", `null`: "", `-1.5`: "-1.5", `true`: "true"}
	for in, want := range cases {
		var f flexString
		if err := json.Unmarshal([]byte(in), &f); err != nil || string(f) != want {
			t.Errorf("%s: got %q, %v; want %q", in, f, err, want)
		}
	}
	for _, bad := range []string{`{}`, `[1]`} {
		var f flexString
		if err := json.Unmarshal([]byte(bad), &f); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestLangDictPick(t *testing.T) {
	cases := []struct {
		in    string
		langs []string
		want  string
	}{
		{`{"pl": "Wykład", "en": "Lecture"}`, []string{"en"}, "Lecture"},
		{`{"pl": "Wykład", "en": "Lecture"}`, []string{"pl", "en"}, "Wykład"},
		{`{"pl": "Laboratorium", "en": ""}`, []string{"en"}, "Laboratorium"},
		{`{"pl": "Astronomia", "en": null}`, []string{"en"}, "Astronomia"},
		{`{"pl": null, "en": "Only English"}`, []string{"pl"}, "Only English"},
		{`null`, []string{"en"}, ""},
		{`"plain"`, []string{"en"}, "plain"},
		{`{"de": "Vorlesung"}`, []string{"en"}, "Vorlesung"},
	}
	for _, c := range cases {
		var d langDict
		if err := json.Unmarshal([]byte(c.in), &d); err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if got := d.pick(c.langs); got != c.want {
			t.Errorf("%s %v: got %q, want %q", c.in, c.langs, got, c.want)
		}
	}
}

func loadFixture(t testing.TB) []activity {
	b, err := os.ReadFile("testdata/tt_user.json")
	if err != nil {
		t.Fatal(err)
	}
	var acts []activity
	if err := json.Unmarshal(b, &acts); err != nil {
		t.Fatal(err)
	}
	return acts
}

func TestNormalizeFixture(t *testing.T) {
	acts := loadFixture(t)
	lect := map[string]string{"12345": "dr hab. Jan Kowalski", "23456": "mgr Ewa Nowak"}
	var evs []shared.Event
	for _, a := range acts {
		ev, err := normalize(a, []string{"en"}, lect)
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
	}
	lecture := evs[0]
	if lecture.Title != "Mathematical Analysis I - Lecture" || lecture.Kind != "Lecture" ||
		lecture.Course != "Mathematical Analysis I" || lecture.CourseID != "1000-111bAM1" || lecture.Building != "Main Building" ||
		lecture.Room != "0.03" || lecture.Group != "1" || lecture.Category != shared.CategoryClass ||
		lecture.Start.Format(time.RFC3339) != "2026-03-30T08:15:00+02:00" ||
		!strings.HasPrefix(lecture.URL, "https://usosweb.example.edu.pl/") ||
		len(lecture.Lecturers) != 1 || lecture.Lecturers[0] != "dr hab. Jan Kowalski" {
		t.Errorf("lecture: %+v", lecture)
	}
	lab := evs[1] // string ids, empty/null English, null building, on the DST night
	if lab.Title != "Astronomia obserwacyjna - Laboratorium" || lab.Course != "Astronomia obserwacyjna" ||
		lab.Group != "3" || lab.Building != "" || lab.Room != "" ||
		lab.Start.Format(time.RFC3339) != "2026-03-29T01:30:00+01:00" ||
		lab.End.Format(time.RFC3339) != "2026-03-29T03:30:00+02:00" ||
		lab.End.Sub(lab.Start) != time.Hour || len(lab.Lecturers) != 1 {
		t.Errorf("lab: %+v", lab)
	}
	exam := evs[2]
	if exam.Category != shared.CategoryExam || exam.Kind != "Exam" || exam.Start.Format(time.RFC3339) != "2026-10-25T02:30:00+02:00" {
		t.Errorf("exam: %+v", exam)
	}
	meeting := evs[3]
	if meeting.Category != shared.CategoryMeeting || meeting.Title != "Office hours" {
		t.Errorf("meeting: %+v", meeting)
	}
	ids := map[string]bool{}
	for _, e := range evs {
		if !strings.HasPrefix(e.ID, "usos-") || ids[e.ID] {
			t.Errorf("bad or duplicate id %q", e.ID)
		}
		ids[e.ID] = true
	}
	again, _ := normalize(acts[0], []string{"pl"}, nil)
	if again.ID != lecture.ID {
		t.Error("event id depends on the display language")
	}
}

func TestNormalizeRejects(t *testing.T) {
	cases := []activity{
		{StartTime: "bad", EndTime: "2026-01-01 10:00:00"},
		{StartTime: "2026-01-01 10:00:00", EndTime: "bad"},
		{StartTime: "2026-01-01 10:00:00", EndTime: "2026-01-01 09:00:00"},
	}
	for _, a := range cases {
		if _, err := normalize(a, nil, nil); err == nil {
			t.Errorf("%+v accepted", a)
		}
	}
	ev, err := normalize(activity{StartTime: "2026-01-01 10:00:00", EndTime: "2026-01-01 11:00:00", URL: "javascript:alert(1)"}, nil, nil)
	if err != nil || ev.URL != "" || ev.Title == "" {
		t.Errorf("unsafe URL kept or empty title: %+v %v", ev, err)
	}
}

func TestUserName(t *testing.T) {
	b, _ := os.ReadFile("testdata/users_user.json")
	var u user
	if err := json.Unmarshal(b, &u); err != nil {
		t.Fatal(err)
	}
	if u.ID != "123456" || u.fullName(false) != "Anna Kowalska" {
		t.Errorf("%+v", u)
	}
}

func FuzzDecodeTimetable(f *testing.F) {
	b, _ := os.ReadFile("testdata/tt_user.json")
	f.Add(b)
	f.Add([]byte(`[{"start_time": "2026-10-25 02:30:00", "end_time": "2026-10-25 02:00:00", "lecturer_ids": [1, "2", null]}]`))
	f.Add([]byte(`[{"name": 5}]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var acts []activity
		if json.Unmarshal(body, &acts) != nil {
			return
		}
		for _, a := range acts {
			ev, err := normalize(a, []string{"en"}, nil)
			if err != nil {
				continue
			}
			if ev.End.Before(ev.Start) || ev.ID == "" || ev.Title == "" {
				t.Fatalf("invalid event from %+v: %+v", a, ev)
			}
		}
	})
}
