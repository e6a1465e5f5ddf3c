package usos

import (
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/campusweek/campusweek/server/sandbox/internal/web"
)

// This file is the semester generator: each demo student's weekly plan and
// the expansion of that plan into tt/user activities for any date range.
// Everything is a pure function of (student, current week, date), so the
// same request always gets the same reply, and nothing is stored.
//
// The data copies the quirks of real installations on purpose: the public
// USOS API documentation (https://usosapps.uw.edu.pl/developers/api/) says
// ids are strings "where possible", yet replies mix numbers and strings,
// sometimes within one reply; a LangDict's "en" may be "" or null; online
// classes have null building fields; each activity type has only its own
// fields; and a class at night on a Sunday crosses the DST change twice a
// year.

type building struct {
	id   string
	name langDict
}

type room struct {
	building *building
	number   string
	id       int
}

type course struct {
	id     string
	name   langDict
	unitID any // number or string: real replies have both
}

type classType struct {
	id   string
	name langDict
}

var (
	bMIM = &building{"1000-MIM", ld("Wydział Matematyki, Informatyki i Mechaniki", "Faculty of Mathematics, Informatics and Mechanics")}
	bBUW = &building{"2000-BUW", ld("Budynek Główny", "Main Building")}
	bSJO = &building{"3002-SJO", ld("Szkoła Języków Obcych", "")}
	bCS  = &building{"4600-CS", ld("Centrum Sportowe", "Sports Centre")}
	bFUW = &building{"1100-FUW", ld("Wydział Fizyki", "Faculty of Physics")}
	bEKO = &building{"2400-WNE", ldNull("Wydział Nauk Ekonomicznych")}

	r3180   = &room{bMIM, "3180", 2318}
	r2180   = &room{bMIM, "2180", 2218}
	r1043   = &room{bMIM, "1043", 2043}
	r2041   = &room{bMIM, "2041", 2041}
	r2043   = &room{bMIM, "2043", 2049}
	r5050   = &room{bMIM, "5050", 2550}
	rAulaA  = &room{bMIM, "Aula A", 2001}
	r003    = &room{bBUW, "0.03", 1234}
	r112    = &room{bBUW, "1.12", 1240}
	r214    = &room{bSJO, "2.14", 3214}
	r215    = &room{bSJO, "2.15", 3215}
	rHalaA  = &room{bCS, "Hala A", 4601}
	rFUW014 = &room{bFUW, "B.0.14", 5014}
	rWNE    = &room{bEKO, "A", 6001}
)

var (
	cAM1  = &course{"1000-111bAM1", ld("Analiza matematyczna I", "Mathematical Analysis I"), 456789}
	cALG  = &course{"1000-112bAL", ld("Algebra liniowa z geometrią", "Linear Algebra with Geometry"), "456789"}
	cWDP  = &course{"1000-113bWPI", ld("Wstęp do programowania", "Introduction to Programming"), 456789}
	cMD   = &course{"1000-114bMD", ld("Matematyka dyskretna", "Discrete Mathematics"), 456789}
	cPO   = &course{"1000-115bPO", ld("Programowanie obiektowe", "Object-Oriented Programming"), "456789"}
	cSEM  = &course{"1000-1S-HM", ld("Historia matematyki", "History of Mathematics"), 456789}
	cANG  = &course{"3002-LEKANGB2", ld("Język angielski B2", ""), 300200}
	cWF   = &course{"4600-WF", ld("Wychowanie fizyczne", "Physical Education"), 460000}
	cEKO  = &course{"2400-WE", ldNull("Wstęp do ekonomii"), "240000"}
	cMIK  = &course{"2400-MIK1", ld("Mikroekonomia I", "Microeconomics I"), "240000"}
	cSTAT = &course{"2400-STAT", ld("Statystyka", "Statistics"), 240000}
	cFIL  = &course{"3800-FN", ld("Filozofia nauki", "Philosophy of Science"), 380000}
	cFIZ  = &course{"1100-1F1", ld("Fizyka I", "Physics I"), 456790}
	cAO   = &course{"1100-AO", ldNull("Astronomia obserwacyjna"), "456790"}
)

var (
	ctWYK = &classType{"WYK", ld("Wykład", "Lecture")}
	ctCW  = &classType{"CW", ld("Ćwiczenia", "Classes")}
	ctLAB = &classType{"LAB", ld("Laboratorium", "Laboratory")}
	ctLEK = &classType{"LEK", ld("Lektorat", "Language course")}
	ctSEM = &classType{"SEM", ld("Seminarium", "Seminar")}
	ctKON = &classType{"KON", ld("Konwersatorium", "Conversatory")}
)

