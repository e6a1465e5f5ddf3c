package changes

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// occ is a test occurrence: a named class at a time.
type occ struct {
	name       string
	start, end time.Time
	room       string
}

var day0 = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC) // a Monday

func hour(day, h int) time.Time { return day0.AddDate(0, 0, day).Add(time.Duration(h) * time.Hour) }

// generated is one class a day at 10:00, Monday to Friday, in room "R<day>".
func generated(day int) []occ {
	if day < 0 || day > 4 {
		return nil
	}
	return []occ{{name: "c" + string(rune('0'+day)), start: hour(day, 10), end: hour(day, 11), room: "R" + string(rune('0'+day))}}
}

// reply returns the occurrences of days [from, to) with s's edits made.
func reply(s *Store, from, to int) string {
	var gen []occ
	for d := from; d < to; d++ {
		gen = append(gen, generated(d)...)
	}
	out := Apply(s, "st", gen, Occurrences[occ]{
		Start: func(o occ) time.Time { return o.start },
		Change: func(o occ, e Edit) occ {
			if !e.To.IsZero() {
				o.start, o.end = e.To, e.To.Add(o.end.Sub(o.start))
			}
			if e.Room != "" {
				o.room = e.Room
			}
			return o
		},
		On: func(at time.Time) []occ { return generated(int(at.Sub(day0).Hours()) / 24) },
		In: func(o occ) bool { return !o.start.Before(hour(from, 0)) && o.start.Before(hour(to, 0)) },
	})
	slices.SortFunc(out, func(a, b occ) int { return a.start.Compare(b.start) })
	var parts []string
	for _, o := range out {
		parts = append(parts, o.name+"@"+o.start.Format("Mon15")+"/"+o.room)
	}
	return strings.Join(parts, " ")
}

