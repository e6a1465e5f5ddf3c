package timetable

import (
	"testing"
	"time"

	"github.com/campusweek/campusweek/shared"
)

func date(y int, m time.Month, d int) shared.Date { return shared.Date{Year: y, Month: m, Day: d} }

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
