package mytimetable

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Amsterdam must exist even on hosts without zoneinfo

	"github.com/campusweek/campusweek/server/sandbox/internal/demo"
	"github.com/campusweek/campusweek/server/sandbox/internal/web"
	"github.com/campusweek/campusweek/shared/i18n"
)

// This file generates the MyTimetable semester: each demo student's weekly
// plan at a Dutch university and its expansion into v0.5 events. Like the
// USOS generator, everything is a pure function of (student, current week,
// date): the same request gets the same reply, ids included, and nothing
// is stored.

// amsterdam is the wall clock of Dutch (and, with the same rules, Belgian)
// institutions. The API speaks UTC epoch milliseconds; the schedule is
// made in local time, so the UTC instant of a 08:45 class moves by an hour
// at each DST change.
var amsterdam = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		panic("mytimetable sandbox: Europe/Amsterdam time zone: " + err.Error()) // cannot happen with time/tzdata
	}
	return loc
}()

// amsterdamDate returns the civil date of t in Amsterdam.
func amsterdamDate(t time.Time) time.Time {
	y, m, d := t.In(amsterdam).Date()
	return demo.Date(y, m, d)
}

// localMidnight is the first instant of civil date d in Amsterdam.
func localMidnight(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, amsterdam)
}

// at is the instant of wall time c on civil date d in Amsterdam.
func at(d time.Time, c clock) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), c.h, c.m, 0, 0, amsterdam)
}

// lastSunday returns the last Sunday of month m of year y: the day Europe
// changes its clocks in March and October.
func lastSunday(y int, m time.Month) time.Time {
	d := demo.Date(y, m+1, 1).AddDate(0, 0, -1)
	return d.AddDate(0, 0, -int(d.Weekday()))
}

// nearestDSTChange returns the DST Sunday closest to today.
func nearestDSTChange(today time.Time) time.Time {
	var best time.Time
	for y := today.Year() - 1; y <= today.Year()+1; y++ {
		for _, m := range []time.Month{time.March, time.October} {
			d := lastSunday(y, m)
			if best.IsZero() || absDays(d, today) < absDays(best, today) {
				best = d
			}
		}
	}
	return best
}

func absDays(a, b time.Time) time.Duration { return max(a.Sub(b), b.Sub(a)) }

// mttTerm is the teaching period, placed around "today".
type mttTerm struct {
	start, end time.Time // Mondays; end exclusive
	current    time.Time // Monday of the current week
	dst        time.Time // the DST Sunday inside the term
}

// mttTermAround returns the term around now: like USOS, from 8 weeks
// before the current week to 10 weeks after it, but stretched to take in
// the nearest DST change with a week on either side, so that every term
// has events on both sides of one (at most ~16 weeks away).
func mttTermAround(now time.Time) mttTerm {
	today := amsterdamDate(now)
	t := mttTerm{current: demo.MondayOf(today), dst: nearestDSTChange(today)}
	t.start, t.end = t.current.AddDate(0, 0, -8*7), t.current.AddDate(0, 0, 11*7)
	if dstWeek := demo.MondayOf(t.dst); dstWeek.Before(t.start.AddDate(0, 0, 7)) {
		t.start = dstWeek.AddDate(0, 0, -7)
	} else if !dstWeek.Before(t.end.AddDate(0, 0, -14)) {
		t.end = dstWeek.AddDate(0, 0, 14)
	}
	return t
}

func (t mttTerm) contains(d time.Time) bool { return !d.Before(t.start) && d.Before(t.end) }

func (t mttTerm) isCurrentWeek(d time.Time) bool { return demo.MondayOf(d).Equal(t.current) }

// examWeek is the term's last week: exams, no classes.
func (t mttTerm) isExamWeek(d time.Time) bool { return !d.Before(t.end.AddDate(0, 0, -7)) }