// The usual 90-minute blocks with 15-minute breaks.
var (
	b1 = [2]clock{{8, 15}, {9, 45}}
	b2 = [2]clock{{10, 0}, {11, 30}}
	b3 = [2]clock{{11, 45}, {13, 15}}
	b4 = [2]clock{{13, 30}, {15, 0}}
	b5 = [2]clock{{15, 15}, {16, 45}}
	b6 = [2]clock{{17, 0}, {18, 30}}
)

// Week patterns of a class.
const (
	weekly  = iota
	oddWeek // biweekly, in teaching weeks 1, 3, 5... (0-based 0, 2, 4...)
	evenWeek
)

// class is one recurring class group meeting of a plan.
type class struct {
	course    *course
	ctype     *classType
	day       time.Weekday
	at        [2]clock
	group     any   // 1 or "3": both occur in real replies
	lecturers []any // numbers or strings, likewise
	room      *room // nil: online, building fields are null
	weeks     int   // weekly, oddWeek or evenWeek
	v2        bool  // "classgroup2" (has sm_id) rather than "classgroup" (has frequency)
}

// meeting is an office hour in some weeks of the semester.
type meeting struct {
	weeks    []int
	day      time.Weekday
	at       [2]clock
	lecturer int
}

// exam is placed on the nth last teaching day of the semester.
type exam struct {
	course *course
	nth    int
	at     [2]clock
	room   *room
	slot   int
}

type plan struct {
	classes  []class
	meetings []meeting
	exams    []exam
}

var (
	// Lectures several students share.
	lecAM1 = class{cAM1, ctWYK, time.Monday, b1, 1, []any{12345}, r3180, weekly, true}
	lecALG = class{cALG, ctWYK, time.Tuesday, b2, 1, []any{23456}, r3180, weekly, true}
	lekANG = class{cANG, ctLEK, time.Thursday, b1, 12, []any{45678}, r214, weekly, false}
	konFIL = class{cFIL, ctKON, time.Friday, b3, 1, []any{"11223"}, nil, weekly, false}
)

// plans maps student ids to their plan. Every student has a different
// week; all are Monday-Friday except Zofia's night observations.
var plans = map[string]plan{
	"123456": { // Anna Kowalska, mathematics
		classes: []class{
			lecAM1,
			{cAM1, ctCW, time.Monday, b2, "3", []any{"34567"}, r2180, weekly, false},
			lecALG,
			{cALG, ctCW, time.Tuesday, b3, 2, []any{67890}, r1043, weekly, false},
			{cWDP, ctLAB, time.Wednesday, b4, "5", []any{"90123"}, r2041, oddWeek, false},
			lekANG,
			{cWF, ctCW, time.Thursday, b5, "7", []any{56789}, rHalaA, weekly, false},
			{cEKO, ctWYK, time.Friday, b2, 1, []any{"11223"}, nil, weekly, false},
			{cSEM, ctSEM, time.Friday, b3, 1, []any{89012, 23456}, r5050, weekly, true},
		},
		meetings: []meeting{{[]int{3, 9, 14}, time.Wednesday, [2]clock{{12, 0}, {12, 30}}, 34567}},
		exams: []exam{
			{cAM1, 1, [2]clock{{17, 0}, {19, 0}}, rAulaA, 1},
			{cALG, 0, [2]clock{{17, 0}, {18, 30}}, r3180, 2},
		},
	},
	"234567": { // Jan Nowak, computer science
		classes: []class{
			lecAM1,
			{cWDP, ctWYK, time.Monday, b2, 1, []any{78901}, r3180, weekly, true},
			{cWDP, ctLAB, time.Monday, b4, "2", []any{"90123", "67890"}, r2041, weekly, false},
			{cMD, ctWYK, time.Tuesday, b1, 1, []any{34567}, r3180, weekly, true},
			{cMD, ctCW, time.Tuesday, b2, "4", []any{"34567"}, r1043, weekly, false},
			{cPO, ctLAB, time.Wednesday, b1, 3, []any{67890}, r2043, evenWeek, false},
			lekANG,
			konFIL,
		},
		meetings: []meeting{{[]int{5, 12}, time.Thursday, [2]clock{{13, 30}, {14, 0}}, 90123}},
		exams: []exam{
			{cWDP, 2, [2]clock{{17, 0}, {19, 0}}, rAulaA, 1},
			{cMD, 0, [2]clock{{18, 0}, {20, 0}}, r3180, 1},
		},
	},
	"345678": { // Zofia Wiśniewska, astronomy
		classes: []class{
			lecAM1,
			{cFIZ, ctWYK, time.Monday, b2, 1, []any{89012}, r003, weekly, true},
			{cFIZ, ctCW, time.Monday, b3, "6", []any{"23456", "34567"}, r112, weekly, false},
			lecALG,
			{cWF, ctCW, time.Tuesday, b5, "7", []any{56789}, rHalaA, weekly, false},
			{cAO, ctWYK, time.Wednesday, b4, 1, []any{23456}, rFUW014, weekly, true},
			{cANG, ctLEK, time.Thursday, b2, "14", []any{45678}, r215, weekly, false},
			// Night observations, 01:30-03:30 on a Sunday: on the DST
			// Sundays this block lasts 1 or 3 hours.
			{cAO, ctLAB, time.Sunday, [2]clock{{1, 30}, {3, 30}}, "3", []any{"23456", "34567"}, nil, weekly, false},
		},
		meetings: []meeting{{[]int{4, 10}, time.Friday, [2]clock{{10, 0}, {10, 45}}, 89012}},
		exams: []exam{
			{cFIZ, 1, [2]clock{{17, 0}, {19, 0}}, r003, 1},
			{cAO, 3, [2]clock{{18, 0}, {19, 30}}, rFUW014, 2},
		},
	},
	"567890": { // Michał Lewandowski, economics
		classes: []class{
			{cEKO, ctWYK, time.Monday, b3, 1, []any{"11223"}, nil, weekly, false},
			{cMIK, ctWYK, time.Tuesday, b1, 1, []any{78901}, rWNE, weekly, true},
			{cMIK, ctCW, time.Tuesday, b2, "8", []any{"78901"}, rWNE, weekly, false},
			{cSTAT, ctLAB, time.Wednesday, b2, 2, []any{67890}, r2043, evenWeek, false},
			lekANG,
			{cWF, ctCW, time.Thursday, b5, 9, []any{56789}, rHalaA, weekly, false},
			konFIL,
			{cSTAT, ctWYK, time.Friday, b6, 1, []any{11223}, rWNE, oddWeek, true},
		},
		meetings: []meeting{{[]int{6, 13}, time.Monday, [2]clock{{15, 0}, {15, 30}}, 78901}},
		exams: []exam{
			{cMIK, 0, [2]clock{{17, 0}, {19, 0}}, rWNE, 1},
			{cSTAT, 2, [2]clock{{17, 30}, {19, 0}}, rWNE, 1},
		},
	},
}

