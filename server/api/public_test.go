package api_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/campusweek/campusweek/shared"
)

// publicTerm is a range of the sandbox's semester, around today, long
// enough to hold every weekly class whatever the holidays.
func publicTerm() (shared.Date, shared.Date) {
	monday := shared.DateOf(time.Now()).Monday()
	return monday.AddDays(-14), monday.AddDays(13)
}

func publicTimetablePath(provider string, kind shared.PublicKind, id string, from, to shared.Date) string {
	return "/api/public/" + provider + "/timetable?" + url.Values{"type": {string(kind)}, "id": {id},
		"from": {from.String()}, "to": {to.String()}}.Encode()
}

// A visitor who never signed in finds a room, a course and a lecturer and
// reads the room's weeks; nothing sets or needs a cookie.
func TestPublicSignedOut(t *testing.T) {
	e := newEnv(t, envOptions{})
	en := map[string]string{"Accept-Language": "en"}

	r := e.do(e.client, "GET", "/api/public/uni/search?type=room&q=mim+2180", nil, en)
	if r.status != http.StatusOK {
		t.Fatalf("room search: %d %s", r.status, r.body)
	}
	rooms := decode[shared.PublicSearch](t, r)
	want := shared.PublicMatch{Type: shared.PublicRoom, ID: "2218", Name: "2180",
		Building: "Faculty of Mathematics, Informatics and Mechanics", BuildingID: "1000-MIM"}
	if len(rooms.Matches) != 1 || rooms.Matches[0] != want || rooms.FetchedAt.IsZero() || rooms.Provider != "uni" {
		t.Errorf("room search = %+v, want one match %+v", rooms, want)
	}
	for _, tc := range []struct {
		kind     shared.PublicKind
		q, id    string
		wantName string
	}{
		{shared.PublicCourse, "analysis", "1000-111bAM1", "Mathematical Analysis I"},
		{shared.PublicLecturer, "Wójcik", "34567", "dr Piotr Wójcik"},
	} {
		r := e.do(e.client, "GET", "/api/public/uni/search?"+url.Values{"type": {string(tc.kind)}, "q": {tc.q}}.Encode(), nil, en)
		got := decode[shared.PublicSearch](t, r)
		if r.status != 200 || len(got.Matches) != 1 || got.Matches[0].ID != tc.id || got.Matches[0].Name != tc.wantName {
			t.Errorf("%s search %q: %d %s", tc.kind, tc.q, r.status, r.body)
		}
	}

	from, to := publicTerm()
	r = e.get(publicTimetablePath("uni", shared.PublicRoom, "2218", from, to))
	if r.status != http.StatusOK {
		t.Fatalf("room timetable: %d %s", r.status, r.body)
	}
	tt := decode[shared.PublicTimetable](t, r)
	if tt.From != from || tt.To != to || tt.Type != shared.PublicRoom || tt.ID != "2218" || len(tt.Events) < 3 {
		t.Fatalf("room timetable: %+v", tt)
	}
	for _, ev := range tt.Events {
		if ev.Room != "2180" || !strings.HasPrefix(ev.ID, "usos-") {
			t.Errorf("event %+v is not in room 2180", ev)
		}
	}
	if u, _ := url.Parse(e.api.URL); len(e.client.Jar.Cookies(u)) != 0 {
		t.Errorf("public reads set cookies: %v", e.client.Jar.Cookies(u))
	}

	for path, want := range map[string]int{
		"/api/public/nope/search?type=room&q=1":                                     404,
		"/api/public/uni/search?type=bus&q=1":                                       400,
		"/api/public/uni/search?type=room&q=":                                       400,
		publicTimetablePath("uni", shared.PublicRoom, "999999", from, to):           404,
		"/api/public/uni/timetable?type=room&id=2218&from=2026-01-01&to=2026-12-31": 400,
		"/api/public/uni/free-rooms?building=1000-MIM&for=13h":                      400,
		"/api/public/uni/free-rooms?building=1000-MIM&at=tomorrow":                  400,
		"/api/public/uni/free-rooms?building=nowhere":                               404,
	} {
		if r := e.get(path); r.status != want {
			t.Errorf("GET %s: %d %s, want %d", path, r.status, r.body, want)
		}
	}
}

