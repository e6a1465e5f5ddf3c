package usos

import (
	"github.com/campusweek/campusweek/server/sandbox/internal/demo"
	"github.com/campusweek/campusweek/server/sandbox/internal/web"
)

// This file holds the installation's users: the demo students (shared
// with MyTimetable), who can sign in on the consent page, and the
// lecturers, whose ids appear in lecturer_ids and who can be looked up
// with users/users. A middle name or title that is "" is sent as null, as
// USOS does for most people.

// lecturers are staff users, with titles as Polish universities print them
// ("dr hab." before the name, "prof. ucz." after it).
var lecturers = []demo.Person{
	{ID: "12345", FirstName: "Krzysztof", LastName: "Zieliński", Sex: "M", TitleBefore: "prof. dr hab.", Email: "k.zielinski@sandbox.example", Staff: true},
	{ID: "23456", FirstName: "Małgorzata", LastName: "Lewandowska", Sex: "F", TitleBefore: "dr hab.", TitleAfter: "prof. ucz.", Email: "m.lewandowska@sandbox.example", Staff: true},
	{ID: "34567", FirstName: "Piotr", LastName: "Wójcik", Sex: "M", TitleBefore: "dr", Email: "p.wojcik@sandbox.example", Staff: true},
	{ID: "45678", FirstName: "Katarzyna", LastName: "Kamińska", Sex: "F", TitleBefore: "mgr", Email: "k.kaminska@sandbox.example", Staff: true},
	{ID: "56789", FirstName: "Tomasz", LastName: "Dąbrowski", Sex: "M", TitleBefore: "mgr", Email: "t.dabrowski@sandbox.example", Staff: true},
	{ID: "67890", FirstName: "Agnieszka", LastName: "Szymańska", Sex: "F", TitleBefore: "dr inż.", Email: "a.szymanska@sandbox.example", Staff: true},
	{ID: "78901", FirstName: "Marek", MiddleNames: "Andrzej", LastName: "Woźniak", Sex: "M", TitleBefore: "dr", Email: "m.wozniak@sandbox.example", Staff: true},
	{ID: "89012", FirstName: "Ewa", LastName: "Kozłowska", Sex: "F", TitleBefore: "prof. dr hab.", Email: "e.kozlowska@sandbox.example", Staff: true},
	{ID: "90123", FirstName: "Paweł", LastName: "Jankowski", Sex: "M", TitleBefore: "mgr inż.", Email: "p.jankowski@sandbox.example", Staff: true},
	{ID: "11223", FirstName: "Joanna", LastName: "Mazur", Sex: "F", TitleBefore: "dr", TitleAfter: "prof. ucz.", Email: "j.mazur@sandbox.example", Staff: true},
}

// userByID finds a student or lecturer.
func userByID(id string) (demo.Person, bool) {
	if p, ok := demo.Student(id); ok {
		return p, true
	}
	for _, p := range lecturers {
		if p.ID == id {
			return p, true
		}
	}
	return demo.Person{}, false
}

// userFields are the fields users/user and users/users know, in the order
// replies list them.
var userFields = []string{"id", "first_name", "middle_names", "last_name", "sex", "titles",
	"email", "student_status", "staff_status"}

// userObject renders p with the selected fields. The e-mail address needs
// the "email" scope, as on real installations; without it the field is
// null.
func userObject(p demo.Person, fields []string, scopes []string) web.Object {
	var o web.Object
	for _, f := range fields {
		var v any
		switch f {
		case "id":
			v = p.ID
		case "first_name":
			v = p.FirstName
		case "middle_names":
			v = web.Nullable(p.MiddleNames)
		case "last_name":
			v = p.LastName
		case "sex":
			v = p.Sex
		case "titles":
			v = web.Object{{Key: "before", Value: web.Nullable(p.TitleBefore)}, {Key: "after", Value: web.Nullable(p.TitleAfter)}}
		case "email":
			if hasScope(scopes, "email") {
				v = p.Email
			}
		case "student_status":
			// USOS codes: 0 not a student, 1 inactive, 2 active.
			v = 0
			if !p.Staff {
				v = 2
			}
		case "staff_status":
			// USOS codes: 0 not staff, 1 other staff, 2 academic teacher.
			v = 0
			if p.Staff {
				v = 2
			}
		}
		o = append(o, web.Member{Key: f, Value: v})
	}
	return o
}