// dutchHoliday returns the name of a Dutch public holiday on a weekday, or
// "" (Liberation Day counts: universities close on it).
func dutchHoliday(d time.Time) string {
	e := demo.Easter(d.Year())
	kings := demo.Date(d.Year(), time.April, 27)
	if kings.Weekday() == time.Sunday {
		kings = kings.AddDate(0, 0, -1)
	}
	switch {
	case d.Month() == time.January && d.Day() == 1:
		return "New Year's Day"
	case d.Equal(e.AddDate(0, 0, -2)):
		return "Good Friday"
	case d.Equal(e.AddDate(0, 0, 1)):
		return "Easter Monday"
	case d.Equal(kings):
		return "King's Day"
	case d.Month() == time.May && d.Day() == 5:
		return "Liberation Day"
	case d.Equal(e.AddDate(0, 0, 39)):
		return "Ascension Day"
	case d.Equal(e.AddDate(0, 0, 50)):
		return "Whit Monday"
	case d.Month() == time.December && (d.Day() == 25 || d.Day() == 26):
		return "Christmas"
	}
	return ""
}

// isChristmasRecess reports whether d is in the two weeks holding 25
// December and 1 January.
func isChristmasRecess(d time.Time) bool {
	for _, y := range []int{d.Year() - 1, d.Year()} {
		start := demo.MondayOf(demo.Date(y, time.December, 25))
		if !d.Before(start) && d.Before(start.AddDate(0, 0, 14)) {
			return true
		}
	}
	return false
}

// Reference data. Ids look like MyTimetable's ("<db>!<hex>"); names follow
// Dutch campuses ("Building - Room").
type mttLocation struct {
	id, name, key string
	capacity      int
}

type mttStaff struct{ id, name, key string }

type mttModule struct{ code, name string }

// mttType is an activity type; MyTimetable describes it in the language
// the request's Accept-Language asks for (Dutch or English).
type mttType struct{ name, description, color, dutch string }

var (
	locAulaA  = &mttLocation{"LOC1", "Aula - Collegezaal A", "AULA-A", 400}
	locAulaB  = &mttLocation{"LOC2", "Aula - Collegezaal B", "AULA-B", 250}
	locIZ2    = &mttLocation{"LOC3", "Drebbelweg - IZ 2", "DW-IZ2", 60}
	locIZ5    = &mttLocation{"LOC4", "Drebbelweg - IZ 5", "DW-IZ5", 60}
	locChip   = &mttLocation{"LOC5", "EWI - Lecture hall Chip", "EWI-CHIP", 220}
	locLab    = &mttLocation{"LOC6", "EWI - Lab 0.010", "EWI-L0010", 90}
	locPulse1 = &mttLocation{"LOC7", "Pulse - Hall 1", "PULSE-H1", 300}
	locPulse2 = &mttLocation{"LOC8", "Pulse - Hall 2", "PULSE-H2", 180}
	locTNF    = &mttLocation{"LOC9", "TN - Zaal F", "TN-F", 120}
	locProj   = &mttLocation{"LOC10", "Echo - Project room 3.21", "ECHO-321", 12}
)

var (
	stVries   = &mttStaff{"1CD8E0", "Dr. J. de Vries (JdV)", "JDV"}
	stJansen  = &mttStaff{"1CD8E1", "Prof. A. Jansen", "AJA"}
	stBakker  = &mttStaff{"1CD8E2", "J. Bakker", "JBA"}
	stVisser  = &mttStaff{"1CD8E3", "Dr. M. Visser (MV)", "MVI"}
	stSmit    = &mttStaff{"1CD8E4", "Ir. L. Smit", "LSM"}
	stMeijer  = &mttStaff{"1CD8E5", "Dr. S. Meijer", "SME"}
	stMulder  = &mttStaff{"1CD8E6", "Prof. dr. E. Mulder", "EMU"}
	stDekker  = &mttStaff{"1CD8E7", "T. Dekker MSc", "TDE"}
	stBos     = &mttStaff{"1CD8E8", "Dr. ir. R. Bos", "RBO"}
	stPeeters = &mttStaff{"1CD8E9", "Dr. K. Peeters", "KPE"}
)

var (
	modCalculus  = &mttModule{"WI1421LR", "Calculus"}
	modLinAlg    = &mttModule{"WI1403LR", "Linear Algebra"}
	modOOP       = &mttModule{"CSE1100", "Object-Oriented Programming"}
	modLogic     = &mttModule{"CSE1300", "Reasoning & Logic"}
	modCompOrg   = &mttModule{"CSE1400", "Computer Organisation"}
	modSEP       = &mttModule{"CSE2000", "Software Engineering Project"}
	modProb      = &mttModule{"WI2202", "Probability & Statistics"}
	modMech      = &mttModule{"AE1130", "Statics"}
	modAeroIntro = &mttModule{"AE1110", "Introduction to Aerospace Engineering"}
	modEcon      = &mttModule{"TB1310", "Economics"}
	modPolicy    = &mttModule{"TB1140", "Policy Analysis"}
	modEnglish   = &mttModule{"LB1200", "Academic English"}
)

