package public

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/shared"
)

func TestPinQueryRoundTrip(t *testing.T) {
	today := shared.Date{Year: 2026, Month: 12, Day: 2}
	for _, tc := range []struct {
		name string
		pin  Pin
		week shared.Date
	}{
		{"room", room("1"), today.Monday().AddDays(7)},
		{"lecturer, this week", Pin{Ref: Ref{Provider: "uw", Kind: shared.PublicLecturer, ID: "42"}, Name: "Dr Anna Nowak"}, shared.Date{}},
		{"odd id", Pin{Ref: Ref{Provider: "tud", Kind: shared.PublicCourse, ID: "WI/1&2=3 #x"}, Name: "Ąę & co"}, today.Monday()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := url.ParseQuery(tc.pin.Query(tc.week).Encode())
			if err != nil {
				t.Fatal(err)
			}
			got, week, ok := ParsePin(q, today)
			wantWeek := tc.week
			if wantWeek.IsZero() {
				wantWeek = today.Monday()
			}
			if !ok || got != tc.pin || week != wantWeek {
				t.Errorf("ParsePin = %+v, %s, %v; want %+v, %s", got, week, ok, tc.pin, wantWeek)
			}
		})
	}
}

func TestParsePin(t *testing.T) {
	today := shared.Date{Year: 2026, Month: 12, Day: 2}
	for _, tc := range []struct {
		query    string
		ok       bool
		name     string
		week     shared.Date
		building string
	}{
		{"u=uw&type=room&id=7&week=2026-12-10", true, "7", shared.Date{Year: 2026, Month: 12, Day: 7}, ""},
		{"u=uw&type=room&id=7&week=soon&name=Aula&building_name=Main", true, "Aula", today.Monday(), "Main"},
		{"u=uw&type=building&id=7", false, "", shared.Date{}, ""},
		{"u=uw&type=room", false, "", shared.Date{}, ""},
		{"type=room&id=7", false, "", shared.Date{}, ""},
		{"u=uw&type=room&id=" + strings.Repeat("x", shared.MaxPublicQueryLen+1), false, "", shared.Date{}, ""},
		{"u=uw&type=room&id=7&name=" + strings.Repeat("n", 300), true, strings.Repeat("n", 200), today.Monday(), ""},
	} {
		q, _ := url.ParseQuery(tc.query)
		p, week, ok := ParsePin(q, today)
		if ok != tc.ok {
			t.Errorf("%q: ok %v, want %v", tc.query, ok, tc.ok)
			continue
		}
		if ok && (p.Name != tc.name || week != tc.week || p.Building != tc.building) {
			t.Errorf("%q: %+v week %s", tc.query, p, week)
		}
	}
}

func TestParseSearch(t *testing.T) {
	for _, tc := range []struct {
		query string
		want  Search
	}{
		{"", Search{Kind: shared.PublicRoom}},
		{"u=uw&type=lecturer&q=+Nowak+", Search{Provider: "uw", Kind: shared.PublicLecturer, Query: "Nowak"}},
		{"u=uw&type=desk&q=1", Search{Provider: "uw", Kind: shared.PublicRoom, Query: "1"}},
		{"u=uw&type=course&q=a%0Ab", Search{Provider: "uw", Kind: shared.PublicCourse, Query: "a b"}},
	} {
		q, _ := url.ParseQuery(tc.query)
		if got := ParseSearch(q); got != tc.want {
			t.Errorf("%q: %+v, want %+v", tc.query, got, tc.want)
		}
		if tc.want.Provider != "" {
			if got := ParseSearch(tc.want.Values()); got != tc.want {
				t.Errorf("round trip of %+v: %+v", tc.want, got)
			}
		}
	}
}

func TestCleanQuery(t *testing.T) {
	long := strings.Repeat("ż", shared.MaxPublicQueryLen) // 2 bytes each
	for _, tc := range []struct{ in, want string }{
		{"  room 12 ", "room 12"},
		{"a\tb\x7f", "a b"},
		{long, strings.Repeat("ż", shared.MaxPublicQueryLen/2)},
		{strings.Repeat("a", shared.MaxPublicQueryLen-1) + "ż", strings.Repeat("a", shared.MaxPublicQueryLen-1)},
	} {
		if got := CleanQuery(tc.in); got != tc.want {
			t.Errorf("CleanQuery(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if len(CleanQuery(tc.in)) > shared.MaxPublicQueryLen {
			t.Errorf("CleanQuery(%q) too long", tc.in)
		}
	}
}

func TestParseBuilding(t *testing.T) {
	for _, tc := range []struct {
		query string
		ok    bool
		name  string
		span  time.Duration
	}{
		{"u=uw&building=B1&name=Main", true, "Main", DefaultSpan},
		{"u=uw&building=B1&for=60", true, "B1", time.Hour},
		{"u=uw&building=B1&for=61", true, "B1", DefaultSpan},
		{"u=uw&building=B1&for=-30", true, "B1", DefaultSpan},
		{"u=uw&for=60", false, "", 0},
		{"building=B1", false, "", 0},
	} {
		q, _ := url.ParseQuery(tc.query)
		b, span, ok := ParseBuilding(q)
		if ok != tc.ok || (ok && (b.Name != tc.name || span != tc.span)) {
			t.Errorf("%q: %+v %v %v", tc.query, b, span, ok)
		}
	}
	for _, span := range Spans {
		b := Building{Provider: "uw", ID: "B 1", Name: "Main"}
		got, gotSpan, ok := ParseBuilding(b.Query(span))
		if !ok || got != b || gotSpan != span {
			t.Errorf("round trip of %v: %+v %v", span, got, gotSpan)
		}
	}
}
