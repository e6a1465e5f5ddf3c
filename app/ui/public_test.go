package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/app/public"
	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/client"
	"github.com/campusweek/campusweek/shared/i18n"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// publicScreens are the public pages in l, in the states that show
// different words, for the language tests.
func publicScreens(t *testing.T, l i18n.Lang, monday shared.Date, events []shared.Event) map[string]app.UI {
	providers := []shared.Provider{
		{ID: "uw", Kind: shared.KindUSOS, Name: "UW", Capabilities: shared.Capabilities{PublicTimetables: true}},
		{ID: "tud", Kind: shared.KindMyTimetable, Name: "TU Delft", Capabilities: shared.Capabilities{PublicTimetables: true}},
	}
	room := public.Pin{Ref: public.Ref{Provider: "uw", Kind: shared.PublicRoom, ID: "7"}, Name: "3180", Building: "MIM", BuildingID: "B1"}
	lecturer := public.Pin{Ref: public.Ref{Provider: "uw", Kind: shared.PublicLecturer, ID: "9"}, Name: "dr Nowak"}
	upstream := &shared.Error{Code: shared.CodeUpstream}
	offline := fmt.Errorf("%w: x", client.ErrUnreachable)
	busy := mustTime(t, "2026-11-25T12:15:00+01:00")
	fetched := time.Now().Add(-5 * time.Minute)
	answer := &shared.FreeRooms{
		Provider: "uw", Building: "B1", Checked: 12, FetchedAt: fetched,
		From: mustTime(t, "2026-11-25T10:00:00+01:00"), Until: mustTime(t, "2026-11-25T11:30:00+01:00"),
		Rooms: []shared.FreeRoom{{ID: "7", Name: "3180", BusyFrom: &busy}, {ID: "8", Name: "2041"}},
	}
	search := public.Search{Provider: "uw", Kind: shared.PublicRoom, Query: "31"}
	matches := []shared.PublicMatch{
		{Type: shared.PublicRoom, ID: "7", Name: "3180", Building: "MIM", BuildingID: "B1"},
		{Type: shared.PublicRoom, ID: "8", Name: "3181", Building: "MIM", BuildingID: "B1"},
	}
	week := func(w publicWeek) *publicWeek {
		w.lang, w.ok, w.pin, w.week, w.today = l, true, room, monday, monday.AddDays(2)
		return &w
	}
	free := func(f freeRooms) *freeRooms {
		f.lang, f.ok, f.span = l, true, public.DefaultSpan
		f.building = public.Building{Provider: "uw", ID: "B1", Name: "MIM"}
		return &f
	}
	return map[string]app.UI{
		"public search":           &publicSearch{lang: l, loaded: true, providers: providers, form: search, shown: search, results: matches, pins: []public.Pin{room, lecturer}},
		"public search nothing":   &publicSearch{lang: l, loaded: true, providers: providers, form: search, shown: search, signedIn: true},
		"public search busy":      &publicSearch{lang: l, loaded: true, providers: providers, form: search, busy: true},
		"public search failed":    &publicSearch{lang: l, loaded: true, providers: providers, form: search, shown: search, err: upstream},
		"public search none":      &publicSearch{lang: l, loaded: true},
		"public search loading":   &publicSearch{lang: l},
		"public week":             week(publicWeek{events: events, known: true, fetched: fetched, pinned: true, cached: true, offline: true, err: offline}),
		"public week not updated": week(publicWeek{events: events, known: true, fetched: fetched, err: upstream}),
		"public week loading":     week(publicWeek{}),
		"public week not saved":   week(publicWeek{err: offline, offline: true}),
		"public week error":       week(publicWeek{err: &shared.Error{Code: shared.CodeNotFound}}),
		"public week too many":    week(publicWeek{known: true, pinErr: public.ErrTooManyPins}),
		"free rooms":              free(freeRooms{answer: answer}),
		"free rooms none":         free(freeRooms{answer: &shared.FreeRooms{Checked: 3, From: answer.From, Until: answer.Until}}),
		"free rooms busy":         free(freeRooms{busy: true}),
		"free rooms too large":    free(freeRooms{err: &shared.Error{Code: shared.CodeUnsupported, Message: "x"}}),
		"free rooms failed":       free(freeRooms{err: upstream}),
	}
}

