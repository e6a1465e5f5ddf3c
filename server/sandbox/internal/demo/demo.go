// Package demo holds the made-up world both sandbox installations serve:
// the demo students, who are the same people in every installation, and
// the calendar arithmetic their generated terms are built on.
//
// Everything here is fixed data or a pure function: nothing is stored.
package demo

import "time"

// Person is a made-up member of a sandbox university.
type Person struct {
	ID          string
	FirstName   string
	MiddleNames string // "" when the person has none
	LastName    string
	Sex         string // "M" or "F"
	TitleBefore string // academic titles, "" when none
	TitleAfter  string
	Email       string
	Staff       bool
}

// Students are the demo students a tester picks on a consent page; the
// first one is preselected. Each installation gives each of them their own
// week.
var Students = []Person{
	{ID: "123456", FirstName: "Anna", LastName: "Kowalska", Sex: "F", Email: "anna.kowalska@students.sandbox.example"},
	{ID: "234567", FirstName: "Jan", MiddleNames: "Paweł", LastName: "Nowak", Sex: "M", Email: "jan.nowak@students.sandbox.example"},
	{ID: "345678", FirstName: "Zofia", MiddleNames: "Maria", LastName: "Wiśniewska", Sex: "F", Email: "zofia.wisniewska@students.sandbox.example"},
	{ID: "567890", FirstName: "Michał", LastName: "Lewandowski", Sex: "M", Email: "michal.lewandowski@students.sandbox.example"},
}

// IsStudent reports whether id is one of the demo students.
func IsStudent(id string) bool {
	_, ok := Student(id)
	return ok
}

// Student returns the demo student with the given id.
func Student(id string) (Person, bool) {
	for _, p := range Students {
		if p.ID == id {
			return p, true
		}
	}
	return Person{}, false
}

// Date returns civil date y-m-d as a time.Time at midnight UTC. UTC has no
// DST, so adding days is exact and a date never shifts when a country
// changes its clocks.
func Date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// MondayOf returns the Monday of civil date d's ISO week.
func MondayOf(d time.Time) time.Time {
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// Easter returns Easter Sunday of year y as a civil date (Gregorian, the
// anonymous algorithm of Meeus/Jones/Butcher).
func Easter(y int) time.Time {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return Date(y, time.Month(month), day)
}