var (
	typLecture     = &mttType{"LECTURE", "Lecture", "#2c3e50", "Hoorcollege"}
	typInstruction = &mttType{"TUTORIAL", "Instruction", "#16a085", "Werkcollege"}
	typPractical   = &mttType{"PRACTICAL", "Practical", "#8e44ad", "Practicum"}
	typProject     = &mttType{"PROJECT", "Project meeting", "#d35400", "Projectbijeenkomst"}
	typExam        = &mttType{"EXAM", "Written exam", "#c0392b", "Schriftelijk tentamen"}
	typOther       = &mttType{"OTHER", "Other", "#7f8c8d", "Overig"}
)

// clock is a wall clock time of day.
type clock struct{ h, m int }

// String formats c as "15:04:05".
func (c clock) String() string { return fmt.Sprintf("%02d:%02d:00", c.h, c.m) }

// Week patterns of a class, by ISO week number so that a date's classes do
// not depend on when the term started.
const (
	weekly   = iota
	oddWeek  // odd ISO weeks
	evenWeek // even ISO weeks
)

// Dutch timetable slots (TU Delft's "hours" 1-2, 3-4, 5-6, 7-8).
var (
	slot1 = [2]clock{{8, 45}, {10, 30}}
	slot2 = [2]clock{{10, 45}, {12, 30}}
	slot3 = [2]clock{{13, 45}, {15, 30}}
	slot4 = [2]clock{{15, 45}, {17, 30}}
)

// mttClass is one recurring class of a student's plan.
type mttClass struct {
	module *mttModule
	typ    *mttType
	day    time.Weekday
	at     [2]clock
	loc    *mttLocation // nil: online (conferenceUrl set, no locations)
	staff  []*mttStaff
	sets   []string
	weeks  int
	notes  string
}

type mttPlan struct {
	programme string // the student set of lectures
	classes   []mttClass
	exams     []*mttModule
}

var (
	lecCalculus = mttClass{modCalculus, typLecture, time.Monday, slot1, locAulaA, []*mttStaff{stVries}, []string{"BSc-1"}, weekly, "Bring a calculator"}
	lecLinAlg   = mttClass{modLinAlg, typLecture, time.Tuesday, slot2, locAulaB, []*mttStaff{stJansen}, []string{"BSc-1"}, weekly, ""}
	lecEnglish  = mttClass{modEnglish, typInstruction, time.Thursday, slot4, nil, []*mttStaff{stPeeters}, []string{"English B2 group 3"}, weekly, ""}
)