func TestApply(t *testing.T) {
	var s Store
	if got := reply(&s, 0, 5); got != "c0@Mon10/R0 c1@Tue10/R1 c2@Wed10/R2 c3@Thu10/R3 c4@Fri10/R4" {
		t.Fatalf("without edits: %s", got)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Edit("st", Edit{At: hour(0, 10), To: hour(0, 12)}))   // Monday two hours later
	must(s.Edit("st", Edit{At: hour(1, 10), Room: "3180"}))      // Tuesday's room
	must(s.Edit("st", Edit{At: hour(2, 10), Cancel: true}))      // Wednesday's gone
	must(s.Edit("st", Edit{At: hour(3, 10), To: hour(4, 8)}))    // Thursday's to Friday 08:00
	must(s.Edit("st", Edit{At: hour(4, 10), To: hour(7, 10)}))   // Friday's to next Monday
	must(s.Edit("st", Edit{At: hour(1, 10), To: hour(1, 14)}))   // and Tuesday's later too: merged
	must(s.Edit("other", Edit{At: hour(0, 10), Cancel: true}))   // another student's edit
	must(s.Edit("st", Edit{At: hour(20, 10), To: hour(21, 10)})) // nothing starts then: no effect
	for _, tt := range []struct {
		from, to int
		want     string
	}{
		{0, 5, "c0@Mon12/R0 c1@Tue14/3180 c3@Fri08/R3"},
		{0, 1, "c0@Mon12/R0"},
		{2, 3, ""},
		{3, 4, ""},            // Thursday's class left
		{4, 5, "c3@Fri08/R3"}, // and came in from outside the reply
		{7, 8, "c4@Mon10/R4"}, // next week's Monday got Friday's
		{5, 12, "c4@Mon10/R4"},
	} {
		if got := reply(&s, tt.from, tt.to); got != tt.want {
			t.Errorf("days %d-%d: %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}

	s.EmptyOnce("st")
	if got := reply(&s, 0, 5); got != "" {
		t.Errorf("empty once: %q", got)
	}
	if got := reply(&s, 0, 1); got != "c0@Mon12/R0" {
		t.Errorf("after the empty reply: %q", got)
	}
	s.Undo("st", hour(0, 10))
	if got := reply(&s, 0, 1); got != "c0@Mon10/R0" {
		t.Errorf("after undo: %q", got)
	}
	s.Reset("st")
	if got := reply(&s, 0, 5); got != "c0@Mon10/R0 c1@Tue10/R1 c2@Wed10/R2 c3@Thu10/R3 c4@Fri10/R4" {
		t.Errorf("after reset: %s", got)
	}
	if len(s.Edits("other")) != 1 {
		t.Error("reset touched another student")
	}
}

func TestEditLimits(t *testing.T) {
	var s Store
	if err := s.Edit("st", Edit{At: hour(0, 10)}); err != ErrNoChange {
		t.Errorf("an edit without a change: %v", err)
	}
	if err := s.Edit("st", Edit{Cancel: true}); err != ErrNoChange {
		t.Errorf("an edit without At: %v", err)
	}
	for i := range MaxEdits {
		if err := s.Edit("st", Edit{At: hour(0, i), Cancel: true}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Edit("st", Edit{At: hour(0, MaxEdits), Cancel: true}); err != ErrTooMany {
		t.Errorf("edit %d: %v", MaxEdits+1, err)
	}
	if err := s.Edit("st", Edit{At: hour(0, 0), Room: "x"}); err != nil {
		t.Errorf("merging into an existing edit at the limit: %v", err)
	}
}

func TestPage(t *testing.T) {
	var s Store
	now := hour(0, 9) // Monday 09:00 UTC
	h := s.Page(PageConfig{Institution: "Test U", System: "Test", Zone: time.UTC, Now: func() time.Time { return now },
		List: func(student string, from, to time.Time) []Listing {
			var out []Listing
			for d := 0; d < 7; d++ {
				for _, o := range generated(d) {
					if !o.start.Before(from) && o.start.Before(to) {
						out = append(out, Listing{Start: o.start, End: o.end, Title: o.name, Room: o.room})
					}
				}
			}
			return out
		}})
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	get := func(q string) (int, string) {
		t.Helper()
		r, err := c.Get(srv.URL + "/changes" + q)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		var b strings.Builder
		_, _ = io.Copy(&b, r.Body)
		return r.StatusCode, b.String()
	}
	post := func(form url.Values, origin string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("POST", srv.URL+"/changes", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		r, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		return r
	}

	code, body := get("")
	if code != 200 || !strings.Contains(body, "Mon 2 Mar 10:00-11:00</strong> c0, room R0") || !strings.Contains(body, "Anna") {
		t.Fatalf("GET: %d\n%s", code, body)
	}
	at := hour(1, 10).Format(time.RFC3339)
	r := post(url.Values{"student": {"123456"}, "action": {"nextday"}, "at": {at}}, srv.URL)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/changes?student=123456" {
		t.Fatalf("POST: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	post(url.Values{"student": {"123456"}, "action": {"room"}, "at": {at}, "room": {" 2180 "}}, "")
	post(url.Values{"student": {"123456"}, "action": {"empty"}}, "")
	if e := s.Edits("123456"); len(e) != 1 || !e[0].To.Equal(hour(2, 10)) || e[0].Room != "2180" || !s.EmptyPending("123456") {
		t.Fatalf("edits %+v, empty pending %v", e, s.EmptyPending("123456"))
	}
	_, body = get("?student=123456")
	for _, want := range []string{"moved to Wed 4 Mar 10:00", "room 2180", "The next answer will be empty."} {
		if !strings.Contains(body, want) {
			t.Errorf("the page does not say %q", want)
		}
	}

	for _, bad := range []struct {
		form   url.Values
		origin string
		status int
	}{
		{url.Values{"student": {"123456"}, "action": {"cancel"}, "at": {at}}, "http://evil.example", http.StatusForbidden},
		{url.Values{"student": {"999"}, "action": {"cancel"}, "at": {at}}, "", http.StatusBadRequest},
		{url.Values{"student": {"123456"}, "action": {"cancel"}, "at": {"tomorrow"}}, "", http.StatusBadRequest},
		{url.Values{"student": {"123456"}, "action": {"explode"}}, "", http.StatusBadRequest},
		{url.Values{"student": {"123456"}, "action": {"room"}, "at": {at}, "room": {""}}, "", http.StatusBadRequest},
	} {
		if r := post(bad.form, bad.origin); r.StatusCode != bad.status {
			t.Errorf("POST %v from %q: %d, want %d", bad.form, bad.origin, r.StatusCode, bad.status)
		}
	}
	if e := s.Edits("123456"); len(e) != 1 || e[0].Cancel {
		t.Errorf("a refused POST changed something: %+v", e)
	}
	if code, _ := get("?student=999"); code != http.StatusNotFound {
		t.Errorf("unknown student: %d", code)
	}
	post(url.Values{"student": {"123456"}, "action": {"reset"}}, "")
	if len(s.Edits("123456")) != 0 || s.EmptyPending("123456") {
		t.Error("reset kept something")
	}
}
