package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/campusweek/campusweek/shared"
)

// Timetables are served for dates from 1970-01-01 to 2200-12-31: a date
// outside, or a range that would end past the last one (from=9999-12-31
// used to answer "to":"10000-01-06"), is a 400 that says so.
func TestRangeBounds(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.signIn()
	for _, tc := range []struct {
		query string
		ok    bool
		says  string
	}{
		{"from=0000-01-01", false, "from 1970-01-01 to 2200-12-31"},
		{"from=0000-01-01&to=0000-01-07", false, "from 1970-01-01 to 2200-12-31"},
		{"from=1969-12-29&to=1970-01-04", false, "from 1970-01-01 to 2200-12-31"},
		{"from=9999-12-31", false, "from 1970-01-01 to 2200-12-31"},
		{"from=2026-11-23&to=2201-01-01", false, "from 1970-01-01 to 2200-12-31"},
		{"from=2200-12-31", false, "after 2200-12-31"},
		{"from=1970-01-01&to=1970-01-07", true, ""},
		{"from=2200-12-25&to=2200-12-31", true, ""},
	} {
		for _, path := range []string{"/api/timetable?", "/api/timetable.ics?"} {
			r := e.get(path + tc.query)
			switch {
			case tc.ok && r.status != http.StatusOK:
				t.Errorf("%s%s: %d %.200s", path, tc.query, r.status, r.body)
			case !tc.ok && (r.status != http.StatusBadRequest || r.apiError().Code != shared.CodeBadRequest || !strings.Contains(r.apiError().Message, tc.says)):
				t.Errorf("%s%s: %d %.200s, want 400 saying %q", path, tc.query, r.status, r.body, tc.says)
			}
		}
	}
	tt := decode[shared.Timetable](t, e.get("/api/timetable?from=2200-12-25"))
	if tt.To != shared.MaxDate {
		t.Errorf("to %v, want %v", tt.To, shared.MaxDate)
	}
}
