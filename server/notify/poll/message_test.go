package poll

import (
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/change"
	"github.com/campusweek/campusweek/shared/i18n"
)

var warsaw = func() *time.Location {
	l, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		panic(err)
	}
	return l
}()

// at is a time on December 2026 in Warsaw: at(7, 12, 15) is Monday the
// 7th at 12:15.
func at(day, hour, minute int) time.Time {
	return time.Date(2026, 12, day, hour, minute, 0, 0, warsaw)
}

func TestWhen(t *testing.T) {
	now := at(7, 9, 0) // Monday
	for _, tc := range []struct {
		lang i18n.Lang
		t    time.Time
		want string
	}{
		{i18n.English, at(7, 12, 15), "today 12:15"},
		{i18n.Polish, at(8, 12, 15), "jutro 12:15"},
		{i18n.Dutch, at(8, 8, 0), "morgen 08:00"},
		{i18n.English, at(9, 10, 0), "Wednesday 10:00"},
		{i18n.Polish, at(13, 10, 0), "niedziela 10:00"},
		{i18n.English, at(14, 10, 0), "14 Dec 10:00"},
		{i18n.Dutch, at(21, 10, 0), "21 dec 10:00"},
		// Just after midnight is tomorrow.
		{i18n.English, at(8, 0, 30), "tomorrow 00:30"},
	} {
		if got := When(tc.lang, now, tc.t); got != tc.want {
			t.Errorf("When(%v, %v) = %q, want %q", tc.lang, tc.t, got, tc.want)
		}
	}
	// now given in UTC: the day is the event's own.
	if got := When(i18n.English, at(7, 23, 30).UTC(), at(8, 10, 0)); got != "tomorrow 10:00" {
		t.Errorf("from UTC: %q", got)
	}
}

func event(title string, start time.Time, minutes int, room string) shared.Event {
	return shared.Event{ID: title + start.Format("0102T1504"), Title: title, Start: start, End: start.Add(time.Duration(minutes) * time.Minute),
		Room: room, Category: shared.CategoryClass}
}

func TestChangesMessage(t *testing.T) {
	now := at(7, 9, 0)
	analiza := event("Analiza matematyczna", at(8, 14, 0), 90, "2180")
	algebra := event("Linear Algebra", at(8, 10, 0), 90, "3180")
	moved := change.Change{What: change.Moved, Event: analiza, WasStart: at(8, 12, 15), WasEnd: at(8, 13, 45)}
	movedDay := change.Change{What: change.Moved, Event: event("Analiza matematyczna", at(10, 14, 0), 90, "2180"), WasStart: at(8, 12, 15)}
	room := change.Change{What: change.Room, Event: algebra, WasRoom: "2180"}
	movedRoom := change.Change{What: change.Moved | change.Room, Event: analiza, WasStart: at(8, 12, 15), WasRoom: "1.01"}
	cancelled := change.Change{What: change.Cancelled, Event: event("Linear Algebra", at(8, 10, 0), 90, "")}
	added := change.Change{What: change.Added, Event: event("Seminar", at(9, 16, 0), 90, "")}
	for _, tc := range []struct {
		name    string
		lang    i18n.Lang
		changes []change.Change
		title   string
		body    string
		date    string
	}{
		{"moved pl", i18n.Polish, []change.Change{moved}, "1 zmiana w planie", "Analiza matematyczna, jutro 12:15 → 14:00", "2026-12-08"},
		{"moved en", i18n.English, []change.Change{moved}, "1 change in your timetable", "Analiza matematyczna, tomorrow 12:15 → 14:00", "2026-12-08"},
		{"moved to another day", i18n.English, []change.Change{movedDay}, "1 change in your timetable",
			"Analiza matematyczna, tomorrow 12:15 → Thursday 14:00", "2026-12-10"},
		{"room en", i18n.English, []change.Change{room}, "1 change in your timetable",
			"room changed: 2180 → 3180 (Linear Algebra, tomorrow 10:00)", "2026-12-08"},
		{"room nl", i18n.Dutch, []change.Change{room}, "1 wijziging in je rooster",
			"andere zaal: 2180 → 3180 (Linear Algebra, morgen 10:00)", "2026-12-08"},
		{"moved and room pl", i18n.Polish, []change.Change{movedRoom}, "1 zmiana w planie",
			"Analiza matematyczna, jutro 12:15 → 14:00, sala 1.01 → 2180", "2026-12-08"},
		{"cancelled en", i18n.English, []change.Change{cancelled}, "1 change in your timetable", "cancelled: Linear Algebra, tomorrow 10:00", "2026-12-08"},
		{"several pl", i18n.Polish, []change.Change{cancelled, moved, added}, "3 zmiany w planie",
			"odwołane: Linear Algebra, jutro 10:00\nAnaliza matematyczna, jutro 12:15 → 14:00\nnowe: Seminar, środa 16:00", "2026-12-08"},
		{"several nl", i18n.Dutch, []change.Change{cancelled, added}, "2 wijzigingen in je rooster",
			"geannuleerd: Linear Algebra, morgen 10:00\nnieuw: Seminar, woensdag 16:00", "2026-12-08"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := ChangesMessage(tc.lang, now, tc.changes)
			if m.Title != tc.title || m.Body != tc.body || m.Date.String() != tc.date || m.Lang != tc.lang.String() || m.Tag != TagChanges {
				t.Errorf("got %+v\nwant title %q body %q date %s", m, tc.title, tc.body, tc.date)
			}
			d, _ := shared.ParseDate(tc.date)
			if m.URL != "/?day="+tc.date+"&week="+d.Monday().String() {
				t.Errorf("URL %q", m.URL)
			}
		})
	}
}

func TestChangesMessageBounded(t *testing.T) {
	now := at(7, 9, 0)
	var changes []change.Change
	for i := range 20 {
		changes = append(changes, change.Change{What: change.Cancelled,
			Event: event(strings.Repeat("Very long course name ", 12), at(8, 8, 0).Add(time.Duration(i)*time.Minute), 90, "")})
	}
	m := ChangesMessage(i18n.Polish, now, changes)
	lines := strings.Split(m.Body, "\n")
	if len(lines) != maxLines || lines[maxLines-1] != "i jeszcze 15" || m.Title != "20 zmian w planie" {
		t.Errorf("%d lines, last %q, title %q", len(lines), lines[len(lines)-1], m.Title)
	}
	b, err := m.encode(1000)
	if err != nil || len(b) > 1000 {
		t.Fatalf("encode: %d octets, %v", len(b), err)
	}
	if !strings.Contains(string(b), `"title":"20 zmian w planie"`) {
		t.Errorf("the title was dropped: %s", b)
	}
}

func TestRemindersMessage(t *testing.T) {
	m := RemindersMessage(i18n.Polish, []shared.Event{event("Analiza matematyczna", at(8, 12, 15), 90, "2180"), event("Seminar", at(8, 12, 15), 90, "")})
	if m.Title != "Zaraz zajęcia" || m.Body != "Analiza matematyczna o 12:15, sala 2180\nSeminar o 12:15" || m.Date.String() != "2026-12-08" || m.Tag != TagReminders {
		t.Errorf("%+v", m)
	}
}