// Free rooms at the start of a lecture in room 3180: 3180 is busy, the
// rooms that never have classes are free all day, and room 2180 is free
// until its class later that morning.
func TestPublicFreeRooms(t *testing.T) {
	e := newEnv(t, envOptions{})
	from, to := publicTerm()
	tt := decode[shared.PublicTimetable](t, e.get(publicTimetablePath("uni", shared.PublicRoom, "2318", from, to)))
	// The Monday lecture of Mathematical Analysis I, 08:15-09:45.
	i := slices.IndexFunc(tt.Events, func(ev shared.Event) bool {
		return ev.Start.Weekday() == time.Monday && ev.Start.Hour() == 8 && ev.Course != ""
	})
	if i < 0 {
		t.Fatalf("no Monday lecture in room 3180: %+v", tt.Events)
	}
	lecture := tt.Events[i]

	r := e.get("/api/public/uni/free-rooms?" + url.Values{"building": {"1000-MIM"},
		"at": {lecture.Start.Format(time.RFC3339)}, "for": {"30m"}}.Encode())
	if r.status != http.StatusOK {
		t.Fatalf("free rooms: %d %s", r.status, r.body)
	}
	fr := decode[shared.FreeRooms](t, r)
	if fr.Checked != 9 || !fr.From.Equal(lecture.Start) || !fr.Until.Equal(lecture.Start.Add(30*time.Minute)) || fr.FetchedAt.IsZero() {
		t.Errorf("free rooms: %+v", fr)
	}
	free := map[string]shared.FreeRoom{}
	for _, room := range fr.Rooms {
		free[room.Name] = room
	}
	if _, ok := free["3180"]; ok {
		t.Errorf("room 3180 is listed free during its lecture: %+v", fr.Rooms)
	}
	for _, name := range []string{"0089", "4070"} {
		if room, ok := free[name]; !ok || room.BusyFrom != nil {
			t.Errorf("room %s, which has no classes, is %+v in %+v", name, room, fr.Rooms)
		}
	}
	classes := time.Date(lecture.Start.Year(), lecture.Start.Month(), lecture.Start.Day(), 10, 0, 0, 0, lecture.Start.Location())
	if room, ok := free["2180"]; !ok || room.BusyFrom == nil || !room.BusyFrom.Equal(classes) {
		t.Errorf("room 2180 = %+v, want free until %s", room, classes)
	}
}

// A university failing or not answering gives the usual 502 and 504.
func TestPublicUniversityFailure(t *testing.T) {
	failing := func(status int) func(http.Handler) http.Handler {
		return func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/services/tt/room") {
					w.WriteHeader(status)
					w.Write([]byte("<html>gateway</html>"))
					return
				}
				next.ServeHTTP(w, r)
			})
		}
	}
	from, to := publicTerm()
	path := publicTimetablePath("uni", shared.PublicRoom, "2218", from, from)
	e := newEnv(t, envOptions{usosFront: failing(http.StatusInternalServerError)})
	if r := e.get(path); r.status != http.StatusBadGateway || r.apiError().Code != shared.CodeUpstream {
		t.Errorf("failing university: %d %s", r.status, r.body)
	}
	var hits atomic.Int32
	e = newEnv(t, envOptions{usosFront: slowly("/services/tt/room", 2*time.Second, &hits), callTimeout: 200 * time.Millisecond})
	if r := e.get(path); r.status != http.StatusGatewayTimeout || r.apiError().Code != shared.CodeUpstreamTimeout {
		t.Errorf("silent university: %d %s", r.status, r.body)
	}
	// A university that refuses the operator's key is its fault or the
	// configuration's, never the visitor's: 502, not 401.
	e = newEnv(t, envOptions{usosFront: failing(http.StatusUnauthorized)})
	if r := e.get(publicTimetablePath("uni", shared.PublicRoom, "2218", from, to)); r.status != http.StatusBadGateway {
		t.Errorf("refused key: %d %s", r.status, r.body)
	}
}

