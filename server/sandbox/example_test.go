package sandbox_test

import (
	"fmt"

	"github.com/campusweek/campusweek/server/sandbox"
)

// Both installations offer the same students on their consent pages.
func ExampleStudents() {
	for _, s := range sandbox.Students() {
		fmt.Println(s.ID, s.FirstName, s.LastName)
	}
	// Output:
	// 123456 Anna Kowalska
	// 234567 Jan Nowak
	// 345678 Zofia Wiśniewska
	// 567890 Michał Lewandowski
}