// mttPlans maps the demo students' ids to their week.
var mttPlans = map[string]mttPlan{
	"123456": { // Anna Kowalska, Applied Mathematics
		programme: "BSc-AM-1",
		classes: []mttClass{
			lecCalculus,
			{modCalculus, typInstruction, time.Monday, slot3, locIZ2, []*mttStaff{stBakker, stDekker}, []string{"BSc-AM-1 group 4"}, weekly, ""},
			lecLinAlg,
			{modLinAlg, typInstruction, time.Wednesday, slot1, locIZ5, []*mttStaff{stBakker}, []string{"BSc-AM-1 group 4"}, weekly, ""},
			{modProb, typLecture, time.Wednesday, slot2, locChip, []*mttStaff{stMeijer}, []string{"BSc-AM-1"}, weekly, ""},
			{modLogic, typLecture, time.Thursday, slot2, locPulse2, []*mttStaff{stVisser}, []string{"BSc-AM-1"}, weekly, ""},
			lecEnglish,
			{modProb, typPractical, time.Friday, slot2, locLab, []*mttStaff{stMeijer, stDekker}, []string{"BSc-AM-1 lab A"}, oddWeek, "Bring your laptop"},
		},
		exams: []*mttModule{modCalculus, modLinAlg, modProb},
	},
	"234567": { // Jan Nowak, Computer Science and Engineering
		programme: "BSc-CSE-1",
		classes: []mttClass{
			lecCalculus,
			{modOOP, typLecture, time.Monday, slot3, locChip, []*mttStaff{stSmit}, []string{"BSc-CSE-1"}, weekly, ""},
			{modOOP, typPractical, time.Tuesday, slot1, locLab, []*mttStaff{stSmit, stDekker}, []string{"BSc-CSE-1 lab B"}, weekly, "Bring your laptop"},
			lecLinAlg,
			{modCompOrg, typLecture, time.Wednesday, slot2, locPulse1, []*mttStaff{stBos}, []string{"BSc-CSE-1"}, weekly, ""},
			{modSEP, typProject, time.Thursday, slot1, locProj, []*mttStaff{stVisser}, []string{"SEP team 17"}, weekly, ""},
			{modLogic, typInstruction, time.Thursday, slot3, locIZ2, []*mttStaff{stJansen}, []string{"BSc-CSE-1 group 2"}, evenWeek, ""},
			{modSEP, typLecture, time.Friday, slot2, nil, []*mttStaff{stVisser, stBos}, []string{"BSc-CSE-2"}, weekly, "Online; the recording appears on Brightspace"},
		},
		exams: []*mttModule{modOOP, modCompOrg, modCalculus},
	},
	"345678": { // Zofia Wiśniewska, Aerospace Engineering
		programme: "BSc-AE-1",
		classes: []mttClass{
			{modAeroIntro, typLecture, time.Monday, slot2, locAulaA, []*mttStaff{stMulder}, []string{"BSc-AE-1"}, weekly, ""},
			lecLinAlg,
			{modMech, typLecture, time.Tuesday, slot3, locTNF, []*mttStaff{stBos}, []string{"BSc-AE-1"}, weekly, ""},
			{modMech, typInstruction, time.Wednesday, slot1, locIZ5, []*mttStaff{stDekker}, []string{"BSc-AE-1 group 7"}, weekly, ""},
			{modCalculus, typLecture, time.Wednesday, slot3, locAulaB, []*mttStaff{stVries}, []string{"BSc-AE-1"}, weekly, ""},
			{modAeroIntro, typProject, time.Thursday, slot2, locProj, []*mttStaff{stMulder}, []string{"AE project group 12"}, oddWeek, ""},
			lecEnglish,
		},
		exams: []*mttModule{modAeroIntro, modMech, modLinAlg},
	},
	"567890": { // Michał Lewandowski, Technology, Policy and Management
		programme: "BSc-TB-1",
		classes: []mttClass{
			{modEcon, typLecture, time.Monday, slot2, locPulse1, []*mttStaff{stMeijer}, []string{"BSc-TB-1"}, weekly, ""},
			{modEcon, typInstruction, time.Tuesday, slot1, locIZ2, []*mttStaff{stDekker}, []string{"BSc-TB-1 group 1"}, weekly, ""},
			{modPolicy, typLecture, time.Tuesday, slot3, locTNF, []*mttStaff{stPeeters}, []string{"BSc-TB-1"}, weekly, ""},
			{modProb, typLecture, time.Wednesday, slot2, locChip, []*mttStaff{stMeijer}, []string{"BSc-TB-1"}, weekly, ""},
			{modPolicy, typProject, time.Thursday, slot3, locProj, []*mttStaff{stPeeters}, []string{"TPM project group 5"}, evenWeek, ""},
			{modProb, typInstruction, time.Friday, slot1, locIZ5, []*mttStaff{stBakker}, []string{"BSc-TB-1 group 1"}, weekly, ""},
		},
		exams: []*mttModule{modEcon, modPolicy, modProb},
	},
}

// mttEvent is one generated occurrence.
type mttEvent struct {
	start, end time.Time
	allDay     bool
	module     *mttModule // nil for events that belong to no module
	title      string
	typ        *mttType
	staff      []*mttStaff
	plainStaff bool // staffMembers as plain strings, like older servers
	locs       []*mttLocation
	sets       []string
	notes      string
	online     bool
	key        string // identifies the series; with the date it makes the id
}

// id is "<db>!<hash>-<yyyyMMdd>": db is the year (MyTimetable's database
// per academic year), hash names the series, the date the occurrence.
func (e mttEvent) id() string {
	d := e.start.In(amsterdam)
	return fmt.Sprintf("%d!%s-%s", d.Year(), hexID(e.key), d.Format("20060102"))
}

// hexID derives a stable 13-digit upper-case hex id from s.
func hexID(s string) string {
	h := fnv.New64a()
	h.Write([]byte(s))
	return fmt.Sprintf("%013X", h.Sum64()&(1<<52-1))
}