// activity is one tt/user entry, with every field it can have; render
// picks the requested ones that its type has.
type activity struct {
	typ        string
	date       time.Time
	at         [2]clock
	name       langDict
	course     *course
	ctype      *classType
	group      any
	lecturers  []any
	room       *room
	cgwmID     int
	smID       int
	frequency  string
	related    []any
	slotNumber int
}

// ttFields are the fields tt/user knows, in reply order.
var ttFields = []string{"type", "start_time", "end_time", "name", "url", "course_id", "course_name",
	"classtype_id", "classtype_name", "group_number", "lecturer_ids", "building_id", "building_name",
	"room_number", "room_id", "unit_id", "cgwm_id", "frequency", "sm_id", "related_user_ids", "slot_number"}

// typeFields says which fields each activity type has, as the tt module's
// documentation lists them (frequency for classgroup, sm_id for
// classgroup2, related_user_ids for meeting, slot_number for exam). A
// field the type lacks is left out of the reply, not sent as null: an exam
// has no building_id, a meeting no course fields.
var typeFields = map[string][]string{
	"classgroup": {"type", "start_time", "end_time", "name", "url", "course_id", "course_name",
		"classtype_id", "classtype_name", "group_number", "lecturer_ids", "building_id", "building_name",
		"room_number", "room_id", "unit_id", "cgwm_id", "frequency"},
	"classgroup2": {"type", "start_time", "end_time", "name", "url", "course_id", "course_name",
		"classtype_id", "classtype_name", "group_number", "lecturer_ids", "building_id", "building_name",
		"room_number", "room_id", "unit_id", "cgwm_id", "sm_id"},
	"exam":    {"type", "start_time", "end_time", "name", "course_id", "course_name", "building_name", "room_number", "slot_number"},
	"meeting": {"type", "start_time", "end_time", "name", "related_user_ids"},
}

// smallID derives a stable id from s, so that generated ids need no table.
func smallID(s string, base, span uint32) int {
	h := fnv.New32a()
	h.Write([]byte(s))
	return int(base + h.Sum32()%span)
}

