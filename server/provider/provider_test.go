package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/shared"
)

func TestInRange(t *testing.T) {
	at := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, time.UTC) }
	events := []shared.Event{
		{ID: "b", Start: at(24, 10), Title: "B"},
		{ID: "before", Start: at(22, 23), Title: "Sunday night"},
		{ID: "a", Start: at(24, 10), Title: "A"},
		{ID: "b", Start: at(24, 10), Title: "B"}, // the overlap of two windows
		{ID: "first", Start: at(23, 8), Title: "Z"},
		{ID: "after", Start: at(30, 0), Title: "next week"},
	}
	got := InRange(events, shared.Date{Year: 2026, Month: 11, Day: 23}, shared.Date{Year: 2026, Month: 11, Day: 29})
	var ids []string
	for _, ev := range got {
		ids = append(ids, ev.ID)
	}
	if got, want := strings.Join(ids, " "), "first a b"; got != want {
		t.Errorf("InRange = %q, want %q", got, want)
	}
}