func (c mttClass) event(d time.Time) mttEvent {
	title := c.module.name
	if c.typ != typLecture {
		title += " - " + c.typ.description
	}
	e := mttEvent{
		start: at(d, c.at[0]), end: at(d, c.at[1]),
		module: c.module, title: title, typ: c.typ, staff: c.staff,
		plainStaff: c.typ == typInstruction,
		sets:       c.sets, notes: c.notes, online: c.loc == nil,
		// The series: module, type, weekday and start. Every event id
		// hashes this text, so its spelling must stay as it is.
		key: strings.Join([]string{c.module.code, c.typ.name, c.day.String(), "2000-01-01 " + c.at[0].String()}, "/"),
	}
	if c.loc != nil {
		e.locs = []*mttLocation{c.loc}
	}
	return e
}

// allDayEvent lasts whole local days [from, from+days).
func allDayEvent(from time.Time, days int, title, notes string) mttEvent {
	return mttEvent{start: localMidnight(from), end: localMidnight(from.AddDate(0, 0, days)), allDay: true,
		title: title, typ: typOther, notes: notes, key: "allday/" + title}
}

// maxEventDays bounds how long an event lasts, so that a range query only
// looks that far back for events that started before it.
const maxEventDays = 3

// mttDay returns the events of plan p starting on civil date d.
func mttDay(p mttPlan, term mttTerm, d time.Time) []mttEvent {
	if !term.contains(d) {
		return nil
	}
	wd := d.Weekday()
	if d.Equal(term.dst.AddDate(0, 0, -1)) {
		// The clocks change in the night to Sunday: the weekend lasts 47
		// or 49 hours, a trap for clients that add 24 hours per day.
		return []mttEvent{allDayEvent(d, 2, "Campus closed: maintenance weekend",
			"All buildings are closed; the clocks change this weekend.")}
	}
	if wd == time.Saturday || wd == time.Sunday {
		return nil
	}
	if h := dutchHoliday(d); h != "" {
		return []mttEvent{allDayEvent(d, 1, "No teaching: "+h, "")}
	}
	// The current week always has classes, so a demo is never empty; the
	// rest of the recess does not.
	if isChristmasRecess(d) && !term.isCurrentWeek(d) {
		return nil
	}
	if term.isExamWeek(d) {
		return examsOn(p, term, d)
	}
	_, isoWeek := d.ISOWeek()
	if wd == time.Friday && isoWeek%4 == 1 && !term.isCurrentWeek(d) {
		return []mttEvent{allDayEvent(d, 1, "Self-study day", "No classes: work on your assignments.")}
	}
	var out []mttEvent
	for _, c := range p.classes {
		if c.day == wd && (c.weeks == weekly || c.weeks == oddWeek && isoWeek%2 == 1 || c.weeks == evenWeek && isoWeek%2 == 0) {
			out = append(out, c.event(d))
		}
	}
	return out
}

// examsOn places the plan's exams on the first days of the exam week,
// one an afternoon.
func examsOn(p mttPlan, term mttTerm, d time.Time) []mttEvent {
	i := int(d.Sub(term.end.AddDate(0, 0, -7)).Hours() / 24)
	if i >= len(p.exams) {
		return nil
	}
	mod := p.exams[i]
	return []mttEvent{{
		start: at(d, clock{13, 30}), end: at(d, clock{16, 30}),
		module: mod, title: mod.name + " - Exam", typ: typExam,
		staff: []*mttStaff{stMulder}, locs: []*mttLocation{locPulse1, locPulse2},
		sets: []string{p.programme}, notes: "Bring your campus card. Registration closes 14 days before.",
		key: "exam/" + mod.code,
	}}
}

// mttTimetable returns the events of student userID that overlap [from,
// to), sorted by start, with the term placed around now. Unknown users
// have none.
func mttTimetable(userID string, now, from, to time.Time) []mttEvent {
	p, ok := mttPlans[userID]
	if !ok {
		return nil
	}
	return p.events(now, from, to)
}