func TestPublicPages(t *testing.T) {
	monday := date(2026, 11, 23)
	ev := shared.Event{ID: "a", Title: "Algebra", Category: shared.CategoryClass, Room: "3180",
		Start: mustTime(t, "2026-11-25T09:15:00+01:00"), End: mustTime(t, "2026-11-25T10:45:00+01:00")}
	pages := map[string]string{}
	for name, ui := range publicScreens(t, i18n.English, monday, []shared.Event{ev}) {
		pages[name] = render(ui)
	}
	for name, want := range map[string][]string{
		"public search": {`id="public-search"`, `value="31"`, "2 matches", "Pinned timetables",
			`href="/public/week?building=B1&building_name=MIM&id=7&name=3180&type=room&u=uw"`,
			`href="/public/free-rooms?building=B1&name=MIM&u=uw"`, `aria-label="Unpin dr Nowak"`, `href="/signin"`},
		"public search nothing":   {"Nothing found for “31”.", `href="/"`, "My timetable"},
		"public search none":      {`id="public-none"`},
		"public week":             {`id="public-name"`, "3180, MIM", `data-event-id="a"`, "Offline: showing the copy", "Updated 5 minutes ago", "Unpin", `id="pinned-note"`, `id="free-rooms-link"`, "23 – 29 November 2026"},
		"public week not saved":   {"This week isn&#39;t saved on this device.", "Pin a timetable"},
		"public week not updated": {`id="retry"`, "isn&#39;t answering right now"},
		"public week error":       {"That timetable wasn&#39;t found"},
		"public week too many":    {"You can pin up to 20 timetables."},
		"free rooms":              {"Free rooms: MIM", "Rooms with no class from 10:00 to 11:30.", "12 rooms checked", "free until 12:15", "free for the rest of the day", "1 h 30 min"},
		"free rooms none":         {"No room in this building is free for that long."},
		"free rooms too large":    {`id="free-too-large"`, "too many rooms"},
	} {
		for _, w := range want {
			if !strings.Contains(pages[name], w) {
				t.Errorf("%s lacks %q:\n%s", name, w, pages[name])
			}
		}
	}
	if strings.Contains(pages["public week"], `id="retry"`) {
		t.Error("offline, a pinned week repeats that it could not be read")
	}
	if strings.Contains(pages["public week"], "not-synced") || strings.Contains(pages["public search"], `id="error"`) {
		t.Error("an error on a page that has what it shows")
	}
	if strings.Contains(pages["public week"], `id="settings"`) {
		t.Error("a public timetable offers the student's settings (theme, hidden classes)")
	}
}

// The span shows in the university's time, which the rooms' next classes
// are written in, whatever the device's zone.
func TestFreeRoomsInTheUniversitysTime(t *testing.T) {
	busy := mustTime(t, "2026-11-25T12:15:00+01:00")
	a := &shared.FreeRooms{
		From: mustTime(t, "2026-11-25T09:00:00Z"), Until: mustTime(t, "2026-11-25T10:30:00Z"),
		Rooms: []shared.FreeRoom{{ID: "1", Name: "A"}, {ID: "2", Name: "B", BusyFrom: &busy}},
	}
	html := render(&freeRooms{lang: i18n.English, ok: true, span: public.DefaultSpan, answer: a,
		building: public.Building{Provider: "uw", ID: "B1", Name: "MIM"}})
	if !strings.Contains(html, "from 10:00 to 11:30") || !strings.Contains(html, "free until 12:15") {
		t.Errorf("not in the university's time:\n%s", html)
	}
	a.Rooms = a.Rooms[:1]
	if html := render(&freeRooms{lang: i18n.English, ok: true, answer: a}); !strings.Contains(html, "from 09:00 to 10:30") {
		t.Errorf("without a busy room, not in the span's own zone:\n%s", html)
	}
}

func TestDurationText(t *testing.T) {
	for _, tc := range []struct {
		l    i18n.Lang
		d    time.Duration
		want string
	}{
		{i18n.English, 30 * time.Minute, "30 min"},
		{i18n.English, time.Hour, "1 h"},
		{i18n.English, 90 * time.Minute, "1 h 30 min"},
		{i18n.Polish, 2 * time.Hour, "2 godz."},
		{i18n.Dutch, 150 * time.Minute, "2 uur 30 min"},
	} {
		if got := durationText(tc.l, tc.d); got != tc.want {
			t.Errorf("%v %v: %q, want %q", tc.l, tc.d, got, tc.want)
		}
	}
}

func TestPublicProviders(t *testing.T) {
	got := publicProviders([]shared.Provider{
		{ID: "a", Capabilities: shared.Capabilities{PublicTimetables: true}},
		{ID: "b"},
		{ID: "c", Capabilities: shared.Capabilities{PublicTimetables: true, PIN: true}},
	})
	if len(got) != 2 || got[0].ID != "a" || got[1].ID != "c" {
		t.Errorf("publicProviders = %+v", got)
	}
}