func (c class) activity(d time.Time) activity {
	en := ""
	if ce, te := c.course.name.english(), c.ctype.name.english(); ce != "" && te != "" {
		en = ce + " - " + te
	}
	a := activity{
		typ:       "classgroup",
		date:      d,
		at:        c.at,
		name:      ld(c.course.name.PL+" - "+c.ctype.name.PL, en),
		course:    c.course,
		ctype:     c.ctype,
		group:     c.group,
		lecturers: c.lecturers,
		room:      c.room,
		cgwmID:    smallID(c.course.id+"/"+c.ctype.id, 100, 900),
		frequency: "weekly",
	}
	if c.weeks != weekly {
		a.frequency = "biweekly"
	}
	if c.v2 {
		a.typ = "classgroup2"
		a.smID = smallID(c.course.id, 10, 90)
	}
	return a
}

// timetable returns the activities of student userID that start on the
// civil dates [from, from+days), sorted by start time, with the semester
// placed around now. Unknown users have no activities.
func timetable(userID string, now, from time.Time, days int) []activity {
	p, ok := plans[userID]
	if !ok {
		return nil
	}
	return p.expand(now, from, days)
}

// expand returns the activities of plan p that start on the civil dates
// [from, from+days), sorted by start time, with the semester placed around
// now.
func (p plan) expand(now, from time.Time, days int) []activity {
	sem := semesterAround(now)
	examDays := sem.lastWorkdays(4)
	var out []activity
	for i := range days {
		d := from.AddDate(0, 0, i)
		if !sem.teaching(d) {
			continue
		}
		w := sem.week(d)
		for _, c := range p.classes {
			if c.day != d.Weekday() || c.weeks == oddWeek && w%2 != 0 || c.weeks == evenWeek && w%2 != 1 {
				continue
			}
			out = append(out, c.activity(d))
		}
		for _, m := range p.meetings {
			if m.day == d.Weekday() && slices.Contains(m.weeks, w) {
				out = append(out, activity{typ: "meeting", date: d, at: m.at,
					name: ld("Konsultacje", "Office hours"), related: []any{m.lecturer}})
			}
		}
		for _, e := range p.exams {
			if e.nth < len(examDays) && examDays[e.nth].Equal(d) {
				en := ""
				if ce := e.course.name.english(); ce != "" {
					en = "Exam: " + ce
				}
				out = append(out, activity{typ: "exam", date: d, at: e.at,
					name:   ld("Egzamin: "+e.course.name.PL, en),
					course: e.course, room: e.room, slotNumber: e.slot})
			}
		}
	}
	// Nothing may start or end at a wall time that does not exist (the
	// spring-forward hour).
	out = slices.DeleteFunc(out, func(a activity) bool {
		return !wallTimeExists(a.date, a.at[0]) || !wallTimeExists(a.date, a.at[1])
	})
	slices.SortStableFunc(out, func(a, b activity) int {
		if c := strings.Compare(wallTime(a.date, a.at[0]), wallTime(b.date, b.at[0])); c != 0 {
			return c
		}
		return strings.Compare(a.name.PL, b.name.PL)
	})
	return out
}

// render returns the activity as a reply object with the requested fields
// (in ttFields order) that its type has.
func (a activity) render(fields []string) web.Object {
	has := typeFields[a.typ]
	o := make(web.Object, 0, len(fields))
	for _, f := range fields {
		if !slices.Contains(has, f) {
			continue
		}
		var v any
		switch f {
		case "type":
			v = a.typ
		case "start_time":
			v = wallTime(a.date, a.at[0])
		case "end_time":
			v = wallTime(a.date, a.at[1])
		case "name":
			v = a.name
		case "url":
			v = "https://usosweb.sandbox.example/kontroler.php?_action=katalog2/przedmioty/pokazPrzedmiot&kod=" + a.course.id
		case "course_id":
			v = a.course.id
		case "course_name":
			v = a.course.name
		case "classtype_id":
			v = a.ctype.id
		case "classtype_name":
			v = a.ctype.name
		case "group_number":
			v = a.group
		case "lecturer_ids":
			v = a.lecturers
		case "building_id":
			if a.room != nil {
				v = a.room.building.id
			}
		case "building_name":
			if a.room != nil {
				v = a.room.building.name
			}
		case "room_number":
			if a.room != nil {
				v = a.room.number
			}
		case "room_id":
			if a.room != nil {
				v = a.room.id
			}
		case "unit_id":
			v = a.course.unitID
		case "cgwm_id":
			v = a.cgwmID
		case "frequency":
			v = a.frequency
		case "sm_id":
			v = a.smID
		case "related_user_ids":
			v = a.related
		case "slot_number":
			v = a.slotNumber
		}
		o = append(o, web.Member{Key: f, Value: v})
	}
	return o
}