// events returns the events of plan p that overlap [from, to), sorted by
// start, with the term placed around now.
func (p mttPlan) events(now, from, to time.Time) []mttEvent {
	term := mttTermAround(now)
	var out []mttEvent
	last := amsterdamDate(to)
	for d := amsterdamDate(from).AddDate(0, 0, -maxEventDays); !d.After(last); d = d.AddDate(0, 0, 1) {
		for _, e := range mttDay(p, term, d) {
			if e.start.Before(to) && e.end.After(from) {
				out = append(out, e)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b mttEvent) int {
		if c := a.start.Compare(b.start); c != 0 {
			return c
		}
		return strings.Compare(a.title, b.title)
	})
	return out
}

// render returns the event in the v0.5 shape (testdata/timetable_v05.json),
// unknown-to-clients fields included, its activity type (alone and in the
// title) in Dutch when dutch.
func (e mttEvent) render(dutch bool) web.Object {
	title, typ := e.title, *e.typ
	if dutch {
		typ.description = e.typ.dutch
		if base, ok := strings.CutSuffix(title, " - "+e.typ.description); ok {
			title = base + " - " + e.typ.dutch
		} else if base, ok := strings.CutSuffix(title, " - Exam"); ok {
			title = base + " - Tentamen"
		}
	}
	db := strconv.Itoa(e.start.In(amsterdam).Year())
	var staff []any
	for _, s := range e.staff {
		if e.plainStaff {
			staff = append(staff, s.name)
		} else {
			staff = append(staff, web.Object{{Key: "id", Value: db + "!" + s.id}, {Key: "name", Value: s.name}, {Key: "key", Value: s.key}})
		}
	}
	locs := []any{}
	for _, l := range e.locs {
		locs = append(locs, web.Object{{Key: "id", Value: db + "!" + l.id}, {Key: "name", Value: l.name}, {Key: "key", Value: l.key}, {Key: "capacity", Value: l.capacity},
			{Key: "examCapacity", Value: nil}, {Key: "url", Value: nil}, {Key: "sipAddress", Value: nil}, {Key: "avoidConcurrencyLocationIds", Value: []any{}},
			{Key: "customAttributes", Value: web.Object{}}})
	}
	var moduleCode, conference, department any
	keys := []any{}
	if e.module != nil {
		moduleCode = e.module.code
		keys = append(keys, db+"!module!"+hexID(e.module.code)[:4])
		department = web.Object{{Key: "id", Value: db + "!D1"}, {Key: "key", Value: "SANDBOX"}, {Key: "name", Value: "Faculty of Sandbox Sciences"}}
	}
	if e.online {
		conference = "https://meet.sandbox.example/j/" + strings.ToLower(hexID(e.key))
	}
	return web.Object{
		{Key: "id", Value: e.id()},
		{Key: "startDate", Value: e.start.UnixMilli()},
		{Key: "endDate", Value: e.end.UnixMilli()},
		{Key: "allDay", Value: e.allDay},
		{Key: "moduleCode", Value: moduleCode},
		{Key: "activityDescription", Value: title},
		{Key: "staffMembers", Value: orEmpty(staff)},
		{Key: "locations", Value: locs},
		{Key: "studentSets", Value: orEmpty(stringsAny(e.sets))},
		{Key: "activityTypeName", Value: typ.name},
		{Key: "activityTypeDescription", Value: typ.description},
		{Key: "activityTypeColor", Value: typ.color},
		{Key: "notes", Value: web.Nullable(e.notes)},
		{Key: "notes2", Value: nil},
		{Key: "notes3", Value: nil},
		{Key: "highlighted", Value: false},
		{Key: "timetableKeys", Value: keys},
		{Key: "tags", Value: []any{}},
		{Key: "conferenceUrl", Value: conference},
		{Key: "department", Value: department},
		{Key: "filtered", Value: false},
		{Key: "eventType", Value: web.Object{{Key: "name", Value: typ.name}, {Key: "description", Value: typ.description}, {Key: "color", Value: typ.color}}},
	}
}

func stringsAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// orEmpty keeps empty lists as [] rather than null.
func orEmpty(v []any) []any {
	if v == nil {
		return []any{}
	}
	return v
}

// wantsDutch reports whether r asks for Dutch before English, as
// MyTimetable's Accept-Language does (it speaks only these two).
func wantsDutch(r *http.Request) bool {
	for _, tag := range i18n.AcceptTags(r.Header.Get("Accept-Language")) {
		if l, ok := i18n.Parse(tag); ok && l != i18n.Polish {
			return l == i18n.Dutch
		}
	}
	return false
}