// Fifty visitors asking for the same room's week at once make one call to
// the university; later ones are answered from the cache, as fresh as the
// first.
func TestPublicCacheCollapsesConcurrentReads(t *testing.T) {
	var calls atomic.Int32
	e := newEnv(t, envOptions{usosFront: slowly("/services/tt/room", 300*time.Millisecond, &calls)})
	monday := shared.DateOf(time.Now()).Monday()
	path := publicTimetablePath("uni", shared.PublicRoom, "2318", monday, monday.AddDays(6))

	const n = 50
	var wg sync.WaitGroup
	answers := make([]response, n)
	for i := range n {
		wg.Go(func() { answers[i] = e.do(newBrowser(t), "GET", path, nil, nil) })
	}
	wg.Wait()
	var fetched time.Time
	for i, r := range answers {
		if r.status != http.StatusOK {
			t.Fatalf("request %d: %d %s", i, r.status, r.body)
		}
		tt := decode[shared.PublicTimetable](t, r)
		if i == 0 {
			fetched = tt.FetchedAt
		} else if !tt.FetchedAt.Equal(fetched) {
			t.Errorf("request %d: fetched_at %s, the first %s", i, tt.FetchedAt, fetched)
		}
	}
	if got := calls.Load(); got != 1 {
		t.Errorf("%d concurrent identical requests made %d calls to the university, want 1", n, got)
	}
	if r := e.get(path); r.status != http.StatusOK || calls.Load() != 1 {
		t.Errorf("a later request: %d, %d calls", r.status, calls.Load())
	}
	// Languages the reads are not made in share the default's entry, so
	// varying Accept-Language cannot make a visitor's reads new ones.
	for _, lang := range []string{"de", "fr-FR, it;q=0.5", "xx-yy"} {
		if r := e.do(e.client, "GET", path, nil, map[string]string{"Accept-Language": lang}); r.status != http.StatusOK || calls.Load() != 1 {
			t.Errorf("Accept-Language %q: %d, %d calls, want 1", lang, r.status, calls.Load())
		}
	}
	// After the cache's lifetime the university is asked again.
	e.clock.Advance(shared.PublicCacheLifetime)
	if r := e.get(path); r.status != http.StatusOK || calls.Load() != 2 {
		t.Errorf("after %s: %d, %d calls, want 2", shared.PublicCacheLifetime, r.status, calls.Load())
	}
}

// The same over MyTimetable: a room's week, and free rooms of its
// building while it is taken.
func TestPublicMyTimetable(t *testing.T) {
	e := newEnv(t, envOptions{})
	r := e.get("/api/public/mtt/search?type=room&q=drebbelweg+iz+2")
	rooms := decode[shared.PublicSearch](t, r)
	if r.status != 200 || len(rooms.Matches) != 1 || rooms.Matches[0].ID != "location!DW-IZ2" || rooms.Matches[0].BuildingID != "Drebbelweg" {
		t.Fatalf("room search: %d %s", r.status, r.body)
	}
	from, to := publicTerm()
	tt := decode[shared.PublicTimetable](t, e.get(publicTimetablePath("mtt", shared.PublicRoom, "location!DW-IZ2", from, to)))
	if len(tt.Events) == 0 {
		t.Fatalf("room IZ 2 has no events in %s..%s", from, to)
	}
	busy := tt.Events[0]
	r = e.get("/api/public/mtt/free-rooms?" + url.Values{"building": {"Drebbelweg"}, "at": {busy.Start.Format(time.RFC3339)}, "for": {"1h"}}.Encode())
	fr := decode[shared.FreeRooms](t, r)
	if r.status != 200 || fr.Checked != 3 {
		t.Fatalf("free rooms: %d %s", r.status, r.body)
	}
	names := []string{}
	for _, room := range fr.Rooms {
		names = append(names, room.Name)
	}
	if slices.Contains(names, "IZ 2") || !slices.Contains(names, "IZ 7") {
		t.Errorf("free rooms while IZ 2 has %q: %v", busy.Title, names)
	}
}
