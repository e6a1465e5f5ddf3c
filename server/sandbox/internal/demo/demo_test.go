package demo

import (
	"testing"
	"time"
)

func TestEaster(t *testing.T) {
	for _, want := range []time.Time{
		Date(2024, time.March, 31), Date(2025, time.April, 20), Date(2026, time.April, 5),
		Date(2027, time.March, 28), Date(2038, time.April, 25), Date(2285, time.March, 22),
	} {
		if got := Easter(want.Year()); !got.Equal(want) {
			t.Errorf("Easter(%d) = %s, want %s", want.Year(), got.Format(time.DateOnly), want.Format(time.DateOnly))
		}
	}
}

func TestMondayOf(t *testing.T) {
	monday := Date(2026, time.March, 23)
	for i := range 7 {
		d := monday.AddDate(0, 0, i)
		if got := MondayOf(d); !got.Equal(monday) {
			t.Errorf("MondayOf(%s) = %s", d.Format(time.DateOnly), got.Format(time.DateOnly))
		}
	}
	if got := MondayOf(monday.AddDate(0, 0, 7)); !got.Equal(monday.AddDate(0, 0, 7)) {
		t.Errorf("the next Monday is its own week's Monday, got %s", got.Format(time.DateOnly))
	}
}

func TestStudents(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Students {
		if seen[s.ID] || s.ID == "" || s.FirstName == "" || s.LastName == "" || s.Staff {
			t.Errorf("student %+v: duplicate or incomplete", s)
		}
		seen[s.ID] = true
		if p, ok := Student(s.ID); !ok || p != s || !IsStudent(s.ID) {
			t.Errorf("Student(%q) = %+v, %v", s.ID, p, ok)
		}
	}
	if IsStudent("") || IsStudent("12345") {
		t.Error("IsStudent accepts someone who is not a demo student")
	}
}
