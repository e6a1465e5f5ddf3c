package sandbox

// person is a user of the sandbox installation: a demo student who can sign
// in on the consent page, or a lecturer whose id appears in lecturer_ids
// and who can be looked up with users/users.
type person struct {
	id          string
	firstName   string
	middleNames string // "" is sent as null, as USOS does for most people
	lastName    string
	sex         string // "M" or "F"
	titleBefore string // academic titles; "" is sent as null
	titleAfter  string
	email       string
	staff       bool
}

// students can sign in; the first one is preselected on the consent page.
// Each has their own plan in data.go.
var students = []person{
	{id: "123456", firstName: "Anna", lastName: "Kowalska", sex: "F", email: "anna.kowalska@students.sandbox.example"},
	{id: "234567", firstName: "Jan", middleNames: "Paweł", lastName: "Nowak", sex: "M", email: "jan.nowak@students.sandbox.example"},
	{id: "345678", firstName: "Zofia", middleNames: "Maria", lastName: "Wiśniewska", sex: "F", email: "zofia.wisniewska@students.sandbox.example"},
	{id: "567890", firstName: "Michał", lastName: "Lewandowski", sex: "M", email: "michal.lewandowski@students.sandbox.example"},
}

// lecturers are staff users, with titles as Polish universities print them
// ("dr hab." before the name, "prof. ucz." after it).
var lecturers = []person{
	{id: "12345", firstName: "Krzysztof", lastName: "Zieliński", sex: "M", titleBefore: "prof. dr hab.", email: "k.zielinski@sandbox.example", staff: true},
	{id: "23456", firstName: "Małgorzata", lastName: "Lewandowska", sex: "F", titleBefore: "dr hab.", titleAfter: "prof. ucz.", email: "m.lewandowska@sandbox.example", staff: true},
	{id: "34567", firstName: "Piotr", lastName: "Wójcik", sex: "M", titleBefore: "dr", email: "p.wojcik@sandbox.example", staff: true},
	{id: "45678", firstName: "Katarzyna", lastName: "Kamińska", sex: "F", titleBefore: "mgr", email: "k.kaminska@sandbox.example", staff: true},
	{id: "56789", firstName: "Tomasz", lastName: "Dąbrowski", sex: "M", titleBefore: "mgr", email: "t.dabrowski@sandbox.example", staff: true},
	{id: "67890", firstName: "Agnieszka", lastName: "Szymańska", sex: "F", titleBefore: "dr inż.", email: "a.szymanska@sandbox.example", staff: true},
	{id: "78901", firstName: "Marek", middleNames: "Andrzej", lastName: "Woźniak", sex: "M", titleBefore: "dr", email: "m.wozniak@sandbox.example", staff: true},
	{id: "89012", firstName: "Ewa", lastName: "Kozłowska", sex: "F", titleBefore: "prof. dr hab.", email: "e.kozlowska@sandbox.example", staff: true},
	{id: "90123", firstName: "Paweł", lastName: "Jankowski", sex: "M", titleBefore: "mgr inż.", email: "p.jankowski@sandbox.example", staff: true},
	{id: "11223", firstName: "Joanna", lastName: "Mazur", sex: "F", titleBefore: "dr", titleAfter: "prof. ucz.", email: "j.mazur@sandbox.example", staff: true},
}

// userByID finds a student or lecturer.
func userByID(id string) (person, bool) {
	for _, list := range [][]person{students, lecturers} {
		for _, p := range list {
			if p.id == id {
				return p, true
			}
		}
	}
	return person{}, false
}

// isStudent reports whether id is one of the demo students.
func isStudent(id string) bool {
	for _, p := range students {
		if p.id == id {
			return true
		}
	}
	return false
}

// userFields are the fields users/user and users/users know, in the order
// replies list them.
var userFields = []string{"id", "first_name", "middle_names", "last_name", "sex", "titles",
	"email", "student_status", "staff_status"}

// nullable returns nil for "" so that it encodes as JSON null.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// userObject renders p with the selected fields. The e-mail address needs
// the "email" scope, as on real installations; without it the field is
// null.
func userObject(p person, fields []string, scopes []string) object {
	var o object
	for _, f := range fields {
		var v any
		switch f {
		case "id":
			v = p.id
		case "first_name":
			v = p.firstName
		case "middle_names":
			v = nullable(p.middleNames)
		case "last_name":
			v = p.lastName
		case "sex":
			v = p.sex
		case "titles":
			v = object{{"before", nullable(p.titleBefore)}, {"after", nullable(p.titleAfter)}}
		case "email":
			if hasScope(scopes, "email") {
				v = p.email
			}
		case "student_status":
			// USOS codes: 0 not a student, 1 inactive, 2 active.
			v = 0
			if !p.staff {
				v = 2
			}
		case "staff_status":
			// USOS codes: 0 not staff, 1 other staff, 2 academic teacher.
			v = 0
			if p.staff {
				v = 2
			}
		}
		o = append(o, member{f, v})
	}
	return o
}
