// Package sandbox is the home of the stand-ins for the university systems
// CampusWeek talks to, used by the backend's demo mode and by integration
// tests. Each system has its own package:
//
//   - [github.com/campusweek/campusweek/server/sandbox/usos]: one USOS API
//     installation (OAuth 1.0a, the users and timetable methods);
//   - [github.com/campusweek/campusweek/server/sandbox/mytimetable]: one
//     MyTimetable installation (OAuth 2 authorization code, the v0 API).
//
// Both are strict, so that a real client works against them unchanged
// while its mistakes fail in tests, and both keep their state in memory,
// bounded and pruned. They serve the same made-up students, listed by
// [Students]; each installation generates its own week for each of them
// around the current date.
package sandbox

import "github.com/campusweek/campusweek/server/sandbox/internal/demo"

// Student is a demo student of the sandbox installations.
type Student struct{ ID, FirstName, LastName string }

// Students returns the demo students a tester can pick on the consent page
// of either installation, the first one being preselected.
func Students() []Student {
	out := make([]Student, len(demo.Students))
	for i, s := range demo.Students {
		out[i] = Student{ID: s.ID, FirstName: s.FirstName, LastName: s.LastName}
	}
	return out
}
