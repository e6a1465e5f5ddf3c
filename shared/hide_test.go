package shared

import (
	"errors"
	"testing"
	"time"
)

func TestHideMatches(t *testing.T) {
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	lecture := Event{ID: "1", Start: at, End: at.Add(time.Hour), Title: "Analysis", CourseID: "MAT-1", Kind: "Lecture", Group: "1"}
	lab := lecture
	lab.ID, lab.Kind, lab.Group = "2", "Lab", "3"
	lab4 := lab
	lab4.ID, lab4.Group = "3", "4"
	other := Event{ID: "4", Start: at, End: at.Add(time.Hour), Title: "Analysis", Course: "Analysis", Kind: "Lecture"}
	holiday := Event{ID: "5", Start: at, End: at.AddDate(0, 0, 1), AllDay: true, Title: "Analysis", CourseID: "MAT-1"}
	for _, c := range []struct {
		name string
		h    Hide
		want []bool // lecture, lab, lab4, other, holiday
	}{
		{"the course's lectures", HideOf(lecture, false), []bool{true, false, false, false, false}},
		{"one lab group", HideOf(lab, true), []bool{false, true, false, false, false}},
		{"every lab group", HideOf(lab, false), []bool{false, true, true, false, false}},
		{"the whole course", Hide{Course: "MAT-1"}, []bool{true, true, true, false, false}},
		{"by course name without an id", HideOf(other, false), []bool{false, false, false, true, false}},
		{"no course matches nothing", Hide{}, []bool{false, false, false, false, false}},
	} {
		for i, e := range []Event{lecture, lab, lab4, other, holiday} {
			if got := c.h.Matches(e); got != c.want[i] {
				t.Errorf("%s: Matches(%s) = %v, want %v", c.name, e.ID, got, c.want[i])
			}
		}
	}
	got := WithoutHidden([]Event{lecture, lab, lab4}, []Hide{HideOf(lab, true)})
	if len(got) != 2 || got[0].ID != "1" || got[1].ID != "3" {
		t.Errorf("WithoutHidden kept %v", got)
	}
}

func TestHideString(t *testing.T) {
	for _, h := range []Hide{
		{Course: "MAT-1", Kind: "Lecture", Group: "1"},
		{Course: "a/b c%", Kind: "Ćwiczenia", Group: ""},
		{Course: "x"},
	} {
		back, err := ParseHide(h.String())
		if err != nil || back != h {
			t.Errorf("ParseHide(%q) = %+v, %v; want %+v", h.String(), back, err, h)
		}
	}
	for _, bad := range []string{"", "a/b", "a/b/c/d", "/kind/group", "a%zz/b/c"} {
		if _, err := ParseHide(bad); !errors.Is(err, ErrHide) {
			t.Errorf("ParseHide(%q): %v, want ErrHide", bad, err)
		}
	}
}
