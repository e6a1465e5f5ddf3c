package usos

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/config"
	"github.com/campusweek/campusweek/server/provider"
	sandbox "github.com/campusweek/campusweek/server/sandbox/usos"
	"github.com/campusweek/campusweek/shared"
)

// publicSandbox is a sandbox installation over real HTTP and a provider
// for it with the given consumer secret.
func publicSandbox(t *testing.T, secret string) *Provider {
	t.Helper()
	srv := httptest.NewServer(sandbox.New(sandbox.Config{Consumers: map[string]string{"cw": "right-secret"}}))
	t.Cleanup(srv.Close)
	base, err := config.ParseBaseURL(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return New(config.Provider{ID: "uw", Kind: shared.KindUSOS, Name: "UW", BaseURL: base, ConsumerKey: "cw", ConsumerSecret: secret}, Options{})
}

// thisTerm is a range of the sandbox's semester long enough to hold every
// weekly class whatever the holidays.
func thisTerm() (shared.Date, shared.Date) {
	monday := shared.DateOf(time.Now()).Monday()
	return monday.AddDays(-21), monday.AddDays(20)
}

func TestPublicReadsAgainstSandbox(t *testing.T) {
	p := publicSandbox(t, "right-secret")
	ctx := provider.WithLanguages(context.Background(), "en")

	rooms, err := p.Rooms(ctx)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(rooms, func(m shared.PublicMatch) bool { return m.Name == "2180" })
	if i < 0 {
		t.Fatalf("room 2180 missing from %v", rooms)
	}
	want := shared.PublicMatch{Type: shared.PublicRoom, ID: "2218", Name: "2180",
		Building: "Faculty of Mathematics, Informatics and Mechanics", BuildingID: "1000-MIM"}
	if rooms[i] != want {
		t.Errorf("room = %+v, want %+v", rooms[i], want)
	}

	courses, err := p.PublicSearch(ctx, shared.PublicCourse, "analysis")
	if err != nil || len(courses) != 1 || courses[0].ID != "1000-111bAM1" || courses[0].Name != "Mathematical Analysis I" {
		t.Errorf("course search = %+v, %v", courses, err)
	}
	lecturers, err := p.PublicSearch(ctx, shared.PublicLecturer, "wójcik")
	if err != nil || len(lecturers) != 1 || lecturers[0].ID != "34567" || lecturers[0].Name != "dr Piotr Wójcik" {
		t.Errorf("lecturer search = %+v, %v", lecturers, err)
	}

	from, to := thisTerm()
	for _, tc := range []struct {
		kind  shared.PublicKind
		id    string
		check func(shared.Event) bool
	}{
		{shared.PublicRoom, "2218", func(e shared.Event) bool { return e.Room == "2180" }},
		{shared.PublicCourse, "1000-111bAM1", func(e shared.Event) bool { return e.Course == "Mathematical Analysis I" }},
		{shared.PublicLecturer, "34567", func(e shared.Event) bool {
			return e.Category == shared.CategoryMeeting || slices.Contains(e.Lecturers, "dr Piotr Wójcik")
		}},
	} {
		events, err := p.PublicTimetable(ctx, tc.kind, tc.id, from, to)
		if err != nil {
			t.Fatalf("%s %s: %v", tc.kind, tc.id, err)
		}
		if len(events) == 0 {
			t.Fatalf("%s %s: no events in %s..%s", tc.kind, tc.id, from, to)
		}
		for _, e := range events {
			if !tc.check(e) || !strings.HasPrefix(e.ID, "usos-") {
				t.Errorf("%s %s: event %+v does not belong", tc.kind, tc.id, e)
			}
		}
	}
	if _, err := p.PublicTimetable(ctx, shared.PublicRoom, "999999", from, to); !errors.Is(err, provider.ErrNoSuchTimetable) {
		t.Errorf("unknown room: %v, want ErrNoSuchTimetable", err)
	}
}

// The same class has the same id in a room's timetable as in a student's:
// Anna's Monday exercises in room 2180.
func TestPublicEventIDsMatchPersonal(t *testing.T) {
	p := publicSandbox(t, "right-secret")
	ctx := context.Background()
	from, to := thisTerm()
	events, err := p.PublicTimetable(ctx, shared.PublicRoom, "2218", from, to)
	if err != nil {
		t.Fatal(err)
	}
	// What tt/user would say of the same class, decoded and normalized
	// as a student's timetable is.
	var a activity
	body := `{"type":"classgroup","start_time":"` + events[0].Start.Format("2006-01-02 15:04:05") + `","end_time":"` +
		events[0].End.Format("2006-01-02 15:04:05") + `","name":{"pl":"Analiza matematyczna I - Ćwiczenia","en":"Mathematical Analysis I - Classes"},` +
		`"course_id":"1000-111bAM1","classtype_id":"CW","group_number":"3","unit_id":456789}`
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatal(err)
	}
	ev, err := normalize(a, []string{"en"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ev.ID != events[0].ID {
		t.Errorf("room event id %s, student event id %s", events[0].ID, ev.ID)
	}
}

// Each public read is made the way the installation's method reference
// (services/apiref/method) says it must be, and the sandbox holds calls to
// those rules: a 2-legged call with a wrong secret is refused, as is an
// unsigned call to a method that needs the consumer, and a 2-legged call
// to a method that needs a student's token.
func TestPublicAuthRules(t *testing.T) {
	p := publicSandbox(t, "right-secret")
	ctx := context.Background()
	for method, a := range map[string]access{
		"services/geo/building_index": anonymous, "services/geo/building2": anonymous,
		"services/courses/search": anonymous, "services/courses/course": anonymous,
		"services/tt/course_edition": anonymous, "services/tt/room": consumer,
		"services/tt/staff": consumer, "services/users/search2": consumer, "services/users/users": consumer,
	} {
		var ref struct {
			AuthOptions struct{ Consumer, Token string } `json:"auth_options"`
		}
		if err := p.publicCall(anonymous)(ctx, "ref", "services/apiref/method", url.Values{"name": {method}}, &ref); err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		o := ref.AuthOptions
		if o.Token == "required" || (a == anonymous) != (o.Consumer == "ignored") || (a == consumer && o.Consumer == "ignored") {
			t.Errorf("%s: called %v, reference says consumer %s, token %s", method, a, o.Consumer, o.Token)
		}
	}

	from, to := thisTerm()
	wrong := publicSandbox(t, "wrong-secret")
	if _, err := wrong.PublicTimetable(ctx, shared.PublicRoom, "2218", from, to); !errors.Is(err, provider.ErrSignedOut) {
		t.Errorf("wrong consumer secret: %v, want refused (401)", err)
	}
	var out json.RawMessage
	q := url.Values{"room_id": {"2218"}}
	if err := p.publicCall(anonymous)(ctx, "t", "services/tt/room", q, &out); !errors.Is(err, provider.ErrSignedOut) {
		t.Errorf("unsigned tt/room: %v, want refused (401)", err)
	}
	if err := p.publicCall(consumer)(ctx, "t", "services/tt/user", nil, &out); !errors.Is(err, provider.ErrSignedOut) {
		t.Errorf("2-legged tt/user: %v, want refused (401)", err)
	}
	if err := p.publicCall(consumer)(ctx, "t", "services/tt/room", q, &out); err != nil {
		t.Errorf("2-legged tt/room: %v", err)
	}
}
